import { git, gitClient } from './client';
import { normalizeGitUrl } from './url';

export { git } from './client';

export async function isGitRepo(root: string): Promise<boolean> {
  try {
    return await gitClient(root).g.checkIsRepo();
  } catch {
    return false;
  }
}

/** Normalized URLs of every remote of the repository (fetch and push). */
export async function remoteUrls(root: string): Promise<string[]> {
  try {
    const remotes = await gitClient(root).g.getRemotes(true);
    return [...new Set(remotes.flatMap((r) => [r.refs.fetch, r.refs.push]).filter(Boolean).map(normalizeGitUrl))];
  } catch {
    return [];
  }
}

export async function headCommit(root: string): Promise<string | undefined> {
  try {
    return (await git(root, ['rev-parse', 'HEAD'])).trim();
  } catch {
    return undefined;
  }
}

/** Tracked and untracked-but-not-ignored files, relative to the root. */
export async function listFiles(root: string): Promise<string[]> {
  const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  return [...new Set(out.split('\0').filter(Boolean))];
}
