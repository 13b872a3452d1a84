// Sync of a 200-resource app on a private test control plane: GitOps Lens (render from HEAD,
// plan with a server dry-run of every resource, SSA apply, journal) next to
// `kubectl apply --server-side -f` of the same rendered manifests, in the same run.
//   npx esbuild bench/sync.bench.ts --bundle --platform=node --format=esm --packages=external --outfile=out/bench/sync.mjs && node out/bench/sync.mjs
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startTestCluster } from '../test/support/cluster';
import { clusterClientFromFile } from '../src/core/cluster';
import { executeSync, loadDesired, planSync } from '../src/core/sync';
import type { KubeObject } from '../src/core/manifest';

const TOTAL = Number(process.env.BENCH_SYNC_RESOURCES ?? 200);
const RUNS = Number(process.env.BENCH_SYNC_RUNS ?? 3);

function objects(): KubeObject[] {
  const out: KubeObject[] = [];
  const deployments = Math.round(TOTAL * 0.3);
  const services = Math.round(TOTAL * 0.3);
  for (let i = 0; i < TOTAL - deployments - services; i++) {
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { app: `svc-${i % 20}` } }, data: { 'app.properties': `name=svc-${i}\nlevel=${i % 7}\n` } });
  }
  for (let i = 0; i < deployments; i++) {
    out.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `web-${i}`, labels: { app: `web-${i}` } },
      spec: {
        replicas: 1 + (i % 3), selector: { matchLabels: { app: `web-${i}` } },
        template: { metadata: { labels: { app: `web-${i}` } }, spec: { containers: [{ name: 'web', image: `nginx:1.27.${i % 5}`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
      },
    });
  }
  for (let i = 0; i < services; i++) {
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `web-${i}` }, spec: { clusterIP: 'None', selector: { app: `web-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  }
  return out;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, ...args], { stdio: 'pipe' });
}

function kubectlApply(kubeconfig: string, ns: string, file: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['apply', '--kubeconfig', kubeconfig, '--server-side', '--force-conflicts', '--field-manager=kubectl-bench', '-n', ns, '-f', file], { maxBuffer: 64 << 20, timeout: 600_000 }, (e, _o, stderr) => {
      if (e) reject(new Error(`kubectl apply failed: ${stderr.slice(0, 400)}`));
      else resolve(performance.now() - t0);
    });
  });
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const kubectlVersion = JSON.parse(execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' })).clientVersion.gitVersion as string;
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, node ${process.version}, kubectl ${kubectlVersion}`);
  console.log(`app: ${TOTAL} resources (ConfigMaps, Deployments, headless Services), ${RUNS} runs each, median`);
  const cluster = await startTestCluster({ name: 'bench-sync' });
  const work = mkdtempSync(join(tmpdir(), 'gitops-lens-bench-sync-'));
  const state = join(work, 'state');
  try {
    const objs = objects();
    const manifests = objs.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
    const client = clusterClientFromFile(cluster.adminKubeconfig);
    const rows: { label: string; lens: number[]; kubectl: number[] }[] = [
      { label: 'cold (create all)', lens: [], kubectl: [] },
      { label: 'warm (no change)', lens: [], kubectl: [] },
    ];
    const phases: { plan: number; apply: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const nsLens = `lens-${run}`;
      const nsKubectl = `kubectl-${run}`;
      for (const ns of [nsLens, nsKubectl]) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const repo = join(work, `repo-${run}`);
      mkdirSync(join(repo, 'app'), { recursive: true });
      git(repo, 'init', '-q', '-b', 'main');
      git(repo, 'config', 'user.name', 'bench');
      git(repo, 'config', 'user.email', 'bench@example.com');
      writeFileSync(join(repo, 'gitops-lens.yaml'), `apps:\n  - {name: bench, path: app, namespace: ${nsLens}}\n`);
      writeFileSync(join(repo, 'app', 'all.yaml'), manifests);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'bench app');
      const file = join(work, `rendered-${run}.yaml`);
      writeFileSync(file, manifests);

      for (const row of rows) {
        // Alternate who goes first so neither profits from a warmer API server.
        const order = run % 2 === 0 ? ['lens', 'kubectl'] : ['kubectl', 'lens'];
        for (const who of order) {
          if (who === 'kubectl') row.kubectl.push(await kubectlApply(cluster.adminKubeconfig, nsKubectl, file));
          else {
            const t0 = performance.now();
            const desired = await loadDesired(repo, 'bench', { env: { ...process.env, GITOPS_LENS_STATE_DIR: state } });
            const plan = await planSync(desired, client);
            const t1 = performance.now();
            const r = await executeSync(plan, client, { journal: join(state, 'journal.jsonl'), lockDir: join(state, 'locks') });
            const t2 = performance.now();
            if (r.outcome !== 'succeeded') throw new Error(`sync failed: ${r.message}`);
            row.lens.push(t2 - t0);
            phases.push({ plan: t1 - t0, apply: t2 - t1 });
          }
        }
      }
    }
    client.close();
    console.log('');
    console.log('| sync of the app | GitOps Lens (render + plan with dry-run of all + SSA + journal) | kubectl apply --server-side -f | ratio (lens / kubectl) |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.label} | ${fmt(median(r.lens))} | ${fmt(median(r.kubectl))} | ${(median(r.lens) / median(r.kubectl)).toFixed(2)}x |`);
    const cold = phases.filter((_, i) => i % 2 === 0);
    console.log(`\nGitOps Lens cold split: plan (export HEAD, render, discovery, get + dry-run per resource, Extra listing) ${fmt(median(cold.map((p) => p.plan)))}, apply ${fmt(median(cold.map((p) => p.apply)))}`);
    console.log('GitOps Lens does strictly more work per sync: a server dry-run of every resource before the first write, a live read per resource for the plan\'s diff, and the Extra listing for prune.');
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
