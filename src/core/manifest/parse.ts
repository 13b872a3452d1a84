import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Document, type Node as YamlNode } from 'yaml';
import { isKubeObject, resourceIdOf } from './identity';
import type { FileRole, ManifestDocument, ManifestFile, ManifestProblem, Position, Range } from './types';

/** The parsed syntax of a file, kept beside the plain data for position look-ups and edits. */
export interface ParsedSyntax {
  lineCounter: LineCounter;
  documents: Document.Parsed[];
}
const syntaxOf = new WeakMap<ManifestFile, ParsedSyntax>();

export function syntaxFor(file: ManifestFile): ParsedSyntax {
  let s = syntaxOf.get(file);
  if (!s) {
    s = parseSyntax(file.text);
    syntaxOf.set(file, s);
  }
  return s;
}

function parseSyntax(text: string): ParsedSyntax {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, keepSourceTokens: false, uniqueKeys: true });
  // parseAllDocuments returns an EmptyStream (not an array) for a stream with no documents.
  const documents = Array.isArray(parsed) ? parsed : [];
  return { lineCounter, documents };
}

export function positionAt(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

export function rangeOf(lc: LineCounter, start: number, end: number): Range {
  return { start: positionAt(lc, start), end: positionAt(lc, Math.max(start, end)) };
}

/** Files with Go templates or patch fragments are recognised and never read as resources. */
export function parseManifestFile(file: string, text: string, role: FileRole = 'manifests'): ManifestFile {
  const result: ManifestFile = { file, text, role, documents: [], problems: [] };
  if (role === 'helm-template' || role === 'helm-values' || role === 'other') return result;
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
    if (value === null || value === undefined) return;
    if (role === 'kustomization' || role === 'kustomize-patch' || !isKubeObject(value)) {
      md.kind = 'non-kubernetes';
      return;
    }
    md.kind = 'resource';
    md.object = value;
    md.id = resourceIdOf(value);
  });
  return result;
}

/** Every resource document of a file. */
export function resourcesOf(file: ManifestFile): ManifestDocument[] {
  return file.documents.filter((d) => d.kind === 'resource');
}

export function allProblems(file: ManifestFile): ManifestProblem[] {
  return [...file.problems, ...file.documents.flatMap((d) => d.problems)];
}

export type { YamlNode };
export { isMap, isSeq, isScalar, isPair };
