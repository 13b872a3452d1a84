import { isClusterError, type ClusterClient } from '../cluster';
import { APPLYSET_GROUP_KINDS } from '../diff/tracking';
import { gitUser } from '../git/history';
import { appendJournal, type JournalEntry, type JournalEntryType } from '../journal/journal';
import { describeId, type KubeObject } from '../manifest';
import { waveHealth, type HealthFn } from './health';
import { acquireAppLock, LockBusyError } from './lock';
import { kindRank, syncOptionsOf } from './order';
import type { SyncEvent, SyncPlan, SyncResult, SyncTask, TaskResult } from './types';
import { mapLimit, sleep } from './util';

export interface SyncOptions {
  /** Nothing is written: the plan (already dry-run on the server) is the result. */
  dryRun?: boolean;
  /** Sync although Argo CD or Flux reconciles the app in the cluster. */
  force?: boolean;
  /** Needed to sync a plan that contains uncommitted changes; the journal records it. */
  allowUncommitted?: boolean;
  /** Parallel writes within one kind of one wave. Default 8. */
  concurrency?: number;
  /** Cancels between tasks (a write in flight completes). */
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
  /** How long a wave may take to become healthy. Default 5 minutes. */
  waveTimeoutMs?: number;
  pollMs?: number;
  /** Wait for the last wave's health too. Default false (as Argo CD: the next wave is what waits). */
  waitLastWave?: boolean;
  health?: HealthFn;
  /** Another sync of the same app: wait up to this long, else refuse. Default 0 (refuse). */
  lockWaitMs?: number;
  lockDir?: string;
  /** Journal file; false to keep no record. */
  journal?: string | false;
  journalType?: JournalEntryType;
  env?: NodeJS.ProcessEnv;
  /** Extra warnings to carry into the result and journal (e.g. rolling back to an old revision). */
  warnings?: string[];
}

