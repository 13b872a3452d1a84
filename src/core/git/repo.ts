import { run } from '../exec/program';
import { normalizeGitUrl } from './url';

/** Git plumbing the core needs; each call is one `git` process with an argument array. */
export async function git(root: string, args: string[], opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  const { stdout } = await run('git', ['-C', root, ...args], { timeoutMs: opts.timeoutMs ?? 60_000, signal: opts.signal, setting: 'git.path' });
  return stdout;
}

export async function isGitRepo(root: string): Promise<boolean> {
  try {
    return (await git(root, ['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

/** Normalized URLs of every remote of the repository (fetch and push). */
export async function remoteUrls(root: string): Promise<string[]> {
  try {
    const out = await git(root, ['remote', '-v']);
    return [...new Set(out.split('\n').map((l) => l.split(/\s+/)[1]).filter(Boolean).map(normalizeGitUrl))];
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
