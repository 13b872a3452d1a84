/**
 * Which item of one list is which item of another: by merge key (name, mountPath, port…),
 * as server-side apply pairs list items, so an inserted container is one change and not a
 * cascade. One rule for every caller (diffValues, projectOnto, mergeOver, dropRemoved,
 * remapPath): a list is keyed only when every item has a key and no key repeats; a list
 * with a missing or repeated key pairs by index instead.
 */
import { isPlainObject } from './normalize';

const KEY_FIELDS: string[][] = [['mountPath'], ['devicePath'], ['containerPort', 'protocol'], ['name'], ['port', 'protocol'], ['ip'], ['type'], ['key'], ['apiGroup', 'kind', 'name']];

/** The merge key of a list item, or undefined for scalars and items without a known key. */
export function itemKey(item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined;
  for (const fields of KEY_FIELDS) {
    if (item[fields[0]] === undefined) continue;
    return fields.map((f) => `${f}=${JSON.stringify(item[f] ?? (f === 'protocol' ? 'TCP' : null))}`).join(',');
  }
  return undefined;
}

/** Keys of every item, or undefined when some item has none or a key repeats. */
function keysOf(list: unknown[]): string[] | undefined {
  const keys: string[] = [];
  for (const it of list) {
    const k = itemKey(it);
    if (k === undefined) return undefined;
    keys.push(k);
  }
  return new Set(keys).size === keys.length ? keys : undefined;
}

export interface ListPairing {
  /** For each item of `a`, the index of its partner in `b`, -1 for none. */
  partner: number[];
  /** Indexes of `b` that no item of `a` names, in `b`'s order. */
  unpaired: number[];
}

/** Two lists paired by merge key; undefined when either cannot be keyed (then pair by index). */
export function pairLists(a: unknown[], b: unknown[]): ListPairing | undefined {
  const ak = keysOf(a);
  const bk = keysOf(b);
  if (!ak || !bk) return undefined;
  const bIndex = new Map(bk.map((k, i) => [k, i]));
  const inA = new Set(ak);
  return { partner: ak.map((k) => bIndex.get(k) ?? -1), unpaired: bk.flatMap((k, i) => (inA.has(k) ? [] : [i])) };
}
