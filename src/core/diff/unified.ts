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

function toLines(o: KubeObject | undefined): string[] {
  if (!o) return [];
  return stringify(maskSecret(o), { lineWidth: 0, sortMapEntries: false }).replace(/\n$/, '').split('\n');
}

type Op = { t: ' ' | '-' | '+'; line: string };

/** Line diff by longest common subsequence after trimming the common head and tail. */
export function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = a.slice(0, start).map((line) => ({ t: ' ', line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { ops.push({ t: ' ', line: x[i] }); i++; j++; }
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ t: '-', line: x[i++] });
    else ops.push({ t: '+', line: y[j++] });
  }
  for (const line of a.slice(endA)) ops.push({ t: ' ', line });
  return ops;
}

/** `--- live/…` / `+++ git/…` hunks with `context` lines around changes; '' when equal. */
export function unifiedDiff(pair: NormalizedPair, context = 3): string {
  const a = toLines(pair.live);
  const b = toLines(pair.desired);
  const ops = diffLines(a, b);
  if (!ops.some((o) => o.t !== ' ')) return '';
  const name = describeId(pair.id).replace(/\s+/g, '/');
  const out = [`--- live/${name}`, `+++ git/${name}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k].t === ' ') k++;
    if (k >= ops.length) break;
    let from = Math.max(0, k - context);
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
    from = to;
  }
  return out.join('\n') + '\n';
}
