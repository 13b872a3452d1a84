import type { Environment } from '@marcbachmann/cel-js';
import { isNamespacedKind, splitApiVersion, type JsonPath, type KubeObject } from '../../manifest';
import { celToString, kubernetesCelEnvironment, toCel } from '../cel/library';
import { asArr, isObj, type Obj } from '../rules/podspec';
import { selectorMatches } from '../rules/workload';
import type { CrdInfo } from '../schema/crd';
import type { Severity } from '../types';
import { pluralOf } from './plurals';
import type { PolicyInput, PolicyProblem, PolicyViolation } from './types';

type Program = (ctx: Record<string, unknown>) => unknown;
interface Compiled { expr: string; run?: Program; path: JsonPath }
interface Validation { check: Compiled; message?: string; messageExpression?: Compiled; reason?: string }
interface Policy {
  name: string; file: string; docIndex: number;
  constraints: Obj; paramKind?: { apiVersion: string; kind: string };
  conditions: (Compiled & { name: string })[];
  variables: (Compiled & { name: string })[];
  validations: Validation[];
  failurePolicy: string;
  offlineOnly: boolean;
}
interface Binding { name: string; policy: string; actions: string[]; paramRef?: Obj; matchResources?: Obj }

const ACTION: Record<string, Severity> = { Deny: 'error', Warn: 'warning', Audit: 'info' };

/**
 * ValidatingAdmissionPolicies of the repo, compiled once, evaluated against each object
 * offline: matching, params, matchConditions, variables, validations, messages.
 */
export class PolicyEngine {
  private env: Environment = kubernetesCelEnvironment();
  private policies: Policy[] = [];
  private bindings = new Map<string, Binding[]>();
  private problems: PolicyProblem[] = [];
  private plurals = new Map<string, string>();
  private params: KubeObject[] = [];
  private unboundSeverity: Severity = 'error';

  get size(): number { return this.policies.length; }

  load(objects: { object: KubeObject; file: string; docIndex: number }[], crds: CrdInfo[], params: KubeObject[], unboundSeverity: Severity): void {
    this.policies = []; this.bindings = new Map(); this.problems = [];
    this.plurals = new Map(crds.map((c) => [`${c.group}/${c.kind}`, c.plural]));
    this.params = params;
    this.unboundSeverity = unboundSeverity;
    for (const { object, file, docIndex } of objects) {
      const spec: Obj = isObj(object.spec) ? object.spec : {};
      const name = object.metadata?.name ?? '';
      if (object.kind === 'ValidatingAdmissionPolicyBinding') {
        const b: Binding = { name, policy: String(spec.policyName ?? ''), actions: asArr(spec.validationActions).map(String), paramRef: isObj(spec.paramRef) ? spec.paramRef : undefined, matchResources: isObj(spec.matchResources) ? spec.matchResources : undefined };
        this.bindings.set(b.policy, [...(this.bindings.get(b.policy) ?? []), b]);
        continue;
      }
      const compile = (expr: unknown, path: JsonPath): Compiled => {
        const c: Compiled = { expr: String(expr ?? ''), path };
        if (/\bauthorizer\b/.test(c.expr)) {
          this.problems.push({ file, docIndex, path, policy: name, severity: 'info', message: `policy ${name}: this expression uses authorizer, which needs the API server's authorization and cannot be evaluated offline; it is skipped` });
          return c;
        }
        try { c.run = this.env.parse(c.expr) as unknown as Program; }
        catch (e) { this.problems.push({ file, docIndex, path, policy: name, severity: 'error', message: `policy ${name}: CEL does not compile: ${(e as Error).message.split('\n')[0]}`, offset: (e as { range?: { start: number } }).range?.start }); }
        return c;
      };
      const pk = isObj(spec.paramKind) ? spec.paramKind : undefined;
      const policy: Policy = {
        name, file, docIndex,
        constraints: isObj(spec.matchConstraints) ? spec.matchConstraints : {},
        paramKind: pk ? { apiVersion: String(pk.apiVersion ?? ''), kind: String(pk.kind ?? '') } : undefined,
        conditions: asArr(spec.matchConditions).map((c, i) => ({ ...compile(isObj(c) ? c.expression : '', ['spec', 'matchConditions', i, 'expression']), name: String(isObj(c) ? c.name : i) })),
        variables: asArr(spec.variables).map((v, i) => ({ ...compile(isObj(v) ? v.expression : '', ['spec', 'variables', i, 'expression']), name: String(isObj(v) ? v.name : i) })),
        validations: asArr(spec.validations).map((v, i) => {
          const o: Obj = isObj(v) ? v : {};
          return { check: compile(o.expression, ['spec', 'validations', i, 'expression']), message: o.message === undefined ? undefined : String(o.message), messageExpression: o.messageExpression === undefined ? undefined : compile(o.messageExpression, ['spec', 'validations', i, 'messageExpression']), reason: o.reason as string | undefined };
        }),
        failurePolicy: String(spec.failurePolicy ?? 'Fail'),
        offlineOnly: false,
      };
      this.policies.push(policy);
    }
  }

