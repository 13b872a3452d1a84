import { stringify } from 'yaml';
import { locatePath } from './paths';
import { parseManifestFile } from './parse';
import type { JsonPath, ManifestFile } from './types';

export type EditResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Set one value in a YAML file by splicing text, so every other byte of the file — comments,
 * key order, quoting, blank lines — stays exactly as it was.
 */
export function setValueInText(file: ManifestFile, docIndex: number, path: JsonPath, value: unknown): EditResult {
  if (path.length === 0) return { ok: false, reason: 'cannot replace a whole document' };
  const loc = locatePath(file, docIndex, path);
  if (!loc) return { ok: false, reason: `document ${docIndex} of ${file.file} has no such place` };
  const text = file.text;
  if (loc.exact && loc.valueOffsets) {
    const [s, e] = loc.valueOffsets;
    const col = loc.valueRange!.start.character;
    const old = text.slice(s, e);
    const trailing = /\s*$/.exec(old)![0];
    const rendered = renderValue(value, col, isBlock(old), keyIndent(text, s));
    return finish(file, docIndex, path, value, text.slice(0, s) + rendered + trailing + text.slice(e));
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

function finish(file: ManifestFile, docIndex: number, path: JsonPath, value: unknown, text: string): EditResult {
  // Verify by parsing again: the edit must yield exactly the intended value and nothing broken.
  const check = parseManifestFile(file.file, text, file.role);
  const doc = check.documents[docIndex];
  if (!doc || doc.kind === 'invalid') return { ok: false, reason: 'the edit would make the YAML invalid' };
  let cur: unknown = doc.object;
  for (const seg of path) cur = (cur as Record<string | number, unknown> | undefined)?.[seg as string];
  if (JSON.stringify(cur) !== JSON.stringify(value)) return { ok: false, reason: 'the edit could not be expressed in place' };
  return { ok: true, text };
}

function isBlock(old: string): boolean {
  return old.includes('\n') && !/^\s*[{["']/.test(old);
}

function keyIndent(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^ */.exec(text.slice(lineStart))![0].length;
}

function renderValue(value: unknown, col: number, wasBlock: boolean, parentIndent: number): string {
  if (value === null || typeof value !== 'object') return stringify(value, { lineWidth: 0 }).trimEnd();
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (!Array.isArray(value) && Object.keys(value).length === 0) return '{}';
  const lines = stringify(value, { lineWidth: 0 }).trimEnd().split('\n');
  // A block value starts on its own line under the key; keep the file's indentation.
  const indent = ' '.repeat(wasBlock ? col : parentIndent + 2);
  return wasBlock ? lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n') : '\n' + lines.map((l) => indent + l).join('\n');
}