/**
 * Executes a plan: SSA wave by wave (kind order inside a wave, a bounded number of writes in
 * parallel), waiting for health between waves, then prune if the plan asks. One sync per app
 * and cluster at a time. Nothing is written unless every task passed its dry-run.
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
  try {
    const outcome = await applyAndPrune(plan, client, opts, result, emit);
    return await finish(outcome.outcome, outcome.message);
  } finally {
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

type Emit = (e: SyncEvent) => void;

async function applyAndPrune(plan: SyncPlan, client: ClusterClient, opts: SyncOptions, result: SyncResult, emit: Emit): Promise<{ outcome: SyncResult['outcome']; message: string }> {
  const limit = opts.concurrency ?? 8;
  const health = opts.health ?? waveHealth;
  const applyTasks = plan.tasks.filter((t) => t.action === 'create' || t.action === 'configure' || t.action === 'unchanged');
  const done = new Set<string>();
  const push = (r: TaskResult) => { result.results.push(r); done.add(r.key); emit({ type: 'task-done', result: r }); };
  const notRun = (why: string) => {
    for (const t of plan.tasks) if (!done.has(t.key)) push({ key: t.key, action: t.action, status: t.action === 'skip' ? 'skipped' : 'not-run', message: t.action === 'skip' ? t.reason : why, durationMs: 0, source: t.source });
  };
  for (const t of plan.tasks) if (t.action === 'skip') push({ key: t.key, action: 'skip', status: 'skipped', message: t.reason, durationMs: 0, source: t.source });

  // The ApplySet parent goes first, naming the union of old and new group-kinds (KEP-3659);
  // when its namespace is created by this sync, right after that Namespace.
  let parentApplied = !plan.applySet;
  const applyParent = async (): Promise<string | undefined> => {
    if (parentApplied || !plan.applySet) return undefined;
    try {
      await client.apply(plan.applySet.parent, { force: true, signal: opts.signal });
      parentApplied = true;
      return undefined;
    } catch (e) {
      return `cannot write the ApplySet parent ${plan.applySet.parent.metadata?.namespace}/${plan.applySet.parent.metadata?.name}: ${(e as Error).message}`;
    }
  };
  const parentNs = plan.applySet?.parent.metadata?.namespace;
  const parentNsIsNew = !!parentNs && applyTasks.some((t) => t.id.kind === 'Namespace' && t.id.group === '' && t.id.name === parentNs && t.action === 'create');

  emit({ type: 'phase', phase: 'apply' });
  const waves = groupWaves(applyTasks);
  for (let w = 0; w < waves.length; w++) {
    const wave = waves[w];
    const { phase, wave: n } = wave[0];
    emit({ type: 'wave-start', phase, wave: n, tasks: wave.length });
    for (const group of groupBy(wave, (t) => kindRank(t.id))) {
      if (!parentNsIsNew) {
        const err = await applyParent();
        if (err) { result.errors.push(err); notRun('not run: the ApplySet parent could not be written'); return { outcome: 'failed', message: err }; }
      }
      let failed = false;
      let cancelled = false;
      await mapLimit(group, limit, async (t) => {
        if (failed) return;
        if (opts.signal?.aborted) { cancelled = true; return; }
        emit({ type: 'task-start', key: t.key, action: t.action });
        const t0 = Date.now();
        if (t.action === 'unchanged') {
          push({ key: t.key, action: t.action, status: 'unchanged', durationMs: 0, source: t.source });
          return;
        }
        try {
          await client.apply(t.desired!, { force: true, signal: opts.signal });
          push({ key: t.key, action: t.action, status: 'applied', durationMs: Date.now() - t0, source: t.source });
        } catch (e) {
          failed = true;
          const msg = `${describeId(t.id)}: ${(e as Error).message}`;
          result.errors.push(msg);
          push({ key: t.key, action: t.action, status: 'failed', message: (e as Error).message, durationMs: Date.now() - t0, source: t.source });
        }
      });
      if (cancelled) { notRun('cancelled before it started'); return { outcome: 'cancelled', message: 'cancelled; tasks already applied stay applied' }; }
      if (failed) { notRun('not run: an earlier task failed'); return { outcome: 'failed', message: result.errors[result.errors.length - 1] }; }
      if (parentNsIsNew && group.some((t) => t.id.kind === 'Namespace' && t.id.name === parentNs)) {
        const err = await applyParent();
        if (err) { result.errors.push(err); notRun('not run: the ApplySet parent could not be written'); return { outcome: 'failed', message: err }; }
      }
      // Custom resources of a CRD created in this wave need it established and discovered.
      const crds = group.filter((t) => t.id.kind === 'CustomResourceDefinition' && t.id.group === 'apiextensions.k8s.io');
      if (crds.length) {
        const waited = await waitHealthy(crds, client, health, opts, emit, phase, n);
        if (waited) { result.errors.push(waited.message); notRun(`not run: ${waited.message}`); return { outcome: waited.cancelled ? 'cancelled' : 'failed', message: waited.message }; }
        await client.discover({ refresh: true }).catch(() => undefined);
      }
    }
    const last = w === waves.length - 1;
    if (!last || opts.waitLastWave) {
      const waited = await waitHealthy(wave, client, health, opts, emit, phase, n);
      if (waited) {
        result.errors.push(waited.message);
        emit({ type: 'wave-done', phase, wave: n, healthy: false, message: waited.message });
        notRun(`not run: ${waited.message}`);
        return { outcome: waited.cancelled ? 'cancelled' : 'failed', message: waited.message };
      }
    }
    emit({ type: 'wave-done', phase, wave: n, healthy: true });
  }
  const parentErr = await applyParent();
  if (parentErr) { result.errors.push(parentErr); notRun('not run'); return { outcome: 'failed', message: parentErr }; }

  const prunes = plan.prune ? plan.tasks.filter((t) => t.action === 'prune') : [];
  if (prunes.length) {
    emit({ type: 'phase', phase: 'prune' });
    const pr = await prune(prunes, plan, client, opts, push, emit);
    if (pr) { result.errors.push(...pr.errors); notRun(`not run: ${pr.message}`); return { outcome: pr.cancelled ? 'cancelled' : 'failed', message: pr.message }; }
    if (plan.applySet) {
      // Every Extra is gone: the parent may now name only the current group-kinds.
      const narrowed = { ...plan.applySet.parent, metadata: { ...plan.applySet.parent.metadata, annotations: { ...plan.applySet.parent.metadata?.annotations, [APPLYSET_GROUP_KINDS]: plan.applySet.groupKinds } } };
      await client.apply(narrowed, { force: true, signal: opts.signal }).catch((e: Error) => result.warnings.push(`ApplySet parent not narrowed: ${e.message}`));
    }
  }
  notRun('not run');
  const applied = result.results.filter((r) => r.status === 'applied').length;
  const pruned = result.results.filter((r) => r.status === 'pruned').length;
  return { outcome: 'succeeded', message: `synced ${plan.appId} to ${plan.revision.label}: ${applied} applied, ${pruned} pruned, ${result.results.filter((r) => r.status === 'unchanged').length} unchanged` };
}

function groupWaves(tasks: SyncTask[]): SyncTask[][] {
  return groupBy(tasks, (t) => `${t.phase}/${t.wave}`);
}

/** Consecutive runs of equal keys (the tasks are already sorted). */
function groupBy<T>(items: T[], key: (t: T) => unknown): T[][] {
  const out: T[][] = [];
  let prev: unknown = Symbol('none');
  for (const it of items) {
    const k = key(it);
    if (out.length === 0 || k !== prev) out.push([]);
    out[out.length - 1].push(it);
    prev = k;
  }
  return out;
}

