import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendJournal, deliveryFigures, journalPath, readJournal, type JournalEntry } from '../../src/core/journal';
import { tempDir } from '../support/temp';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 12, min)).toISOString();
function entry(p: Partial<JournalEntry>): JournalEntry {
  return { v: 1, type: 'sync', time: at(0), durationMs: 60_000, user: { name: 'Ann' }, repo: '/r', app: 'kustomize/web', context: 'prod', uncommitted: false, outcome: 'succeeded', message: '', tasks: [], errors: [], ...p };
}
const applied = [{ key: '/ConfigMap/web/a', action: 'configure', status: 'applied', durationMs: 5 }];

test('journal lives outside the working tree, under XDG_STATE_HOME, overridable', () => {
  assert.match(journalPath('/work/repo', { XDG_STATE_HOME: '/state' }), /^\/state\/gitops-lens\/journal\/[0-9a-f]{16}\.jsonl$/);
  assert.match(journalPath('/work/repo', { HOME: '/home/u' }), /^\/home\/u\/\.local\/state\/gitops-lens\/journal\//);
  assert.match(journalPath('/work/repo', { GITOPS_LENS_STATE_DIR: '/tmp/x', XDG_STATE_HOME: '/state' }), /^\/tmp\/x\/journal\//);
  assert.notEqual(journalPath('/work/a', {}), journalPath('/work/b', {}));
});

test('append and read: newest first, filters, unreadable lines counted, concurrent appends never interleave', async () => {
  const path = join(tempDir('journal-'), 'j.jsonl');
  await Promise.all(Array.from({ length: 200 }, (_, i) => appendJournal(path, entry({ time: at(i % 60), app: i % 2 ? 'kustomize/web' : 'argocd/argocd/api', message: 'x'.repeat(2000) }))));
  appendFileSync(path, '{"truncated": \n');
  assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 201);
  const all = await readJournal(path);
  assert.equal(all.skippedLines, 1);
  // Every entry whole (2000 characters each, never mixed with another), newest first.
  const written = Array.from({ length: 200 }, (_, i) => ({ time: at(i % 60), app: i % 2 ? 'kustomize/web' : 'argocd/argocd/api' }));
  const newestFirst = (xs: { time: string; app: string }[]) => xs.map((x) => `${x.time} ${x.app}`).sort().reverse().map((x) => x.split(' ')[0]);
  assert.deepEqual(all.entries.map((e) => e.time), newestFirst(written));
  assert.ok(all.entries.every((e) => e.message === 'x'.repeat(2000)));
  const web = (await readJournal(path, { app: 'web' })).entries;
  assert.deepEqual(web.map((e) => e.time), newestFirst(written.filter((w) => w.app === 'kustomize/web')));
  assert.ok(web.every((e) => e.app === 'kustomize/web'));
  // The three newest api entries (i = 58, 118, 178).
  assert.deepEqual((await readJournal(path, { app: 'api', limit: 3 })).entries.map((e) => `${e.time} ${e.app}`), Array(3).fill(`${at(58)} argocd/argocd/api`));
  assert.deepEqual(await readJournal(join(tmpdir(), 'nope-does-not-exist.jsonl')), { entries: [], skippedLines: 0 });
});

test('delivery figures: success rate, commit to synced, drift incidents per app', () => {
  const figures = deliveryFigures([
    // web: commit c1 at 12:00 synced at 12:10 (+1 min) → 11 min; a failure; c1 synced again with changes → drift.
    entry({ time: at(10), commit: 'c1', commitDate: at(0), tasks: applied }),
    entry({ time: at(20), commit: 'c2', commitDate: at(15), outcome: 'failed' }),
    entry({ time: at(30), commit: 'c1', commitDate: at(0), tasks: applied }),
    entry({ time: at(40), commit: 'c1', commitDate: at(0), tasks: [] }),
    entry({ time: at(45), type: 'drift', outcome: 'observed', drifted: ['/ConfigMap/web/a'] }),
    entry({ time: at(50), commit: 'c3', commitDate: at(44), outcome: 'refused' }),
    // api: one success 2 min after its commit, uncommitted syncs do not count for lead time.
    entry({ app: 'argocd/argocd/api', time: at(5), commit: 'a1', commitDate: at(4), durationMs: 60_000 }),
    entry({ app: 'argocd/argocd/api', time: at(7), commit: 'a1', uncommitted: true, tasks: applied }),
  ]);
  const web = figures.apps.find((a) => a.app === 'kustomize/web')!;
  assert.equal(web.syncs, 5);
  assert.equal(web.succeeded, 3);
  assert.equal(web.failed, 1);
  assert.equal(web.successRate, 0.75);
  assert.deepEqual(web.commitToSynced, { count: 1, medianMs: 11 * 60_000, p90Ms: 11 * 60_000, lastMs: 11 * 60_000 });
  assert.equal(web.driftIncidents, 2);
  const api = figures.apps.find((a) => a.app === 'argocd/argocd/api')!;
  assert.equal(api.successRate, 1);
  assert.equal(api.commitToSynced.medianMs, 2 * 60_000);
  assert.equal(api.driftIncidents, 0);
  assert.equal(figures.overall.successRate, 5 / 6);
  assert.equal(figures.overall.commitToSynced.count, 2);
  assert.equal(figures.overall.driftIncidents, 2);
});