  /** Problems of the policies declared in one file (compile errors, authorizer use). */
  problemsIn(file: string): PolicyProblem[] { return this.problems.filter((p) => p.file === file); }

  evaluate(input: PolicyInput): PolicyViolation[] {
    const out: PolicyViolation[] = [];
    const obj = input.object;
    for (const p of this.policies) {
      if (!this.matches(p.constraints, input)) continue;
      const bindings = this.bindings.get(p.name) ?? [];
      const targets = bindings.length ? bindings : [undefined];
      for (const b of targets) {
        if (b?.matchResources && !this.matches(b.matchResources, input)) continue;
        const severities = b ? b.actions.map((a) => ACTION[a]).filter(Boolean) : [this.unboundSeverity];
        if (severities.length === 0) continue;
        const severity = severities.sort((x, y) => rank(x) - rank(y))[0];
        const paramSets = this.paramsFor(p, b, obj, out, severity);
        for (const params of paramSets) this.run(p, b, input, params, severity, out);
      }
    }
    return out;
  }

  private run(p: Policy, b: Binding | undefined, input: PolicyInput, params: unknown, severity: Severity, out: PolicyViolation[]): void {
    const isUpdate = !!input.oldObject;
    const { group, version } = splitApiVersion(input.object.apiVersion);
    const ctx: Record<string, unknown> = {
      object: toCel(input.object), oldObject: input.oldObject ? toCel(input.oldObject) : null, params: params ?? null,
      namespaceObject: input.namespaceObject ? toCel(input.namespaceObject) : null,
      request: toCel({ operation: isUpdate ? 'UPDATE' : 'CREATE', kind: { group, version, kind: input.object.kind }, resource: { group, version, resource: pluralOf(group, input.object.kind, this.plurals) }, name: input.object.metadata?.name ?? '', namespace: input.object.metadata?.namespace ?? '', userInfo: { username: 'gitops-lens', groups: [] }, dryRun: true }),
    };
    const vars: Record<string, unknown> = {};
    ctx.variables = vars;
    const errorOut = (c: Compiled, e: unknown) => {
      if (p.failurePolicy === 'Ignore') return;
      out.push({ policy: p.name, binding: b?.name, severity, error: true, path: guessPath(c.expr), message: `policy ${p.name}: ${c.path.join('.')} failed to evaluate: ${(e as Error).message.split('\n')[0]}` });
    };
    for (const c of p.conditions) {
      if (!c.run) return;
      try { if (c.run(ctx) !== true) return; } catch (e) { errorOut(c, e); return; }
    }
    for (const v of p.variables) {
      if (!v.run) continue;
      try { vars[v.name] = v.run(ctx); } catch { /* reported when a validation reads it */ }
    }
    for (const v of p.validations) {
      if (!v.check.run) continue;
      let ok: unknown;
      try { ok = v.check.run(ctx); } catch (e) { errorOut(v.check, e); continue; }
      if (ok === true) continue;
      let message = v.message ?? `failed expression: ${v.check.expr.trim()}`;
      if (v.messageExpression?.run) {
        try { const m = v.messageExpression.run(ctx); if (typeof m === 'string' && m.trim()) message = m; } catch { /* keep the static message, as the API server does */ }
      }
      out.push({ policy: p.name, binding: b?.name, severity, path: guessPath(v.check.expr), message: `${message} (policy ${p.name}${b ? `, binding ${b.name}` : ''})` });
    }
  }

