/**
 * Unified diff text of a normalized, masked pair (live → desired, as `kubectl diff` shows
 * live against merged). Secrets are masked in the pair already; masking is re-applied here
 * so a caller passing raw objects cannot leak a value.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../manifest';
import { describeId } from '../manifest';
import { maskSecret } from './normalize';
import type { NormalizedPair } from './types';

/** YAML as every view shows objects: no line wrapping, keys in the object's own order; '' for nothing. */
export function toYaml(o: unknown): string {
  return o === undefined ? '' : stringify(o, { lineWidth: 0, sortMapEntries: false });
}

function toLines(o: KubeObject | undefined): string[] {
  if (!o) return [];
  return toYaml(maskSecret(o)).replace(/\n$/, '').split('\n');
}

export type LineOp = { t: ' ' | '-' | '+'; line: string };

/** Line diff (Myers) after trimming the common head and tail; in each changed run deletions come first. */
export function diffLines(a: string[], b: string[]): LineOp[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const same = (line: string): LineOp => ({ t: ' ', line });
  return [...a.slice(0, start).map(same), ...myers(a.slice(start, endA), b.slice(start, endB)), ...a.slice(endA).map(same)];
}

/** Myers' O((N+M)·D) shortest edit script, backtracked through the frontier of each step. */
function myers(a: string[], b: string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return [...a.map((line): LineOp => ({ t: '-', line })), ...b.map((line): LineOp => ({ t: '+', line }))];
  const off = n + m + 1;
  const v = new Int32Array(2 * off + 1);
  // trace[d] holds the furthest x on diagonals -d-1 … d+1 before step d.
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const at = (k: number) => trace[d][k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { x--; y--; ops.push({ t: ' ', line: a[x] }); }
    if (x === prevX) { y--; ops.push({ t: '+', line: b[y] }); } else { x--; ops.push({ t: '-', line: a[x] }); }
  }
  while (x > 0 && y > 0) { x--; y--; ops.push({ t: ' ', line: a[x] }); }
  return ops.reverse();
}

export interface UnifiedDiffOptions {
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
  /** Header names; default `live/<resource>` and `git/<resource>`. */
  oldLabel?: string;
  newLabel?: string;
}

/** `--- live/…` / `+++ git/…` hunks with `context` lines around changes; '' when equal. */
export function unifiedDiff(pair: NormalizedPair, options: number | UnifiedDiffOptions = 3): string {
  const opts = typeof options === 'number' ? { context: options } : options;
  const name = describeId(pair.id).replace(/\s+/g, '/');
  return unifiedLinesDiff(toLines(pair.live), toLines(pair.desired), opts.oldLabel ?? `live/${name}`, opts.newLabel ?? `git/${name}`, opts.context);
}

/** Unified diff of two texts given as lines (`diff -u` layout); '' when equal. */
export function unifiedLinesDiff(a: string[], b: string[], oldLabel: string, newLabel: string, context = 3): string {
  const ops = diffLines(a, b);
  if (!ops.some((o) => o.t !== ' ')) return '';
  const out = [`--- ${oldLabel}`, `+++ ${newLabel}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k].t === ' ') k++;
    if (k >= ops.length) break;
    const from = Math.max(0, k - context);
    let to = k;
    // Extend the hunk while the next change is within 2*context lines.
    for (;;) {
      while (to < ops.length && ops[to].t !== ' ') to++;
      let gap = to;
      while (gap < ops.length && ops[gap].t === ' ') gap++;
      if (gap < ops.length && gap - to <= 2 * context) { to = gap; continue; }
      to = Math.min(ops.length, to + context);
      break;
    }
    let aLine = 1;
    let bLine = 1;
    for (let q = 0; q < from; q++) { if (ops[q].t !== '+') aLine++; if (ops[q].t !== '-') bLine++; }
    const hunk = ops.slice(from, to);
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aLen ? aLine : aLine - 1},${aLen} +${bLen ? bLine : bLine - 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.line}`);
    k = to;
  }
  return out.join('\n') + '\n';
}
