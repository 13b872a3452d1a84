import { LiveCache, type ClusterClient } from '../cluster';
import { gitUser } from '../git/history';
import { appendJournal, type JournalEntry } from '../journal/journal';
import { applyPlan } from './apply-plan';
import { acquireAppLock, LockBusyError } from './lock';
import type { SyncOptions } from './sync-options';
import type { SyncEvent, SyncPlan, SyncResult } from './types';

/**
 * Executes a plan (apply-plan.ts: waves, health, prune): refused unless every task passed its
 * dry-run and nothing else forbids it, one sync per app and cluster at a time, recorded in
 * the journal.
 */
export async function executeSync(plan: SyncPlan, client: ClusterClient, opts: SyncOptions = {}): Promise<SyncResult> {
  const started = Date.now();
  const emit = (e: SyncEvent) => { try { opts.onEvent?.(e); } catch { /* a listener must not break the sync */ } };
  const result: SyncResult = {
    appId: plan.appId, context: plan.context, outcome: 'succeeded', message: '', dryRun: !!opts.dryRun, revision: plan.revision,
    results: [], errors: [], warnings: [...(opts.warnings ?? [])], startedAt: new Date(started).toISOString(), durationMs: 0,
  };
  const finish = async (outcome: SyncResult['outcome'], message: string): Promise<SyncResult> => {
    result.outcome = outcome;
    result.message = message;
    result.durationMs = Date.now() - started;
    if (!opts.dryRun && opts.journal) await record(plan, result, opts).catch((e: Error) => result.warnings.push(`journal not written: ${e.message}`));
    emit({ type: 'done', result });
    return result;
  };

  const refusal = refuse(plan, opts);
  if (refusal) {
    result.errors.push(...refusal.details);
    return finish('refused', refusal.message);
  }
  if (plan.revision.uncommitted) result.warnings.push(`synced uncommitted changes (${plan.revision.uncommittedFiles.join(', ')})`);
  if (plan.controller && opts.force) result.warnings.push(`forced: ${plan.controller.reason}`);
  if (opts.dryRun) {
    for (const t of plan.tasks) result.results.push({ key: t.key, action: t.action, status: 'skipped', message: 'dry run', durationMs: 0, source: t.source });
    return finish('succeeded', `dry run: ${summaryLine(plan)}; nothing was written`);
  }

  let lock;
  try {
    lock = await acquireAppLock(`${plan.appId} in context ${plan.context} (${plan.server})`, {
      waitMs: opts.lockWaitMs ?? 0, signal: opts.signal, dir: opts.lockDir, env: opts.env,
      onWait: (h) => emit({ type: 'lock-wait', holder: `pid ${h.pid} on ${h.host} since ${h.since}` }),
    });
  } catch (e) {
    if (e instanceof LockBusyError) return finish('refused', e.message);
    throw e;
  }
  // Without the caller's cache, the sync watches what it waits for while it runs.
  const cache = opts.cache ?? new LiveCache(client);
  try {
    const outcome = await applyPlan(plan, client, cache, opts, result, emit);
    return await finish(outcome.outcome, outcome.message);
  } finally {
    if (!opts.cache) cache.close();
    await lock.release();
  }
}

function refuse(plan: SyncPlan, opts: SyncOptions): { message: string; details: string[] } | undefined {
  const errors = plan.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const dry = errors.filter((p) => p.code === 'dry-run-failed').length;
    return { message: dry ? `${dry} resource(s) failed the server dry-run; nothing was written` : `the plan has ${errors.length} error(s); nothing was written`, details: errors.map((p) => p.message) };
  }
  if (plan.controller && !opts.force) {
    return { message: `${plan.controller.reason}. Request a reconcile from ${plan.controller.kind === 'argocd' ? 'Argo CD' : 'Flux'} instead, or force the sync`, details: [] };
  }
  if (plan.revision.uncommitted && !opts.allowUncommitted) {
    return { message: `the desired state has uncommitted changes (${plan.revision.uncommittedFiles.join(', ')}); commit them, or allow syncing uncommitted changes explicitly`, details: [] };
  }
  return undefined;
}

function summaryLine(plan: SyncPlan): string {
  return Object.entries(plan.summary).filter(([, n]) => n).map(([a, n]) => `${n} ${a}`).join(', ') || 'nothing to do';
}

async function record(plan: SyncPlan, result: SyncResult, opts: SyncOptions): Promise<void> {
  const user = await gitUser(plan.repoRoot).catch(() => ({}));
  const entry: JournalEntry = {
    v: 1, type: opts.journalType ?? 'sync', time: result.startedAt, durationMs: result.durationMs, user, repo: plan.repoRoot,
    app: plan.appId, appName: plan.appName, context: plan.context, server: plan.server, commit: plan.revision.commit, commitDate: plan.revision.commitDate,
    revision: plan.revision.label, uncommitted: plan.revision.uncommitted, uncommittedFiles: plan.revision.uncommittedFiles,
    outcome: result.outcome, message: result.message, prune: plan.prune, forced: !!(opts.force && plan.controller),
    tasks: result.results.map((r) => ({ key: r.key, action: r.action, status: r.status, message: r.message, durationMs: r.durationMs })),
    errors: result.errors, warnings: result.warnings,
  };
  await appendJournal(opts.journal as string, entry);
}
