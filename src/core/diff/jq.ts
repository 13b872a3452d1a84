/**
 * The jq subset Argo CD users write in `ignoreDifferences[].jqPathExpressions`, evaluated to
 * concrete paths (Argo deletes them with `del(<expr>)`):
 *
 *   .spec.replicas   .metadata.annotations."a/b"   .metadata.labels["x"]   .a[0]
 *   .spec.containers[]?.env    .a[] | select(.name == "x") | .image
 *   select(.name == "x" and (.kind != "y" or (.image | test("^nginx"))))
 *   startswith / endswith / contains / has("k") inside select
 *
 * Anything else is rejected with a message naming the unsupported part, never silently
 * ignored (an ignore rule that does nothing would show drift the user asked to hide).
 */
import type { JsonPath } from '../manifest';
import { isPlainObject } from './normalize';

interface Located { path: JsonPath; value: unknown }
type Stage = (input: Located[]) => Located[];
type Cond = (v: unknown) => boolean;

export class JqError extends Error {}

function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let str = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (str) {
      if (c === '\\') i++;
      else if (c === '"') str = false;
      continue;
    }
    if (c === '"') str = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

/** `.a."b/c"[0][]?.d["e"]` → a stage. */
function pathStage(expr: string): Stage {
  const ops: ((l: Located) => Located[])[] = [];
  let i = 0;
  const s = expr.trim();
  if (s === '.') return (x) => x;
  while (i < s.length) {
    let m: RegExpExecArray | null;
    const rest = s.slice(i);
    const optional = (len: number) => (s[i + len] === '?' ? 1 : 0);
    if ((m = /^\.([A-Za-z_][\w-]*)/.exec(rest)) || (m = /^\.?"((?:[^"\\]|\\.)*)"/.exec(rest)) || (m = /^\.?\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) {
      const key = m[0].includes('"') ? (JSON.parse(`"${m[1]}"`) as string) : m[1];
      ops.push((l) => (isPlainObject(l.value) && key in l.value ? [{ path: [...l.path, key], value: l.value[key] }] : []));
      i += m[0].length + optional(m[0].length);
    } else if ((m = /^\.?\[\]/.exec(rest))) {
      ops.push((l) => (Array.isArray(l.value) ? l.value.map((v, n) => ({ path: [...l.path, n], value: v })) : isPlainObject(l.value) ? Object.entries(l.value).map(([k, v]) => ({ path: [...l.path, k], value: v })) : []));
      i += m[0].length + optional(m[0].length);
    } else if ((m = /^\.?\[(-?\d+)\]/.exec(rest))) {
      const n = Number(m[1]);
      ops.push((l) => {
        if (!Array.isArray(l.value)) return [];
        const idx = n < 0 ? l.value.length + n : n;
        return idx >= 0 && idx < l.value.length ? [{ path: [...l.path, idx], value: l.value[idx] }] : [];
      });
      i += m[0].length + optional(m[0].length);
    } else {
      throw new JqError(`unsupported jq syntax at "${rest}" in "${expr}"`);
    }
  }
  return (input) => input.flatMap((l) => ops.reduce<Located[]>((acc, op) => acc.flatMap(op), [l]));
}

function literal(s: string): { ok: true; value: unknown } | { ok: false } {
  const t = s.trim();
  if (/^(".*"|-?\d+(\.\d+)?|true|false|null)$/s.test(t)) return { ok: true, value: JSON.parse(t) as unknown };
  return { ok: false };
}

function valuesOf(expr: string, v: unknown): unknown[] {
  const lit = literal(expr);
  if (lit.ok) return [lit.value];
  const stages = splitTop(expr, '|');
  if (stages.length > 1) {
    // `.image | test("x")` style: handled by cond(); here only paths.
    throw new JqError(`unsupported jq expression "${expr}"`);
  }
  return pathStage(stripParens(expr))([{ path: [], value: v }]).map((l) => l.value);
}

/** True when the parenthesis at 0 closes at the very end (`(a) and (b)` is not wrapped). */
function wrapped(t: string): boolean {
  if (!t.startsWith('(') || !t.endsWith(')')) return false;
  let depth = 0;
  let str = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (str) { if (c === '\\') i++; else if (c === '"') str = false; continue; }
    if (c === '"') str = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < t.length - 1) return false;
  }
  return true;
}

function stripParens(s: string): string {
  let t = s.trim();
  while (wrapped(t)) t = t.slice(1, -1).trim();
  return t;
}

const STRING_FNS: Record<string, (a: string, b: string) => boolean> = {
  test: (a, b) => new RegExp(b).test(a),
  startswith: (a, b) => a.startsWith(b),
  endswith: (a, b) => a.endsWith(b),
  contains: (a, b) => a.includes(b),
};

function cond(expr: string): Cond {
  const e = stripParens(expr);
  const ors = splitTop(e, ' or ');
  if (ors.length > 1) { const cs = ors.map(cond); return (v) => cs.some((c) => c(v)); }
  const ands = splitTop(e, ' and ');
  if (ands.length > 1) { const cs = ands.map(cond); return (v) => cs.every((c) => c(v)); }
  const not = /^(.*)\|\s*not$/s.exec(e);
  if (not) { const c = cond(not[1]); return (v) => !c(v); }
  for (const op of ['==', '!=']) {
    const sides = splitTop(e, op);
    if (sides.length === 2) {
      return (v) => {
        const l = valuesOf(sides[0], v);
        const r = valuesOf(sides[1], v);
        const eq = l.some((a) => r.some((b) => JSON.stringify(a) === JSON.stringify(b)));
        return op === '==' ? eq : !eq && l.length > 0;
      };
    }
  }
  const pipe = splitTop(e, '|');
  const fn = /^(test|startswith|endswith|contains)\(\s*("(?:[^"\\]|\\.)*")\s*\)$/.exec(pipe[pipe.length - 1] ?? '');
  if (pipe.length === 2 && fn) {
    const arg = JSON.parse(fn[2]) as string;
    const f = STRING_FNS[fn[1]];
    return (v) => valuesOf(pipe[0], v).some((x) => typeof x === 'string' && f(x, arg));
  }
  const has = /^has\(\s*("(?:[^"\\]|\\.)*")\s*\)$/.exec(e);
  if (has) { const k = JSON.parse(has[1]) as string; return (v) => isPlainObject(v) && k in v; }
  // A bare path: truthy when it yields a value other than false/null.
  const st = pathStage(e);
  return (v) => st([{ path: [], value: v }]).some((l) => l.value !== false && l.value !== null && l.value !== undefined);
}

/** Compiles an expression; throws JqError for syntax outside the subset. */
export function compileJqPaths(expr: string): (root: unknown) => JsonPath[] {
  const stages: Stage[] = splitTop(expr.trim(), '|').map((part) => {
    const sel = /^select\((.*)\)$/s.exec(part);
    if (sel) {
      const c = cond(sel[1]);
      return (input: Located[]) => input.filter((l) => c(l.value));
    }
    return pathStage(part);
  });
  return (root) => stages.reduce<Located[]>((acc, st) => st(acc), [{ path: [], value: root }]).map((l) => l.path);
}
