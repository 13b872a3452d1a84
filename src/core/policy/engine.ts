import { describeId, formatJsonPath, resourceIdOf as resourceIdOfObj, locatePath, resourceKey, type JsonPath, type KubeObject, type ManifestDocument, type ManifestFile, type Range } from '../manifest';
import { locateRange } from '../manifest/paths';
import { emptyConfig, ignoredByConfig, severityOf, type LintConfig } from './config';
import { deprecationOf } from './deprecations';
import { ignoreDirectiveFix, setValueFix } from './fixes';
import { cachedExists, checkArgoApplication, checkFluxKustomization, checkKustomization, type GitOpsContext } from './gitops/checks';
import { directiveSilences, ignoredByAnnotations, parseDirectives, type IgnoreDirective } from './ignore';
import { documentValueOf } from '../manifest/parse';
import { RepoIndex } from './repo-index';
import { dig } from './rules/podspec';
import { checkObjects } from './rules/objects';
import { withoutSopsMetadata } from '../sops';
import { checkPodSecurity, type PodSecurityOptions } from './rules/pod-security';
import { pssMinor } from './rules/pss/evaluate';
import { checkWorkload } from './rules/workload';
import { builtinSchemas, DEFAULT_K8S_VERSION, pickVersion } from './schema/bundle';
import { crdSchemaSource } from './schema/crd';
import type { SchemaSource } from './schema/types';
import { SchemaValidator } from './schema/validator';
import type { Finding, Preset, RawFinding, RuleSetting, Severity } from './types';
import { PolicyEngine } from './vap/engine';
import type { PolicyInput } from './vap/types';

export interface LintOptions {
  /** Repo root: relative paths in GitOps objects resolve against it. */
  root?: string;
  preset?: Preset;
  /** Target Kubernetes version for schemas and deprecated-api, e.g. `1.34`. */
  k8sVersion?: string;
  /** Rule settings that win over the repo config (CLI flags, editor settings). */
  rules?: Record<string, RuleSetting>;
  config?: LintConfig;
  /** Remote URLs of this repo (Argo CD `repoURL`s that mean "this repo"). */
  repoURLs?: string[];
  /** Schemas asked before the workspace CRDs and the built-ins (the cluster layer's live OpenAPI). */
  schemaSources?: SchemaSource[];
  /** Compute quick-fix edits (the editor wants them; CI does not). Default true. */
  fixes?: boolean;
  exists?: (absPath: string) => boolean;
}

export interface LintFileOptions {
  /** The object at the base Git revision, for admission policies' `oldObject`. */
  oldObject?: (doc: ManifestDocument) => KubeObject | undefined;
  /** Kinds already reported as having no schema (shared across files of one run). */
  unknownKinds?: Set<string>;
}

const SEV_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * The lint engine. Holds what is expensive to rebuild — compiled schemas, compiled
 * policies, the repo index — so linting one edited file only does that file's work.
 */
export class Linter {
  readonly index = new RepoIndex();
  private readonly validator: SchemaValidator;
  private readonly policies = new PolicyEngine();
  private readonly preset: Preset;
  /** The repo's lint configuration (gitops-lens.yaml `lint:`), as given. */
  readonly config: LintConfig;
  private readonly k8sVersion: string;
  private readonly podSecurity: PodSecurityOptions;
  private readonly builtin?: SchemaSource;
  private sourcesVersion = -1;
  private gitops?: { version: number; ctx: GitOpsContext };
  private readonly exists: (p: string) => boolean;
  readonly problems: string[] = [];

  constructor(private readonly options: LintOptions = {}) {
    this.config = options.config ?? emptyConfig();
    this.preset = options.preset ?? this.config.preset ?? 'default';
    this.k8sVersion = (options.k8sVersion ?? this.config.kubernetesVersion ?? DEFAULT_K8S_VERSION).replace(/^v/, '');
    this.podSecurity = { preset: this.preset, minor: pssMinor(this.k8sVersion) };
    const shipped = pickVersion(this.k8sVersion);
    this.builtin = shipped ? builtinSchemas(shipped) : undefined;
    if (!this.builtin) this.problems.push('no built-in Kubernetes schemas found (schemas/k8s-*.json.gz); schema validation covers CRDs only');
    else if (shipped !== this.k8sVersion.split('.').slice(0, 2).join('.')) this.problems.push(`no schemas ship for Kubernetes ${this.k8sVersion}; validating against ${shipped}`);
    this.validator = new SchemaValidator([]);
    this.exists = options.exists ?? cachedExists();
  }

