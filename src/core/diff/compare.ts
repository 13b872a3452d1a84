/**
 * Structural comparison of two normalized values into field-level changes. List items are
 * paired by list-pairing.ts, so a reordered or inserted container does not show every later
 * one as changed.
 */
import type { JsonPath } from '../manifest';
import { isPlainObject, isQuantityPath, parseQuantity } from './normalize';
import { pairLists } from './list-pairing';

export interface RawChange { path: JsonPath; desired?: unknown; live?: unknown }

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function scalarEqual(a: unknown, b: unknown, path: JsonPath): boolean {
  if (a === b) return true;
  if (isQuantityPath(path)) {
    const qa = parseQuantity(a);
    const qb = parseQuantity(b);
    if (qa !== undefined && qb !== undefined) return Math.abs(qa - qb) <= 1e-9 * Math.max(1, Math.abs(qa));
  }
  return deepEqual(a, b);
}

/** Every difference between desired and live; paths use desired-side list indexes. */
export function diffValues(desired: unknown, live: unknown, path: JsonPath = []): RawChange[] {
  if (desired === undefined && live === undefined) return [];
  if (desired === undefined || live === undefined) return [{ path, desired, live }];
  if (isPlainObject(desired) && isPlainObject(live)) {
    const out: RawChange[] = [];
    for (const k of Object.keys(desired)) out.push(...diffValues(desired[k], live[k], [...path, k]));
    for (const k of Object.keys(live)) if (!(k in desired)) out.push({ path: [...path, k], live: live[k] });
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    const p = pairLists(desired, live);
    if (p) {
      const out = p.partner.flatMap((li, i) => diffValues(desired[i], li < 0 ? undefined : live[li], [...path, i]));
      p.unpaired.forEach((li, n) => out.push({ path: [...path, desired.length + n], live: live[li] }));
      return out;
    }
    const objects = desired.every(isPlainObject) && live.every(isPlainObject);
    if (objects && desired.length === live.length) return desired.flatMap((d, i) => diffValues(d, live[i], [...path, i]));
    return deepEqual(desired, live) ? [] : [{ path, desired, live }];
  }
  return scalarEqual(desired, live, path) ? [] : [{ path, desired, live }];
}

/**
 * Live restricted to the shape of desired: keys desired sets, list items paired by key.
 * This is the two-way diff's view: fields Git does not set are not compared.
 */
export function projectOnto(desired: unknown, live: unknown): unknown {
  if (isPlainObject(desired) && isPlainObject(live)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(desired)) if (k in live) out[k] = projectOnto(desired[k], live[k]);
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    const p = pairLists(desired, live);
    if (p) {
      // Items only in live stay (as extra items they are drift of a list Git sets), in live order after the paired ones.
      const paired = p.partner.flatMap((li, i) => (li < 0 ? [] : [projectOnto(desired[i], live[li])]));
      return [...paired, ...p.unpaired.map((li) => live[li])];
    }
    if (desired.every(isPlainObject) && live.every(isPlainObject) && desired.length === live.length) return desired.map((d, i) => projectOnto(d, live[i]));
    return live;
  }
  return live;
}

/**
 * The same path in another object: list indexes are translated by merge key (or kept),
 * so a change found in the server's merged object points at the item as written in Git.
 */
export function remapPath(from: unknown, to: unknown, path: JsonPath): JsonPath {
  const out: JsonPath[number][] = [];
  let a = from;
  let b = to;
  for (const seg of path) {
    if (typeof seg === 'number' && Array.isArray(a) && Array.isArray(b)) {
      const j = pairLists(a, b)?.partner[seg] ?? seg;
      const idx = j < 0 ? seg : j;
      out.push(idx);
      a = a[seg];
      b = b[idx];
    } else {
      out.push(seg);
      a = isPlainObject(a) ? a[seg as string] : undefined;
      b = isPlainObject(b) ? b[seg as string] : undefined;
    }
  }
  return out;
}
