import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ResourceId } from '../manifest';
import { RULE_BY_ID } from './rules/catalog';
import type { Preset, RuleSetting, Severity } from './types';

/** The `lint:` section of gitops-lens.yaml at the repo root. */
export interface LintConfig {
  preset?: Preset;
  rules: Record<string, RuleSetting>;
  /** Globs (relative to the repo root) of files never linted. */
  skip: string[];
  ignores: ResourceIgnore[];
  kubernetesVersion?: string;
  imageRegistries?: string[];
  /** Severity of a ValidatingAdmissionPolicy that has no binding in the repo. */
  unboundPolicySeverity?: Severity;
  /** Remote URLs under which other files reference this repository (Argo CD repoURL). */
  repoURLs: string[];
}
export interface ResourceIgnore { rules: string[]; kind?: string; name?: string; namespace?: string; reason?: string }
export interface ConfigProblem { message: string }

export const CONFIG_FILE = 'gitops-lens.yaml';

export function emptyConfig(): LintConfig { return { rules: {}, skip: [], ignores: [], repoURLs: [] }; }

export function loadLintConfig(root: string): { config: LintConfig; problems: ConfigProblem[] } {
  const path = join(root, CONFIG_FILE);
  if (!existsSync(path)) return { config: emptyConfig(), problems: [] };
  return parseLintConfig(readFileSync(path, 'utf8'));
}

export function parseLintConfig(text: string): { config: LintConfig; problems: ConfigProblem[] } {
  const config = emptyConfig();
  const problems: ConfigProblem[] = [];
  let doc: unknown;
  try { doc = parse(text); } catch (e) { return { config, problems: [{ message: `${CONFIG_FILE}: ${(e as Error).message}` }] }; }
  const lint = (doc as { lint?: Record<string, unknown> } | null)?.lint;
  if (!lint || typeof lint !== 'object') return { config, problems };
  if (lint.preset === 'default' || lint.preset === 'baseline' || lint.preset === 'restricted') config.preset = lint.preset;
  else if (lint.preset !== undefined) problems.push({ message: `${CONFIG_FILE}: lint.preset must be default, baseline or restricted` });
  for (const [id, v] of Object.entries((lint.rules as Record<string, unknown>) ?? {})) {
    const s = v === true || v === 'on' ? RULE_BY_ID.get(id)?.severity === 'off' ? 'warning' : RULE_BY_ID.get(id)?.severity : v === false ? 'off' : v;
    if (s === 'error' || s === 'warning' || s === 'info' || s === 'off') config.rules[id] = s;
    else problems.push({ message: `${CONFIG_FILE}: lint.rules.${id} must be on, off, error, warning or info` });
  }
  if (Array.isArray(lint.skip)) config.skip = lint.skip.map(String);
  if (Array.isArray(lint.ignore)) {
    for (const it of lint.ignore as Record<string, unknown>[]) {
      const rules = Array.isArray(it?.rules) ? it.rules.map(String) : it?.rule ? [String(it.rule)] : [];
      if (rules.length === 0) { problems.push({ message: `${CONFIG_FILE}: each lint.ignore entry needs rule or rules` }); continue; }
      config.ignores.push({ rules, kind: str(it.kind), name: str(it.name), namespace: str(it.namespace), reason: str(it.reason) });
    }
  }
  config.kubernetesVersion = str(lint.kubernetesVersion);
  if (Array.isArray(lint.imageRegistries)) config.imageRegistries = lint.imageRegistries.map(String);
  const ps = (lint.policies as Record<string, unknown> | undefined)?.severity;
  if (ps === 'error' || ps === 'warning' || ps === 'info') config.unboundPolicySeverity = ps;
  if (Array.isArray(lint.repoURLs)) config.repoURLs = lint.repoURLs.map(String);
  return { config, problems };
}

function str(v: unknown): string | undefined { return v === undefined || v === null ? undefined : String(v); }

export function ignoredByConfig(config: LintConfig, id: ResourceId | undefined, ruleId: string): boolean {
  if (!id) return false;
  for (const ig of config.ignores) {
    if (!ig.rules.includes(ruleId) && !ig.rules.includes('all')) continue;
    if (ig.kind && ig.kind !== id.kind) continue;
    if (ig.name && !globToRegExp(ig.name).test(id.name)) continue;
    if (ig.namespace && ig.namespace !== (id.namespace ?? '')) continue;
    return true;
  }
  return false;
}

const globCache = new Map<string, RegExp>();
/** `**` any path, `*` within one segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  let s = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') { s += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'; i += glob[i + 2] === '/' ? 2 : 1; }
    else if (c === '*') s += '[^/]*';
    else if (c === '?') s += '[^/]';
    else s += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`^${s}$`);
  globCache.set(glob, re);
  return re;
}

/** The effective severity of a rule, or off. */
export function severityOf(ruleId: string, preset: Preset, config: LintConfig, overrides?: Record<string, RuleSetting>): RuleSetting {
  const o = overrides?.[ruleId] ?? config.rules[ruleId];
  if (o) return o;
  const meta = RULE_BY_ID.get(ruleId);
  if (!meta) return 'error';
  if (meta.pss && (preset === 'restricted' || (preset === 'baseline' && meta.pss === 'baseline'))) return 'error';
  return meta.severity;
}
