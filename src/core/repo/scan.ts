import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseManifestFile, type FileRole, type ManifestFile } from '../manifest';
import { isGitRepo, listFiles, remoteUrls } from '../git/repo';
import { remotesFromGitConfig } from '../git/config';

import { KUSTOMIZATION_FILES, patchFilesOf } from './roles';

export { KUSTOMIZATION_FILES };

export interface RepoSnapshot {
  root: string;
  /** Normalized remote URLs: how Argo CD and Flux objects name this repo. */
  remotes: string[];
  /** Every YAML file of the repo, parsed with its role. */
  files: ManifestFile[];
  byPath: Map<string, ManifestFile>;
  /** Absolute folders holding a kustomization file. */
  kustomizationDirs: Set<string>;
  /** Absolute folders holding a Chart.yaml. */
  chartDirs: Set<string>;
}

export interface LoadRepoOptions {
  /** Unsaved editor contents by absolute path; they win over the disk. */
  overrides?: Map<string, string>;
  /**
   * Run nothing (Restricted Mode): files are walked instead of listed by git, and remotes are
   * read from `.git/config` as text.
   */
  noExec?: boolean;
  /** Extra repo URLs (from the repo config) that name this repository. */
  extraRemotes?: string[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.terraform', 'vendor']);

async function walk(root: string, dir = root, out: string[] = []): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(root, join(dir, e.name), out);
    } else if (e.isFile()) out.push(relative(root, join(dir, e.name)));
  }
  return out;
}

function isYaml(rel: string): boolean {
  return /\.ya?ml$/i.test(rel) || basename(rel) === 'Kustomization';
}

export async function loadRepo(rootIn: string, opts: LoadRepoOptions = {}): Promise<RepoSnapshot> {
  const root = resolve(rootIn);
  const inGit = !opts.noExec && (await isGitRepo(root));
  const rels = (inGit ? await listFiles(root) : await walk(root)).filter((r) => !r.split('/').some((s) => SKIP_DIRS.has(s)));
  const chartDirs = new Set(rels.filter((r) => basename(r) === 'Chart.yaml').map((r) => dirname(join(root, r))));
  const yamlRels = rels.filter(isYaml);
  const texts = new Map<string, string>();
  await Promise.all(yamlRels.map(async (rel) => {
    const abs = join(root, rel);
    const text = opts.overrides?.get(abs) ?? (await readFile(abs, 'utf8').catch(() => undefined));
    if (text !== undefined) texts.set(abs, text);
  }));
  const kustomizationDirs = new Set<string>();
  const patchFiles = new Set<string>();
  for (const [abs, text] of texts) {
    if (KUSTOMIZATION_FILES.includes(basename(abs))) {
      kustomizationDirs.add(dirname(abs));
      for (const p of patchFilesOf(text, dirname(abs))) patchFiles.add(p);
    }
  }
  const files: ManifestFile[] = [];
  for (const [abs, text] of [...texts].sort(([a], [b]) => a.localeCompare(b))) {
    files.push(parseManifestFile(abs, text, roleOf(abs, chartDirs, patchFiles)));
  }
  const remotes = [...new Set([...(inGit ? await remoteUrls(root) : opts.noExec ? remotesFromGitConfig(root) : []), ...(opts.extraRemotes ?? [])])];
  return { root, remotes, files, byPath: new Map(files.map((f) => [f.file, f])), kustomizationDirs, chartDirs };
}

export function roleOf(abs: string, chartDirs: Set<string>, patchFiles: Set<string>): FileRole {
  if (KUSTOMIZATION_FILES.includes(basename(abs))) return 'kustomization';
  if (patchFiles.has(abs)) return 'kustomize-patch';
  for (let d = dirname(abs); d !== dirname(d); d = dirname(d)) {
    if (chartDirs.has(d)) {
      const inside = relative(d, abs).split(sep);
      if (inside[0] === 'templates' || inside[0] === 'charts' || inside[0] === 'crds') return inside[0] === 'crds' ? 'manifests' : 'helm-template';
      if (basename(abs) === 'Chart.yaml' || basename(abs) === 'Chart.lock') return 'other';
      return 'helm-values';
    }
  }
  return 'manifests';
}
