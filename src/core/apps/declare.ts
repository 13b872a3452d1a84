import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { locatePath, type JsonPath, type KubeObject, type ManifestDocument, type ManifestFile } from '../manifest';
import type { AppProblem, AppSource, Declaration, RendererKind } from './types';
import type { RepoSnapshot } from '../repo';
import { kustomizationFile } from '../repo/roles';
import { sameRepo } from '../git/url';

/** One declaring document, with helpers to point at its fields. */
export interface DeclContext {
  repo: RepoSnapshot;
  file: ManifestFile;
  doc: ManifestDocument;
  object: KubeObject;
}

export function declarationOf(c: DeclContext): Declaration {
  return { file: c.file.file, docIndex: c.doc.index, range: c.doc.range };
}

export function problemAt(c: DeclContext, path: JsonPath, message: string, code: string, severity: AppProblem['severity'] = 'error'): AppProblem {
  const loc = locatePath(c.file, c.doc.index, path);
  return { message, severity, code, file: c.file.file, range: loc?.range ?? c.doc.range };
}

export function isThisRepo(repo: RepoSnapshot, url: string | undefined): boolean {
  return !!url && repo.remotes.some((r) => sameRepo(r, url));
}

/** A path inside the repo root, or undefined when it escapes it. */
export function repoPath(repo: RepoSnapshot, path: string): string | undefined {
  const abs = resolve(repo.root, normalize(path.replace(/^\.\//, '')));
  const rel = relative(repo.root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return abs;
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function hasKustomization(dir: string): boolean {
  return kustomizationFile(dir) !== undefined;
}

/** Argo CD's order: an explicit type (plugin, helm, kustomize, directory) wins over what the folder holds. */
export function rendererFor(dir: string, src: Partial<AppSource>): RendererKind {
  if (src.plugin) return 'plugin';
  if (src.helm) return 'helm';
  if (src.kustomize) return 'kustomize';
  if (src.directory) return 'directory';
  if (existsSync(join(dir, 'Chart.yaml'))) return 'helm';
  if (hasKustomization(dir)) return 'kustomize';
  return 'directory';
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
export function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
