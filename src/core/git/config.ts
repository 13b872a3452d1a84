import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normalizeGitUrl } from './url';

// Read as text, without running git: in an untrusted workspace the repo's own git config
// could make any git command run a program (core.fsmonitor, hooks).

/**
 * The repository's git folders: `gitDir` holds HEAD (per worktree), `commonDir` the config
 * (shared by a repository's worktrees). A worktree or submodule has a `.git` file naming its
 * folder, and a worktree's folder names the common one in `commondir`.
 */
function gitDirsOf(root: string): { gitDir: string; commonDir: string } | undefined {
  let gitDir = join(root, '.git');
  try {
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return undefined;
      gitDir = resolve(root, m[1].trim());
    }
  } catch {
    return undefined;
  }
  let commonDir = gitDir;
  try {
    commonDir = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch { /* not a linked worktree */ }
  return { gitDir, commonDir };
}

/** Remote URLs of the repository's `[remote]` sections. */
export function remotesFromGitConfig(root: string): string[] {
  const dirs = gitDirsOf(root);
  if (!dirs) return [];
  try {
    const text = readFileSync(join(dirs.commonDir, 'config'), 'utf8');
    const urls: string[] = [];
    let inRemote = false;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line.startsWith('[')) inRemote = /^\[remote\s+"[^"]*"\]$/.test(line);
      else if (inRemote) {
        const m = /^(?:push)?url\s*=\s*(.+)$/i.exec(line);
        if (m) urls.push(normalizeGitUrl(m[1].replace(/^"(.*)"$/, '$1')));
      }
    }
    return [...new Set(urls)];
  } catch {
    return [];
  }
}

/** The checked-out branch, from HEAD (undefined when detached or not a repository). */
export function checkedOutBranch(root: string): string | undefined {
  const dirs = gitDirsOf(root);
  if (!dirs) return undefined;
  try {
    return /^ref:\s*refs\/heads\/(.+)$/m.exec(readFileSync(join(dirs.gitDir, 'HEAD'), 'utf8'))?.[1].trim();
  } catch {
    return undefined;
  }
}
