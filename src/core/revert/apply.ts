import type { ClusterClient } from '../cluster';
import { isAncestor, resolveRevision } from '../git/history';
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

/**
 * Roll back to a revision: render the app as that commit has it and sync it. The cluster
 * then differs from the branch head, which every result says, and the journal records.
 */
export async function rollbackToRevision(root: string, appRef: string, rev: string, client: ClusterClient, opts: RollbackOptions = {}): Promise<{ plan: SyncPlan; result: SyncResult; warning: string }> {
  const desired = await loadDesired(root, appRef, { ...opts, revision: rev });
  const head = await resolveRevision(desired.repoRoot, 'HEAD');
  const target = desired.revision.commit!;
  const behind = target !== head && (await isAncestor(desired.repoRoot, target, head));
  const warning = target === head
    ? `${rev} is the branch head; this is an ordinary sync`
    : `rolling back to ${desired.revision.label}: the cluster will differ from the branch head (${head.slice(0, 8)})${behind ? '' : `, and ${rev} is not an ancestor of it`} until the next sync from Git; a controller that syncs this app will undo the rollback`;
  const plan = await planSync(desired, client, { prune: opts.prune, concurrency: opts.concurrency, signal: opts.signal });
  const result = await executeSync(plan, client, { ...opts, warnings: [...(opts.warnings ?? []), ...(target === head ? [] : [warning])], journalType: 'rollback' });
  return { plan, result, warning };
}
