import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { KubeObject } from '../manifest';

const DROP_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The comparable part of an object: no status (except a CRD's), no server bookkeeping in
 * metadata, Secret `stringData` folded into `data` and every Secret value masked by a hash.
 */
export function normalizeObject(o: KubeObject | null | undefined): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(o));
  if (o.kind !== 'CustomResourceDefinition') delete out.status;
  const meta = { ...((out.metadata as Record<string, unknown>) ?? {}) };
  for (const k of DROP_METADATA) delete meta[k];
  const ann = meta.annotations as Record<string, string> | undefined;
  if (ann && LAST_APPLIED in ann) {
    const { [LAST_APPLIED]: _drop, ...rest } = ann;
    void _drop;
    if (Object.keys(rest).length) meta.annotations = rest;
    else delete meta.annotations;
  }
  out.metadata = meta;
  if (o.kind === 'Secret' && (o.apiVersion === 'v1')) {
    const data: Record<string, string> = { ...((out.data as Record<string, string>) ?? {}) };
    for (const [k, v] of Object.entries((out.stringData as Record<string, string>) ?? {})) data[k] = Buffer.from(String(v)).toString('base64');
    delete out.stringData;
    for (const k of Object.keys(data)) data[k] = `<secret sha256:${createHash('sha256').update(data[k]).digest('hex').slice(0, 12)}>`;
    if (Object.keys(data).length) out.data = data;
  }
  return out;
}

/** Field paths where two normalized objects differ (leaf-level; lists compared as wholes when lengths differ). */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], prefix ? (/^[A-Za-z_][\w-]*$/.test(k) ? `${prefix}.${k}` : `${prefix}[${JSON.stringify(k)}]`) : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => changedPaths(x, b[i], `${prefix}[${i}]`));
  return [prefix || '.'];
}

export function toYaml(o: unknown): string {
  return o === undefined ? '' : stringify(o, { lineWidth: 0, sortMapEntries: false });
}

/** A unified diff of two texts (Myers), with `context` lines around each change. */
export function unifiedDiff(oldText: string, newText: string, opts: { oldLabel?: string; newLabel?: string; context?: number } = {}): string {
  const a = oldText === '' ? [] : oldText.replace(/\n$/, '').split('\n');
  const b = newText === '' ? [] : newText.replace(/\n$/, '').split('\n');
  const ops = diffLines(a, b);
  if (!ops.some((o) => o.t !== '=')) return '';
  const ctx = opts.context ?? 3;
  const lines: string[] = [`--- ${opts.oldLabel ?? 'live'}`, `+++ ${opts.newLabel ?? 'desired'}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].t === '=') { i++; continue; }
    let start = Math.max(0, i - ctx);
    let end = i;
    // Extend the hunk while changes are within 2*ctx of each other.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].t !== '=') end = j;
      else if (j - end > 2 * ctx) break;
    }
    const stop = Math.min(ops.length, end + ctx + 1);
    const hunk = ops.slice(start, stop);
    const oldStart = hunk[0].ai + 1;
    const newStart = hunk[0].bi + 1;
    const oldCount = hunk.filter((o) => o.t !== '+').length;
    const newCount = hunk.filter((o) => o.t !== '-').length;
    lines.push(`@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`);
    for (const o of hunk) lines.push(`${o.t === '=' ? ' ' : o.t}${o.line}`);
    i = stop;
    start = stop;
  }
  return lines.join('\n') + '\n';
}

interface Op { t: '=' | '-' | '+'; line: string; ai: number; bi: number }

function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Map<number, number>[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(new Map(v));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1)) ? (v.get(k + 1) ?? 0) : (v.get(k - 1) ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v.set(k, x);
      if (x >= n && y >= m) break outer;
    }
  }
  // Backtrack through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && (vd.get(k - 1) ?? -1) < (vd.get(k + 1) ?? -1)) ? k + 1 : k - 1;
    const prevX = vd.get(prevK) ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { x--; y--; ops.push({ t: '=', line: a[x], ai: x, bi: y }); }
    if (d > 0) {
      if (x === prevX) { y--; ops.push({ t: '+', line: b[y], ai: x, bi: y }); }
      else { x--; ops.push({ t: '-', line: a[x], ai: x, bi: y }); }
    }
  }
  return ops.reverse();
}