  /** Severity of a rule after preset, repo config and overrides; `off` when disabled. */
  severity(ruleId: string): RuleSetting {
    if (ruleId.startsWith('policy.')) return this.options.rules?.[ruleId] ?? this.config.rules[ruleId] ?? 'error';
    return severityOf(ruleId, this.preset, this.config, this.options.rules);
  }

  /** Tell the engine a file's current content; returns true when repo-wide facts changed (re-lint others). */
  updateFile(file: ManifestFile): boolean { return this.index.update(file); }
  removeFile(path: string): boolean { return this.index.remove(path); }

  /** Replaces the extra schema sources (e.g. a connected cluster's CRDs); the next lint uses them. */
  setSchemaSources(sources: SchemaSource[]): void {
    this.options.schemaSources = sources;
    this.sourcesVersion = -1;
  }

  private refresh(): void {
    if (this.sourcesVersion === this.index.version) return;
    const crds = this.index.crds();
    this.validator.setSources([...(this.options.schemaSources ?? []), crdSchemaSource('workspace-crds', crds), ...(this.builtin ? [this.builtin] : [])]);
    this.policies.load(this.index.policyObjects(), crds, this.index.paramCandidates(), this.config.unboundPolicySeverity ?? 'error');
    this.sourcesVersion = this.index.version;
  }

  private gitopsContext(): GitOpsContext {
    if (!this.gitops || this.gitops.version !== this.index.version) {
      this.gitops = { version: this.index.version, ctx: { root: this.options.root ?? process.cwd(), repoURLs: [...(this.options.repoURLs ?? []), ...this.config.repoURLs], fluxSources: this.index.fluxSources(), exists: this.exists } };
    }
    return this.gitops.ctx;
  }

  /** All findings of one file, in order of position. */
  lintFile(file: ManifestFile, opts: LintFileOptions = {}): Finding[] {
    // Only Kubernetes YAML is judged: another tool's file (a Taskfile, mkdocs.yml, an Ansible
    // inventory) is none of lint's business, its syntax and custom tags included.
    if (!isKubernetesFile(file)) return [];
    this.refresh();
    const out: Finding[] = [];
    const directives = parseDirectives(file);
    const unknownKinds = opts.unknownKinds ?? new Set<string>();
    for (const p of file.problems) this.push(out, { ruleId: 'yaml', severity: p.severity, message: p.message, file: file.file, range: p.range }, directives);
    const seenIds = new Map<string, number>();
    for (const f of this.index.failuresIn(file.file)) {
      const doc = file.documents[f.docIndex];
      if (doc) this.emit(out, internalError(f.rule, f.error), file, doc, directives, undefined);
    }
    for (const doc of file.documents) {
      // An application tag (`!env_var`, `!!python/name:`) means something to the tool that reads it, not to Kubernetes.
      for (const p of doc.problems) if (doc.kind === 'resource' || p.code !== 'yaml-TAG_RESOLVE_FAILED') this.push(out, { ruleId: 'yaml', severity: p.severity, message: p.message, file: file.file, range: p.range }, directives);
      if (file.role === 'kustomization' && doc.kind === 'non-kubernetes') {
        const k = documentValueOf(file, doc.index);
        if (k && typeof k === 'object') for (const r of guarded('kustomization', () => checkKustomization(k as Record<string, unknown>, file.file, this.gitopsContext()))) this.emit(out, r, file, doc, directives, undefined);
        continue;
      }
      if (doc.kind !== 'resource' || !doc.object || !doc.id) continue;
      const key = resourceKey(doc.id);
      const first = seenIds.get(key);
      if (first !== undefined && doc.id.name) this.emit(out, { ruleId: 'duplicate-resource', path: ['metadata', 'name'], message: `${describeId(doc.id)} is defined twice in this file (first in document ${first + 1}); rename or remove one` }, file, doc, directives, undefined);
      else seenIds.set(key, doc.index);
      this.lintObject(out, doc.object, file, doc, directives, unknownKinds, opts.oldObject?.(doc));
    }
    for (const p of this.policies.problemsIn(file.file)) {
      const doc = file.documents[p.docIndex];
      if (doc) this.emit(out, { ruleId: 'policy-error', path: p.path, message: p.message, range: p.offset === undefined ? undefined : expressionRange(file, p.docIndex, p.path, p.offset) }, file, doc, directives, undefined, p.severity);
    }
    return sortFindings(out);
  }

