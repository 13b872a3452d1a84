import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { resolveChart } from './chart-cache';
import type { Toolchain } from './toolchain';

interface Dependency { name: string; version?: string; repository?: string; alias?: string }

/** A chart ready for `helm template`: the folder itself, or a staged copy with its dependencies. */
export interface ChartWithDependencies { dir: string; dispose(): Promise<void> }

/**
 * What `helm dependency build` does for a chart whose dependencies are not in its `charts/`
 * folder — each one fetched at its Chart.lock version (else the Chart.yaml version or range)
 * — but into the shared chart cache and a temporary copy of the chart, never into the
 * user's repository. `file://` dependencies are copied from their folder.
 */
export async function withDependencies(chartDir: string, tools: Toolchain, signal?: AbortSignal): Promise<ChartWithDependencies> {
  const same: ChartWithDependencies = { dir: chartDir, dispose: async () => undefined };
  const deps = await declaredDependencies(chartDir);
  const missing = deps.filter((d) => !present(chartDir, d));
  if (missing.length === 0) return same;
  const locked = await lockedVersions(chartDir);
  const tmp = await mkdtemp(join(tmpdir(), 'gitops-lens-chart-'));
  try {
    const staged = join(tmp, 'chart');
    await cp(chartDir, staged, { recursive: true });
    await mkdir(join(staged, 'charts'), { recursive: true });
    for (const d of missing) {
      const repo = d.repository ?? '';
      let from: string;
      if (repo.startsWith('file://')) from = resolve(chartDir, repo.slice('file://'.length));
      else if (!repo || repo.startsWith('@') || repo.startsWith('alias:')) throw new Error(`dependency ${d.name} of ${chartDir}: repository "${repo}" names a helm repo alias; write its URL in Chart.yaml`);
      else from = (await resolveChart({ repoURL: repo, chart: d.name, version: locked.get(d.name) ?? d.version }, tools, signal)).dir;
      await cp(from, join(staged, 'charts', d.name), { recursive: true });
    }
    return { dir: staged, dispose: () => rm(tmp, { recursive: true, force: true }) };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function declaredDependencies(chartDir: string): Promise<Dependency[]> {
  const read = async (f: string) => {
    try {
      const v = parseYaml(await readFile(join(chartDir, f), 'utf8')) as { dependencies?: unknown } | null;
      return Array.isArray(v?.dependencies) ? (v!.dependencies as Dependency[]).filter((d) => d && typeof d.name === 'string') : [];
    } catch {
      return [];
    }
  };
  // apiVersion v1 charts list them in requirements.yaml.
  return [...(await read('Chart.yaml')), ...(await read('requirements.yaml'))];
}

async function lockedVersions(chartDir: string): Promise<Map<string, string>> {
  for (const f of ['Chart.lock', 'requirements.lock']) {
    try {
      const v = parseYaml(await readFile(join(chartDir, f), 'utf8')) as { dependencies?: Dependency[] } | null;
      return new Map((v?.dependencies ?? []).filter((d) => d?.name && d.version).map((d) => [d.name, String(d.version)]));
    } catch {
      /* no lock file */
    }
  }
  return new Map();
}

/** helm accepts a dependency as `charts/<name>/` or `charts/<name>-<version>.tgz`. */
function present(chartDir: string, d: Dependency): boolean {
  const charts = join(chartDir, 'charts');
  if (existsSync(join(charts, d.name, 'Chart.yaml'))) return true;
  try {
    return readdirSync(charts).some((f) => f.startsWith(`${d.name}-`) && f.endsWith('.tgz'));
  } catch {
    return false;
  }
}
