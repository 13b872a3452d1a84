import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ExecError, run } from '../exec/program';
import { sourcesCacheDir } from './cache-dir';
import { toolHint, type Toolchain } from './toolchain';

/** A chart in a Helm repository (`https://…`) or an OCI registry (`oci://…`). */
export interface ChartRef {
  /**
   * `https://charts.example.com`, `oci://registry.example.com/charts`, or Argo CD's form of
   * an OCI repository: a host and path without a scheme (`registry-1.docker.io/bitnamicharts`).
   */
  repoURL: string;
  /** Chart name; absent when `repoURL` already names the chart (Flux OCIRepository `url`). */
  chart?: string;
  /** Exact version, a semver range, or absent for the newest. */
  version?: string;
  /** `sha256:…`: the OCI manifest digest the chart must have (Flux OCIRepository `ref.digest`). */
  digest?: string;
  /** The registry speaks plain HTTP (Flux `spec.insecure: true`). */
  plainHttp?: boolean;
}

export interface ResolvedChart {
  /** The unpacked chart folder in the cache (templates, values, bundled dependencies). */
  dir: string;
  name: string;
  /** The version helm pulled (from its Chart.yaml). */
  version: string;
  /** OCI manifest digest, when pulled from a registry. */
  digest?: string;
  /** True when served from the cache without contacting the repository. */
  cached: boolean;
}

/** A chart that could not be fetched (offline, unauthorized, unknown version): the app is Unknown. */
export class ChartUnavailableError extends Error {
  readonly code = 'source-unavailable';
}

export function isOciRepo(repoURL: string): boolean {
  return repoURL.startsWith('oci://') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(repoURL);
}

/** How a chart is named in messages: `chart podinfo 6.5.0 from oci://…`. */
export function describeChart(ref: ChartRef): string {
  const name = ref.chart ?? ref.repoURL.replace(/\/+$/, '').split('/').pop();
  const from = isOciRepo(ref.repoURL) && !ref.repoURL.startsWith('oci://') ? `oci://${ref.repoURL}` : ref.repoURL;
  return `chart ${name}${ref.version ? ` ${ref.version}` : ''}${ref.digest ? `@${ref.digest}` : ''} from ${from}`;
}

const inflight = new Map<string, Promise<ResolvedChart>>();

/**
 * The chart unpacked in the cache, pulled with the user's helm (and their repository and
 * registry credentials) when not cached yet. A cached chart is used offline; one pulled
 * before `tools.refresh` by a range or as the newest version is pulled again. A digest pin is checked against what the
 * registry served, and a mismatch is refused.
 */
export function resolveChart(ref: ChartRef, tools: Toolchain, signal?: AbortSignal): Promise<ResolvedChart> {
  const key = cacheKey(ref);
  const dir = join(sourcesCacheDir(tools, 'charts'), key);
  const pending = inflight.get(dir);
  if (pending) return pending;
  const p = resolve(ref, dir, tools, signal).finally(() => inflight.delete(dir));
  inflight.set(dir, p);
  return p;
}

function cacheKey(ref: ChartRef): string {
  const h = createHash('sha256').update(JSON.stringify([ref.repoURL.replace(/\/+$/, ''), ref.chart ?? '', ref.version ?? '', ref.digest ?? ''])).digest('hex').slice(0, 32);
  const label = `${ref.chart ?? ref.repoURL.split('/').pop()}-${ref.version ?? 'latest'}`.replace(/[^\w.-]+/g, '_').slice(0, 60);
  return `${label}-${h}`;
}

/** A version that names exactly one release (so a cached copy never goes stale). */
function isExactVersion(v: string | undefined): boolean {
  return !!v && /^v?\d+\.\d+\.\d+(-[\w.-]+)?(\+[\w.-]+)?$/.test(v);
}

interface Meta { name: string; version: string; digest?: string; fetchedAt?: number }

async function resolve(ref: ChartRef, dir: string, tools: Toolchain, signal?: AbortSignal): Promise<ResolvedChart> {
  const meta = readMeta(dir);
  const stale = tools.refresh !== undefined && (meta?.fetchedAt ?? 0) < tools.refresh && !isExactVersion(ref.version) && !ref.digest;
  if (meta && !stale) return { dir: join(dir, 'chart'), name: meta.name, version: meta.version, digest: meta.digest, cached: true };
  if (!tools.trusted) throw new ChartUnavailableError(`${describeChart(ref)} is not cached, and fetching it runs helm, which is disabled in an untrusted workspace`);
  await mkdir(join(dir, '..'), { recursive: true });
  const tmp = await mkdtemp(`${dir}.pull-`);
  try {
    const pulled = await pull(ref, tmp, tools, signal);
    // (helm also leaves an empty `<chart>@sha256:…` folder when pulling by digest)
    const entries = (await readdir(join(tmp, 'out'), { withFileTypes: true })).filter((e) => e.isDirectory() && existsSync(join(tmp, 'out', e.name, 'Chart.yaml')));
    if (entries.length !== 1) throw new ChartUnavailableError(`${describeChart(ref)}: helm pull produced ${entries.length} charts`);
    await rename(join(tmp, 'out', entries[0].name), join(tmp, 'chart'));
    const chartYaml = parseYaml(await readFile(join(tmp, 'chart', 'Chart.yaml'), 'utf8')) as { name?: string; version?: string } | null;
    const m: Meta = { name: String(chartYaml?.name ?? entries[0].name), version: String(chartYaml?.version ?? ref.version ?? ''), digest: pulled.digest };
    await writeFile(join(tmp, 'chart.json'), JSON.stringify({ ...m, fetchedAt: Date.now(), repoURL: ref.repoURL, chart: ref.chart, requested: ref.version }, null, 2));
    await rm(join(tmp, 'out'), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir: join(dir, 'chart'), ...m, cached: false };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof ChartUnavailableError) throw e;
    if (e instanceof ExecError && (e.code === 'binary-missing' || e.code === 'cancelled')) throw e;
    throw new ChartUnavailableError(`${describeChart(ref)} could not be pulled: ${reason(e)}`);
  }
}

