// Executes a GitChangePlan exactly as it was shown, and undoes it. Both first check that the
// files and HEAD are still what the plan (or the change) saw; otherwise nothing is written.
import { chmod, mkdir, readFile, readdir, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commitFiles, dirtyPaths, headOf, moveHead, resetIndexPaths } from '../git/tree';
import { shortHash, type GitChangePlan } from './git-plan';

/** What Undo needs: the HEAD before, the commit made (if any), and the exact bytes of each touched file. */
export interface GitUndo {
  repoRoot: string;
  description: string;
  previousHead: string;
  /** The commit the change created; undefined for a working-tree-only edit. */
  madeCommit?: string;
  files: { path: string; before: Buffer | null; after: Buffer | null; mode: string }[];
}

export type GitChangeResult =
  | { ok: true; message: string; commit?: string; undo: GitUndo }
  | { ok: false; message: string };

export interface ExecuteGitPlanOptions {
  /** A plan that empties the app runs only when this equals its count of deleted resources. */
  confirmEmpty?: number;
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

const same = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));

/** Files whose bytes on disk are not `expected` (null = must not exist). */
async function changedOnDisk(top: string, files: { path: string; expected: Buffer | null }[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) if (!same(await readOrNull(join(top, f.path)), f.expected)) out.push(f.path);
  return out;
}

/** Writes (or deletes) files; folders emptied by a deletion go too, as git's checkout does. */
async function writeFiles(top: string, files: { path: string; content: Buffer | null; mode: string }[]): Promise<void> {
  for (const f of files) {
    const abs = join(top, f.path);
    if (f.content === null) {
      await unlink(abs).catch((e) => { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; });
      for (let dir = dirname(abs); dir.startsWith(top) && dir !== top; dir = dirname(dir)) {
        if ((await readdir(dir).catch(() => ['?'])).length) break;
        await rmdir(dir).catch(() => undefined);
      }
      continue;
    }
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, f.content);
    // Only the executable bit is Git's; the user's other permission bits stay.
    const mode = (await stat(abs)).mode & 0o777;
    const exec = f.mode === '100755';
    if (exec !== ((mode & 0o100) !== 0)) await chmod(abs, exec ? mode | ((mode & 0o444) >> 2) : mode & ~0o111);
  }
}

/**
 * Writes exactly the plan: refuses (writing nothing) when the plan carries a refusal, when HEAD
 * moved or any file's bytes changed since it was made, or when it empties the app and the
 * count was not confirmed. A committed plan builds its commit without the user's index, moves
 * HEAD only if it is still the plan's, then writes the files and sets their index entries.
 */
export async function executeGitPlan(plan: GitChangePlan, opts: ExecuteGitPlanOptions = {}): Promise<GitChangeResult> {
  if (plan.refusal) return { ok: false, message: plan.refusal };
  if (!plan.files.length) return { ok: false, message: 'nothing to change' };
  if (plan.empties && opts.confirmEmpty !== plan.empties.resources) {
    return { ok: false, message: `this leaves ${plan.appId} with no resources (${plan.empties.resources} resource(s) and ${plan.empties.files} file(s) deleted); confirm that count explicitly to go ahead` };
  }
  const top = plan.repoRoot;
  const head = await headOf(top);
  if (head !== plan.head) return { ok: false, message: `HEAD moved since the change was planned (${shortHash(plan.head)} → ${shortHash(head)}); plan it again` };
  const paths = plan.files.map((f) => f.path);
  const moved = await changedOnDisk(top, plan.files.map((f) => ({ path: f.path, expected: f.before })));
  if (moved.length) return { ok: false, message: `changed since the change was planned: ${moved.join(', ')}; nothing was written` };
  const undoFiles = plan.files.map((f) => ({ path: f.path, before: f.before, after: f.after, mode: f.mode }));
  const writes = plan.files.map((f) => ({ path: f.path, content: f.after, mode: f.mode }));
  if (!plan.commitMessage) {
    await writeFiles(top, writes);
    return { ok: true, message: `${plan.files.length} file(s) changed in the working tree (not committed): ${paths.join(', ')}`, undo: { repoRoot: top, description: plan.title, previousHead: head, files: undoFiles } };
  }
  const staged = await dirtyPaths(top, paths);
  if (staged.length) return { ok: false, message: `uncommitted or staged changes in ${staged.join(', ')}; nothing was written` };
  const commit = await commitFiles(top, head, plan.files.map((f) => ({ path: f.path, mode: f.mode, content: f.after })), plan.commitMessage);
  await moveHead(top, commit, head, `gitops-lens: ${plan.title}`);
  try {
    await writeFiles(top, writes);
    await resetIndexPaths(top, commit, paths);
  } catch (e) {
    // Put everything back as it was: the branch, the files, their index entries.
    await moveHead(top, head, commit, 'gitops-lens: roll back a failed write').catch(() => undefined);
    await writeFiles(top, plan.files.map((f) => ({ path: f.path, content: f.before, mode: f.mode }))).catch(() => undefined);
    await resetIndexPaths(top, head, paths).catch(() => undefined);
    throw e;
  }
  return {
    ok: true, commit,
    message: `created commit ${shortHash(commit)} on top of ${shortHash(head)} changing ${paths.length} file(s); review and push it`,
    undo: { repoRoot: top, description: plan.title, previousHead: head, madeCommit: commit, files: undoFiles },
  };
}

