// Git plumbing for changes GitOps Lens writes itself: read exact file contents at a commit,
// build a commit from HEAD plus chosen files in a private index (the user's index and other
// files are never involved), and move HEAD only if it is still where it was.
import { isUtf8 } from 'node:buffer';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitWithExit, readBlob, type GitCallOptions } from './client';

export interface TreeEntry { mode: string; type: string; oid: string }

/** A file of a planned change: its bytes after the change, or null when it is deleted. */
export interface FileWrite { path: string; mode: string; content: Buffer | null }

/** The commit a revision names and its parents (none for a root commit, several for a merge). */
export async function commitParents(top: string, rev: string, opts: GitCallOptions = {}): Promise<{ commit: string; parents: string[] }> {
  const [commit, ...parents] = (await git(top, ['rev-list', '--parents', '--max-count=1', rev, '--'], opts)).trim().split(/\s+/);
  return { commit, parents };
}

/**
 * Paths that differ between two commits; without `from`, every file `to` creates (a root
 * commit). No rename detection: a rename is a deletion and an addition.
 */
export async function changedPaths(top: string, from: string | undefined, to: string, opts: GitCallOptions = {}): Promise<string[]> {
  const out = await git(top, ['diff-tree', '-r', '-z', '--no-commit-id', '--no-renames', '--name-only', ...(from ? [from, to] : ['--root', to]), '--'], opts);
  return out.split('\0').filter(Boolean);
}

/** The tree entries of `paths` at a revision (paths missing there are absent from the map). */
export async function entriesAt(top: string, rev: string, paths: string[], opts: GitCallOptions = {}): Promise<Map<string, TreeEntry>> {
  const found = new Map<string, TreeEntry>();
  if (!paths.length) return found;
  const out = await git(top, ['ls-tree', '-r', '-z', '--full-tree', rev, '--', ...paths], opts);
  for (const rec of out.split('\0').filter(Boolean)) {
    const tab = rec.indexOf('\t');
    const [mode, type, oid] = rec.slice(0, tab).split(' ');
    found.set(rec.slice(tab + 1), { mode, type, oid });
  }
  return found;
}

/** The bytes of each entry. */
export async function contentsOf(top: string, entries: Map<string, TreeEntry>, opts: GitCallOptions = {}): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const [path, e] of entries) out.set(path, await readBlob(top, e.oid, opts));
  return out;
}

/**
 * Three-way merge of one file's contents, as `git revert` does per file: `base` is the commit
 * being reverted, `ours` HEAD, `theirs` the commit's parent. Null = conflict.
 */
export async function mergeContents(top: string, base: Buffer, ours: Buffer, theirs: Buffer, opts: GitCallOptions = {}): Promise<Buffer | null> {
  // Text only: the merged result comes back as text, which must round-trip byte for byte.
  if (![base, ours, theirs].every((b) => isUtf8(b))) return null;
  const dir = await mkdtemp(join(tmpdir(), 'gitops-lens-merge-'));
  try {
    await Promise.all([writeFile(join(dir, 'ours'), ours), writeFile(join(dir, 'base'), base), writeFile(join(dir, 'theirs'), theirs)]);
    // Exit code = number of conflicts (0 clean); ≥ 128 is an error, which `git` throws.
    const r = await gitWithExit(top, ['merge-file', '-p', join(dir, 'ours'), join(dir, 'base'), join(dir, 'theirs')], { ...opts, okExitCodes: Array.from({ length: 127 }, (_, i) => i + 1) });
    return r.exitCode === 0 ? Buffer.from(r.stdout, 'utf8') : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Paths among `paths` whose index or working-tree state differs from HEAD (staged, modified, untracked, ignored-but-present is checked by the caller). */
export async function dirtyPaths(top: string, paths: string[], opts: GitCallOptions = {}): Promise<string[]> {
  if (!paths.length) return [];
  const out = await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], opts);
  const dirty: string[] = [];
  const recs = out.split('\0');
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i];
    if (r.length < 4) continue;
    dirty.push(r.slice(3));
    if (r[0] === 'R' || r[0] === 'C') i++; // the rename's source path follows
  }
  return dirty;
}

/** Paths with a clean/smudge filter or eol conversion: their bytes on disk differ from the blob's. */
export async function filteredPaths(top: string, paths: string[], opts: GitCallOptions = {}): Promise<string[]> {
  if (!paths.length) return [];
  const out = (await git(top, ['check-attr', '-z', 'filter', 'eol', '--', ...paths], opts)).split('\0');
  const hit = new Set<string>();
  for (let i = 0; i + 2 < out.length; i += 3) if (out[i + 2] !== 'unspecified' && out[i + 2] !== 'unset') hit.add(out[i]);
  return [...hit];
}

/**
 * A new commit whose tree is `parent`'s with `files` written or removed, built in a temporary
 * index: the user's index, staged changes and working tree take no part. Returns its id.
 */
export async function commitFiles(top: string, parent: string, files: FileWrite[], message: string, opts: GitCallOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gitops-lens-index-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    await git(top, ['read-tree', parent], { ...opts, env });
    const lines: string[] = [];
    for (const f of files) {
      if (f.content === null) { lines.push(`0 ${'0'.repeat(40)}\t${f.path}`); continue; }
      // No --path: the bytes are stored as given, exactly what is then written to disk.
      const oid = (await git(top, ['hash-object', '-w', '--stdin'], { ...opts, input: f.content })).trim();
      lines.push(`${f.mode} ${oid}\t${f.path}`);
    }
    await git(top, ['update-index', '-z', '--index-info'], { ...opts, env, input: lines.map((l) => `${l}\0`).join('') });
    const tree = (await git(top, ['write-tree'], { ...opts, env })).trim();
    return (await git(top, ['commit-tree', tree, '-p', parent, '-F', '-'], { ...opts, input: message })).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Moves HEAD (or the branch it names) from `expected` to `to`; git refuses if HEAD is no longer `expected`. */
export async function moveHead(top: string, to: string, expected: string, reason: string, opts: GitCallOptions = {}): Promise<void> {
  await git(top, ['update-ref', '-m', reason, 'HEAD', to, expected], opts);
}

/** Sets the index entries of `paths` to `rev`'s (removing those it lacks); other entries stay as the user left them. */
export async function resetIndexPaths(top: string, rev: string, paths: string[], opts: GitCallOptions = {}): Promise<void> {
  if (paths.length) await git(top, ['reset', '-q', rev, '--', ...paths], opts);
}

/** The commit HEAD names now. */
export async function headOf(top: string, opts: GitCallOptions = {}): Promise<string> {
  return (await git(top, ['rev-parse', '--verify', 'HEAD'], opts)).trim();
}
