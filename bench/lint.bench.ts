// Policy lint benchmark: throughput over a generated corpus of 20,000 resources (one core)
// and the editor path (re-lint of one changed 50-resource file), next to kubeconform and
// kube-linter run on the same corpus in the same run.
//   npm run bench -- lint
//   npx esbuild bench/lint.bench.ts --bundle --platform=node --format=esm --packages=external --outfile=/tmp/b.mjs && node /tmp/b.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseManifestFile } from '../src/core/manifest';
import { allFindings, Linter, lintRepository } from '../src/core/policy';
import { scanRepo } from '../src/core/repo';
import { writeCorpus } from './corpus';
import { writeKubeconformSchemas } from './kubeconform-schemas';

const FILES = Number(process.env.BENCH_FILES ?? 400);
const PER_FILE = 50;
const TOTAL = FILES * PER_FILE;

function repoRoot(): string {
  let d = process.cwd();
  for (let i = 0; i < 8; i++) { if (existsSync(join(d, 'scripts/tools/ensure-tools.sh')) || existsSync(join(d, 'schemas'))) return d; d = resolve(d, '..'); }
  return process.cwd();
}

function tool(name: string, root: string): { path?: string; note?: string } {
  const env = process.env[`GITOPS_LENS_TOOL_${name.replace(/-/g, '_').toUpperCase()}`];
  if (env) return { path: env };
  const script = join(root, 'scripts/tools/ensure-tools.sh');
  if (!existsSync(script)) return { note: 'scripts/tools/ensure-tools.sh missing' };
  const r = spawnSync('bash', [script, name], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${name}=`));
  return line ? { path: line.slice(name.length + 1).trim() } : { note: (r.stderr.trim().split('\n').pop() ?? 'not available').slice(0, 160) };
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

const root = repoRoot();
const dir = mkdtempSync(join(tmpdir(), 'gitops-lens-bench-lint-'));
const files = writeCorpus(dir, FILES, PER_FILE);
const bytes = files.reduce((a, f) => a + readFileSync(f).length, 0);
console.log(`corpus: ${TOTAL} resources in ${FILES} files (${(bytes / 1e6).toFixed(1)} MB) at ${dir}; ${cpus().length} cores, ${cpus()[0]?.model ?? ''}`);

// 1. Throughput, CI path (what `gitops-lens lint` runs): list + read + classify + parse + lint every file, all default rules + strict schemas, one thread.
/** CPU milliseconds (user + system) of this process, and of its waited-for children (Linux), for load-independent rates. */
function cpuMs(): number { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
function childCpuMs(): number | undefined {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime in clock ticks (100 Hz)
  } catch { return undefined; }
}

const c0 = cpuMs();
const t0 = performance.now();
const linter = new Linter({ root: dir, fixes: false });
const batch = await lintRepository(linter, { repo: await scanRepo(dir) });
const findings = allFindings(batch).length;
const lensMs = performance.now() - t0;
const lensCpu = cpuMs() - c0;
if (batch.resources !== TOTAL) throw new Error(`linted ${batch.resources} resources, expected ${TOTAL}`);
const lensRate = TOTAL / (lensMs / 1000);

// 2. Editor path: one 50-resource file changes; parse it, update the repo index, lint with quick fixes.
const editor = new Linter({ root: dir, fixes: true });
const readManifestFile = (p: string) => parseManifestFile(p, readFileSync(p, 'utf8'));
for (const p of files) editor.updateFile(readManifestFile(p));
editor.lintFile(readManifestFile(files[0]));
const target = files[7];
const base = readFileSync(target, 'utf8');
const times: number[] = [];
for (let i = 0; i < 40; i++) {
  const text = base.replace('replicas: 1', `replicas: ${1 + (i % 5)}`);
  const s = performance.now();
  const f = parseManifestFile(target, text);
  editor.updateFile(f);
  editor.lintFile(f);
  times.push(performance.now() - s);
}
const relint = median(times.slice(5));

// 3. kubeconform on the same corpus with schemas generated from the same OpenAPI spec.
interface Row { tool: string; checks: string; ms?: number; rate?: number; cpuRate?: number; note?: string }
const rows: Row[] = [{ tool: 'gitops-lens lint', checks: `strict schema (k8s 1.34 OpenAPI v3) + ${37} built-in rules + deprecated-api + ignores; ${findings} findings`, ms: lensMs, rate: lensRate, cpuRate: TOTAL / (lensCpu / 1000) }];
const kc = tool('kubeconform', root);
if (kc.path) {
  const schemaDir = join(dir, '.kubeconform-schemas');
  const n = writeKubeconformSchemas(join(root, 'schemas/k8s-1.34.json.gz'), schemaDir);
  for (const workers of [1, cpus().length]) {
    const cc = childCpuMs();
    const s = performance.now();
    const r = spawnSync(kc.path, ['-strict', '-summary', '-n', String(workers), '-schema-location', join(schemaDir, '{{.ResourceKind}}{{.KindSuffix}}.json'), join(dir, 'apps')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - s;
    const cc1 = childCpuMs();
    const cpu = cc !== undefined && cc1 !== undefined ? cc1 - cc : undefined;
    const summary = r.error ? `not run: ${r.error.message}` : `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').pop() ?? '';
    rows.push({ tool: `kubeconform -strict -n ${workers}`, checks: `strict schema only (same spec, ${n} local schema files); ${summary}`, ms, rate: TOTAL / (ms / 1000), cpuRate: cpu ? TOTAL / (cpu / 1000) : undefined });
  }
} else rows.push({ tool: 'kubeconform', checks: '-', note: `not run: ${kc.note}` });
const kl = tool('kube-linter', root);
if (kl.path) {
  const s = performance.now();
  const r = spawnSync(kl.path, ['lint', '--format', 'plain', join(dir, 'apps')], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = performance.now() - s;
  rows.push({ tool: 'kube-linter lint', checks: `default checks, no schema; exit ${r.status}`, ms, rate: TOTAL / (ms / 1000) });
} else rows.push({ tool: 'kube-linter', checks: '-', note: `not run: ${kl.note}` });

const pad = (s: string, n: number) => s.padEnd(n);
console.log('\nthroughput (same corpus, same run)');
console.log(`${pad('tool', 30)} ${pad('time', 10)} ${pad('resources/s', 12)} ${pad('lens ×', 8)} ${pad('per CPU-s', 10)} ${pad('lens ×', 8)} what it checked`);
for (const r of rows) {
  if (r.ms === undefined) { console.log(`${pad(r.tool, 30)} ${pad('-', 10)} ${pad('-', 12)} ${pad('-', 8)} ${pad('-', 10)} ${pad('-', 8)} ${r.note}`); continue; }
  const cpu = r.cpuRate ? [Math.round(r.cpuRate).toLocaleString('en'), (rows[0].cpuRate! / r.cpuRate).toFixed(2)] : ['-', '-'];
  console.log(`${pad(r.tool, 30)} ${pad(`${(r.ms / 1000).toFixed(2)} s`, 10)} ${pad(Math.round(r.rate!).toLocaleString('en'), 12)} ${pad((lensRate / r.rate!).toFixed(2), 8)} ${pad(cpu[0], 10)} ${pad(cpu[1], 8)} ${r.checks}`);
}
console.log('(gitops-lens runs on one core; "lens ×" = gitops-lens resources/s ÷ that tool\'s; "per CPU-s" = resources per second of CPU time used, user + system, which a busy machine does not skew)');
console.log(`\neditor path: re-lint one changed ${PER_FILE}-resource file (parse + index update + lint + quick fixes): median ${relint.toFixed(1)} ms over ${times.length - 5} runs (target < 20 ms)`);
const kcOne = kc.path ? (() => {
  const s = performance.now();
  spawnSync(kc.path!, ['-strict', '-n', '1', '-schema-location', join(dir, '.kubeconform-schemas', '{{.ResourceKind}}{{.KindSuffix}}.json'), target], { encoding: 'utf8' });
  return performance.now() - s;
})() : undefined;
if (kcOne !== undefined) console.log(`kubeconform on that one file (process start + schema load included): ${kcOne.toFixed(1)} ms`);
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