/**
 * Restores the previous HEAD and the exact bytes of the touched files (only those). Refuses
 * when HEAD is no longer the commit the change made (a later commit would be lost) or a
 * touched file changed since.
 */
export async function undoGitChange(u: GitUndo): Promise<{ ok: boolean; message: string }> {
  const top = u.repoRoot;
  const head = await headOf(top);
  const expectedHead = u.madeCommit ?? u.previousHead;
  if (head !== expectedHead) {
    return { ok: false, message: `cannot undo "${u.description}": HEAD is now ${shortHash(head)}, not ${shortHash(expectedHead)}${u.madeCommit ? ' (the commit it made); undoing would drop later work' : ''}. Nothing was changed.` };
  }
  const paths = u.files.map((f) => f.path);
  const moved = await changedOnDisk(top, u.files.map((f) => ({ path: f.path, expected: f.after })));
  if (moved.length) return { ok: false, message: `cannot undo "${u.description}": changed since: ${moved.join(', ')}. Nothing was changed.` };
  if (u.madeCommit) {
    const staged = await dirtyPaths(top, paths);
    if (staged.length) return { ok: false, message: `cannot undo "${u.description}": staged changes in ${staged.join(', ')}. Nothing was changed.` };
    await moveHead(top, u.previousHead, u.madeCommit, `gitops-lens: undo ${u.description}`);
    await writeFiles(top, u.files.map((f) => ({ path: f.path, content: f.before, mode: f.mode })));
    await resetIndexPaths(top, u.previousHead, paths);
    return { ok: true, message: `undone: HEAD is ${shortHash(u.previousHead)} again and ${paths.length} file(s) are as they were` };
  }
  await writeFiles(top, u.files.map((f) => ({ path: f.path, content: f.before, mode: f.mode })));
  return { ok: true, message: `undone: ${paths.length} file(s) are as they were` };
}

/** JSON form of an undo record (contents base64), for the CLI to keep between runs. */
export function undoToJson(u: GitUndo): string {
  const b = (x: Buffer | null) => (x === null ? null : x.toString('base64'));
  return JSON.stringify({ ...u, files: u.files.map((f) => ({ ...f, before: b(f.before), after: b(f.after) })) });
}

export function undoFromJson(text: string): GitUndo {
  const raw = JSON.parse(text) as Omit<GitUndo, 'files'> & { files: { path: string; before: string | null; after: string | null; mode: string }[] };
  const b = (x: string | null) => (x === null ? null : Buffer.from(x, 'base64'));
  return { ...raw, files: raw.files.map((f) => ({ ...f, before: b(f.before), after: b(f.after) })) };
}
