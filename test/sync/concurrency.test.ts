// One sync per app at a time: in one process, across processes, waiting or refusing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { clusterClientFromFile, isClusterError, type ClusterClient } from '../../src/core/cluster';
import { acquireAppLock, executeSync, loadDesired, LockBusyError, planSync, waveHealth, type SyncEvent, type SyncResult } from '../../src/core/sync';
import type { KubeObject } from '../../src/core/manifest';
import { sharedTestCluster } from '../support/cluster';
import { appConfig, configMap, makeRepo, removeRepo, stateDirFor, uniq } from './support';

let client: ClusterClient;
const repos: string[] = [];
before(async () => { client = clusterClientFromFile((await sharedTestCluster()).adminKubeconfig); });
after(() => { client?.close(); repos.forEach(removeRepo); });

/**
 * A wave health that keeps the first wave of a sync waiting until `release(ns)`: then it says
 * what the real one says, and a harmless label on a wave-0 object wakes the waiting sync (its
 * health wait looks again when the live cache changes).
 */
function holdUntil() {
  let released = false;
  return {
    health: (o: KubeObject) => (released ? waveHealth(o) : { status: 'Progressing' as const, message: 'held by the test' }),
    release: async (ns: string) => {
      if (released) return;
      released = true;
      // Not there yet: the sync has not reached its health wait, where it will see `released`.
      await client.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/cm-0`, { metadata: { labels: { 'test-wake': 'yes' } } }, 'application/merge-patch+json')
        .catch((e: unknown) => { if (!(isClusterError(e) && e.kind === 'not-found')) throw e; });
    },
  };
}

async function twoWaveApp() {
  const ns = uniq('conc');
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const files: Record<string, string> = { 'gitops-lens.yaml': appConfig('conc', 'app', ns) };
  for (let i = 0; i < 12; i++) files[`app/cm-${i}.yaml`] = configMap(`cm-${i}`, { wave: i % 3 });
  const root = makeRepo(files);
  repos.push(root);
  return { ns, root };
}

describe('one sync per app at a time', () => {
  test('two concurrent syncs of one app: the second waits and never interleaves', async () => {
    const { ns, root } = await twoWaveApp();
    const lockDir = stateDirFor();
    const plan = await planSync(await loadDesired(root, 'conc'), client);
    const log: string[] = [];
    // Whichever sync takes the lock is held in its first health wait until the other has
    // announced that it waits for the lock: the interleaving under test, never a race.
    const hold = holdUntil();
    const on = (who: string) => (e: SyncEvent) => {
      if (e.type === 'task-start' || e.type === 'wave-start' || e.type === 'done' || e.type === 'lock-wait') log.push(`${who}:${e.type}`);
      if (e.type === 'lock-wait') void hold.release(ns);
    };
    const [a, b] = await Promise.all([
      executeSync(plan, client, { journal: false, lockDir, lockWaitMs: 10 * 60_000, onEvent: on('A'), concurrency: 2, health: hold.health }),
      executeSync(plan, client, { journal: false, lockDir, lockWaitMs: 10 * 60_000, onEvent: on('B'), concurrency: 2, health: hold.health }),
    ]);
    assert.equal(a.outcome, 'succeeded', a.message);
    assert.equal(b.outcome, 'succeeded', b.message);
    // Exactly one of them had to wait, and all its work comes after the other's "done".
    const waits = log.filter((l) => l.endsWith(':lock-wait'));
    assert.equal(waits.length, 1, log.join(' '));
    const second = waits[0].split(':')[0];
    const first = second === 'A' ? 'B' : 'A';
    const firstDone = log.indexOf(`${first}:done`);
    const secondWork = log.findIndex((l) => l.startsWith(`${second}:`) && !l.endsWith(':lock-wait'));
    assert.ok(firstDone >= 0 && secondWork > firstDone, `interleaved: ${log.join(' ')}`);
    assert.ok(log.slice(0, firstDone).every((l) => l.startsWith(`${first}:`) || l === `${second}:lock-wait`), log.join(' '));
    // The first sync did all 12 tasks before the second started any.
    assert.equal(log.slice(0, firstDone).filter((l) => l === `${first}:task-start`).length, 12, log.join(' '));
  });

  test('without waiting, the second sync is refused while the first runs', async () => {
    const { ns, root } = await twoWaveApp();
    const lockDir = stateDirFor();
    const plan = await planSync(await loadDesired(root, 'conc'), client);
    // The first sync holds the lock (held in its first health wait) until the second has been refused.
    const hold = holdUntil();
    let second: Promise<SyncResult> | undefined;
    const a = await executeSync(plan, client, {
      journal: false, lockDir, concurrency: 1, health: hold.health,
      onEvent: (e) => {
        if (e.type !== 'wave-wait' || second) return;
        second = executeSync(plan, client, { journal: false, lockDir });
        void second.then(() => hold.release(ns));
      },
    });
    assert.equal(a.outcome, 'succeeded', a.message);
    assert.ok(second, 'the first sync never waited for health');
    const b = await second;
    assert.equal(b.outcome, 'refused');
    assert.match(b.message, /another sync of kustomize\/app in context admin \(https:.*\) is running \(pid \d+/);
    assert.equal(b.results.length, 0);
  });

  test('cancellation stops between tasks: applied tasks stay, the rest is not run, the lock is released', async () => {
    const { ns, root } = await twoWaveApp();
    const lockDir = stateDirFor();
    const plan = await planSync(await loadDesired(root, 'conc'), client);
    const ac = new AbortController();
    const result = await executeSync(plan, client, {
      journal: false, lockDir, concurrency: 1, signal: ac.signal,
      onEvent: (e) => { if (e.type === 'task-done' && e.result.status === 'applied' && e.result.key.endsWith('/cm-3')) ac.abort(); },
    });
    assert.equal(result.outcome, 'cancelled');
    const status = Object.fromEntries(result.results.map((r) => [r.key.split('/')[3], r.status]));
    // Wave 0 holds cm-0, cm-3, cm-6, cm-9 (name order): cm-0 and cm-3 were applied before the cancel.
    assert.equal(status['cm-0'], 'applied');
    assert.equal(status['cm-3'], 'applied');
    assert.equal(status['cm-6'], 'not-run');
    assert.equal(status['cm-1'], 'not-run');
    assert.ok(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-3' }));
    assert.equal(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-6' }), null);
    const again = await executeSync(plan, client, { journal: false, lockDir });
    assert.equal(again.outcome, 'succeeded', again.message);
  });

  test('the lock holds across processes and is taken over when its process is gone', async () => {
    const lockDir = stateDirFor();
    const mine = await acquireAppLock('ctx|app', { dir: lockDir });
    await mine.release();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(mine.path, JSON.stringify({ pid: other.pid, host: hostname(), since: new Date().toISOString(), what: 'ctx|app' }));
      await assert.rejects(acquireAppLock('ctx|app', { dir: lockDir, waitMs: 300 }), (e: unknown) => e instanceof LockBusyError && e.message.includes(`pid ${other.pid}`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    const taken = await acquireAppLock('ctx|app', { dir: lockDir });
    await taken.release();
  });
});
