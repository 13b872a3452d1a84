import { checkUniqueKeys } from './unique';
import { LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { fastParse, parseDocumentAt, type FastDocument, type FastFile } from './fast';
import { isKubeObject, resourceIdOf } from './identity';
import type { FileRole, ManifestDocument, ManifestFile, ManifestProblem, Position, Range } from './types';

/** The parsed syntax of a file, kept beside the plain data for position look-ups and edits. */
export interface ParsedSyntax {
  lineCounter: LineCounter;
  documents: Document.Parsed[];
}
const syntaxOf = new WeakMap<ManifestFile, ParsedSyntax>();
/** Files read the fast way: their documents' text spans, for position trees built per document. */
const fastOf = new WeakMap<ManifestFile, { fast: FastFile; trees: (Document.Parsed | undefined)[] }>();

export function syntaxFor(file: ManifestFile): ParsedSyntax {
  let s = syntaxOf.get(file);
  if (!s) {
    const fast = fastOf.get(file);
    s = fast ? lazySyntax(file.text, fast.fast.lineCounter) : parseSyntax(file.text);
    syntaxOf.set(file, s);
  }
  return s;
}

/** Line positions now; the whole file's syntax tree only if someone asks for it. */
function lazySyntax(text: string, lineCounter: LineCounter): ParsedSyntax {
  let documents: Document.Parsed[] | undefined;
  return {
    lineCounter,
    get documents() { return (documents ??= parseSyntax(text).documents); },
  };
}

/**
 * The syntax tree of one document, with file offsets. For a fast-read file only this
 * document is parsed, once; positions are the same as the whole file's tree would give.
 */
export function documentSyntax(file: ManifestFile, index: number): { doc: Document.Parsed | undefined; lineCounter: LineCounter } {
  const fast = fastOf.get(file);
  if (!fast) {
    const s = syntaxFor(file);
    return { doc: s.documents[index], lineCounter: s.lineCounter };
  }
  const fd = fast.fast.documents[index];
  let doc = fast.trees[index];
  if (!doc && fd) doc = fast.trees[index] = parseDocumentAt(file.text, fd);
  return { doc, lineCounter: fast.fast.lineCounter };
}

/** A fast-read document, and whether its position tree is built already. */
export function fastDocument(file: ManifestFile, index: number): { doc: FastDocument; lineCounter: LineCounter; hasTree: boolean } | undefined {
  const fast = fastOf.get(file);
  const doc = fast?.fast.documents[index];
  return fast && doc ? { doc, lineCounter: fast.fast.lineCounter, hasTree: fast.trees[index] !== undefined } : undefined;
}

function parseSyntax(text: string): ParsedSyntax {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, keepSourceTokens: false, uniqueKeys: false });
  // parseAllDocuments returns an EmptyStream (not an array) for a stream with no documents.
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const d of documents) checkUniqueKeys(d);
  return { lineCounter, documents };
}

export function positionAt(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

export function rangeOf(lc: LineCounter, start: number, end: number): Range {
  return { start: positionAt(lc, start), end: positionAt(lc, Math.max(start, end)) };
}

export interface ParseOptions {
  /** Internal: always use the full `yaml` parse (tests compare the fast path against it). */
  full?: boolean;
}

/** Files with Go templates or patch fragments are recognised and never read as resources. */
export function parseManifestFile(file: string, text: string, role: FileRole = 'manifests', options: ParseOptions = {}): ManifestFile {
  const result: ManifestFile = { file, text, role, documents: [], problems: [] };
  if (role === 'helm-template' || role === 'helm-values' || role === 'other') return result;
  const fast = options.full ? undefined : fastParse(text);
  if (fast) {
    fastOf.set(result, { fast, trees: [] });
    const lc = fast.lineCounter;
    fast.documents.forEach((fd, index) => {
      const md: ManifestDocument = { file, index, range: rangeOf(lc, fd.start, fd.end), kind: 'empty', problems: [] };
      result.documents.push(md);
      classify(md, fd.value, role);
    });
    return result;
  }
  const syntax = parseSyntax(text);
  syntaxOf.set(result, syntax);
  const { lineCounter: lc } = syntax;
  syntax.documents.forEach((doc, index) => {
    // A document's range starts at its content, not at a leading `---` or comment.
    const start = (doc.contents as YamlNode | null)?.range?.[0] ?? doc.range[0];
    const end = doc.range[2];
    const problems: ManifestProblem[] = [
      ...doc.errors.map((e) => ({ message: e.message.split('\n')[0], range: rangeOf(lc, e.pos[0], e.pos[1]), severity: 'error' as const, code: `yaml-${e.code}` })),
      ...doc.warnings.map((e) => ({ message: e.message.split('\n')[0], range: rangeOf(lc, e.pos[0], e.pos[1]), severity: 'warning' as const, code: `yaml-${e.code}` })),
    ];
    const md: ManifestDocument = { file, index, range: rangeOf(lc, start, end), kind: 'empty', problems };
    result.documents.push(md);
    if (doc.errors.length > 0) {
      md.kind = 'invalid';
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      md.kind = 'invalid';
      md.problems.push({ message: `cannot read document: ${(e as Error).message}`, range: md.range, severity: 'error', code: 'yaml-resolve' });
      return;
    }
    classify(md, value, role);
  });
  return result;
}

function classify(md: ManifestDocument, value: unknown, role: FileRole): void {
  if (value === null || value === undefined) return;
  if (role === 'kustomization' || role === 'kustomize-patch' || !isKubeObject(value)) {
    md.kind = 'non-kubernetes';
    return;
  }
  md.kind = 'resource';
  md.object = value;
  md.id = resourceIdOf(value);
}

/** The plain value of a document that is not a resource (a kustomization, say); undefined when invalid. */
export function documentValueOf(file: ManifestFile, index: number): unknown {
  const d = file.documents[index];
  if (d?.object) return d.object;
  const fast = fastOf.get(file);
  if (fast) return fast.fast.documents[index]?.value ?? (d ? null : undefined);
  const doc = syntaxFor(file).documents[index];
  if (!doc || doc.errors.length) return undefined;
  try { return doc.toJS({ maxAliasCount: 100 }); } catch { return undefined; }
}
