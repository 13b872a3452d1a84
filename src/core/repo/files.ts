import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isGitRepo, listFiles } from '../git/repo';
import { IgnoreRules } from './ignore';

/**
 * The Git top level of a path: the nearest folder at or above it holding `.git` (a folder, or
 * a file for worktrees and submodules). Found without running git, so it also works in
 * Restricted Mode. Undefined outside any repository.
 */
export function gitTopLevel(path: string): string | undefined {
  for (let d = resolve(path); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export interface ListFilesOptions {
  /** Run nothing (Restricted Mode): walk the folders and read .gitignore files as text instead of asking git. */
  noExec?: boolean;
  /** Paths never listed (besides what git ignores): the repo's and the user's ignore rules. */
  rules: IgnoreRules;
}

/**
 * Every file of the repository, relative to `root` with `/` separators: what `git ls-files`
 * lists (tracked, and untracked but not ignored), less `rules`. Without git (Restricted
 * Mode, or no repository) the folders are walked with the same outcome: .gitignore files and
 * .git/info/exclude are honoured and nested repositories are left out, as git does.
 */
export async function listRepoFiles(root: string, opts: ListFilesOptions): Promise<{ files: string[]; viaGit: boolean }> {
  if (!opts.noExec && (await isGitRepo(root))) {
    const files = (await listFiles(root)).filter((r) => !r.endsWith('/') && !opts.rules.ignores(r));
    return { files, viaGit: true };
  }
  return { files: await walk(root, opts.rules), viaGit: false };
}

async function walk(root: string, rules: IgnoreRules): Promise<string[]> {
  const gitignored = new IgnoreRules();
  const exclude = readText(join(root, '.git', 'info', 'exclude'));
  if (exclude) gitignored.addFile(exclude);
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const dir = rel ? join(root, rel) : root;
    let entries;
    try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
    // A folder's .gitignore applies to everything below it, so read it before its entries.
    const gi = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? readText(join(dir, '.gitignore')) : undefined;
    if (gi) gitignored.addFile(gi, rel);
    const subdirs: string[] = [];
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (rules.ignores(`${r}/`) || gitignored.ignores(`${r}/`)) continue;
        // Another repository inside this one (a submodule or a nested clone): git lists none of its files.
        if (existsSync(join(root, r, '.git'))) continue;
        subdirs.push(r);
      } else if (e.isFile() && !rules.ignores(r) && !gitignored.ignores(r)) out.push(r);
    }
    for (const s of subdirs) await visit(s);
  };
  await visit('');
  return out;
}

function readText(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}