  private paramsFor(p: Policy, b: Binding | undefined, obj: KubeObject, out: PolicyViolation[], severity: Severity): unknown[] {
    if (!p.paramKind) return [null];
    const ref = b?.paramRef;
    if (!ref) return [null];
    const ns = typeof ref.namespace === 'string' ? ref.namespace : obj.metadata?.namespace;
    const cands = this.params.filter((o) => o.apiVersion === p.paramKind!.apiVersion && o.kind === p.paramKind!.kind && (ns === undefined || o.metadata?.namespace === undefined || o.metadata?.namespace === ns));
    const found = typeof ref.name === 'string' ? cands.filter((o) => o.metadata?.name === ref.name) : cands.filter((o) => selectorMatches(ref.selector, o.metadata?.labels));
    if (found.length) return found.map(toCel);
    if (ref.parameterNotFoundAction === 'Allow') return [];
    out.push({ policy: p.name, binding: b?.name, severity, path: ['kind'], message: `policy ${p.name}: no ${p.paramKind.kind} param ${typeof ref.name === 'string' ? `"${ref.name}" ` : ''}found in the repo for binding ${b?.name}; the API server would deny the request (parameterNotFoundAction: Deny)` });
    return [];
  }

  private matches(m: Obj, input: PolicyInput): boolean {
    const obj = input.object;
    const { group, version } = splitApiVersion(obj.apiVersion);
    const plural = pluralOf(group, obj.kind, this.plurals);
    const op = input.oldObject ? 'UPDATE' : 'CREATE';
    const namespaced = isNamespacedKind(group, obj.kind) !== false;
    const ruleMatches = (r: unknown) => {
      if (!isObj(r)) return false;
      const has = (list: unknown, v: string) => asArr(list).some((x) => x === '*' || x === v);
      if (!has(r.apiGroups, group) || !has(r.apiVersions, version) || !has(r.resources, plural)) return false;
      if (r.operations !== undefined && !has(r.operations, op)) return false;
      const names = asArr(r.resourceNames);
      if (names.length && !names.includes(obj.metadata?.name)) return false;
      const scope = r.scope ?? '*';
      return scope === '*' || (scope === 'Namespaced') === namespaced;
    };
    if (m.resourceRules !== undefined && !asArr(m.resourceRules).some(ruleMatches)) return false;
    if (asArr(m.excludeResourceRules).some(ruleMatches)) return false;
    if (m.objectSelector !== undefined && !selectorMatches(m.objectSelector, obj.metadata?.labels)) return false;
    if (m.namespaceSelector !== undefined && namespaced && obj.metadata?.namespace) {
      const ns = obj.metadata.namespace;
      const labels = { ...(input.namespaceObject?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': ns };
      if (!selectorMatches(m.namespaceSelector, labels)) return false;
    }
    return true;
  }
}

function rank(s: Severity): number { return s === 'error' ? 0 : s === 'warning' ? 1 : 2; }

/** The first `object.a.b` the expression reads: where a violation is best shown. */
export function guessPath(expr: string): JsonPath {
  const m = /\bobject((?:\s*\.\s*\??[A-Za-z_][\w]*|\[\s*\d+\s*\])+)/.exec(expr);
  if (!m) return ['kind'];
  return [...m[1].matchAll(/\.\s*\??([A-Za-z_]\w*)|\[\s*(\d+)\s*\]/g)].map((x) => (x[2] !== undefined ? Number(x[2]) : x[1]));
}

export { celToString };
