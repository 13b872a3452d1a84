import type { ClusterClient } from '../cluster';
import { isAncestor, resolveRevision } from '../git/history';
import { changedPaths } from '../git/tree';
import { appFilesOf, ownersOf } from './ownership';
import { loadDesired, type DesiredOptions } from '../sync/desired';
import { planSync } from '../sync/plan';
import { executeSync } from '../sync/execute';
import type { SyncOptions } from '../sync/sync-options';
import type { DesiredState, SyncPlan, SyncResult } from '../sync/types';

export interface ReapplyOptions extends Omit<DesiredOptions, 'revision'>, Omit<SyncOptions, 'journalType'> {
  /** Only these resource keys; default the whole app. */
  resources?: string[];
}

/** Revert drift: re-apply Git's (HEAD) version of one resource or of the whole app. */
export async function reapplyFromGit(root: string, appRef: string, client: ClusterClient, opts: ReapplyOptions = {}): Promise<{ plan: SyncPlan; result: SyncResult }> {
  return reapplyDesired(await loadDesired(root, appRef, { ...opts, revision: 'HEAD' }), client, opts);
}

/** `reapplyFromGit` for a caller that has already rendered the app at HEAD. */
export async function reapplyDesired(desired: DesiredState, client: ClusterClient, opts: ReapplyOptions = {}): Promise<{ plan: SyncPlan; result: SyncResult }> {
  const plan = await planSync(desired, client, { only: opts.resources, concurrency: opts.concurrency, signal: opts.signal });
  const result = await executeSync(plan, client, { ...opts, journalType: 'reapply' });
  return { plan, result };
}

export interface RollbackOptions extends Omit<DesiredOptions, 'revision'>, Omit<SyncOptions, 'journalType'> {
  prune?: boolean;
}

export interface RollbackPlan {
  plan: SyncPlan;
  warning: string;
  /** The app's files (repo-relative) that differ between the revision and HEAD: what the rollback takes back. */
  changedFiles: string[];
}

/**
 * Roll back to a revision, planned: the app rendered as that commit has it, dry-run against the
 * cluster. The cluster then differs from the branch head, which the warning says.
 */
export async function planRollback(root: string, appRef: string, rev: string, client: ClusterClient, opts: RollbackOptions = {}): Promise<RollbackPlan> {
  const desired = await loadDesired(root, appRef, { ...opts, revision: rev });
  const top = desired.repoRoot;
  const head = await resolveRevision(top, 'HEAD');
  const target = desired.revision.commit!;
  const behind = target !== head && (await isAncestor(top, target, head));
  const warning = target === head
    ? `${rev} is the branch head; this is an ordinary sync`
    : `rolling back to ${desired.revision.label}: the cluster will differ from the branch head (${head.slice(0, 8)})${behind ? '' : `, and ${rev} is not an ancestor of it`} until the next sync from Git; a controller that syncs this app will undo the rollback`;
  // The app's files at the revision, and anything in its source folders (files added since).
  const own = [appFilesOf(desired.app, desired.render)];
  const changedFiles = target === head ? [] : (await changedPaths(top, target, head)).filter((p) => ownersOf(top, p, own).length > 0);
  const plan = await planSync(desired, client, { prune: opts.prune, concurrency: opts.concurrency, signal: opts.signal });
  return { plan, warning, changedFiles };
}

/** Executes a rollback plan as it was planned (and shown). */
export async function executeRollback(r: RollbackPlan, client: ClusterClient, opts: RollbackOptions = {}): Promise<SyncResult> {
  const atHead = r.plan.revision.commit === (await resolveRevision(r.plan.repoRoot, 'HEAD'));
  return executeSync(r.plan, client, { ...opts, warnings: [...(opts.warnings ?? []), ...(atHead ? [] : [r.warning])], journalType: 'rollback' });
}

/** Roll back to a revision: plan, then execute that plan. */
export async function rollbackToRevision(root: string, appRef: string, rev: string, client: ClusterClient, opts: RollbackOptions = {}): Promise<{ plan: SyncPlan; result: SyncResult; warning: string }> {
  const r = await planRollback(root, appRef, rev, client, opts);
  return { plan: r.plan, result: await executeRollback(r, client, opts), warning: r.warning };
}
