import type { JsonPath, Range, ResourceId } from '../manifest';

export type Severity = 'error' | 'warning' | 'info';
export type RuleSetting = Severity | 'off';
/** `baseline` / `restricted`: the Pod Security Standards level whose failures are errors. */
export type Preset = 'default' | 'baseline' | 'restricted';

/** A text replacement in the finding's file, as an editor applies it. */
export interface TextEdit { range: Range; newText: string }
export interface Fix { title: string; edits: TextEdit[] }

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** What is wrong and what to change. */
  message: string;
  file: string;
  /** Zero-based, of the failing field (its parent key when the field is missing). */
  range: Range;
  /** `spec.template.spec.containers[0].image`; absent for file-level findings. */
  jsonPath?: string;
  resource?: ResourceId;
  fixes?: Fix[];
  /** Set when the finding came from an app's rendered output. */
  rendered?: { appId?: string; via: string };
}

export interface RuleMeta {
  id: string;
  /** Severity under the default preset; `off` = opt-in. */
  severity: RuleSetting;
  /** The lowest Pod Security Standards level that checks this rule: the `baseline` preset raises baseline rules to error, `restricted` raises both. */
  pss?: 'baseline' | 'restricted';
  title: string;
  /** Why it matters and how to fix it (SARIF help text, hover). */
  help: string;
  counterparts?: string;
}

/** What a rule check reports before positions and severities are attached. */
export interface RawFinding {
  ruleId: string;
  path: JsonPath;
  message: string;
  /** A mechanical fix: set `path` (relative to the document) to `value`. */
  set?: { path: JsonPath; value: unknown; title: string };
  /** A position more precise than the field (a CEL syntax error inside an expression). */
  range?: Range;
  /** Never reported above this severity (a restricted-only Pod Security failure under `baseline`). */
  maxSeverity?: Severity;
}
