import { isMap, isScalar, isSeq, type Node as YamlNode, type Pair } from 'yaml';
import type { FastDocument } from './fast';
import { documentSyntax, fastDocument, rangeOf } from './parse';
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

/** Where a finding goes: the `range` and `exact` of `locatePath`, for a fraction of the cost. */
export interface RangeLocation { range: Range; exact: boolean }

/**
 * `locatePath`'s range and exactness. For a fast-read document with plain block YAML this
 * reads the lines directly instead of building the document's position tree; whenever the
 * text is less plain than that (quoted or numeric keys, block or multi-line scalars, flow
 * collections on the path, empty values), it asks `locatePath`.
 */
export function locateRange(file: ManifestFile, docIndex: number, path: JsonPath): RangeLocation | undefined {
  const fd = fastDocument(file, docIndex);
  if (fd && !fd.hasTree) {
    const r = scanPath(file.text, fd.doc, path);
    if (r) return { range: rangeOf(fd.lineCounter, r.start, r.end), exact: r.exact };
  }
  const loc = locatePath(file, docIndex, path);
  return loc && { range: loc.range, exact: loc.exact };
}

const SIMPLE_KEY = /^[A-Za-z_$][\w.\/$-]*$/;
const RESERVED_KEY = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL)$/;

interface Line { start: number; indent: number; end: number }

