// Byte-exact pictures of a git repository — every file's bytes and mode outside .git, the
// index and HEAD — to compare before and after a command, read with the real git.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface RepoSnapshot {
  head: string;
  /** `git ls-files --stage`: mode, blob and path of every index entry. */
  index: string;
  /** Repo-relative path → file bytes (base64) and permission bits. */
  files: Record<string, { bytes: string; mode: number }>;
}

function walk(root: string, dir: string, out: RepoSnapshot['files']): void {
  for (const name of readdirSync(dir)) {
    if (dir === root && name === '.git') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(root, p, out);
    else out[relative(root, p).split(sep).join('/')] = { bytes: readFileSync(p).toString('base64'), mode: st.mode & 0o777 };
  }
}

export function snapshot(root: string): RepoSnapshot {
  const git = (...a: string[]) => execFileSync('git', ['-C', root, ...a], { encoding: 'utf8' });
  const files: RepoSnapshot['files'] = {};
  walk(root, root, files);
  return { head: git('rev-parse', 'HEAD').trim(), index: git('ls-files', '--stage'), files };
}

/** Paths whose bytes or mode differ between two snapshots (added and removed ones included). */
export function changedFiles(a: RepoSnapshot, b: RepoSnapshot): string[] {
  const all = new Set([...Object.keys(a.files), ...Object.keys(b.files)]);
  return [...all].filter((p) => JSON.stringify(a.files[p]) !== JSON.stringify(b.files[p])).sort();
}

export function text(s: RepoSnapshot, path: string): string | undefined {
  const f = s.files[path];
  return f && Buffer.from(f.bytes, 'base64').toString('utf8');
}
