/**
 * Every scalar value written in a file, with its exact offsets: the places a rendered value
 * can come from. YAML scalars (also inside a YAML block string such as an inline kustomize
 * patch or Argo CD `helm.values`), `KEY=value` lines of env files, a whole generator file,
 * and the literal values on Helm template lines.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Node as YamlNode } from 'yaml';
import type { JsonPath } from '../../manifest';
import { rangeOf } from '../../manifest';
import type { ValuePlace } from './types';

type Emit = (s: ValuePlace) => void;

/** Line starts of a text, for offset → line/character. */
export function lineCounterOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}

function styleOf(n: Scalar): ValuePlace['style'] | undefined {
  switch (n.type) {
    case Scalar.PLAIN: return 'plain';
    case Scalar.QUOTE_DOUBLE: return 'double';
    case Scalar.QUOTE_SINGLE: return 'single';
    default: return undefined;
  }
}

/** A literal block string that holds YAML (a mapping or a list): its content is walked too. */
function blockYaml(n: Scalar): boolean {
  return n.type === Scalar.BLOCK_LITERAL && typeof n.value === 'string' && /^\s*(-\s|[\w"'.\/-]+\s*:(\s|$))/m.test(n.value);
}

/**
 * File offset of each line of a literal block's content: the block's string and the file hold
 * the same characters, each content line shifted by the block's indentation.
 */
function blockLineStarts(text: string, valueStart: number, value: string): number[] | undefined {
  // The header (`|`, `|-`, `|2+`) ends its line; content starts on the next one.
  const headerEnd = text.indexOf('\n', valueStart);
  if (headerEnd < 0) return undefined;
  const header = text.slice(valueStart, headerEnd).replace(/\s+#.*$/, '').trim();
  const explicit = /\d/.exec(header)?.[0];
  const lines = value.split('\n');
  const starts: number[] = [];
  let p = headerEnd + 1;
  let indent: number | undefined;
  if (explicit) {
    const keyLine = text.lastIndexOf('\n', valueStart - 1) + 1;
    indent = /^ */.exec(text.slice(keyLine))![0].length + Number(explicit);
  }
  // The string's end after its last newline is not a line of the file.
  const count = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let i = 0; i < count; i++) {
    const nl = text.indexOf('\n', p);
    const lineEnd = nl < 0 ? text.length : nl;
    const raw = text.slice(p, lineEnd);
    if (lines[i] === '' && raw.trim() === '') {
      starts.push(p);
    } else {
      if (indent === undefined) indent = /^ */.exec(raw)![0].length;
      if (raw.slice(indent) !== lines[i]) return undefined;
      starts.push(p + indent);
    }
    p = lineEnd + 1;
  }
  return starts;
}

function walk(node: YamlNode | null | undefined, path: (string | number)[], visit: (n: Scalar, path: JsonPath) => void): void {
  if (!node) return;
  if (isScalar(node)) { visit(node, path); return; }
  if (isMap(node)) {
    for (const it of node.items) {
      if (!isPair(it)) continue;
      const k = isScalar(it.key) ? it.key.value : undefined;
      if (typeof k !== 'string' && typeof k !== 'number') continue;
      walk(it.value as YamlNode | null, [...path, String(k)], visit);
    }
    return;
  }
  if (isSeq(node)) node.items.forEach((it, i) => walk(it as YamlNode, [...path, i], visit));
}

/** Scalars of a YAML text: offsets relative to the text; `map` turns them into file offsets (undefined: skip). */
function yamlScalars(text: string, emit: (n: Scalar, s: number, e: number, docIndex: number, path: JsonPath, docKind?: string) => void): void {
  let docs;
  try {
    docs = parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false });
  } catch {
    return;
  }
  if (!Array.isArray(docs)) return;
  docs.forEach((d, docIndex) => {
    if (d.errors.length) return;
    const kind = isMap(d.contents) ? d.contents.get('kind') : undefined;
    walk(d.contents as YamlNode, [], (n, path) => {
      if (!n.range) return;
      emit(n, n.range[0], n.range[1], docIndex, path, typeof kind === 'string' ? kind : undefined);
    });
  });
}

