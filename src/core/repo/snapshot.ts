import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseManifestFile, type FileRole, type ManifestFile } from '../manifest';
import { remoteUrls } from '../git/repo';
import { checkedOutBranch, remotesFromGitConfig } from '../git/config';
import { listRepoFiles } from './files';
import { DEFAULT_IGNORES, IgnoreRules } from './ignore';
import { KUSTOMIZATION_FILES, patchFilesOf, roleOf, type RepoLayout } from './roles';
import { sourceScope, type SourceScope } from './scope';

/** A YAML file of the repo, read and classified but not parsed (a ManifestFile is one too). */
export interface RepoFile { file: string; text: string; role: FileRole }

/** The repository's YAML files, listed once, with the layout their roles came from. */
export interface RepoFiles<F extends RepoFile = RepoFile> extends RepoLayout {
  root: string;
  /**
   * The Git repository whose history these files belong to: \`root\` itself, or, for a copy
   * (an exported revision, a scratch copy), the repository it was copied from.
   */
  gitRoot: string;
  /** The branch checked out in \`gitRoot\` (undefined when detached or unknown). */
  branch?: string;
  /** Normalized remote URLs: how Argo CD and Flux objects name this repo. */
  remotes: string[];
  /** Every YAML file of the repo (absolute paths, sorted), less ignored ones. */
  files: F[];
  /** Absolute folders holding a kustomization file. */
  kustomizationDirs: Set<string>;
  /** What the repo's Flux sources deliver: the files lint judges. */
  scope: SourceScope;
}

export interface RepoSnapshot extends RepoFiles<ManifestFile> {
  byPath: Map<string, ManifestFile>;
}

export interface LoadRepoOptions {
  /** Unsaved editor contents by absolute path; they win over the disk. */
  overrides?: Map<string, string>;
  /**
   * Run nothing (Restricted Mode): files are walked instead of listed by git (honouring
   * .gitignore files), and remotes are read from `.git/config` as text.
   */
  noExec?: boolean;
  /** Extra repo URLs (from the repo config) that name this repository. */
  extraRemotes?: string[];
  /** The folder is a copy of this repository (no .git of its own): its history and checked-out branch. */
  copyOf?: { root: string; branch?: string };
}

export { KUSTOMIZATION_FILES };

const CONFIG_FILE = 'gitops-lens.yaml';

function isYaml(rel: string): boolean {
  return /\.ya?ml$/i.test(rel) || basename(rel) === 'Kustomization';
}

/**
 * The one file list of a repository: listed (git, or a walk in Restricted Mode), less the
 * default ignores and `ignore:` of gitops-lens.yaml, read, and classified by `roleOf`. Both
 * the CLI and the editor get their files here; nothing else walks the repo.
 */
export async function scanRepo(rootIn: string, opts: LoadRepoOptions = {}): Promise<RepoFiles> {
  const root = resolve(rootIn);
  const rules = new IgnoreRules().add(DEFAULT_IGNORES).add(configIgnores(root, opts.overrides));
  const listed = await listRepoFiles(root, { noExec: opts.noExec, rules });
  // The config file is always read, whatever the ignore rules say.
  const rels = listed.files.includes(CONFIG_FILE) || !existsSync(join(root, CONFIG_FILE)) ? listed.files : [...listed.files, CONFIG_FILE];
  const chartDirs = new Set(rels.filter((r) => basename(r) === 'Chart.yaml').map((r) => dirname(join(root, r))));
  const texts = new Map<string, string>();
  await Promise.all(rels.filter(isYaml).map(async (rel) => {
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
  const layout = { chartDirs, patchFiles };
  const files = [...texts].sort(([a], [b]) => a.localeCompare(b)).map(([abs, text]) => ({ file: abs, text, role: roleOf(abs, layout, text) }));
  const remotes = [...new Set([...(listed.viaGit ? await remoteUrls(root) : remotesFromGitConfig(root)), ...(opts.extraRemotes ?? [])])];
  const rel = (abs: string) => abs.slice(root.length + 1);
  const scope = sourceScope({
    yaml: files.map((f) => ({ rel: rel(f.file), text: f.text })),
    sourceIgnores: await Promise.all(rels.filter((r) => basename(r) === '.sourceignore').map(async (r) => ({ rel: r, text: await readFile(join(root, r), 'utf8').catch(() => '') }))),
    remotes,
  });
  const gitRoot = opts.copyOf?.root ?? root;
  const branch = opts.copyOf ? opts.copyOf.branch : checkedOutBranch(root);
  return { root, gitRoot, branch, remotes, files, kustomizationDirs, chartDirs, patchFiles, scope };
}

/** `scanRepo`, every file parsed: what app discovery, rendering and the editor work on. */
export async function loadRepo(rootIn: string, opts: LoadRepoOptions = {}): Promise<RepoSnapshot> {
  const scanned = await scanRepo(rootIn, opts);
  const files = scanned.files.map((f) => parseManifestFile(f.file, f.text, f.role));
  return { ...scanned, files, byPath: new Map(files.map((f) => [f.file, f])) };
}

/** `ignore:` of gitops-lens.yaml: gitignore patterns of paths that are not part of the GitOps content. */
function configIgnores(root: string, overrides?: Map<string, string>): string[] {
  const path = join(root, CONFIG_FILE);
  let text = overrides?.get(path);
  if (text === undefined) { try { text = readFileSync(path, 'utf8'); } catch { return []; } }
  try {
    const v = (parseYaml(text) as { ignore?: unknown } | null)?.ignore;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split('\n') : [];
  } catch {
    return [];
  }
}
