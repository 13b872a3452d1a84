/**
 * Waits until the objects of a wave are healthy, observing the live cache (its watches say
 * when something changed) instead of polling the API server. An object counts only once the
 * cache holds the version our apply produced or a newer one, so a stale cached copy from
 * before the write never passes for a healthy rollout. Degraded fails the wave at once.
 */
import type { LiveCache } from '../cluster';
import { describeId } from '../manifest';
import type { HealthFn } from './health';
import type { Emit, SyncOptions } from './sync-options';
import type { SyncTask } from './types';

export interface WaitFailure { message: string; cancelled?: boolean }

/** True when resourceVersion `a` is `b` or later (etcd revisions; equality when either is not a number). */
function atLeast(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b);
  return a === b;
}

export async function waitHealthy(
  tasks: SyncTask[], cache: LiveCache, health: HealthFn, opts: SyncOptions, emit: Emit,
  where: { phase: SyncTask['phase']; wave: number }, appliedVersions: ReadonlyMap<string, string>,
): Promise<WaitFailure | undefined> {
  const timeout = opts.waveTimeoutMs ?? 5 * 60_000;
  const deadline = Date.now() + timeout;
  const byKind = new Map<string, { group: string; kind: string; namespaces: Set<string> }>();
  for (const t of tasks) {
    const k = `${t.id.group}/${t.id.kind}`;
    const entry = byKind.get(k) ?? { group: t.id.group, kind: t.id.kind, namespaces: new Set<string>() };
    if (t.id.namespace) entry.namespaces.add(t.id.namespace);
    byKind.set(k, entry);
  }
  await Promise.all([...byKind.values()].map((k) => cache.track({ group: k.group, kind: k.kind }, [...k.namespaces])));

  let pending = tasks;
  let lastReasons = 0;
  let announced = false;
  for (;;) {
    // Subscribe before looking, so a change between the look and the wait is not missed.
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => { wake = resolve; });
    const stop = cache.onChange(() => wake());
    try {
      const next: SyncTask[] = [];
      const reasons = new Map<string, string>();
      let degraded: string | undefined;
      for (const t of pending) {
        const look = cache.lookup(t.id);
        if (look.state === 'unknown') { next.push(t); reasons.set(t.key, `cannot read it: ${look.error.message}`); continue; }
        if (look.state === 'absent') { next.push(t); reasons.set(t.key, 'Missing'); continue; }
        const applied = appliedVersions.get(t.key);
        if (applied && !atLeast(look.object.metadata?.resourceVersion as string | undefined, applied)) { next.push(t); reasons.set(t.key, 'waiting for the applied version to be observed'); continue; }
        const h = health(look.object);
        if (!h || h.status === 'Healthy' || h.status === 'Suspended') continue;
        if (h.status === 'Degraded') { degraded ??= `${describeId(t.id)} is Degraded${h.message ? `: ${h.message}` : ''}`; continue; }
        next.push(t);
        reasons.set(t.key, `${h.status}${h.message ? `: ${h.message}` : ''}`);
      }
      const { phase, wave } = where;
      if (degraded) return { message: `wave ${wave} (${phase}) failed: ${degraded}` };
      if (next.length === 0) return undefined;
      if (opts.signal?.aborted) return { message: 'cancelled while waiting for health', cancelled: true };
      const left = deadline - Date.now();
      if (left <= 0) {
        return { message: `wave ${wave} (${phase}) not healthy after ${Math.round(timeout / 1000)} s: ${next.map((t) => `${describeId(t.id)} ${reasons.get(t.key) ?? ''}`.trim()).join('; ')}` };
      }
      if (!announced || reasons.size !== lastReasons) emit({ type: 'wave-wait', phase, wave, pending: next.map((t) => `${describeId(t.id)}: ${reasons.get(t.key)}`) });
      announced = true;
      lastReasons = reasons.size;
      pending = next;
      await untilFirst(changed, left, opts.signal);
    } finally {
      stop();
    }
  }
}

/** Resolves when `p` does, after `ms`, or when the signal aborts, whichever is first. */
function untilFirst(p: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
    void p.then(done);
  });
}