function readMeta(dir: string): Meta | undefined {
  try {
    if (!existsSync(join(dir, 'chart', 'Chart.yaml'))) return undefined;
    const m = JSON.parse(readFileSync(join(dir, 'chart.json'), 'utf8')) as Meta;
    return typeof m.name === 'string' && typeof m.version === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** helm's own words, without the command line we built around them. */
function reason(e: unknown): string {
  const msg = e instanceof ExecError ? (e.stderr.trim() || e.message) : (e as Error).message;
  return msg.split('\n').map((l) => l.replace(/^Error: /, '').trim()).filter(Boolean).slice(-3).join('; ');
}

async function pull(ref: ChartRef, tmp: string, tools: Toolchain, signal?: AbortSignal): Promise<{ digest?: string }> {
  const env: NodeJS.ProcessEnv = {
    ...(tools.env ?? process.env),
    // Indexes and registry blobs land in our cache; the user's repositories.yaml and
    // registry config.json (their credentials) are read where they are, never copied.
    HELM_CACHE_HOME: join(tmp, 'helm-cache'),
    HELM_REPOSITORY_CACHE: join(tmp, 'helm-cache', 'repository'),
  };
  const helm = tools.helm ?? 'helm';
  const opts = { env, signal, timeoutMs: tools.timeoutMs ?? 120_000, hint: toolHint(tools, 'helm') };
  const common = ['--untar', '--untardir', join(tmp, 'out'), '--destination', tmp];
  if (isOciRepo(ref.repoURL)) {
    const base = ref.repoURL.replace(/^oci:\/\//, '').replace(/\/+$/, '');
    const target = `oci://${ref.chart ? `${base}/${ref.chart}` : base}`;
    const args = ['pull', ref.digest && !ref.version ? `${target}@${ref.digest}` : target, ...common];
    if (ref.version) args.push('--version', ref.version);
    let out;
    try {
      out = await run(helm, [...args, ...(ref.plainHttp ? ['--plain-http'] : [])], opts);
    } catch (e) {
      // Like Docker, a registry on the loopback address may speak plain HTTP.
      if (ref.plainHttp || !isLoopback(base) || !(e instanceof ExecError) || !/HTTP response to HTTPS client/i.test(e.stderr)) throw e;
      await rm(join(tmp, 'out'), { recursive: true, force: true });
      out = await run(helm, [...args, '--plain-http'], opts);
    }
    const digest = /^Digest:\s*(\S+)/m.exec(out.stdout + out.stderr)?.[1];
    if (ref.digest && digest !== ref.digest) {
      throw new ChartUnavailableError(`${describeChart(ref)}: the registry served digest ${digest ?? '(none)'}, not the pinned ${ref.digest}; refusing it`);
    }
    return { digest };
  }
  if (!ref.chart) throw new ChartUnavailableError(`${describeChart(ref)}: no chart name`);
  const version = ref.version ? ['--version', ref.version] : [];
  const named = userRepoName(ref.repoURL, env);
  if (named) {
    // A repository the user added (`helm repo add`, perhaps with credentials): helm finds
    // its credentials by name, so fetch its index into our cache and pull `name/chart`.
    await run(helm, ['repo', 'update', named], opts);
    await run(helm, ['pull', `${named}/${ref.chart}`, ...version, ...common], opts);
  } else {
    await run(helm, ['pull', ref.chart, '--repo', ref.repoURL, ...version, ...common], opts);
  }
  return {};
}

function isLoopback(hostPath: string): boolean {
  const host = hostPath.split('/')[0].replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The name under which the user's helm knows this repository URL (their repositories.yaml), if any. */
function userRepoName(url: string, env: NodeJS.ProcessEnv): string | undefined {
  const configHome = env.HELM_CONFIG_HOME ?? join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'helm');
  const file = env.HELM_REPOSITORY_CONFIG ?? join(configHome, 'repositories.yaml');
  try {
    const doc = parseYaml(readFileSync(file, 'utf8')) as { repositories?: { name?: unknown; url?: unknown }[] } | null;
    const norm = (u: string) => u.replace(/\/+$/, '');
    const hit = (doc?.repositories ?? []).find((r) => typeof r?.url === 'string' && norm(r.url) === norm(url));
    return typeof hit?.name === 'string' ? hit.name : undefined;
  } catch {
    return undefined;
  }
}
