import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseManifestFile, type FileRole, type ManifestFile } from '../manifest';
import { globToRegExp } from './config';
import { isKustomizePatch, KUSTOMIZATION_FILES } from '../repo/roles';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.gitops-lens', 'vendor']);
const KUSTOMIZATION = new Set(KUSTOMIZATION_FILES);

/** What a YAML file is for, from its place in the repo (Helm chart folders, kustomizations). */
export function roleForPath(path: string): FileRole {
  const name = basename(path);
  if (KUSTOMIZATION.has(name)) return 'kustomization';
  let d = dirname(path);
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'Chart.yaml'))) {
      const rel = relative(d, path).split(sep);
      if (rel[0] === 'templates') return 'helm-template';
      if (/^values.*\.ya?ml$/.test(name) || rel[0] === 'ci') return 'helm-values';
      return 'other';
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (name === 'Chart.yaml' || name === 'gitops-lens.yaml' || name.startsWith('.')) return 'other';
  if (isKustomizePatch(resolve(path))) return 'kustomize-patch';
  return 'manifests';
}

/** YAML files under the given paths (files or folders), minus skipped globs relative to `root`. */
export function findYamlFiles(root: string, paths: string[], skip: string[] = []): string[] {
  const skipRe = skip.map(globToRegExp);
  const out: string[] = [];
  const skipped = (abs: string) => { const rel = relative(root, abs).split(sep).join('/'); return skipRe.some((r) => r.test(rel) || r.test(rel + '/')); };
  const walk = (p: string) => {
    let st;
    try { st = statSync(p); } catch { return; }
    if (skipped(p)) return;
    if (st.isDirectory()) {
      for (const n of readdirSync(p).sort()) if (!SKIP_DIRS.has(n)) walk(join(p, n));
    } else if (/\.ya?ml$/.test(p) || basename(p) === 'Kustomization') out.push(p);
  };
  for (const p of paths.length ? paths : [root]) walk(resolve(root, p));
  return out;
}

export function readManifestFile(path: string, text = readFileSync(path, 'utf8')): ManifestFile {
  return parseManifestFile(path, text, roleForPath(path));
}