  /** Findings of one object; `file`/`doc` give positions (the object may be a rendered variant of the document). */
  lintObject(out: Finding[], obj: KubeObject, file: ManifestFile, doc: ManifestDocument, directives: IgnoreDirective[], unknownKinds: Set<string>, oldObject?: KubeObject, rendered?: Finding['rendered']): void {
    this.refresh();
    const ignored = ignoredByAnnotations(obj);
    const raw: RawFinding[] = [];
    // Each rule runs on its own: one that throws on this object is reported as a finding here and the others still run.
    raw.push(...guarded('schema', () => {
      const found: RawFinding[] = [];
      // SOPS keeps its metadata in the encrypted file itself; it is removed before anything is applied.
      const schema = this.validator.validate(withoutSopsMetadata(obj));
      const gvk = `${obj.apiVersion}/${obj.kind}`;
      if (!schema.known && !unknownKinds.has(gvk)) {
        unknownKinds.add(gvk);
        found.push({ ruleId: 'unknown-schema', path: ['kind'], message: `no schema is known for ${obj.kind} (${obj.apiVersion}); it is not validated. Add its CustomResourceDefinition to the repo or connect a cluster` });
      }
      for (const e of schema.errors) found.push({ ruleId: 'schema', path: e.path, message: e.message });
      return found;
    }));
    let dep: ReturnType<typeof deprecationOf>;
    try { dep = deprecationOf(obj.apiVersion, obj.kind, this.k8sVersion); } catch (e) { raw.push(internalError('deprecated-api', e)); }
    if (dep) {
      const repl = dep.d.replacement ? `; use ${dep.d.replacement}` : '';
      raw.push({ ruleId: 'deprecated-api', path: ['apiVersion'], message: dep.removed ? `${obj.apiVersion} ${obj.kind} was removed in Kubernetes ${dep.d.removedIn}${repl}` : `${obj.apiVersion} ${obj.kind} is deprecated since Kubernetes ${dep.d.deprecatedIn}${repl}` });
    }
    raw.push(...guarded('pod-security', () => checkPodSecurity(obj, this.podSecurity)), ...guarded('workload', () => checkWorkload(obj, { imageRegistries: this.config.imageRegistries })), ...guarded('objects', () => checkObjects(obj)));
    const g = this.gitopsContext();
    raw.push(...guarded('argo-application', () => checkArgoApplication(obj, g)), ...guarded('flux-kustomization', () => checkFluxKustomization(obj, g)));
    for (const r of raw) {
      if (ignored?.has(r.ruleId)) continue;
      this.emit(out, r, file, doc, directives, obj, dep && !dep.removed && r.ruleId === 'deprecated-api' ? 'warning' : undefined, rendered);
    }
    if (this.policies.size > 0) {
      const input: PolicyInput = { object: obj, oldObject, namespaceObject: this.namespaceOf(obj) };
      let violations: ReturnType<PolicyEngine['evaluate']>;
      try { violations = this.policies.evaluate(input); } catch (e) { this.emit(out, internalError('policies', e), file, doc, directives, obj, undefined, rendered); violations = []; }
      for (const v of violations) {
        const ruleId = v.error ? 'policy-error' : `policy.${v.policy}`;
        if (ignored?.has(ruleId) || ignored?.has('policy')) continue;
        this.emit(out, { ruleId, path: v.path, message: v.message }, file, doc, directives, obj, v.severity, rendered);
      }
    }
  }

  private namespaceOf(obj: KubeObject): KubeObject | undefined {
    const ns = obj.metadata?.namespace;
    return ns ? this.index.namespaces().find((n) => n.metadata?.name === ns) : undefined;
  }

