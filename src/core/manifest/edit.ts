import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { locatePath } from './paths';
import { parseManifestFile } from './parse';
import type { JsonPath, ManifestFile } from './types';

export type EditResult = { ok: true; text: string } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isEmptyCollection = (v: unknown) => (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);

/**
 * Set one value in a YAML file by splicing text, so every other byte of the file — comments,
 * key order, quoting, blank lines — stays exactly as it was. A block map or list that already
 * holds the value's shape is edited entry by entry (comments inside it stay); anything else is
 * replaced as a whole, in the style it was written (block stays block, flow stays flow; an
 * empty `{}`/`[]` placeholder becomes a block under its key).
 */
export function setValueInText(file: ManifestFile, docIndex: number, path: JsonPath, value: unknown): EditResult {
  if (path.length === 0) return { ok: false, reason: 'cannot replace a whole document' };
  const loc = locatePath(file, docIndex, path);
  if (!loc) return { ok: false, reason: `document ${docIndex} of ${file.file} has no such place` };
  const text = file.text;
  if (loc.exact && loc.valueOffsets) {
    const [s, e] = loc.valueOffsets;
    const old = text.slice(s, e);
    const current = valueAt(file, docIndex, path);
    if (isBlock(old) && sameShape(current, value)) return editEntries(file, docIndex, path, current as Obj | unknown[], value as Obj | unknown[]);
    const trailing = /\s*$/.exec(old)![0];
    const body = old.slice(0, old.length - trailing.length);
    if (isBlock(old) || value === null || typeof value !== 'object' || isEmptyCollection(value)) {
      return finish(file, docIndex, path, value, text.slice(0, s) + renderValue(value, loc.valueRange!.start.character) + trailing + text.slice(e));
    }
    if (/^[{[]/.test(body) && !isEmptyCollection(current)) {
      // A flow collection with entries stays a flow collection.
      return finish(file, docIndex, path, value, text.slice(0, s) + stringify(value, { lineWidth: 0, collectionStyle: 'flow' }).trimEnd() + trailing + text.slice(e));
    }
    // A scalar or an empty placeholder becomes a block under the key; what followed the old
    // value on the key's line (a comment) stays on that line.
    let keyEnd = s;
    while (keyEnd > 0 && (text[keyEnd - 1] === ' ' || text[keyEnd - 1] === '\t')) keyEnd--;
    const lineEnd = text.indexOf('\n', e) < 0 ? text.length : text.indexOf('\n', e);
    const rest = text.slice(e, lineEnd).trimEnd();
    const indent = ' '.repeat(keyIndent(text, s) + 2);
    const lines = stringify(value, { lineWidth: 0 }).trimEnd().split('\n').map((l) => indent + l).join('\n');
    return finish(file, docIndex, path, value, `${text.slice(0, keyEnd)}${rest}\n${lines}${text.slice(lineEnd)}`);
  }
  if (loc.depth === path.length - 1 && typeof path[path.length - 1] === 'string') {
    // The parent exists and the key does not: add it as the parent's last entry.
    const parent = locatePath(file, docIndex, path.slice(0, -1));
    if (!parent?.valueOffsets || !parent.exact) return { ok: false, reason: 'parent is not a block mapping' };
    const [ps, pe] = parent.valueOffsets;
    const body = text.slice(ps, pe);
    if (/^\s*[{[]/.test(body)) return { ok: false, reason: 'parent is a flow collection; edit it by hand' };
    const indent = ' '.repeat(parent.valueRange!.start.character);
    const insertAt = pe - (/\n*$/.exec(body)![0].length);
    const entry = stringify({ [path[path.length - 1] as string]: value }, { lineWidth: 0 }).trimEnd().split('\n').map((l) => indent + l).join('\n');
    return finish(file, docIndex, path, value, `${text.slice(0, insertAt)}\n${entry}${text.slice(insertAt)}`);
  }
  return { ok: false, reason: 'the field and its parent are missing from the source' };
}

/** Both maps with entries, or both lists of the same length: edited entry by entry. */
function sameShape(current: unknown, value: unknown): boolean {
  if (isObj(current) && isObj(value)) return Object.keys(current).length > 0 && Object.keys(value).length > 0;
  return Array.isArray(current) && Array.isArray(value) && current.length > 0 && current.length === value.length;
}

/** Changes, adds and removes the entries of a block collection one by one, re-reading the file after each. */
function editEntries(file: ManifestFile, docIndex: number, path: JsonPath, current: Obj | unknown[], value: Obj | unknown[]): EditResult {
  let f = file;
  const apply = (r: EditResult): string | undefined => {
    if (!r.ok) return r.reason;
    f = parseManifestFile(file.file, r.text, file.role);
    return undefined;
  };
  if (Array.isArray(current) && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (isDeepStrictEqual(current[i], value[i])) continue;
      const why = apply(setValueInText(f, docIndex, [...path, i], value[i]));
      if (why) return { ok: false, reason: why };
    }
  } else if (isObj(current) && isObj(value)) {
    for (const key of Object.keys(current)) {
      if (key in value) continue;
      const why = apply(removeKey(f, docIndex, [...path, key]));
      if (why) return { ok: false, reason: why };
    }
    for (const [key, v] of Object.entries(value)) {
      if (key in current && isDeepStrictEqual(current[key], v)) continue;
      const why = apply(setValueInText(f, docIndex, [...path, key], v));
      if (why) return { ok: false, reason: why };
    }
  }
  return finish(file, docIndex, path, value, f.text);
}

/** Removes a key and its value: its lines, from the key's line to the end of the value's last line. */
function removeKey(file: ManifestFile, docIndex: number, path: JsonPath): EditResult {
  const loc = locatePath(file, docIndex, path);
  if (!loc?.exact) return { ok: false, reason: `no ${String(path[path.length - 1])} to remove` };
  const text = file.text;
  const keyStart = text.lastIndexOf('\n', offsetOf(text, loc.keyRange.start) - 1) + 1;
  if (text.slice(keyStart, offsetOf(text, loc.keyRange.start)).trim() !== '') return { ok: false, reason: 'the key shares its line with other content; edit it by hand' };
  const valueEnd = loc.valueOffsets ? loc.valueOffsets[1] : offsetOf(text, loc.keyRange.end);
  const lastChar = keyStart + text.slice(keyStart, valueEnd).trimEnd().length;
  const nl = text.indexOf('\n', lastChar);
  const end = nl < 0 ? text.length : nl + 1;
  return { ok: true, text: text.slice(0, keyStart) + text.slice(end) };
}

function offsetOf(text: string, pos: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < pos.line; l++) off = text.indexOf('\n', off) + 1;
  return off + pos.character;
}

function valueAt(file: ManifestFile, docIndex: number, path: JsonPath): unknown {
  let cur: unknown = file.documents[docIndex]?.object;
  for (const seg of path) cur = (cur as Record<string | number, unknown> | undefined)?.[seg as string];
  return cur;
}

function finish(file: ManifestFile, docIndex: number, path: JsonPath, value: unknown, text: string): EditResult {
  // Verify by parsing again: the edit must yield exactly the intended value and nothing broken.
  const check = parseManifestFile(file.file, text, file.role);
  const doc = check.documents[docIndex];
  if (!doc || doc.kind === 'invalid') return { ok: false, reason: 'the edit would make the YAML invalid' };
  if (!isDeepStrictEqual(valueAt(check, docIndex, path), value)) return { ok: false, reason: 'the edit could not be expressed in place' };
  return { ok: true, text };
}

function isBlock(old: string): boolean {
  return old.includes('\n') && !/^\s*[{["']/.test(old);
}

function keyIndent(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^ */.exec(text.slice(lineStart))![0].length;
}

/** A value in place of another: scalars and empty collections as they are, a collection as a block at the old block's column. */
function renderValue(value: unknown, col: number): string {
  if (value === null || typeof value !== 'object') return stringify(value, { lineWidth: 0 }).trimEnd();
  if (isEmptyCollection(value)) return Array.isArray(value) ? '[]' : '{}';
  const indent = ' '.repeat(col);
  return stringify(value, { lineWidth: 0 }).trimEnd().split('\n').map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}
