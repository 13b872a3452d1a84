// Discovery + render of a generated repo (200 apps / 5,000 resources), cold and warm (cached),
// next to plain `kubectl kustomize` (or the configured kustomize) over the same kustomize roots.
//   npx esbuild bench/render.bench.ts --bundle --platform=node --format=esm --packages=external --outfile=out/bench/render.mjs && node out/bench/render.mjs
import { execFile } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { discoverApps, type GitOpsApp } from '../src/core/apps';
import { RenderCache, renderApp, toolchainFromEnv, type RenderResult } from '../src/core/render';
import { loadRepo } from '../src/core/repo';
import { generateRepo } from './generate-repo';

const run = promisify(execFile);
const CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));

async function pool<T, R>(items: T[], fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

async function timed<R>(fn: () => Promise<R>): Promise<[R, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

const gen = generateRepo({ kustomizeApps: 120, dirApps: 80, bases: 20, resourcesPerBase: 5, resourcesPerApp: 25 });
const tools = toolchainFromEnv(process.env);
const kustomizeTool = tools.kustomize ? `${tools.kustomize} build` : 'kubectl kustomize';
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${availableParallelism()} cores, ${cpu}; node ${process.version}; render concurrency ${CONCURRENCY}`);
console.log(`repo: ${gen.apps} apps (${gen.kustomizeRoots.length} kustomize roots over shared bases, ${gen.apps - gen.kustomizeRoots.length} plain folders), ${gen.resources} resources; kustomize via ${kustomizeTool}\n`);

try {
  // Baseline: the kustomize binary alone over the same roots, same concurrency.
  const [baselineDocs, baselineMs] = await timed(() => pool(gen.kustomizeRoots, async (dir) => {
    const { stdout } = tools.kustomize
      ? await run(tools.kustomize, ['build', dir], { maxBuffer: 64 << 20 })
      : await run(tools.kubectl ?? 'kubectl', ['kustomize', dir], { maxBuffer: 64 << 20 });
    return stdout.split(/^---$/m).filter((d) => d.trim()).length;
  }));

  const cache = new RenderCache();
  const discover = async () => {
    const repo = await loadRepo(gen.root);
    return { repo, apps: discoverApps(repo).apps };
  };
  const renderAll = (repo: Awaited<ReturnType<typeof discover>>['repo'], apps: GitOpsApp[]) => pool(apps, (a) => renderApp(a, repo, tools, { cache }));

  const [cold, coldDiscoverMs] = await timed(discover);
  const isKz = (a: GitOpsApp) => a.sources.some((x) => x.renderer === 'kustomize');
  const [kzCold, kzColdMs] = await timed(() => renderAll(cold.repo, cold.apps.filter(isKz)));
  const [dirCold, dirColdMs] = await timed(() => renderAll(cold.repo, cold.apps.filter((a) => !isKz(a))));
  const coldResults = [...kzCold, ...dirCold];
  const coldRenderMs = kzColdMs + dirColdMs;
  const [warm, warmDiscoverMs] = await timed(discover);
  const [warmResults, warmRenderMs] = await timed(() => renderAll(warm.repo, warm.apps));

  const failed = coldResults.filter((r) => !r.ok);
  if (cold.apps.length !== gen.apps || failed.length) {
    throw new Error(`expected ${gen.apps} apps rendering cleanly, got ${cold.apps.length} apps, ${failed.length} failed: ${failed[0]?.problems[0]?.message ?? ''}`);
  }
  const count = (rs: RenderResult[]) => rs.reduce((n, r) => n + r.resources.length, 0);

  const rows: string[][] = [['phase', 'apps', 'resources', 'wall ms', 'ms/app', `vs ${kustomizeTool}`]];
  const ratio = (ms: number) => `${(ms / baselineMs).toFixed(2)}x`;
  const row = (phase: string, apps: number, res: number | string, ms: number, vs = '') => rows.push([phase, String(apps), String(res), ms.toFixed(0), (ms / Math.max(1, apps)).toFixed(1), vs]);
  row(`${kustomizeTool} alone (baseline, same roots)`, gen.kustomizeRoots.length, baselineDocs.reduce((a, b) => a + b, 0), baselineMs, '1.00x');
  row('discovery, cold (loadRepo + discoverApps)', cold.apps.length, '-', coldDiscoverMs);
  row('render, cold: kustomize apps', kzCold.length, count(kzCold), kzColdMs, ratio(kzColdMs));
  row('render, cold: plain folders', dirCold.length, count(dirCold), dirColdMs);
  row('discovery + render, cold', cold.apps.length, count(coldResults), coldDiscoverMs + coldRenderMs, ratio(coldDiscoverMs + coldRenderMs));
  row('discovery, warm', warm.apps.length, '-', warmDiscoverMs);
  row(`render, warm (cached ${warmResults.filter((r) => r.cached).length}/${warmResults.length})`, warmResults.length, count(warmResults), warmRenderMs, ratio(warmRenderMs));
  row('discovery + render, warm', warm.apps.length, count(warmResults), warmDiscoverMs + warmRenderMs, ratio(warmDiscoverMs + warmRenderMs));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(`\nrender overhead over ${kustomizeTool} for the same kustomize roots: ${ratio(kzColdMs)} cold (temporary overlay with origin annotations, YAML parse, origin lookup, input hashing); ${ratio(warmRenderMs)} warm for all ${warmResults.length} apps`);
} finally {
  rmSync(gen.root, { recursive: true, force: true });
}