/** Offsets of the range, or undefined when only the position tree can tell. */
function scanPath(text: string, doc: FastDocument, path: JsonPath): { start: number; end: number; exact: boolean } | undefined {
  if (doc.empty) return undefined;
  const lines = contentLines(text, doc);
  if (lines.length === 0) return undefined;
  let found: { start: number; end: number } | undefined;
  let depth = 0;
  // The node being walked: lines [from, to); it starts at offset `first` (on line `from`, maybe after `- `), column `col`.
  let from = 0;
  let to = lines.length;
  let first = doc.start;
  let col = first - lines[0].start;
  const entryAt = (l: number): number => (l === from ? first : lines[l].start + lines[l].indent);
  const isEntry = (l: number): boolean => l === from || lines[l].indent === col;
  for (const seg of path) {
    if (from >= to) break;
    if (isItem(text, first)) {
      if (typeof seg !== 'number') break;
      let n = -1;
      let item = -1;
      for (let l = from; l < to; l++) {
        if (!isEntry(l)) continue;
        if (!isItem(text, entryAt(l))) return undefined;
        if (++n === seg) { item = l; break; }
      }
      if (item < 0) break;
      const ln = lines[item];
      let c = entryAt(item) + 1;
      while (text.charCodeAt(c) === 32) c++;
      if (c >= ln.end || '-[{|>"\'&!*#'.includes(text[c])) return undefined;
      let next = item + 1;
      while (next < to && lines[next].indent > col) next++;
      depth++;
      if (/:(?: |$)/m.test(text.slice(c, ln.end))) {
        if (!keyAt(text, c, ln.end)) return undefined;
        found = { start: c, end: ln.end };
        from = item; to = next; first = c; col = c - ln.start;
        continue;
      }
      if (next > item + 1) return undefined; // a plain scalar continued on the next lines
      found = { start: c, end: plainEnd(text, c, ln.end) };
      break;
    }
    if (typeof seg === 'number') break;
    let hit = -1;
    let key: { key: string; colon: number } | undefined;
    for (let l = from; l < to; l++) {
      if (!isEntry(l)) continue;
      const at = entryAt(l);
      if (isItem(text, at) && l !== from) continue; // a list under the previous key, at the key's column
      key = keyAt(text, at, lines[l].end);
      if (!key) return undefined;
      if (key.key === seg) { hit = l; break; }
    }
    if (hit < 0 || !key) break;
    const ln = lines[hit];
    const k0 = entryAt(hit);
    const k1 = k0 + key.key.length;
    let v = key.colon + 1;
    while (text.charCodeAt(v) === 32) v++;
    let next = hit + 1;
    while (next < to && (lines[next].indent > col || (lines[next].indent === col && isItem(text, lines[next].start + col)))) next++;
    depth++;
    if (v >= ln.end || text[v] === '#') {
      // A block collection on the following lines (an empty value is left to the tree).
      if (next === hit + 1) return undefined;
      found = { start: k0, end: k1 };
      const child = lines[hit + 1];
      const c = child.start + child.indent;
      // Only a block mapping or list; a plain scalar continued on the next line goes to the tree.
      if (!isItem(text, c) && !keyAt(text, c, child.end)) return undefined;
      from = hit + 1; to = next; first = c; col = child.indent;
      continue;
    }
    if ('|>"\'&!*'.includes(text[v])) return undefined;
    if (text[v] === '[' || text[v] === '{') {
      found = { start: k0, end: k1 };
      if (depth === path.length) break;
      // Into a one-line flow list of plain scalars (`drop: [ALL]`, `verbs: [get, list]`); anything richer goes to the tree.
      if (/^\{ *\}/.test(text.slice(v, v + 16))) break; // `emptyDir: {}`: nothing below
      const close = text.indexOf(']', v);
      const seg2 = path[depth];
      if (text[v] !== '[' || close < 0 || close > ln.end || typeof seg2 !== 'number' || /[{}[#&!*\\]/.test(text.slice(v + 1, close))) return undefined;
      let a = v + 1;
      for (let i = 0; ; i++) {
        const comma = text.indexOf(',', a);
        const b = comma < 0 || comma > close ? close : comma;
        let s0 = a;
        while (text.charCodeAt(s0) === 32) s0++;
        let s1 = b;
        while (s1 > s0 && text.charCodeAt(s1 - 1) === 32) s1--;
        if (s0 === s1) { if (b === close && i > 0) break; return undefined; }
        const item = text.slice(s0, s1);
        if ((/["']/.test(item) && !/^(?:"[^"]*"|'[^']*')$/.test(item)) || /:(?: |$)|^\?/.test(item)) return undefined;
        if (i === seg2) { found = { start: s0, end: s1 }; depth++; break; }
        if (b === close) break;
        a = b + 1;
      }
      break;
    }
    if (next > hit + 1) return undefined; // a plain scalar continued on the next lines
    found = { start: k0, end: plainEnd(text, v, ln.end) };
    break;
  }
  if (depth === 0 || !found) {
    return { start: doc.docStart, end: doc.end, exact: path.length === 0 };
  }
  return { start: found.start, end: found.end, exact: depth === path.length };
}

const linesOf = new WeakMap<FastDocument, Line[]>();

/** Content lines of a document (blank and comment-only lines left out), once per document. */
function contentLines(text: string, doc: FastDocument): Line[] {
  let lines = linesOf.get(doc);
  if (lines) return lines;
  lines = [];
  let p = text.lastIndexOf('\n', doc.start - 1) + 1;
  while (p < doc.end) {
    const nl = text.indexOf('\n', p);
    const end = nl < 0 || nl > doc.end ? doc.end : nl;
    let i = p;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end && text.charCodeAt(i) !== 35) lines.push({ start: p, indent: i - p, end });
    p = end + 1;
  }
  linesOf.set(doc, lines);
  return lines;
}

/** A block list item starts at `at` (`- `; an empty item was declined by the fast path). */
function isItem(text: string, at: number): boolean {
  return text.charCodeAt(at) === 45 && text.charCodeAt(at + 1) === 32;
}

/** A plain key at `at` (`key: …` or `key:` at line end), or undefined for any other key. */
function keyAt(text: string, at: number, end: number): { key: string; colon: number } | undefined {
  let c = at;
  for (;;) {
    c = text.indexOf(':', c);
    if (c < 0 || c >= end) return undefined;
    if (c + 1 === end || text.charCodeAt(c + 1) === 32) break;
    c++;
  }
  const key = text.slice(at, c);
  if (!SIMPLE_KEY.test(key) || RESERVED_KEY.test(key)) return undefined;
  return { key, colon: c };
}

/** End of a one-line plain scalar starting at `v`: before a ` #` comment and trailing spaces. */
function plainEnd(text: string, v: number, end: number): number {
  let e = end;
  for (let i = v; i < end - 1; i++) if (text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 35) { e = i; break; }
  while (e > v && text.charCodeAt(e - 1) === 32) e--;
  return e;
}

/** The value at a JSON path of plain data, or undefined where the path leads nowhere. */
export function valueAtPath(o: unknown, path: JsonPath): unknown {
  let cur = o;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) cur = (cur as Record<string, unknown>)[seg as string];
    else return undefined;
  }
  return cur;
}
