import { checkUniqueKeys } from './unique';
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { isMap, isPair, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';

/**
 * The fast way to read a manifest file. The `yaml` package builds a full syntax tree with
 * positions, which costs 0.3–0.6 ms per resource; lint needs positions only for documents
 * with findings. So values come from js-yaml (one tenth of the work), and a document's
 * position tree is built on demand, per document.
 *
 * This path is taken only for plain, well-formed block YAML — the shape of nearly every
 * manifest. Anything where the two parsers could disagree (tags, anchors, merge keys,
 * directives, tabs, CR, odd keys, a js-yaml error) makes it decline, and the caller reads
 * the file with `yaml` as before, so problems and positions are exactly the full path's.
 */

/** `yaml`'s YAML 1.2 core schema, rebuilt for js-yaml (js-yaml's own allows `1_000`, `0b1`, `+.5e3`…). */
const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string | null) => s !== null && test.test(s), construct });
const CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (s: string | null) => s === null || /^(?:~|[Nn]ull|NULL)?$/.test(s), construct: () => null }),
    scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    // One type per tag: js-yaml keeps only the last type of a tag.
    scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) => (s[1] === 'o' ? parseInt(s.substring(2), 8) : s[1] === 'x' ? parseInt(s.substring(2), 16) : parseInt(s, 10))),
    scalar('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/, (s) => {
      if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
      return parseFloat(s);
    }),
  ],
});

/**
 * Text the fast path declines outright:
 * - tabs, CR, BOM, NUL and other controls; `%` directives; `...` document ends; `<<` merge keys;
 * - tags (`!`), anchors (`&`), aliases (`*`) where an indicator could start;
 * - `?` complex keys, flow collections as keys (or nested in flow mappings, where they may be keys), null or empty keys (js-yaml names them "null", `yaml` "");
 * - null or empty entries in flow collections (`{null}`, `[a, , b]`);
 * - empty list items (`-` alone on its line), around which js-yaml forgives indentation `yaml` rejects;
 * - a flow collection closing at the start of a line (`yaml` warns when it is not indented enough).
 */
