import { locatePath, syntaxFor, positionAt, type JsonPath, type ManifestFile, type Range } from '../manifest';
import type { Fix } from './types';

/**
 * A text edit that sets `path` to `value` in one document: replaces an existing scalar, or
 * inserts the missing keys as a block before the first key of the deepest existing map.
 * Undefined where the YAML style makes a mechanical edit unsafe (flow maps, aliases).
 */
export function setValueFix(file: ManifestFile, docIndex: number, path: JsonPath, value: unknown, title: string): Fix | undefined {
  const loc = locatePath(file, docIndex, path);
  if (!loc) return undefined;
  const text = file.text;
  const lc = syntaxFor(file).lineCounter;
  if (loc.exact) {
    if (!loc.valueOffsets) return undefined;
    const [s, e] = loc.valueOffsets;
    const ch = text[s];
    if (isPlainObject(value)) return undefined;
    if ((ch === '{' || ch === '[') && !Array.isArray(value)) return undefined;
    return { title, edits: [{ range: { start: positionAt(lc, s), end: positionAt(lc, e) }, newText: scalar(value) }] };
  }
  const missing = path.slice(loc.depth);
  if (missing.some((s) => typeof s === 'number')) return undefined;
  let nested: unknown = value;
  for (let i = missing.length - 1; i >= 1; i--) nested = { [missing[i] as string]: nested };
  const firstKey = missing[0] as string;
  // Where the parent's children start: its value (a map), or the item itself (a list entry).
  let at: number | undefined;
  let indent: number;
  if (loc.depth === 0) {
    const doc = file.documents[docIndex];
    if (!doc) return undefined;
    const start = offsetOf(file, doc.range.start.line, doc.range.start.character);
    at = start;
    indent = doc.range.start.character;
  } else if (loc.valueOffsets) {
    const [s] = loc.valueOffsets;
    const ch = text[s];
    if (ch === '{' || ch === '[' || ch === '*' || ch === '&' || ch === '|' || ch === '>' || ch === '"' || ch === "'") return undefined;
    if (isScalarAt(text, s)) return undefined;
    at = s;
    indent = positionAt(lc, s).character;
  } else {
    // `key:` with no value: insert the children on the next lines.
    const keyEnd = offsetOf(file, loc.keyRange.end.line, loc.keyRange.end.character);
    const colon = text.indexOf(':', keyEnd);
    if (colon < 0) return undefined;
    const childIndent = loc.keyRange.start.character + 2;
    const pos = positionAt(lc, colon + 1);
    return { title, edits: [{ range: { start: pos, end: pos }, newText: '\n' + block(firstKey, nested, childIndent).replace(/\n$/, '') }] };
  }
  const pos = positionAt(lc, at);
  const body = block(firstKey, nested, indent);
  // The inserted block takes the first key's place; the original key continues after it.
  return { title, edits: [{ range: { start: pos, end: pos }, newText: body.slice(indent) + ' '.repeat(indent) }] };
}

/** Inserts `# gitops-lens-ignore <rule> -- <reason>` on the line before `range`. */
export function ignoreDirectiveFix(file: ManifestFile, range: Range, ruleId: string): Fix {
  const lineStart = offsetOf(file, range.start.line, 0);
  let indent = 0;
  while (file.text[lineStart + indent] === ' ') indent++;
  const pos = { line: range.start.line, character: 0 };
  return { title: `Ignore ${ruleId} here (with a reason)`, edits: [{ range: { start: pos, end: pos }, newText: `${' '.repeat(indent)}# gitops-lens-ignore ${ruleId} -- TODO: reason\n` }] };
}

function isScalarAt(text: string, s: number): boolean {
  // A block map value starts with `key:`, a block seq with `- `; anything else is a scalar.
  if (text.startsWith('- ', s) || text[s] === '-' && text[s + 1] === '\n') return false;
  const nl = text.indexOf('\n', s);
  const line = text.slice(s, nl < 0 ? text.length : nl);
  return !/^[^#]*?:(\s|$)/.test(line);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function block(key: string, value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (isPlainObject(value)) {
    return `${pad}${key}:\n` + Object.entries(value).map(([k, v]) => block(k, v, indent + 2)).join('');
  }
  return `${pad}${key}: ${scalar(value)}\n`;
}

function scalar(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  if (typeof v === 'string') return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~|\d[\d.e+-]*)$/i.test(v) ? v : JSON.stringify(v);
  return String(v);
}

export function offsetOf(file: ManifestFile, line: number, character: number): number {
  const starts = syntaxFor(file).lineCounter.lineStarts;
  return (starts[line] ?? file.text.length) + character;
}
