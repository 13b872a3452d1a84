import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normalizeGitUrl } from './url';

/**
 * Remote URLs read from `.git/config` as text, without running git: in an untrusted workspace
 * the repo's own git config could make any git command run a program (core.fsmonitor, hooks).
 */
export function remotesFromGitConfig(root: string): string[] {
  let gitDir = join(root, '.git');
  try {
    if (statSync(gitDir).isFile()) {
      // A worktree or submodule: `.git` is a file naming the real folder.
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return [];
      gitDir = resolve(root, m[1].trim());
    }
    const text = readFileSync(join(gitDir, 'config'), 'utf8');
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