async function waitHealthy(tasks: SyncTask[], client: ClusterClient, health: HealthFn, opts: SyncOptions, emit: Emit, phase: SyncTask['phase'], wave: number): Promise<{ message: string; cancelled?: boolean } | undefined> {
  const timeout = opts.waveTimeoutMs ?? 5 * 60_000;
  const poll = opts.pollMs ?? 500;
  const deadline = Date.now() + timeout;
  let pending = tasks;
  let lastReasons = new Map<string, string>();
  let announced = false;
  for (;;) {
    const next: SyncTask[] = [];
    const reasons = new Map<string, string>();
    let degraded: string | undefined;
    await mapLimit(pending, opts.concurrency ?? 8, async (t) => {
      let live: KubeObject | null;
      try {
        live = await client.get(t.id, { signal: opts.signal });
      } catch (e) {
        next.push(t);
        reasons.set(t.key, `cannot read it: ${(e as Error).message}`);
        return;
      }
      if (!live) { next.push(t); reasons.set(t.key, 'Missing'); return; }
      const h = health(live);
      if (!h || h.status === 'Healthy' || h.status === 'Suspended') return;
      if (h.status === 'Degraded') { degraded ??= `${describeId(t.id)} is Degraded${h.message ? `: ${h.message}` : ''}`; return; }
      next.push(t);
      reasons.set(t.key, `${h.status}${h.message ? `: ${h.message}` : ''}`);
    });
    if (degraded) return { message: `wave ${wave} (${phase}) failed: ${degraded}` };
    if (next.length === 0) return undefined;
    if (opts.signal?.aborted) return { message: 'cancelled while waiting for health', cancelled: true };
    if (Date.now() >= deadline) {
      return { message: `wave ${wave} (${phase}) not healthy after ${Math.round(timeout / 1000)} s: ${next.map((t) => `${describeId(t.id)} ${reasons.get(t.key) ?? ''}`.trim()).join('; ')}` };
    }
    if (!announced || reasons.size !== lastReasons.size) emit({ type: 'wave-wait', phase, wave, pending: next.map((t) => `${describeId(t.id)}: ${reasons.get(t.key)}`) });
    announced = true;
    lastReasons = reasons;
    pending = next;
    await sleep(poll, opts.signal);
  }
}

/**
 * Deletes Extra objects one by one. Each is read again first: it must still carry the same
 * uid, still be tracked and not be marked Prune=false meanwhile. A read that fails leaves the
 * object in place; after a connection failure nothing further is attempted.
 */
async function prune(tasks: SyncTask[], plan: SyncPlan, client: ClusterClient, opts: SyncOptions, push: (r: TaskResult) => void, emit: Emit): Promise<{ message: string; errors: string[]; cancelled?: boolean } | undefined> {
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
