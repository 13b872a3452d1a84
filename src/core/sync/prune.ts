import { isClusterError, type ClusterClient } from '../cluster';
import { describeId } from '../manifest';
import { syncOptionsOf } from './order';
import type { Emit, SyncOptions } from './sync-options';
import type { SyncPlan, SyncTask, TaskResult } from './types';

/**
 * Deletes Extra objects one by one. Each is read again first: it must still carry the same
 * uid, still be tracked and not be marked Prune=false meanwhile. A read that fails leaves the
 * object in place; after a connection failure nothing further is attempted.
 */
export async function prune(tasks: SyncTask[], plan: SyncPlan, client: ClusterClient, opts: SyncOptions, push: (r: TaskResult) => void, emit: Emit): Promise<{ message: string; errors: string[]; cancelled?: boolean } | undefined> {
  const errors: string[] = [];
  for (const t of tasks) {
    if (opts.signal?.aborted) return { message: 'cancelled during prune', errors, cancelled: true };
    emit({ type: 'task-start', key: t.key, action: 'prune' });
    const t0 = Date.now();
    try {
      const now = await client.get(t.id, { signal: opts.signal });
      if (!now) { push({ key: t.key, action: 'prune', status: 'pruned', message: 'already gone', durationMs: Date.now() - t0 }); continue; }
      const why = now.metadata?.uid !== t.live?.metadata?.uid ? 'it was replaced since the plan (different uid)'
        : now.metadata?.deletionTimestamp ? 'it is already being deleted'
          : syncOptionsOf(now).includes('Prune=false') ? 'it is now annotated Prune=false' : undefined;
      if (why) { push({ key: t.key, action: 'prune', status: 'skipped', message: `kept: ${why}`, durationMs: Date.now() - t0 }); continue; }
      await client.delete(t.id, { propagationPolicy: 'Background', signal: opts.signal });
      push({ key: t.key, action: 'prune', status: 'pruned', durationMs: Date.now() - t0 });
    } catch (e) {
      if (isClusterError(e) && e.kind === 'not-found') { push({ key: t.key, action: 'prune', status: 'pruned', message: 'already gone', durationMs: Date.now() - t0 }); continue; }
      const msg = `${describeId(t.id)} not pruned: ${(e as Error).message}`;
      errors.push(msg);
      push({ key: t.key, action: 'prune', status: 'failed', message: (e as Error).message, durationMs: Date.now() - t0 });
      if (isClusterError(e) && (e.kind === 'unreachable' || e.kind === 'unauthorized')) {
        return { message: `prune stopped, the cluster of context "${plan.context}" cannot be reached; everything not yet pruned was left in place`, errors };
      }
    }
  }
  return errors.length ? { message: `${errors.length} object(s) could not be pruned`, errors } : undefined;
}
