import { readFileSync } from 'node:fs';
import type { ManifestFile } from '../manifest';
import type { Linter } from './engine';
import { sortFindings } from './engine';
import { readManifestFile } from './scan';
import type { Finding } from './types';

// Files that can change the repo-wide context: CRDs, admission policies, Flux sources, Namespaces.
const CONTEXT = /CustomResourceDefinition|ValidatingAdmissionPolicy|source\.toolkit\.fluxcd\.io|kind:\s*["']?Namespace\b/;

/**
 * Lints many files the CI way: one pass indexes only the files that can change repo-wide
 * facts, the second parses, lints and drops each file, so memory stays flat on big repos.
 * `report` limits which files' findings are returned (the index still sees all `paths`).
 */
export function lintPaths(linter: Linter, paths: string[], report: (path: string) => boolean = () => true): { findings: Finding[]; files: number; resources: number } {
  const texts = new Map<string, string>();
  for (const p of paths) texts.set(p, readFileSync(p, 'utf8'));
  const usesParams = [...texts.values()].some((t) => t.includes('paramKind'));
  const kept = new Map<string, ManifestFile>();
  for (const [p, t] of texts) {
    // With paramKind policies, any ConfigMap or custom resource may be a param: index everything.
    if (!usesParams && !CONTEXT.test(t)) continue;
    const f = readManifestFile(p, t);
    linter.updateFile(f);
    if (report(p)) kept.set(p, f);
  }
  const findings: Finding[] = [];
  const unknownKinds = new Set<string>();
  let resources = 0;
  for (const [p, t] of texts) {
    if (!report(p)) continue;
    const f = kept.get(p) ?? readManifestFile(p, t);
    kept.delete(p);
    resources += f.documents.filter((d) => d.kind === 'resource').length;
    findings.push(...linter.lintFile(f, { unknownKinds }));
  }
  return { findings: sortFindings(findings), files: texts.size, resources };
}
