import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `https://github.com/org/repo.git`, `git@github.com:org/repo` → `github.com/org/repo`. */
export function normalizeRepoURL(url: string): string {
  let u = url.trim().toLowerCase();
  u = u.replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '');
  const scp = /^([^/:]+):(?!\d+\/)(.*)$/.exec(u);
  if (scp) u = `${scp[1]}/${scp[2]}`;
  u = u.replace(/:\d+\//, '/');
  return u.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** The remote URLs of the repo at `root`, read from .git/config (no git process). */
export function gitRemoteURLs(root: string): string[] {
  try {
    const cfg = readFileSync(join(root, '.git', 'config'), 'utf8');
    return [...cfg.matchAll(/^\s*url\s*=\s*(.+)$/gm)].map((m) => m[1].trim());
  } catch {
    return [];
  }
}

export function isThisRepo(repoURL: unknown, repoURLs: readonly string[]): boolean {
  if (typeof repoURL !== 'string' || repoURLs.length === 0) return false;
  const n = normalizeRepoURL(repoURL);
  return repoURLs.some((u) => normalizeRepoURL(u) === n);
}
