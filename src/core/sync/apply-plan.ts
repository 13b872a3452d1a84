import type { ClusterClient, LiveCache } from '../cluster';
import { APPLYSET_GROUP_KINDS } from '../diff/tracking';
import { describeId } from '../manifest';
import { mapLimit } from '../async';
import { waveHealth } from './health';
import { kindRank } from './order';
import { prune } from './prune';
import type { Emit, SyncOptions } from './sync-options';
import type { SyncPlan, SyncResult, SyncTask, TaskResult } from './types';
import { waitHealthy } from './wait-healthy';

/**
 * Applies a plan wave by wave (kind order inside a wave, a bounded number of writes in
 * parallel), waits for each wave's health on the live cache, then prunes if the plan asks.
 * Results are pushed into `result` as they happen.
 */
export async function applyPlan(plan: SyncPlan, client: ClusterClient, cache: LiveCache, opts: SyncOptions, result: SyncResult, emit: Emit): Promise<{ outcome: SyncResult['outcome']; message: string }> {
  const limit = opts.concurrency ?? 8;
  const health = opts.health ?? waveHealth;
  const applyTasks = plan.tasks.filter((t) => t.action === 'create' || t.action === 'configure' || t.action === 'unchanged');
  const done = new Set<string>();
  /** resourceVersion each apply returned: the health wait needs the cache to have seen it. */
  const applied = new Map<string, string>();
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
          const written = await client.apply(t.desired!, { force: true, signal: opts.signal });
          if (written.metadata?.resourceVersion) applied.set(t.key, String(written.metadata.resourceVersion));
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
        const waited = await waitHealthy(crds, cache, health, opts, emit, { phase, wave: n }, applied);
        if (waited) { result.errors.push(waited.message); notRun(`not run: ${waited.message}`); return { outcome: waited.cancelled ? 'cancelled' : 'failed', message: waited.message }; }
        await client.discover({ refresh: true }).catch(() => undefined);
      }
    }
    const last = w === waves.length - 1;
    if (!last || opts.waitLastWave) {
      const waited = await waitHealthy(wave, cache, health, opts, emit, { phase, wave: n }, applied);
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
  const count = (s: TaskResult['status']) => result.results.filter((r) => r.status === s).length;
  return { outcome: 'succeeded', message: `synced ${plan.appId} to ${plan.revision.label}: ${count('applied')} applied, ${count('pruned')} pruned, ${count('unchanged')} unchanged` };
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