  /** Reports a finding with its position, severity, ignores and fixes applied. */
  emit(out: Finding[], r: RawFinding, file: ManifestFile, doc: ManifestDocument, directives: IgnoreDirective[], obj: KubeObject | undefined, severityCap?: Severity, rendered?: Finding['rendered']): void {
    let sev = this.severity(r.ruleId);
    if (sev === 'off') return;
    const cap = r.maxSeverity ?? severityCap;
    if (cap && SEV_RANK[cap] > SEV_RANK[sev]) sev = cap;
    if (ignoredByConfig(this.config, doc.id, r.ruleId)) return;
    const loc = locateRange(file, doc.index, r.path);
    // Rendered objects may differ from their origin document: only an exact field is trusted there.
    const range: Range = r.range ?? (loc && (loc.exact || !rendered || rendered.via === 'file') ? loc.range : doc.range);
    if (directives.length && (directiveSilences(directives, r.ruleId, range.start.line) || (r.ruleId.startsWith('policy.') && directiveSilences(directives, 'policy', range.start.line)))) return;
    const f: Finding = { ruleId: r.ruleId, severity: sev, message: r.message, file: file.file, range, jsonPath: formatJsonPath(r.path) || undefined };
    if (doc.id) f.resource = doc.id;
    if (rendered) { f.rendered = rendered; if (obj) f.resource = resourceIdOfObj(obj); }
    if (this.options.fixes !== false && obj && (!rendered || rendered.via === 'file' || loc?.exact)) {
      const fixes = [];
      if (r.set) { const fx = setValueFix(file, doc.index, r.set.path, r.set.value, r.set.title); if (fx) fixes.push(fx); }
      fixes.push(ignoreDirectiveFix(file, range, r.ruleId));
      f.fixes = fixes;
    }
    out.push(f);
  }

  private push(out: Finding[], f: Finding, directives: IgnoreDirective[]): void {
    const sev = this.severity(f.ruleId);
    if (sev === 'off' || directiveSilences(directives, f.ruleId, f.range.start.line)) return;
    out.push(f);
  }
}

/** A rule that threw on this object, as a finding on it: lint goes on with the other rules and documents. */
function internalError(rule: string, e: unknown): RawFinding {
  return { ruleId: 'internal-error', path: [], message: `internal error in rule ${rule}: ${errorText(e)}; the other rules still ran. Please report it with this document` };
}

function errorText(e: unknown): string { return e instanceof Error ? e.message.split('\n')[0] : String(e); }

function guarded(rule: string, run: () => RawFinding[]): RawFinding[] {
  try { return run(); } catch (e) { return [internalError(rule, e)]; }
}

/** A file whose lint failed as a whole, as one finding at its start. */
export function internalErrorFinding(file: string, what: string, e: unknown): Finding {
  return { ruleId: 'internal-error', severity: 'error', message: `internal error in ${what}: ${errorText(e)}; the rest of the repository was linted. Please report it with this file`, file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

/** Kubernetes YAML (or a kustomization): a document with apiVersion and kind, or text that looks like one but does not parse. */
export function isKubernetesFile(file: ManifestFile): boolean {
  if (file.role === 'kustomization') return true;
  if (file.documents.some((d) => d.kind === 'resource')) return true;
  return /^apiVersion:[ \t]*\S/m.test(file.text) && /^kind:[ \t]*\S/m.test(file.text) && (file.problems.length > 0 || file.documents.some((d) => d.kind === 'invalid'));
}

export function sortFindings(fs: Finding[]): Finding[] {
  return fs.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId));
}

/** Findings at or above a severity. */
export function atLeast(fs: Finding[], sev: Severity): Finding[] { return fs.filter((f) => SEV_RANK[f.severity] <= SEV_RANK[sev]); }

/** The position of `offset` inside a CEL expression written as a YAML scalar (plain, quoted or block). */
function expressionRange(file: ManifestFile, docIndex: number, path: JsonPath, offset: number): Range | undefined {
  const loc = locatePath(file, docIndex, path);
  if (!loc?.exact || !loc.valueRange || !loc.valueOffsets) return undefined;
  const expr = dig(documentValueOf(file, docIndex), path);
  if (typeof expr !== 'string') return undefined;
  const before = expr.slice(0, offset);
  const k = before.split('\n').length - 1;
  const col = before.length - (before.lastIndexOf('\n') + 1);
  const src = file.text.slice(loc.valueOffsets[0], loc.valueOffsets[1]);
  if (src.startsWith('|') || src.startsWith('>')) {
    const line = loc.valueRange.start.line + 1 + k;
    const lineText = file.text.split('\n', line + 1)[line] ?? '';
    const indent = lineText.length - lineText.trimStart().length;
    return { start: { line, character: indent + col }, end: { line, character: indent + col + 1 } };
  }
  if (k > 0) return undefined;
  const q = src.startsWith('"') || src.startsWith("'") ? 1 : 0;
  const ch = loc.valueRange.start.character + q + col;
  return { start: { line: loc.valueRange.start.line, character: ch }, end: { line: loc.valueRange.start.line, character: ch + 1 } };
}