function isValue(v: unknown): v is string | number {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** Every string or number scalar of a YAML file, and of the YAML block strings in it (with the kinds of their documents). */
export function yamlPlaces(file: string, text: string, emit: (s: ValuePlace, docKind?: string, innerKind?: string) => void): void {
  const lc = lineCounterOf(text);
  const place = (s: number, e: number, value: string | number, style: ValuePlace['style'], docIndex: number, path: JsonPath, inner?: JsonPath): ValuePlace => ({
    file, start: s, end: e, range: rangeOf(lc, s, e), value, style, docIndex, path, inner,
  });
  yamlScalars(text, (n, s, e, docIndex, path, docKind) => {
    const style = styleOf(n);
    if (style && isValue(n.value)) {
      emit(place(s, e, n.value, style, docIndex, path), docKind);
      return;
    }
    if (!blockYaml(n)) return;
    const value = n.value as string;
    const starts = blockLineStarts(text, s, value);
    if (!starts) return;
    const innerLines: number[] = [0];
    for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) innerLines.push(i + 1);
    const toFile = (off: number) => {
      let line = innerLines.length - 1;
      while (line > 0 && innerLines[line] > off) line--;
      return starts[line] + (off - innerLines[line]);
    };
    yamlScalars(value, (m, is, ie, innerDoc, inner, innerKind) => {
      const st = styleOf(m);
      if (!st || !isValue(m.value) || innerDoc !== 0) return;
      // Only single-line scalars: their text is the same in the string and in the file.
      if (value.slice(is, ie).includes('\n')) return;
      const fs = toFile(is);
      const fe = toFile(ie);
      if (text.slice(fs, fe) !== value.slice(is, ie)) return;
      emit(place(fs, fe, m.value, st, docIndex, path, inner), docKind, innerKind);
    });
  });
}

/** `KEY=value` lines of an env file (kustomize `envs:`): each value is a place. */
export function envPlaces(file: string, text: string, emit: Emit): void {
  const lc = lineCounterOf(text);
  let p = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][\w.-]*)\s*=(.*)$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) {
      const v = m[2].replace(/\s+$/, '');
      const s = p + line.length - m[2].length;
      if (v) emit({ file, start: s, end: s + v.length, range: rangeOf(lc, s, s + v.length), value: v, style: 'raw' });
    }
    p += line.length + 1;
  }
}

/** A whole file whose content becomes one value (kustomize generator `files:`). */
export function wholeFilePlace(file: string, text: string): ValuePlace {
  const lc = lineCounterOf(text);
  return { file, start: 0, end: text.length, range: rangeOf(lc, 0, text.length), value: text, style: 'raw' };
}

/**
 * Literal values on Helm template lines (`team: greeters`, `- containerPort: 5678`): text
 * without template actions, so replacing it changes only that value.
 */
export function templatePlaces(file: string, text: string, emit: Emit): void {
  const lc = lineCounterOf(text);
  let p = 0;
  for (const line of text.split('\n')) {
    const m = /^(\s*(?:-\s+)?[A-Za-z_][\w.\/-]*:\s+)([^\s"'{}[\]#&*!|>%@`][^{}#]*?)\s*$/.exec(line);
    if (m && !line.includes('{{')) {
      const s = p + m[1].length;
      const raw = m[2];
      const value: string | number = /^-?\d+$/.test(raw) ? Number(raw) : raw;
      if (!/^(true|false|null|~)$/i.test(raw)) emit({ file, start: s, end: s + raw.length, range: rangeOf(lc, s, s + raw.length), value, style: 'raw' });
    }
    p += line.length + 1;
  }
}
