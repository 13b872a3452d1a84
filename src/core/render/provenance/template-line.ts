/**
 * The Helm template line that writes a field: the line reading the values path a trace
 * found (`replicas: {{ .Values.replicaCount }}`, or `{{ toYaml .Values.resources }}` for a
 * path below it), or — for a value no values source holds as such — the one line under the
 * field's key and the values it reads. Several candidate lines mean no answer: a wrong
 * single line is worse than none.
 */
import type { Range } from '../../manifest';

export interface TemplateLine { line: number; text: string; range: Range; reads: string[] }

const VALUES_REF = /\.Values((?:\.[A-Za-z_][\w-]*)+)/g;

function lines(text: string): TemplateLine[] {
  return text.split('\n').map((t, line) => ({ line, text: t, range: { start: { line, character: t.length - t.trimStart().length }, end: { line, character: t.length } }, reads: [...t.matchAll(VALUES_REF)].map((m) => m[1].slice(1)) }));
}

/** `image.tag`, `a[0].b` → `image.tag`, `a.b` (templates name list items by index rarely). */
function dotted(valuesPath: string): string {
  return valuesPath.replace(/\[\d+\]/g, '').replace(/\["([^"]+)"\]/g, '.$1');
}

function keyOf(text: string): string | undefined {
  return /^\s*(?:-\s+)?([A-Za-z_][\w.\/-]*):/.exec(text)?.[1];
}

/** The line that reads these values paths (each, or a parent of it), preferring lines under `key`. */
export function lineReading(template: string, valuesPaths: string[], key?: string): TemplateLine | undefined {
  const want = valuesPaths.map(dotted);
  const reads = (l: TemplateLine) => want.every((w) => l.reads.some((r) => r === w || w.startsWith(r + '.')));
  const hits = lines(template).filter(reads);
  if (hits.length <= 1) return hits[0];
  const keyed = hits.filter((l) => keyOf(l.text) === key);
  return keyed.length === 1 ? keyed[0] : undefined;
}

/** The one line under `key` that computes a value from values (a template action on it). */
export function lineComputing(template: string, key: string): TemplateLine | undefined {
  const hits = lines(template).filter((l) => keyOf(l.text) === key && l.text.includes('{{'));
  return hits.length === 1 ? hits[0] : undefined;
}
