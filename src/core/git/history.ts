import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { pathspec } from 'simple-git';
import { run } from '../exec/program';
import { git, gitClient, gitWithExit } from './client';

/** One commit, as history views and the journal need it. */
export interface CommitInfo {
  hash: string;
  shortHash: string;
  author: string;
  email: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
}

export interface GitUser { name?: string; email?: string }

/** The commit a revision names (commit, branch, tag, `HEAD~2`), or an error saying it does not exist. */
export async function resolveRevision(root: string, rev: string, signal?: AbortSignal): Promise<string> {
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { signal })).trim();
  } catch {
    throw new Error(`"${rev}" is not a commit, branch or tag of ${root}`);
  }
}

/** The repository's top folder; paths inside exports are relative to it. */
export async function repoTop(root: string): Promise<string> {
  const { g, fail } = gitClient(root);
  return (await g.revparse(['--show-toplevel']).catch((e) => { throw fail(e, ['rev-parse']); })).trim();
}

export interface TreeExport {
  /** Folder holding the revision's files; the same layout as the repository root. */
  dir: string;
  commit: string;
  /** Removes the folder. */
  dispose(): Promise<void>;
}

/**
 * The files of one commit in a temporary folder (`git archive` + `tar`). The user's working
 * tree, index and refs are never touched, unlike a checkout.
 */
export async function exportRevision(root: string, rev: string, opts: { signal?: AbortSignal } = {}): Promise<TreeExport> {
  const top = await repoTop(root);
  const commit = await resolveRevision(top, rev, opts.signal);
  const dir = await mkdtemp(join(tmpdir(), `gitops-lens-rev-${commit.slice(0, 8)}-`));
  const tar = join(dir, '.export.tar');
  try {
    await git(top, ['archive', '--format=tar', '-o', tar, commit], { signal: opts.signal });
    await run('tar', ['-xf', tar, '-C', dir], { signal: opts.signal, timeoutMs: 120_000 });
    await rm(tar, { force: true });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, commit, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Rewrites a path inside an export to the same path in the repository. */
export function toRepoPath(exportDir: string, repoRoot: string, file: string): string {
  const rel = relative(exportDir, file);
  return rel.startsWith('..') || rel === '' ? file : join(repoRoot, rel);
}

/** Paths relative to the repository top, as git pathspecs want them. */
export function toPathspecs(top: string, files: string[]): string[] {
  return [...new Set(files.map((f) => relative(top, resolve(f)).split(sep).join('/')).filter((p) => p && !p.startsWith('..')))].sort();
}

/** Files among `paths` that differ from HEAD (modified, staged or untracked). */
export async function uncommittedPaths(root: string, paths: string[]): Promise<string[]> {
  const top = await repoTop(root);
  const specs = toPathspecs(top, paths);
  if (specs.length === 0) return [];
  const { g, fail } = gitClient(top);
  const status = await g.status(['--untracked-files=all', '--', ...specs]).catch((e) => { throw fail(e, ['status']); });
  return status.files.map((f) => join(top, f.path));
}

// simple-git's log parser with our fields: committer date (when the change reached the branch).
const LOG_FORMAT = { hash: '%H', shortHash: '%h', author: '%an', email: '%ae', date: '%cI', subject: '%s' };

async function readLog(top: string, rev: string, maxCount: number, specs: string[] = []): Promise<CommitInfo[]> {
  const { g, fail } = gitClient(top);
  // A key with a null value is passed as is (the revision); a pathspec value goes after `--`.
  const options = { format: LOG_FORMAT, maxCount, [rev]: null, ...(specs.length ? { paths: pathspec(...specs) } : {}) };
  try {
    return [...(await g.log<CommitInfo>(options)).all];
  } catch (e) {
    throw fail(e, ['log']);
  }
}

/** Commits that changed any of the files, newest first. */
export async function commitsTouching(root: string, files: string[], opts: { maxCount?: number; rev?: string } = {}): Promise<CommitInfo[]> {
  const top = await repoTop(root);
  const specs = toPathspecs(top, files);
  if (specs.length === 0) return [];
  return readLog(top, opts.rev ?? 'HEAD', opts.maxCount ?? 50, specs);
}

export async function commitInfo(root: string, rev: string): Promise<CommitInfo> {
  const [c] = await readLog(root, rev, 1);
  if (!c) throw new Error(`no commit ${rev}`);
  return c;
}

/** `user.name` / `user.email` as git would record them. */
export async function gitUser(root: string): Promise<GitUser> {
  const { g } = gitClient(root);
  const get = async (key: string) => (await g.getConfig(key).catch(() => undefined))?.value?.trim() || undefined;
  return { name: await get('user.name'), email: await get('user.email') };
}

/** True when `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(root: string, a: string, b: string): Promise<boolean> {
  // Exit 1 is the answer "no"; anything else is an error.
  return (await gitWithExit(root, ['merge-base', '--is-ancestor', a, b], { okExitCodes: [1] })).exitCode === 0;
}
