/**
 * Ignore rules, both formats (semantics.md): Argo CD `ignoreDifferences` (jsonPointers with
 * `~1`, jqPathExpressions, managedFieldsManagers; group/kind globs, exact name/namespace)
 * and Flux-style `{paths: [JSON pointer], target: selector}`. Ignored fields are removed
 * from both sides before comparing, as Argo's normalizer does.
 */
import picomatch from 'picomatch';
import type { IgnoreDifference } from '../apps/types';
import type { JsonPath, KubeObject, ResourceId } from '../manifest';
import { fieldSetOf, pathsOfSet } from './fields';
import { compileJqPaths } from './jq';
import { isPlainObject } from './normalize';
import type { FluxIgnoreRule } from './types';

export interface CompiledIgnore {
  describe: string;
  matches(id: ResourceId, live: KubeObject | undefined, desired: KubeObject | undefined): boolean;
  /** Paths to remove from `obj`; `live` is the raw live object (for managedFields). */
  paths(obj: unknown, live: KubeObject | undefined): JsonPath[];
}

export interface IgnoreProblem { rule: string; message: string }

/** `/metadata/annotations/a~1b` → ['metadata', 'annotations', 'a/b'] (numeric segments stay strings until walked). */
export function parseJsonPointer(p: string): string[] {
  if (p === '' || p === '/') return [];
  return p.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolvePointer(obj: unknown, segs: string[]): JsonPath | undefined {
  const out: JsonPath[number][] = [];
  let node = obj;
  for (const s of segs) {
    if (Array.isArray(node) && /^\d+$/.test(s)) {
      const i = Number(s);
      if (i >= node.length) return undefined;
      out.push(i);
      node = node[i];
    } else if (isPlainObject(node) && s in node) {
      out.push(s);
      node = node[s];
    } else return undefined;
  }
  return out;
}

const glob = (pattern: string | undefined) => (pattern === undefined || pattern === '' ? (v: string) => v === '' : picomatch(pattern));

export function compileArgoIgnore(rule: IgnoreDifference, problems: IgnoreProblem[]): CompiledIgnore {
  const describe = `ignoreDifferences ${rule.group ? rule.group + '/' : ''}${rule.kind}${rule.name ? ' ' + rule.name : ''}`;
  const groupOk = rule.group === undefined ? (g: string) => g === '' : glob(rule.group);
  const kindOk = picomatch(rule.kind || '*');
  const pointers = rule.jsonPointers.map(parseJsonPointer);
  const jqs: ((root: unknown) => JsonPath[])[] = [];
  for (const e of rule.jqPathExpressions) {
    try { jqs.push(compileJqPaths(e)); } catch (err) { problems.push({ rule: describe, message: `jqPathExpression ${JSON.stringify(e)}: ${(err as Error).message}` }); }
  }
  const managers = new Set(rule.managedFieldsManagers);
  return {
    describe,
    matches: (id) => groupOk(id.group) && kindOk(id.kind) && (!rule.name || rule.name === id.name) && (!rule.namespace || rule.namespace === (id.namespace ?? '')),
    paths: (obj, live) => {
      const out: JsonPath[] = [];
      for (const p of pointers) { const r = resolvePointer(obj, p); if (r) out.push(r); }
      for (const jq of jqs) out.push(...jq(obj));
      if (managers.size && live) {
        const set = fieldSetOf(live, (m) => !!m.manager && managers.has(m.manager));
        if (set) out.push(...pathsOfSet(obj, set));
      }
      return out;
    },
  };
}

function matchesSelector(selector: string | undefined, values: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const v = values ?? {};
  return selector.split(',').map((s) => s.trim()).filter(Boolean).every((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term))) return v[m[1]] !== m[2];
    if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term))) return v[m[1]] === m[2];
    if ((m = /^!(\S+)$/.exec(term))) return !(m[1] in v);
    return term in v;
  });
}

/** Flux selectors match name and namespace as anchored regular expressions. */
const regexOk = (pattern: string | undefined) => {
  if (!pattern) return () => true;
  let re: RegExp;
  try { re = new RegExp(`^(?:${pattern})$`); } catch { return (v: string) => v === pattern; }
  return (v: string) => re.test(v);
};

export function compileFluxIgnore(rule: FluxIgnoreRule): CompiledIgnore {
  const t = rule.target ?? {};
  const nameOk = regexOk(t.name);
  const nsOk = regexOk(t.namespace);
  const pointers = rule.paths.map(parseJsonPointer);
  return {
    describe: `ignore ${rule.paths.join(', ')}${t.kind ? ` for ${t.kind}` : ''}`,
    matches: (id, live, desired) => {
      const meta = (live ?? desired)?.metadata;
      return (t.group === undefined || t.group === id.group) && (t.version === undefined || t.version === id.version) &&
        (t.kind === undefined || t.kind === id.kind) && nameOk(id.name) && nsOk(id.namespace ?? '') &&
        matchesSelector(t.labelSelector, meta?.labels) && matchesSelector(t.annotationSelector, meta?.annotations);
    },
    paths: (obj) => pointers.map((p) => resolvePointer(obj, p)).filter((p): p is JsonPath => !!p),
  };
}

export function compileIgnores(argo: IgnoreDifference[], flux: FluxIgnoreRule[] = []): { rules: CompiledIgnore[]; problems: IgnoreProblem[] } {
  const problems: IgnoreProblem[] = [];
  const rules = [...argo.map((r) => compileArgoIgnore(r, problems)), ...flux.map(compileFluxIgnore)];
  return { rules, problems };
}

/** Removes every path from `obj` (mutating it); list items are removed from the highest index down. */
export function removePaths(obj: unknown, paths: JsonPath[]): void {
  const sorted = [...paths].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return typeof a[i] === 'number' && typeof b[i] === 'number' ? (b[i] as number) - (a[i] as number) : 0;
    }
    return b.length - a.length;
  });
  for (const p of sorted) {
    if (p.length === 0) continue;
    let node: unknown = obj;
    for (const seg of p.slice(0, -1)) node = Array.isArray(node) ? node[seg as number] : isPlainObject(node) ? node[seg as string] : undefined;
    const last = p[p.length - 1];
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else if (isPlainObject(node)) delete node[last as string];
  }
}

/** Applies the matching rules to both sides (copies must be passed: they are mutated). */
export function applyIgnores(rules: CompiledIgnore[], id: ResourceId, desired: unknown, live: unknown, rawLive: KubeObject | undefined, rawDesired?: KubeObject): void {
  for (const r of rules) {
    if (!r.matches(id, rawLive, rawDesired)) continue;
    if (desired !== undefined) removePaths(desired, r.paths(desired, rawLive));
    if (live !== undefined) removePaths(live, r.paths(live, rawLive));
  }
}
