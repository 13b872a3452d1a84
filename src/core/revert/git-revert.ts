// Roll back via Git, planned: which commit, which files (only the app's, or the whole commit
// explicitly), their exact bytes before and after, what else the commit touches, and every
// reason to refuse — before anything is written.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitInfo, commitsTouching } from '../git/history';
import { changedPaths, commitParents, contentsOf, dirtyPaths, entriesAt, filteredPaths, headOf, mergeContents } from '../git/tree';
import { loadDesired, type DesiredOptions } from '../sync/desired';
import { type GitChangePlan, type OutsideFiles, type PlannedFile } from './git-plan';
import { appFilesAt, appFilesOf, ownersOf, renderAppWith, type AppFiles } from './ownership';

export interface CommitRevertOptions extends Omit<DesiredOptions, 'revision'> {
  /** The commit to revert; default the last one that changed the app's inputs. */
  commit?: string;
  /** `app` (default): only the app's files, restored to the parent's content. `commit`: the whole commit, as `git revert`. */
  scope?: 'app' | 'commit';
  /** For a merge commit: which parent (1-based, as `git revert -m N`) the user chose. */
  mainline?: number;
  /** Every app's files, when the caller knows them already (the editor's renders); else rendered at HEAD. */
  apps?: AppFiles[];
  /** Skip rendering the app after the change (the empty-app check). */
  skipAppCheck?: boolean;
}

const same = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));

async function diskBytes(file: string): Promise<Buffer | null> {
  return readFile(file).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return null; throw e; });
}

