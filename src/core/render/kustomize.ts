import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { resolveChart } from './chart-cache';
import { parse as parseYaml, stringify } from 'yaml';
import { run, ExecError } from '../exec/program';
import type { FluxBuildOptions, KustomizeOptions } from '../apps/types';
import { fluxKustomization } from './flux-build';
import type { KubeObject } from '../manifest';
import { kustomizationFile } from '../repo/roles';
import { parseRenderedStream } from './documents';
import { toolHint, type Toolchain } from './toolchain';
import type { RenderProblem } from './types';

const ORIGIN = 'config.kubernetes.io/origin';

/**
 * Every file a kustomize build of `dir` reads: kustomization files, resources, patches,
 * generator inputs, components — followed through bases. Missing entries are reported.
 */
export interface MissingKustomizeEntry {
  entry: string;
  kustomization: string;
  /** Where the entry is written in the kustomization, e.g. `['resources', 1]`. */
  at: (string | number)[];
}

export async function kustomizeInputs(dir: string, seen = new Set<string>()): Promise<{ files: string[]; missing: MissingKustomizeEntry[] }> {
  const out = { files: [] as string[], missing: [] as MissingKustomizeEntry[] };
  const kfile = kustomizationFile(dir);
  if (!kfile || seen.has(dir)) return out;
  seen.add(dir);
  out.files.push(kfile);
  let k: Record<string, unknown>;
  try {
    k = (parseYaml(await readFile(kfile, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch {
    return out;
  }
  if (!k || typeof k !== 'object') return out;
  const entries: { entry: string; at: (string | number)[] }[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  for (const key of ['resources', 'bases', 'components', 'crds', 'patchesStrategicMerge', 'configurations', 'transformers', 'generators', 'validators']) {
    for (const [i, e] of list(k[key]).entries()) if (typeof e === 'string' && !e.includes('\n')) entries.push({ entry: e, at: [key, i] });
  }
  for (const key of ['patches', 'patchesJson6902', 'replacements']) {
    for (const [i, p] of list(k[key]).entries()) if (p && typeof p.path === 'string') entries.push({ entry: p.path, at: [key, i, 'path'] });
  }
  for (const [i, h] of list(k.helmCharts).entries()) {
    if (typeof h?.valuesFile === 'string') entries.push({ entry: h.valuesFile, at: ['helmCharts', i, 'valuesFile'] });
    for (const [j, f] of list(h?.additionalValuesFiles).entries()) if (typeof f === 'string') entries.push({ entry: f, at: ['helmCharts', i, 'additionalValuesFiles', j] });
  }
  for (const key of ['configMapGenerator', 'secretGenerator']) {
    for (const [i, g] of list(k[key]).entries()) {
      for (const field of ['files', 'envs']) {
        for (const [j, f] of list(g?.[field]).entries()) if (typeof f === 'string') entries.push({ entry: f.includes('=') ? f.slice(f.indexOf('=') + 1) : f, at: [key, i, field, j] });
      }
      if (typeof g?.env === 'string') entries.push({ entry: g.env, at: [key, i, 'env'] });
    }
  }
  for (const { entry: e, at } of entries) {
    if (/^[a-z]+:\/\/|^git@|^github\.com\/|^https?:/i.test(e)) continue; // remote bases are kustomize's business
    const p = resolve(dir, e);
    if (!existsSync(p)) {
      out.missing.push({ entry: e, kustomization: kfile, at });
      continue;
    }
    if (statSync(p).isDirectory()) {
      const sub = await kustomizeInputs(p, seen);
      out.files.push(...sub.files);
      out.missing.push(...sub.missing);
    } else out.files.push(p);
  }
  return out;
}

/**
 * What kustomize says produced an object: a resource file (`path`), or for generated
 * objects the kustomization that configured the generator (`configuredIn`, `generator`).
 */
export interface KustomizeOrigin { path?: string; configuredIn?: string; generator?: string }

export interface KustomizeBuild { objects: KubeObject[]; origins: Map<KubeObject, KustomizeOrigin>; problems: RenderProblem[]; tool: string }

/**
 * `kustomize build` (else `kubectl kustomize`) through a temporary overlay outside the repo
 * that asks for origin annotations and carries Argo CD / Flux options (prefix, images, namespace).
 */
export async function buildKustomization(dir: string, opts: KustomizeOptions | undefined, tools: Toolchain, signal?: AbortSignal, flux?: FluxBuildOptions, fluxExcluded?: (file: string) => boolean): Promise<KustomizeBuild> {
  const overlay = await mkdtemp(join(tmpdir(), 'gitops-lens-kz-'));
  let staged: StagedKustomization | undefined;
  try {
    // helmCharts are pulled into a chart home beside the kustomization: build a staged copy so
    // that charts come from our cache and nothing is written into the user's repository.
    if (opts?.enableHelm && !flux) staged = await stageWithCharts(dir, tools, signal);
    let k: Record<string, unknown>;
    // A Flux Kustomization edits the path's own kustomization (see flux-build); others get a wrapping overlay.
    let ownKfile: string | undefined;
    if (flux) ({ kustomization: k, kfile: ownKfile } = await fluxKustomization(dir, flux, overlay, fluxExcluded));
    else {
      k = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [relative(overlay, staged?.dir ?? dir)], buildMetadata: ['originAnnotations'] };
      if (opts?.namePrefix) k.namePrefix = opts.namePrefix;
      if (opts?.nameSuffix) k.nameSuffix = opts.nameSuffix;
      if (opts?.namespace) k.namespace = opts.namespace;
      if (opts?.images.length) k.images = opts.images.map(parseImageOverride);
    }
    const overlayKfile = join(overlay, 'kustomization.yaml');
    await writeFile(overlayKfile, stringify(k));
    const helmArgs = opts?.enableHelm && !flux ? ['--enable-helm', '--helm-command', tools.helm ?? 'helm'] : [];
    const { stdout, tool } = await runKustomize(overlay, tools, signal, helmArgs);
    const { objects, problems } = parseRenderedStream(stdout, tool);
    const origins = new Map<KubeObject, KustomizeOrigin>();
    for (const o of objects) {
      const ann = o.metadata?.annotations;
      const origin = ann?.[ORIGIN];
      if (origin === undefined) continue;
      delete ann![ORIGIN];
      if (Object.keys(ann!).length === 0) delete o.metadata!.annotations;
      const parsed = readOrigin(origin);
      if (!parsed) continue; // an unreadable annotation only costs the origin
      // Paths are relative to the build root (our temporary overlay); remote origins carry a repo URL instead.
      const local = (p: unknown) => (typeof p === 'string' && !/^[a-z]+:\/\//i.test(p) ? (staged?.toRepo ?? ((x: string) => x))(resolve(overlay, p)) : undefined);
      const path = local(parsed.path);
      // A generator of the edited kustomization was configured in the path's own file.
      const configuredIn = local(parsed.configuredIn) === overlayKfile ? (ownKfile ?? join(dir, 'kustomization.yaml')) : local(parsed.configuredIn);
      const generator = typeof parsed.configuredBy?.kind === 'string' ? parsed.configuredBy.kind : undefined;
      if (path || configuredIn) origins.set(o, { path, configuredIn, generator });
    }
    return { objects, origins, problems, tool };
  } catch (e) {
    if (e instanceof ExecError && /must specify --enable-helm/.test(e.message)) {
      throw new ExecError(`${dir}: this kustomization inflates helmCharts, which kustomize only does with --enable-helm. Argo CD passes it when argocd-cm sets kustomize.buildOptions: --enable-helm; say so in gitops-lens.yaml (kustomize: {buildOptions: --enable-helm}) to render it here.`, 'failed', e.stderr, e.exitCode);
    }
    throw e;
  } finally {
    await rm(overlay, { recursive: true, force: true });
    await staged?.dispose();
  }
}

interface StagedKustomization { dir: string; toRepo(p: string): string; dispose(): Promise<void> }

/** A copy of the kustomization's inputs with every remote helmCharts chart placed where kustomize looks for it. */
async function stageWithCharts(dir: string, tools: Toolchain, signal?: AbortSignal): Promise<StagedKustomization> {
  const { files } = await kustomizeInputs(dir);
  const root = commonAncestor([dir, ...files]);
  const tmp = await mkdtemp(join(tmpdir(), 'gitops-lens-kzhelm-'));
  const stagedPath = (p: string) => join(tmp, relative(root, p));
  try {
    for (const f of files) {
      await mkdir(dirname(stagedPath(f)), { recursive: true });
      await cp(f, stagedPath(f));
    }
    for (const kfile of files.filter((f) => /^(kustomization\.ya?ml|Kustomization)$/.test(basename(f)))) {
      const k = (parseYaml(await readFile(kfile, 'utf8')) ?? {}) as { helmCharts?: unknown; helmGlobals?: { chartHome?: unknown } };
      const charts = Array.isArray(k.helmCharts) ? (k.helmCharts as Record<string, unknown>[]) : [];
      if (charts.length === 0) continue;
      const home = typeof k.helmGlobals?.chartHome === 'string' ? k.helmGlobals.chartHome : 'charts';
      const repoHome = isAbsolute(home) ? home : join(dirname(kfile), home);
      const stagedHome = isAbsolute(home) ? home : stagedPath(repoHome);
      if (!isAbsolute(home) && existsSync(repoHome)) await cp(repoHome, stagedHome, { recursive: true });
      for (const h of charts) {
        if (typeof h?.name !== 'string' || typeof h.repo !== 'string' || !h.repo) continue;
        const version = typeof h.version === 'string' && h.version ? h.version : undefined;
        // kustomize's absChartHome: <chartHome>/<name>-<version> when a version and repo are given.
        const target = version ? join(stagedHome, `${h.name}-${version}`, h.name) : join(stagedHome, h.name);
        if (existsSync(join(target, 'Chart.yaml'))) continue;
        const chart = await resolveChart({ repoURL: h.repo, chart: h.name, version }, tools, signal);
        await mkdir(dirname(target), { recursive: true });
        await cp(chart.dir, target, { recursive: true });
      }
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    dir: stagedPath(dir),
    toRepo: (p) => {
      const rel = relative(tmp, p);
      return rel.startsWith('..') || isAbsolute(rel) ? p : join(root, rel);
    },
    dispose: () => rm(tmp, { recursive: true, force: true }),
  };
}

function commonAncestor(paths: string[]): string {
  let root = paths[0];
  for (const p of paths) while (root !== dirname(root) && !(p === root || p.startsWith(root + sep))) root = dirname(root);
  return root;
}

function readOrigin(text: string): { path?: unknown; configuredIn?: unknown; configuredBy?: { kind?: unknown } } | undefined {
  try {
    const v: unknown = parseYaml(text);
    return v && typeof v === 'object' ? (v as { path?: unknown; configuredIn?: unknown; configuredBy?: { kind?: unknown } }) : undefined;
  } catch {
    return undefined;
  }
}

async function runKustomize(overlay: string, tools: Toolchain, signal?: AbortSignal, extra: string[] = []): Promise<{ stdout: string; tool: string }> {
  const timeoutMs = tools.timeoutMs ?? 120_000;
  const args = ['--load-restrictor', 'LoadRestrictionsNone', ...extra];
  try {
    const r = await run(tools.kustomize ?? 'kustomize', ['build', overlay, ...args], { timeoutMs, signal, hint: toolHint(tools, 'kustomize') });
    return { stdout: r.stdout, tool: 'kustomize build' };
  } catch (e) {
    // Only an absent standalone kustomize falls back to kubectl's built-in one.
    if (!(e instanceof ExecError) || e.code !== 'binary-missing' || tools.kustomize) throw e;
  }
  try {
    const r = await run(tools.kubectl ?? 'kubectl', ['kustomize', overlay, ...args], { timeoutMs, signal, hint: toolHint(tools, 'kubectl') });
    return { stdout: r.stdout, tool: 'kubectl kustomize' };
  } catch (e) {
    if (e instanceof ExecError && e.code === 'binary-missing') {
      throw new ExecError(`neither kustomize nor kubectl was found. Install one of them or ${toolHint(tools, 'kustomize')}.`, 'binary-missing');
    }
    throw e;
  }
}

/** Argo CD's image override forms: `name=new:tag`, `name:tag`, `name@digest`. */
export function parseImageOverride(spec: string): Record<string, string> {
  const [name, override] = spec.includes('=') ? spec.split('=', 2) : [undefined, spec];
  const at = override.indexOf('@');
  const colon = override.lastIndexOf(':');
  const image: Record<string, string> = {};
  let ref = override;
  if (at >= 0) {
    image.digest = override.slice(at + 1);
    ref = override.slice(0, at);
  } else if (colon > override.lastIndexOf('/')) {
    image.newTag = override.slice(colon + 1);
    ref = override.slice(0, colon);
  }
  image.name = name ?? ref;
  if (name && ref !== name) image.newName = ref;
  return image;
}

