import { relative, sep } from 'node:path';
import { parseManifestFile, type ManifestFile } from '../manifest';
import type { RepoFile, RepoFiles } from '../repo';
import type { RenderedResource } from '../render/types';
import { globToRegExp } from './config';
import { internalErrorFinding, sortFindings, type Linter } from './engine';
import { lintRendered, mergeFindings } from './rendered';
import type { Finding } from './types';

export interface LintRepositoryInput {
  /** The repository's files (read or already parsed) and the scope its Flux sources give. */
  repo: Pick<RepoFiles<RepoFile>, 'root' | 'files' | 'scope'>;
  /** Files whose findings are returned (a CLI path argument); default every judged file. All judged files still feed the context. */
  report?: (path: string) => boolean;
  /** Apps' rendered output, linted and reported at the source lines it came from. */
  renders?: readonly { appId: string; resources: RenderedResource[] }[];
  /** Awaited between files and apps; false stops the run (the editor yields to the UI here and drops stale runs). */
  checkpoint?: () => boolean | Promise<boolean>;
}

/** A file's findings: its own (raw) and those of apps' rendered output mapped onto it. */
export interface FileFindings { raw: Finding[]; rendered: Finding[] }

export interface LintRepositoryResult {
  /** Per reported file; rendered findings without a source file sit under `(rendered <app>)`. */
  byFile: Map<string, FileFindings>;
  /** Files judged (in scope) and resources linted among the reported ones. */
  files: number;
  resources: number;
  cancelled: boolean;
}

// Files that can change the repo-wide context: CRDs, admission policies, Flux sources, Namespaces.
const CONTEXT = /CustomResourceDefinition|ValidatingAdmissionPolicy|source\.toolkit\.fluxcd\.io|kind:\s*["']?Namespace\b/;

/**
 * Which files lint judges: those the repo's Flux sources deliver, less `lint.skip` of
 * gitops-lens.yaml. The one rule for the CLI and the editor.
 */
export function lintScopeOf(repo: Pick<RepoFiles, 'root' | 'scope'>, linter: Linter): (path: string) => boolean {
  const skip = linter.config.skip.map(globToRegExp);
  return (path) => {
    const rel = relative(repo.root, path).split(sep).join('/');
    if (rel.startsWith('..')) return false;
    return !repo.scope.excludes(rel) && !skip.some((r) => r.test(rel) || r.test(`${rel}/`));
  };
}

/**
 * Lints a repository: raw files, then each app's rendered output, merged per file (a finding
 * both report counted once). One pass indexes the files that can change repo-wide facts,
 * the next parses (unless already parsed), lints and drops each file, so memory stays flat
 * on big repos: every file is parsed once. A failure inside one file becomes a finding on
 * that file; the rest is linted. Called by `gitops-lens lint` and the editor alike.
 */
export async function lintRepository(linter: Linter, input: LintRepositoryInput): Promise<LintRepositoryResult> {
  const judged = lintScopeOf(input.repo, linter);
  const report = input.report ?? (() => true);
  const files = input.repo.files.filter((f) => judged(f.file));
  const parse = (f: RepoFile): ManifestFile => ('documents' in f ? (f as ManifestFile) : parseManifestFile(f.file, f.text, f.role));
  const result: LintRepositoryResult = { byFile: new Map(), files: 0, resources: 0, cancelled: false };
  const entry = (file: string) => { let e = result.byFile.get(file); if (!e) { e = { raw: [], rendered: [] }; result.byFile.set(file, e); } return e; };
  const stop = async () => { if (input.checkpoint && !(await input.checkpoint())) { result.cancelled = true; return true; } return false; };

  // With paramKind policies any ConfigMap or custom resource may be a param: index everything.
  const usesParams = files.some((f) => f.text.includes('paramKind'));
  const kept = new Map<string, ManifestFile>();
  for (const f of files) {
    if (!usesParams && !CONTEXT.test(f.text)) continue;
    const parsed = parse(f);
    linter.updateFile(parsed);
    if (report(f.file)) kept.set(f.file, parsed);
  }
  const unknownKinds = new Set<string>();
  for (const f of files) {
    if (!report(f.file)) continue;
    const parsed = kept.get(f.file) ?? parse(f);
    kept.delete(f.file);
    result.files++;
    result.resources += parsed.documents.filter((d) => d.kind === 'resource').length;
    let found: Finding[];
    try {
      found = linter.lintFile(parsed, { unknownKinds });
    } catch (e) {
      found = [internalErrorFinding(parsed.file, 'lint', e)];
    }
    if (found.length) entry(f.file).raw = found;
    if (await stop()) return result;
  }

  if (input.renders?.length) {
    const byPath = new Map(files.map((f) => [f.file, f]));
    const parsedSources = new Map<string, ManifestFile>();
    const fileFor = (p: string) => {
      const f = byPath.get(p);
      if (!f) return undefined;
      let m = parsedSources.get(p);
      if (!m) { m = parse(f); parsedSources.set(p, m); }
      return m;
    };
    for (const r of input.renders) {
      let found: Finding[];
      try {
        found = lintRendered(linter, r.resources, { appId: r.appId, fileFor });
      } catch (e) {
        found = [internalErrorFinding(`(rendered ${r.appId})`, 'lint of the rendered output', e)];
      }
      for (const f of found) if (!byPath.has(f.file) || report(f.file)) entry(f.file).rendered.push(f);
      if (await stop()) return result;
    }
  }
  return result;
}

/** Every finding of a run, raw and rendered merged per file, in file and position order. */
export function allFindings(result: LintRepositoryResult): Finding[] {
  const out: Finding[] = [];
  for (const { raw, rendered } of result.byFile.values()) out.push(...(rendered.length ? mergeFindings(raw, rendered) : raw));
  return sortFindings(out);
}
