import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { run } from '../exec/program';
import { git } from './repo';

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
  return (await git(root, ['rev-parse', '--show-toplevel'])).trim();
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
  const out = await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...specs]);
  return out.split('\0').filter((l) => l.length > 3).map((l) => join(top, l.slice(3)));
}

/** Commits that changed any of the files, newest first. */
export async function commitsTouching(root: string, files: string[], opts: { maxCount?: number; rev?: string } = {}): Promise<CommitInfo[]> {
  const top = await repoTop(root);
  const specs = toPathspecs(top, files);
  if (specs.length === 0) return [];
  const raw = await git(top, ['log', `--max-count=${opts.maxCount ?? 50}`, '--format=%H%x1f%h%x1f%an%x1f%ae%x1f%cI%x1f%s%x1e', opts.rev ?? 'HEAD', '--', ...specs]);
  return parseLog(raw);
}

function parseLog(raw: string): CommitInfo[] {
  return raw.split('\x1e').map((r) => r.trim()).filter(Boolean).map((r) => {
    const [hash, shortHash, author, email, date, subject] = r.split('\x1f');
    return { hash, shortHash, author, email, date, subject };
  });
}

export async function commitInfo(root: string, rev: string): Promise<CommitInfo> {
  const raw = await git(root, ['log', '-1', '--format=%H%x1f%h%x1f%an%x1f%ae%x1f%cI%x1f%s%x1e', rev]);
  const [c] = parseLog(raw);
  if (!c) throw new Error(`no commit ${rev}`);
  return c;
}

/** `user.name` / `user.email` as git would record them. */
export async function gitUser(root: string): Promise<GitUser> {
  const get = async (key: string) => {
    try {
      return (await git(root, ['config', '--get', key])).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  return { name: await get('user.name'), email: await get('user.email') };
}

export interface RevertOutcome {
  ok: boolean;
  /** The new revert commit(s), newest last. */
  commits: string[];
  reverted: CommitInfo[];
  message: string;
}

/**
 * `git revert` of commits, newest first, each as its own commit, left for review (not pushed).
 * Refuses on a dirty tree, since revert would mix the user's edits in; on a conflict the
 * revert is aborted and the tree is left as it was.
 */
export async function revertCommits(root: string, commits: CommitInfo[]): Promise<RevertOutcome> {
  const top = await repoTop(root);
  if (commits.length === 0) return { ok: false, commits: [], reverted: [], message: 'nothing to revert' };
  const status = await git(top, ['status', '--porcelain=v1']);
  if (status.trim()) return { ok: false, commits: [], reverted: [], message: 'the working tree has uncommitted changes; commit or stash them before reverting' };
  const before = (await git(top, ['rev-parse', 'HEAD'])).trim();
  try {
    await git(top, ['revert', '--no-edit', ...commits.map((c) => c.hash)]);
  } catch (e) {
    // --abort returns to the state before the whole sequence, including earlier reverts of it.
    await git(top, ['revert', '--abort']).catch(() => undefined);
    return { ok: false, commits: [], reverted: [], message: `git revert failed: ${(e as Error).message.trim().split('\n').slice(0, 6).join(' ')}` };
  }
  const created = (await git(top, ['rev-list', `${before}..HEAD`])).split('\n').filter(Boolean).reverse();
  return { ok: true, commits: created, reverted: commits, message: `created ${created.length} revert commit(s) on top of ${before.slice(0, 8)}; review and push them` };
}

/** True when `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(root: string, a: string, b: string): Promise<boolean> {
  try {
    await git(root, ['merge-base', '--is-ancestor', a, b]);
    return true;
  } catch {
    return false;
  }
}
