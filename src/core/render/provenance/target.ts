/**
 * The place a new value of a field goes to: the writer in effect, or — for a value composed
 * of several places (`repository:tag`) — the one part that must change, with its new text.
 */
import type { FieldProvenance, Writer } from './types';

export type ValueTarget = { writer: Writer; value: string | number } | { reason: string };

/** The value a place must hold so the field renders `v`, in the place's own type. */
function inPlaceType(w: Writer, v: unknown): string | number | undefined {
  const current = w.place?.value ?? w.value;
  if (typeof v === 'number') return typeof current === 'string' ? String(v) : v;
  if (typeof v !== 'string') return undefined;
  if (typeof current === 'number') return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
  return v;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

export function targetFor(p: FieldProvenance, v: unknown): ValueTarget {
  if (p.computed) return { reason: `the value is computed by a template function (${p.computed.from.length ? `from ${p.computed.from.join(', ')}` : 'from no values path'}); no single place holds it` };
  const top = p.chain[0];
  if (!top) return { reason: 'no place in the repository is known to hold this value' };
  if (!p.composed) {
    const value = inPlaceType(top, v);
    return value === undefined ? { reason: `${show(v)} cannot be written as a ${typeof (top.place?.value ?? top.value)} at ${top.label}` } : { writer: top, value };
  }
  if (typeof v !== 'string' && typeof v !== 'number') return { reason: `the value is composed of several places; ${show(v)} is not text` };
  const live = String(v);
  const text = (i: number) => String(p.chain[i].value);
  const found: { writer: Writer; value: string | number }[] = [];
  p.composed.forEach((part, k) => {
    if (!('writer' in part)) return;
    const before = p.composed!.slice(0, k).map((x) => ('text' in x ? x.text : text(x.writer))).join('');
    const after = p.composed!.slice(k + 1).map((x) => ('text' in x ? x.text : text(x.writer))).join('');
    if (live.length < before.length + after.length || !live.startsWith(before) || !live.endsWith(after)) return;
    const middle = live.slice(before.length, live.length - after.length);
    if (middle === text(part.writer)) return;
    const w = p.chain[part.writer];
    const value = inPlaceType(w, middle);
    if (value !== undefined) found.push({ writer: w, value });
  });
  if (found.length === 1) return found[0];
  const parts = p.composed.map((x) => ('text' in x ? show(x.text) : p.chain[x.writer].label)).join(' + ');
  return { reason: found.length ? `${show(v)} can be split over ${parts} in more than one way` : `${show(v)} changes more than one part of ${parts}` };
}