/** Plans the revert of one commit for one app. Always resolves: refusals are in `plan.refusal`. */
export async function planCommitRevert(root: string, appRef: string, opts: CommitRevertOptions = {}): Promise<GitChangePlan> {
  const scope = opts.scope ?? 'app';
  const desired = await loadDesired(root, appRef, { ...opts, revision: 'HEAD' });
  const top = desired.repoRoot;
  const app = desired.app;
  const g = { signal: opts.signal };
  const head = await headOf(top, g);
  const own = appFilesOf(app, desired.render);
  const plan: GitChangePlan = {
    kind: scope === 'commit' ? 'revert-commit' : 'revert-app-files',
    title: `Revert the last Git change of ${app.id}`, repoRoot: top, appId: app.id, base: 'HEAD', head, files: [], warnings: [],
  };
  const refuse = (why: string) => ({ ...plan, refusal: why });

  let hash = opts.commit;
  if (!hash) {
    const [last] = await commitsTouching(top, [...own.files, ...own.dirs], { maxCount: 1 });
    if (!last) return refuse(`no commit changed the files of ${app.id}`);
    hash = last.hash;
  }
  const info = await commitInfo(top, hash);
  const { parents } = await commitParents(top, info.hash, g);
  plan.title = `${scope === 'commit' ? 'Revert commit' : `Revert ${app.name}'s files of commit`} ${info.shortHash} "${info.subject}"`;
  if (opts.mainline && (opts.mainline < 1 || opts.mainline > parents.length)) return refuse(`${info.shortHash} has ${parents.length} parent(s); there is no parent ${opts.mainline}`);
  const parent: string | undefined = parents[(opts.mainline ?? 1) - 1];
  if (parent) plan.reverted = { commit: info, parent, mainline: parents.length > 1 ? opts.mainline : undefined, parents: parents.length };

  // What the commit touches, by app, even when it is refused: the dialog names the other apps.
  const changed = await changedPaths(top, parent, info.hash, g);
  const apps = opts.apps ?? (await appFilesAt(top, head, { kubeconfig: opts.kubeconfig, env: opts.env, tools: opts.tools, signal: opts.signal }));
  const allApps = apps.some((a) => a.appId === app.id) ? apps : [...apps, own];
  const owners = new Map(changed.map((p) => [p, ownersOf(top, p, allApps)]));
  const inApp = (p: string) => owners.get(p)!.includes(app.id);
  plan.outside = groupOutside(changed.filter((p) => !inApp(p)), owners);
  if (!parent) return refuse(`${info.shortHash} "${info.subject}" is the root commit: it created these files and there is no earlier state to revert to`);
  if (parents.length > 1 && !opts.mainline) return refuse(`${info.shortHash} is a merge commit with ${parents.length} parents; choose the parent whose side to keep (git revert -m N)`);
  const paths = scope === 'commit' ? changed : changed.filter(inApp);
  if (!paths.length) return refuse(`${info.shortHash} changes none of ${app.id}'s files`);

  const [atHead, atCommit, atParent] = await Promise.all([entriesAt(top, head, paths, g), entriesAt(top, info.hash, paths, g), entriesAt(top, parent, paths, g)]);
  const odd = paths.filter((p) => [atHead, atCommit, atParent].some((m) => m.get(p) && !/^1006[0-7]{2}$/.test(m.get(p)!.mode)));
  if (odd.length) return refuse(`symbolic links or submodules are not reverted by GitOps Lens: ${odd.join(', ')}`);
  const [headBytes, commitBytes, parentBytes] = await Promise.all([contentsOf(top, atHead, g), contentsOf(top, atCommit, g), contentsOf(top, atParent, g)]);
  const conflicts: string[] = [];
  for (const p of paths) {
    const before = headBytes.get(p) ?? null;
    const base = commitBytes.get(p) ?? null;
    const theirs = parentBytes.get(p) ?? null;
    let after: Buffer | null;
    let note: string | undefined;
    if (scope === 'app') {
      // Restores the parent's content, as chosen; later commits to the file are undone too, and said so.
      after = theirs;
      if (!same(before, base)) {
        const later = await commitsTouching(top, [join(top, p)], { rev: `${info.hash}..${head}`, maxCount: 5 });
        note = `changed again after ${info.shortHash}${later.length ? ` (${later.map((c) => c.shortHash).join(', ')})` : ''}; restoring it also undoes ${later.length === 1 ? 'that change' : 'those changes'}`;
      }
    } else if (same(before, base)) after = theirs;
    else if (same(theirs, base) || same(before, theirs)) after = before;
    else if (before && base && theirs) after = await mergeContents(top, base, before, theirs, g).then((m) => m ?? (conflicts.push(p), before));
    else { conflicts.push(p); after = before; }
    if (same(before, after)) continue;
    const mode = (atHead.get(p) ?? atParent.get(p))!.mode;
    plan.files.push({ path: p, before, after, mode, apps: owners.get(p) ?? [], note });
  }
  if (conflicts.length) return refuse(`reverting ${info.shortHash} conflicts with later changes in ${conflicts.join(', ')} (git revert would stop with conflicts); nothing was changed`);
  if (!plan.files.length) return refuse(`${info.shortHash}'s changes to ${scope === 'app' ? `${app.id}'s files` : 'its files'} are already undone at HEAD`);
  plan.commitMessage = scope === 'commit'
    ? `Revert "${info.subject}"\n\nThis reverts commit ${info.hash}${parents.length > 1 ? `, reversing\nchanges made to ${parent}` : ''}.\n`
    : `Revert ${app.name}'s files of "${info.subject}"\n\nRestores ${plan.files.length} file(s) of app ${app.id} to their content in\n${parent}, before commit ${info.hash}.\nOther files of that commit are left as they are.\n`;

  const blocked = await refusalForFiles(top, plan.files, g);
  if (blocked) return refuse(blocked);
  if (!opts.skipAppCheck) await checkAppAfter(plan, desired.render.resources.length, opts);
  for (const f of plan.files) if (f.note) plan.warnings.push(`${f.path}: ${f.note}`);
  return plan;
}

function groupOutside(paths: string[], owners: Map<string, string[]>): OutsideFiles {
  const byApp = new Map<string, string[]>();
  const unowned: string[] = [];
  for (const p of paths) {
    const o = owners.get(p) ?? [];
    if (!o.length) unowned.push(p);
    for (const a of o) byApp.set(a, [...(byApp.get(a) ?? []), p]);
  }
  return { apps: [...byApp].map(([appId, files]) => ({ appId, files })).sort((a, b) => a.appId.localeCompare(b.appId)), unowned };
}

/**
 * Why the planned files cannot be written from HEAD: uncommitted or staged edits in them (never
 * mixed into a generated commit, never stashed or reset), a file on disk where the plan expects
 * none (an ignored file would be overwritten), or git filters that change bytes on checkout.
 */
export async function refusalForFiles(top: string, files: PlannedFile[], opts: { signal?: AbortSignal } = {}): Promise<string | undefined> {
  const paths = files.map((f) => f.path);
  const dirty = new Set(await dirtyPaths(top, paths, opts));
  for (const f of files) if (!same(await diskBytes(join(top, f.path)), f.before)) dirty.add(f.path);
  if (dirty.size) return `uncommitted changes in files this change writes: ${[...dirty].sort().join(', ')}. Commit or discard them first; GitOps Lens never stashes, resets or mixes in your edits`;
  const filtered = await filteredPaths(top, paths, opts);
  if (filtered.length) return `files with a git filter or eol conversion are not written by GitOps Lens (their bytes on disk differ from Git's): ${filtered.join(', ')}`;
  return undefined;
}

/** Renders the app as the plan leaves it; an app left with no resources needs an explicit confirmation. */
async function checkAppAfter(plan: GitChangePlan, resourcesBefore: number, opts: CommitRevertOptions): Promise<void> {
  const r = await renderAppWith(plan.repoRoot, plan.head, plan.appId, plan.files, { kubeconfig: opts.kubeconfig, env: opts.env, tools: opts.tools, signal: opts.signal });
  const after = r?.resources.length ?? 0;
  plan.appAfter = { resourcesBefore, resourcesAfter: after, ok: r ? r.ok : true, problems: r ? r.problems.map((p) => p.message.split(plan.repoRoot).join('.')) : [`${plan.appId} is no longer declared`] };
  // A render failure is not an empty app (a sync refuses it anyway); a missing app or zero resources is.
  if (resourcesBefore > 0 && after === 0 && (!r || r.ok)) plan.empties = { resources: resourcesBefore, files: plan.files.filter((f) => f.after === null).length };
}
