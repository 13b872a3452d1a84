/**
 * managedFields (FieldsV1) walked together with the object they describe: which fields a
 * manager owns, and who owns a given path. Keys: `f:<name>` a map field, `k:{json}` a list
 * item by its merge keys, `v:<json>` a set item by value, `i:<n>` a list index, `.` the
 * node itself.
 */
import type { JsonPath, KubeObject } from '../manifest';
import { isPlainObject } from './normalize';

export type FieldSet = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
  subresource?: string;
}

export function managedFieldsOf(o: KubeObject): ManagedFieldsEntry[] {
  const mf = o.metadata?.managedFields;
  return Array.isArray(mf) ? (mf as ManagedFieldsEntry[]) : [];
}

/**
 * The union of the field sets of the given manager(s), all operations. Writes through a
 * subresource count too: `kubectl scale` and the HPA set spec.replicas through `scale`, and
 * their entries name the main resource's fields.
 */
export function fieldSetOf(o: KubeObject, managers: (m: ManagedFieldsEntry) => boolean): FieldSet | undefined {
  let out: FieldSet | undefined;
  for (const e of managedFieldsOf(o)) {
    if (!e.fieldsV1 || !managers(e)) continue;
    out = out ? mergeSets(out, e.fieldsV1) : e.fieldsV1;
  }
  return out;
}

/** The union of two field sets. */
export function mergeSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? mergeSets(out[k] as FieldSet, v as FieldSet) : v;
  }
  return out;
}

function matchesKey(item: unknown, keyJson: string): boolean {
  let key: Record<string, unknown>;
  try { key = JSON.parse(keyJson) as Record<string, unknown>; } catch { return false; }
  if (!isPlainObject(item)) return false;
  return Object.entries(key).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v));
}

function matchesValue(item: unknown, valueJson: string): boolean {
  try { return JSON.stringify(item) === JSON.stringify(JSON.parse(valueJson)); } catch { return false; }
}

function isLeaf(set: unknown): boolean {
  return !isPlainObject(set) || Object.keys(set).filter((k) => k !== '.').length === 0;
}

/**
 * The part of `value` covered by a field set: maps keep only listed fields, lists keep only
 * listed items (in their order), leaves are kept whole. Used on both sides of a server-side
 * diff with the same set, so only fields we would own are compared.
 */
export function extractOwned(value: unknown, set: FieldSet): unknown {
  if (isLeaf(set)) return value;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, sub] of Object.entries(set)) {
      if (!k.startsWith('f:')) continue;
      const name = k.slice(2);
      if (name in value) out[name] = extractOwned(value[name], sub as FieldSet);
    }
    return out;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const sub = itemSet(set, value[i], i);
      if (sub !== undefined) out.push(extractOwned(value[i], sub));
    }
    return out;
  }
  return value;
}

/** The sub-set describing list item `item` at `index`, if the set covers it. */
function itemSet(set: FieldSet, item: unknown, index: number): FieldSet | undefined {
  for (const [k, sub] of Object.entries(set)) {
    if (k.startsWith('k:') && matchesKey(item, k.slice(2))) return sub as FieldSet;
    if (k.startsWith('v:') && matchesValue(item, k.slice(2))) return sub as FieldSet;
    if (k === `i:${index}`) return sub as FieldSet;
  }
  return undefined;
}

/** True when `set` (walked along `obj`) covers `path`: the field itself or an ancestor owned as a whole. */
export function setCovers(obj: unknown, set: FieldSet, path: JsonPath): boolean {
  let node: unknown = obj;
  let s: FieldSet = set;
  for (const seg of path) {
    if (s !== set && isLeaf(s)) return true; // an ancestor owned as a whole
    let next: FieldSet | undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return false;
      next = itemSet(s, node[seg], seg);
      node = node[seg];
    } else {
      next = s[`f:${seg}`] as FieldSet | undefined;
      node = isPlainObject(node) ? node[seg] : undefined;
    }
    if (next === undefined) return false;
    s = next;
  }
  return true;
}

/** Who owns `path` in the live object: the most recent writer among managers whose set covers it. */
export function ownerOf(live: KubeObject, path: JsonPath, prefer?: (m: ManagedFieldsEntry) => boolean): ManagedFieldsEntry | undefined {
  const candidates = managedFieldsOf(live).filter((e) => e.fieldsV1 && setCovers(live, e.fieldsV1, path));
  if (candidates.length === 0) return undefined;
  const preferred = prefer ? candidates.filter(prefer) : [];
  const pool = preferred.length ? preferred : candidates;
  return pool.reduce((a, b) => ((b.time ?? '') > (a.time ?? '') ? b : a));
}

/** Every concrete leaf path a field set names in `obj` (for managedFieldsManagers ignore rules). */
export function pathsOfSet(obj: unknown, set: FieldSet, prefix: JsonPath = []): JsonPath[] {
  if (isLeaf(set)) return prefix.length ? [prefix] : [];
  const out: JsonPath[] = [];
  if (isPlainObject(obj)) {
    for (const [k, sub] of Object.entries(set)) {
      if (!k.startsWith('f:')) continue;
      const name = k.slice(2);
      if (name in obj) out.push(...pathsOfSet(obj[name], sub as FieldSet, [...prefix, name]));
    }
  } else if (Array.isArray(obj)) {
    obj.forEach((item, i) => {
      const sub = itemSet(set, item, i);
      if (sub !== undefined) out.push(...pathsOfSet(item, sub, [...prefix, i]));
    });
  }
  return out;
}
