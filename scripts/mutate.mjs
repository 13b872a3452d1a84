#!/usr/bin/env node
// Mutation check of the safety-critical code: puts the curated bugs of scripts/mutations.mjs
// into the source one at a time, runs the tests that must catch each, and prints which were
// caught and which survived.
//   npm run mutate                      every mutation
//   npm run mutate -- prune adopt       the mutations of these areas (or these ids)
//   npm run mutate -- --list            the catalogue
//   npm run mutate -- --at main prune   src/ and test/ as they are in commit `main` (a score
//                                       "before"); the runner and catalogue of this tree
// The source is never touched: the mutations are made in a copy of the working tree in a
// temp folder (removed at the end, also on Ctrl+C), and tests run there with the usual
// runner (scripts/test.mjs). One test control plane serves every run. Exit 1 if any survived.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MUTATIONS } from './mutations.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

if (args.includes('--list')) {
  for (const m of MUTATIONS) console.log(`${m.area.padEnd(10)} ${m.id.padEnd(34)} ${m.what}${m.issue16 ? ` (issue 16 #${m.issue16})` : ''}`);
  process.exit(0);
}
const atIndex = args.indexOf('--at');
const at = atIndex >= 0 ? args[atIndex + 1] : undefined;
if (atIndex >= 0 && !at) { console.error('--at needs a commit'); process.exit(2); }
const wanted = args.filter((a, i) => !a.startsWith('--') && !(atIndex >= 0 && i === atIndex + 1));
const areas = new Set(MUTATIONS.map((m) => m.area));
const unknown = wanted.filter((w) => !areas.has(w) && !MUTATIONS.some((m) => m.id === w));
if (unknown.length) {
  console.error(`unknown area or mutation: ${unknown.join(', ')}; areas: ${[...areas].join(', ')} (--list shows the ids)`);
  process.exit(2);
}
const selected = MUTATIONS.filter((m) => wanted.length === 0 || wanted.includes(m.area) || wanted.includes(m.id));

// A copy of the working tree as it is now (tracked and new files), node_modules linked.
const work = mkdtempSync(join(tmpdir(), 'gitops-lens-mutate-'));
let cluster;
let child;
const cleanup = () => {
  if (child && child.exitCode === null && child.signalCode === null) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  if (cluster) { try { execFileSync(process.execPath, [join(root, 'scripts/cluster/down.mjs'), '--state', cluster], { stdio: 'ignore' }); } catch { /* best effort */ } cluster = undefined; }
  // Runs are killed, not asked: everything they wrote is inside the copy, removed here.
  rmSync(work, { recursive: true, force: true, maxRetries: 3 });
};
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { console.error(`\n${sig}: stopping; the source was never changed`); process.exit(130); });

const files = execFileSync('git', ['-C', root, 'ls-files', '--cached', '--others', '--exclude-standard', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
for (const f of files) {
  if (!existsSync(join(root, f))) continue; // deleted in the working tree
  mkdirSync(dirname(join(work, f)), { recursive: true });
  cpSync(join(root, f), join(work, f));
}
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
if (at) {
  // The code and tests of another commit, run by this tree's scripts.
  for (const dir of ['src', 'test']) rmSync(join(work, dir), { recursive: true, force: true });
  const tar = execFileSync('git', ['-C', root, 'archive', '--format=tar', at, 'src', 'test'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', work], { input: tar });
  console.log(`== src/ and test/ of ${at} (${execFileSync('git', ['-C', root, 'rev-parse', '--short', at], { encoding: 'utf8' }).trim()})`);
}

/**
 * The mutated text, or why the mutation does not apply to today's code. A mutation may name
 * variants (the same bug in older and newer code): the first whose texts all occur once wins.
 */
function plan(m) {
  const path = join(work, m.file);
  if (!existsSync(path)) return { skip: `${m.file} does not exist` };
  const original = readFileSync(path, 'utf8');
  let why = '';
  for (const edits of m.variants ?? [m.edits]) {
    let text = original;
    for (const e of edits) {
      const n = text.split(e.find).length - 1;
      if (n !== 1) { why = `${m.file}: the text to change occurs ${n} times: ${JSON.stringify(e.find.slice(0, 70))}`; text = undefined; break; }
      text = text.replace(e.find, () => e.replace);
    }
    if (text !== undefined) return { path, original, mutated: text };
  }
  return { skip: why };
}

const testsOf = (m) => m.tests.filter((t) => existsSync(join(work, t)));

/** A run that takes longer than this is stopped and counts as failed (a mutation can make a wait endless). */
const RUN_LIMIT_MS = Number(process.env.GITOPS_LENS_MUTATE_RUN_LIMIT_MIN ?? 30) * 60_000;

/**
 * Runs scripts/test.mjs in the copy. `failed`: tests that failed or were cancelled per the
 * runner's summary (not the exit code: the runner also fails on files left behind, which
 * older tests do), or the run died or hung before it could summarize.
 */
function runTests(tests, env) {
  return new Promise((resolve) => {
    let out = '';
    child = spawn(process.execPath, ['scripts/test.mjs', ...tests], { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const limit = setTimeout(() => { out += `\nstopped after ${RUN_LIMIT_MS / 60000} min\n`; try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, RUN_LIMIT_MS);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code, sig) => {
      clearTimeout(limit);
      const n = (what) => Number(new RegExp(`^ℹ ${what} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
      const summarized = Number.isFinite(n('tests'));
      const failed = summarized ? n('fail') + n('cancelled') : 1;
      resolve({ code: code ?? (sig ? 1 : 0), out, failed, summarized });
    });
  });
}

/** Names of the failed tests in node's spec output. */
const failures = (out) => [...new Set([...out.matchAll(/^\s*✖ (.+?)(?: \(\d[\d.]*m?s\))?$/gm)].map((x) => x[1]).filter((n) => !/^failing tests:?$/.test(n)))];

// Every temporary file of the runs (the control plane's too) stays inside the copy, so
// removing the copy removes them, even when a run had to be killed.
mkdirSync(join(work, 'tmp'));
const env = { ...process.env, TMPDIR: join(work, 'tmp'), GITOPS_LENS_TEST_CONCURRENCY: process.env.GITOPS_LENS_TEST_CONCURRENCY ?? '2' };
const needsCluster = selected.some((m) => testsOf(m).some((t) => /test\/(cluster|diff|sync|e2e|editor|health)/.test(t)));
if (needsCluster && !env.GITOPS_LENS_TEST_KUBECONFIG && !env.GITOPS_LENS_SHARED_CLUSTER) {
  console.log('== test control plane (one for every run)');
  cluster = join(work, 'cluster.json');
  execFileSync(process.execPath, [join(root, 'scripts/cluster/up.mjs'), '--state', cluster], { stdio: ['ignore', 'ignore', 'inherit'], env });
  env.GITOPS_LENS_SHARED_CLUSTER = cluster;
}

const t0 = Date.now();
const allTests = [...new Set(selected.flatMap(testsOf))].sort();
console.log(`== baseline: ${allTests.length} test files, unmutated`);
const base = await runTests(allTests, env);
if (base.failed !== 0) {
  console.error(base.out.split('\n').slice(-60).join('\n'));
  console.error(`the tests fail without any mutation (${failures(base.out).join('; ') || 'see above'}): fix that first`);
  process.exit(2);
}

const rows = [];
for (const m of selected) {
  const p = plan(m);
  const tests = testsOf(m);
  if (p.skip || tests.length === 0) {
    rows.push({ m, verdict: 'n/a', detail: p.skip ?? `none of its tests exist: ${m.tests.join(', ')}` });
    console.log(`n/a       ${m.id}: ${rows[rows.length - 1].detail}`);
    continue;
  }
  const started = Date.now();
  writeFileSync(p.path, p.mutated);
  let r;
  try {
    r = await runTests(tests, env);
  } finally {
    writeFileSync(p.path, p.original);
  }
  const failed = failures(r.out);
  const verdict = r.failed ? 'caught' : 'SURVIVED';
  const secs = Math.round((Date.now() - started) / 1000);
  rows.push({ m, verdict, detail: !r.failed ? `${tests.join(' ')} pass`
    : r.summarized ? `${failed.length} failed: ${failed.slice(0, 3).join('; ')}${failed.length > 3 ? '; …' : ''}`
      : `the run died (exit ${r.code}): ${r.out.trim().split('\n').slice(-1)[0]}` });
  console.log(`${verdict.padEnd(9)} ${m.id} (${secs} s): ${m.what}\n          ${rows[rows.length - 1].detail}`);
}

const applicable = rows.filter((r) => r.verdict !== 'n/a');
const caught = applicable.filter((r) => r.verdict === 'caught');
console.log(`\n== score: ${caught.length} of ${applicable.length} mutations caught${rows.length > applicable.length ? ` (${rows.length - applicable.length} not applicable to today's code)` : ''}, ${Math.round((Date.now() - t0) / 60000)} min`);
for (const area of [...new Set(rows.map((r) => r.m.area))]) {
  const a = applicable.filter((r) => r.m.area === area);
  console.log(`   ${area.padEnd(10)} ${a.filter((r) => r.verdict === 'caught').length}/${a.length}`);
}
const survivors = applicable.filter((r) => r.verdict === 'SURVIVED');
if (survivors.length) {
  console.log('survivors (bugs the tests would let through):');
  for (const r of survivors) console.log(`   ${r.m.id}: ${r.m.what} [${r.m.file}]`);
}
process.exit(survivors.length ? 1 : 0);