const CONTROL = /[\t\r\uFEFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Each costly pattern runs only when the text holds its trigger character (a fast `includes`).
const GATED: [string[], RegExp][] = [
  [['!', '&', '*'], /(?:^|[\s[\]{},])[!&*]/m],
  [['?'], /(?:^|[\s[{,])\?(?:\s|$)/m],
  [[']', '}'], /[\]}] *:(?:[\s,\]}]|$)|^ *[\]}]|[\]}]#|[{,] *(?:~|null|Null|NULL) *[,}]|, *[,}]|\{ *,|\{[^}\n]*[{[]/m],
  [['~', 'null', 'Null', 'NULL'], /(?:^|[\s{,[?-])(?:~|null|Null|NULL) *:/m],
];
// Characters before a `:` that mean an empty key (` :`, `- :`, `{:`…), or a text starting with `:`.
const EMPTY_KEY = /[\s{,[?-]:/;

function declined(text: string): boolean {
  if (CONTROL.test(text) || text.includes('<<') || text.includes('__proto__') || EMPTY_KEY.test(text)) return true;
  if (text[0] === '%' || text.includes('\n%') || text.startsWith('...') || text.includes('\n...') || text[0] === ':') return true;
  if (/- *(?:\n|$)/.test(text) && /^ *(?:- +)*- *$/m.test(text)) return true;
  for (const [triggers, re] of GATED) if (triggers.some((t) => text.includes(t)) && re.test(text)) return true;
  return false;
}

/** One document of a fast-read file: where its text is, and its value. */
export interface FastDocument {
  /** The document's text: from its `---` line (or the file start) to the next `---` line. */
  segStart: number;
  segEnd: number;
  /** Offsets of the document range as the full path reports it (content start, document end). */
  start: number;
  end: number;
  /** Where the full path's document range starts: its `---` line, else its first content line. */
  docStart: number;
  /** Undefined for an empty document. */
  value: unknown;
  /** True when the document has no content at all (only a `---` line and blank lines). */
  empty: boolean;
}

export interface FastFile {
  lineCounter: LineCounter;
  documents: FastDocument[];
}

/** Reads a file the fast way, or returns undefined when only the full parser can be trusted with it. */
export function fastParse(text: string): FastFile | undefined {
  if (declined(text) || multiLineFlow(text) || multiLineQuoted(text)) return undefined;
  const lineCounter = new LineCounter();
  const markers: number[] = [];
  let lineStart = 0;
  for (;;) {
    lineCounter.addNewLine(lineStart);
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    // `implicit key` limits and other long-line rules of `yaml`: leave long keyed lines to it.
    if (lineEnd - lineStart > 1000 && text.lastIndexOf(':', lineEnd) > lineStart + 1000) return undefined;
    if (text.startsWith('---', lineStart)) {
      const rest = text.slice(lineStart + 3, lineEnd);
      if (rest === '' || /^ +(?:#.*)?$/.test(rest)) markers.push(lineStart);
      else return undefined; // content on the marker line, or a `----` line js-yaml reads its own way
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  const documents: FastDocument[] = [];
  const bounds = [0, ...markers, text.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const segStart = bounds[i];
    const segEnd = bounds[i + 1];
    if (segStart === segEnd && i === 0) continue;
    const hasMarker = i > 0;
    const markerEnd = hasMarker ? lineEndOf(text, segStart) : segStart;
    const start = contentStart(text, hasMarker ? Math.min(markerEnd + 1, segEnd) : segStart, segEnd);
    if (start < 0) {
      // No content: before the first marker that is no document; after one, an empty document.
      if (!hasMarker) continue;
      if (/#/.test(text.slice(segStart, segEnd))) return undefined;
      documents.push({ segStart, segEnd, start: markerEnd, end: markerEnd, docStart: segStart, value: undefined, empty: true });
      continue;
    }
    // A flow collection as the whole document: `yaml` leaves trailing lines out of its range.
    if (text[start] === '{' || text[start] === '[') return undefined;
    // A document ending in an empty value (`key:`, `-`, `key: |`) ends, for `yaml`, before its last newline.
    if (/(?::|(?:^|\s)-|(?:^|\s)[|>][-+0-9]*)$/.test(lastContentLine(text, start, segEnd))) return undefined;
    let value: unknown;
    try {
      value = load(text.slice(segStart, segEnd), { schema: CORE });
    } catch {
      return undefined;
    }
    // A scalar document's range follows rules of its own (trailing lines in or out); rare in manifests.
    if (value === null || typeof value !== 'object') return undefined;
    documents.push({ segStart, segEnd, start, end: segEnd, docStart: hasMarker ? segStart : text.lastIndexOf('\n', start - 1) + 1, value, empty: false });
  }
  return { lineCounter, documents };
}

/**
 * True when a flow collection (`[…]`, `{…}`) spans lines, counting brackets anywhere (quotes
 * included, which only errs towards declining): `yaml` has indentation rules for those that
 * js-yaml does not check.
 */
function multiLineFlow(text: string): boolean {
  const re = /[[\]{}\n]/g;
  let depth = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const c = m[0];
    if (c === '\n') { if (depth !== 0) return true; }
    else if (c === '[' || c === '{') depth++;
    else depth--;
  }
  return depth !== 0;
}

/**
 * True when a quoted scalar may continue on the next line (`yaml` requires its continuation
 * lines to be indented, js-yaml does not) or is followed by something unusual. Any quote that
 * could open a scalar counts.
 */
function multiLineQuoted(text: string): boolean {
  const re = /(?:^|[\s[{,])(["'])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const q = m[1];
    let i = m.index + m[0].length;
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') return true;
      if (q === '"' && c === '\\') { if (text[i + 1] === '\n') return true; i += 2; continue; }
      if (c === q) {
        if (q === "'" && text[i + 1] === "'") { i += 2; continue; }
        break;
      }
      i++;
    }
    // What may follow a closing quote; `"a"# c` is an error only for `yaml`.
    const after = text[i + 1];
    if (after !== undefined && !' \n:,]}'.includes(after)) return true;
    re.lastIndex = i + 1;
  }
  return false;
}

/** The last line of [from, to) that is not blank or comment-only, without trailing spaces. */
function lastContentLine(text: string, from: number, to: number): string {
  let end = to;
  while (end > from) {
    const ls = text.lastIndexOf('\n', end - 1 - (text[end - 1] === '\n' ? 1 : 0)) + 1;
    const line = text.slice(Math.max(ls, from), text[end - 1] === '\n' ? end - 1 : end).trimEnd();
    if (line !== '' && !/^ *#/.test(line)) return line;
    end = ls;
  }
  return '';
}

function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/** Offset of the first character that is not blank or comment, or -1. */
function contentStart(text: string, from: number, to: number): number {
  let p = from;
  while (p < to) {
    let q = p;
    while (q < to && text.charCodeAt(q) === 32) q++;
    const c = text.charCodeAt(q);
    if (q < to && c !== 10 && c !== 35 /* # */) return q;
    const nl = text.indexOf('\n', q);
    if (nl < 0 || nl >= to) return -1;
    p = nl + 1;
  }
  return -1;
}

/**
 * The position tree of one fast-read document, parsed from its own text and moved to file
 * offsets; the same tree the full parse of the whole file yields for that document.
 */
export function parseDocumentAt(text: string, doc: FastDocument): Document.Parsed {
  const parsed = parseDocument(text.slice(doc.segStart, doc.segEnd), { prettyErrors: false, keepSourceTokens: false, uniqueKeys: false });
  checkUniqueKeys(parsed);
  const d = doc.segStart;
  if (d === 0) return parsed;
  parsed.range = [parsed.range[0] + d, parsed.range[1] + d, parsed.range[2] + d];
  for (const e of [...parsed.errors, ...parsed.warnings]) e.pos = [e.pos[0] + d, e.pos[1] + d];
  shift(parsed.contents as YamlNode | null, d);
  return parsed;
}

function shift(node: unknown, d: number): void {
  if (!node || typeof node !== 'object') return;
  if (isPair(node)) { shift(node.key, d); shift(node.value, d); return; }
  const n = node as YamlNode;
  if (n.range) n.range = [n.range[0] + d, n.range[1] + d, n.range[2] + d];
  if (isMap(n) || isSeq(n)) for (const it of n.items) shift(it, d);
}
