import { isMap, isScalar, isSeq, type Node as YamlNode, type Pair } from 'yaml';
import { documentSyntax, rangeOf } from './parse';
import type { JsonPath, ManifestFile, Range } from './types';

/** `spec.containers[0].image`, `metadata.annotations["a.b/c"]` → path segments. */
export function parseJsonPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\[(\d+)\]|\[(["'])(.*?)\2\]|\.?([^.[\]]+)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[3] !== undefined) out.push(m[3]);
    else if (m[4] !== undefined) out.push(m[4]);
  }
  return out;
}

export function formatJsonPath(path: JsonPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) s += s ? `.${seg}` : seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

export interface PathLocation {
  /** The range reported to users: the key and its value (or the item for list entries). */
  range: Range;
  /** Just the key (or the item start for list entries). */
  keyRange: Range;
  /** Just the value; offsets too, for edits. */
  valueRange?: Range;
  valueOffsets?: [number, number];
  /** How many path segments were found; less than the path length when the field is missing. */
  depth: number;
  /** True when the whole path exists. */
  exact: boolean;
}

/**
 * Source range of a JSON path inside one document. A missing field resolves to its nearest
 * existing parent key, as users expect a finding about a missing field there.
 */
export function locatePath(file: ManifestFile, docIndex: number, path: JsonPath): PathLocation | undefined {
  const { doc, lineCounter: lc } = documentSyntax(file, docIndex);
  if (!doc || !doc.contents) return undefined;
  let node: YamlNode | null = doc.contents as YamlNode;
  let pair: Pair<YamlNode, YamlNode | null> | undefined;
  let itemNode: YamlNode | undefined;
  let depth = 0;
  for (const seg of path) {
    let next: YamlNode | null | undefined;
    let nextPair: Pair<YamlNode, YamlNode | null> | undefined;
    if (isMap(node)) {
      for (const it of node.items as Pair<YamlNode, YamlNode | null>[]) {
        const k = isScalar(it.key) ? it.key.value : it.key;
        if (k === seg || String(k) === String(seg)) { nextPair = it; next = it.value; break; }
      }
      if (!nextPair) break;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item) break;
      next = item;
    } else break;
    depth++;
    pair = nextPair;
    itemNode = nextPair ? undefined : (next ?? undefined);
    node = next ?? null;
    if (next === null || next === undefined) break;
  }
  if (depth === 0) {
    const [s, , e] = doc.range;
    const keyNode = isMap(doc.contents) ? (doc.contents.items[0]?.key as YamlNode | undefined) : undefined;
    const kr = keyNode?.range ? rangeOf(lc, keyNode.range[0], keyNode.range[1]) : rangeOf(lc, s, s);
    return { range: rangeOf(lc, s, e), keyRange: kr, depth: 0, exact: path.length === 0 };
  }
  const exact = depth === path.length;
  if (pair) {
    const k = pair.key as YamlNode;
    const kStart = k.range?.[0] ?? 0;
    const kEnd = k.range?.[1] ?? kStart;
    const v = pair.value as YamlNode | null;
    const vr = v?.range;
    const end = vr && !isMap(v) && !isSeq(v) ? vr[1] : kEnd;
    return {
      range: rangeOf(lc, kStart, end),
      keyRange: rangeOf(lc, kStart, kEnd),
      valueRange: vr ? rangeOf(lc, vr[0], vr[1]) : undefined,
      valueOffsets: vr ? [vr[0], vr[1]] : undefined,
      depth, exact,
    };
  }
  const r = itemNode?.range;
  if (!r) return undefined;
  const firstLineEnd = isMap(itemNode) || isSeq(itemNode) ? Math.min(r[1], lineEndOffset(file.text, r[0])) : r[1];
  return { range: rangeOf(lc, r[0], firstLineEnd), keyRange: rangeOf(lc, r[0], r[0]), valueRange: rangeOf(lc, r[0], r[1]), valueOffsets: [r[0], r[1]], depth, exact };
}

function lineEndOffset(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}
