// Pod Security Standards: `gitops-lens lint --preset baseline|restricted --k8s-version 1.N`
// must fail exactly the controls that the real API server's Pod Security admission fails,
// for generated pods (server-side dry-run into namespaces labelled enforce=<level>,
// enforce-version=v1.N), for the same pod specs as Deployment and CronJob templates (the
// `warn` label's "would violate PodSecurity" warnings), and for ephemeral containers (the
// pods/ephemeralcontainers subresource of a live pod).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { mapLimit } from '../../src/core/async';
import { sharedTestCluster } from '../support/cluster';
import { apiServerFromKubeconfig, type ApiServer } from '../support/api-server';
import { runCliCaptured } from '../support/cli';
import { asController, basePod, podCases, type PodCase } from './pss-cases';
import { tempDir } from '../support/temp';

type Level = 'baseline' | 'restricted';
const LEVELS: Level[] = ['baseline', 'restricted'];
// Each version sits on a boundary of the admission library's versioned checks (seccomp
// annotations before 1.19, capabilities 1.22, runAsUser 1.23, Windows exemptions 1.25,
// sysctls 1.27/1.29/1.32, SELinux 1.31, probe hosts 1.34); 1.34 is the server's own.
const VERSIONS = [18, 22, 24, 28, 31, 34];
const KINDS = ['Pod', 'Deployment', 'CronJob'] as const;
type Kind = (typeof KINDS)[number];

let api: ApiServer;
let root: string;
const suffix = randomBytes(3).toString('hex');
const namespaces: string[] = [];
const cases: PodCase[] = podCases();
const slug = (i: number, c: PodCase) => `c${i}-${c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 50).replace(/-+$/, '');
const nsName = (level: Level, v: number) => `pss-${level}-v1-${v}-${suffix}`;

before(async () => {
  const cluster = await sharedTestCluster();
  api = apiServerFromKubeconfig(cluster.adminKubeconfig);
  root = tempDir('gitops-lens-pss-');
  for (const kind of KINDS) mkdirSync(join(root, kind.toLowerCase()));
  cases.forEach((c, i) => {
    const name = slug(i, c);
    writeFileSync(join(root, 'pod', `${name}.yaml`), stringify({ ...c.pod, metadata: { ...c.pod.metadata, name } }));
    if (c.podOnly) return;
    for (const kind of ['Deployment', 'CronJob'] as const) writeFileSync(join(root, kind.toLowerCase(), `${name}.yaml`), stringify(asController(kind, name, c.pod)));
  });
  for (const level of LEVELS) {
    for (const v of VERSIONS) {
      const ns = nsName(level, v);
      const labels = { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': `v1.${v}`, 'pod-security.kubernetes.io/warn': level, 'pod-security.kubernetes.io/warn-version': `v1.${v}` };
      const r = await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      namespaces.push(ns);
      // The live pod that ephemeral containers are added to (restricted-compliant at every version).
      const base = await api.request('POST', `/api/v1/namespaces/${ns}/pods`, { ...basePod(), metadata: { name: 'ephemeral-target' } });
      assert.equal(base.status, 201, JSON.stringify(base.body));
    }
  }
});

after(async () => {
  // No namespace controller runs here: empty each namespace, delete it, then drop its finalizer.
  for (const ns of namespaces) {
    await api.request('DELETE', `/api/v1/namespaces/${ns}/pods/ephemeral-target?gracePeriodSeconds=0`);
    await api.request('DELETE', `/api/v1/namespaces/${ns}`);
    const live = await api.request('GET', `/api/v1/namespaces/${ns}`);
    if (live.status === 200) await api.request('PUT', `/api/v1/namespaces/${ns}/finalize`, { ...live.body, spec: { finalizers: [] } });
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

/** `reason (detail), reason (detail)` → the reasons; details may hold commas and parentheses. */
function reasonsOf(list: string): string[] {
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++;
    else if (list[i] === ')') depth--;
    else if (depth === 0 && list.startsWith(', ', i)) { parts.push(list.slice(start, i)); start = i + 2; }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.replace(/ \(.*$/s, '').trim()).filter(Boolean);
}

// The only reason whose text depends on how many values failed; the control is the same.
const canonical = (r: string) => (r === 'forbidden AppArmor profiles' ? 'forbidden AppArmor profile' : r);
const key = (reasons: Iterable<string>) => [...new Set([...reasons].map(canonical))].sort().join(' | ') || '(allowed)';

interface Verdict { reasons: string; raw: string; invalid?: boolean }

async function serverVerdict(ns: string, kind: Kind, c: PodCase, name: string): Promise<Verdict> {
  if (kind === 'Pod' && c.ephemeral) {
    const live = await api.request('GET', `/api/v1/namespaces/${ns}/pods/ephemeral-target`);
    const pod = { ...live.body, spec: { ...(live.body.spec as object), ephemeralContainers: c.ephemeral } };
    return judged(await api.request('PUT', `/api/v1/namespaces/${ns}/pods/ephemeral-target/ephemeralcontainers?dryRun=All`, pod), 'enforce');
  }
  if (kind === 'Pod') return judged(await api.request('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, { ...c.pod, metadata: { ...c.pod.metadata, name } }), 'enforce');
  const obj = asController(kind, name, c.pod);
  const path = kind === 'Deployment' ? `/apis/apps/v1/namespaces/${ns}/deployments` : `/apis/batch/v1/namespaces/${ns}/cronjobs`;
  return judged(await api.request('POST', `${path}?dryRun=All`, obj), 'warn');
}

function judged(r: { status: number; body: Record<string, unknown>; warnings: string[] }, mode: 'enforce' | 'warn'): Verdict {
  const message = String(r.body.message ?? '');
  if (mode === 'enforce') {
    if (r.status === 200 || r.status === 201) return { reasons: key([]), raw: 'admitted' };
    const m = /violates PodSecurity "[a-z]+:[^"]+": (.*)$/s.exec(message);
    if (r.status === 403 && m) return { reasons: key(reasonsOf(m[1])), raw: message };
    return { reasons: '', raw: `HTTP ${r.status}: ${message}`, invalid: true };
  }
  if (r.status !== 201) return { reasons: '', raw: `HTTP ${r.status}: ${message}`, invalid: true };
  const w = r.warnings.find((x) => x.startsWith('would violate PodSecurity'));
  const m = w && /^would violate PodSecurity "[a-z]+:[^"]+": (.*)$/s.exec(w);
  return { reasons: key(m ? reasonsOf(m[1]) : []), raw: w ?? 'no warning' };
}

/** Pod Security reasons of the lint's errors per file (kind/name), and the level/version they name. */
async function lintVerdicts(level: Level, v: number): Promise<Map<string, Verdict>> {
  const r = await runCliCaptured(['lint', '--format', 'json', '--preset', level, '--k8s-version', `1.${v}`], { cwd: root });
  assert.ok(r.code === 0 || r.code === 1, r.output);
  const byFile = new Map<string, string[]>();
  const messages = new Map<string, string[]>();
  for (const f of (JSON.parse(r.stdout) as { findings: { file: string; severity: string; message: string }[] }).findings) {
    const m = /^(.*?): .* \(Pod Security ([a-z]+):v1\.(\d+)\)$/s.exec(f.message);
    if (!m || f.severity !== 'error') continue;
    assert.equal(`${m[2]}:v1.${m[3]}`, `${level}:v1.${v}`, `an error names another level or version: ${f.message}`);
    const id = f.file.replace(/\.yaml$/, '');
    (byFile.get(id) ?? byFile.set(id, []).get(id)!).push(m[1]);
    (messages.get(id) ?? messages.set(id, []).get(id)!).push(f.message);
  }
  const out = new Map<string, Verdict>();
  for (const [id, reasons] of byFile) out.set(id, { reasons: key(reasons), raw: messages.get(id)!.join('\n') });
  return out;
}

const totals: string[] = [];

for (const level of LEVELS) {
  for (const v of VERSIONS) {
    test(`Pod Security ${level}:v1.${v}: the lint fails exactly the controls the API server fails (pods, ephemeral containers, Deployment and CronJob templates)`, async () => {
      const ns = nsName(level, v);
      const lint = await lintVerdicts(level, v);
      const jobs = cases.flatMap((c, i) => KINDS.filter((k) => k === 'Pod' || !c.podOnly).map((kind) => ({ c, kind, name: slug(i, c) })));
      const mismatches: string[] = [];
      const counts = { Pod: [0, 0], Deployment: [0, 0], CronJob: [0, 0] } as Record<Kind, [number, number]>;
      await mapLimit(jobs, 6, async ({ c, kind, name }) => {
        const server = await serverVerdict(ns, kind, c, name);
        // Every generated case must be a valid object, or the server never asks Pod Security.
        if (server.invalid) { mismatches.push(`${kind} ${c.name}: not a valid object: ${server.raw}`); return; }
        const ours = lint.get(`${kind.toLowerCase()}/${name}`) ?? { reasons: key([]), raw: 'no Pod Security error' };
        counts[kind][0]++;
        if (server.reasons !== key([])) counts[kind][1]++;
        if (server.reasons !== ours.reasons) mismatches.push(`${kind} ${c.name}:\n  API server: ${server.reasons}\n    ${server.raw}\n  lint:       ${ours.reasons}\n    ${ours.raw.replace(/\n/g, '\n    ')}`);
      });
      const summary = KINDS.map((k) => `${k} ${counts[k][0]} (${counts[k][1]} rejected)`).join(', ');
      totals.push(`${level}:v1.${v}: ${jobs.length - mismatches.length}/${jobs.length} agree — ${summary}`);
      assert.deepEqual(mismatches, [], `${mismatches.length} of ${jobs.length} cases disagree with the API server:\n${mismatches.join('\n')}`);
      // Both verdicts occur, so agreement is not vacuous.
      assert.ok(counts.Pod[1] > 0 && counts.Pod[1] < counts.Pod[0], summary);
    });
  }
}

after(() => { for (const t of totals) console.log(`# ${t}`); });
