import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { isNamespacedKind, locatePath, parseManifestFile, resourceIdOf, type KubeObject, type ManifestFile } from '../manifest';
import { ExecError } from '../exec/program';
import type { AppSource, FluxBuildOptions, GitOpsApp } from '../apps/types';
import type { RepoSnapshot } from '../repo';
import { listDirectory, renderFiles } from './directory';
import { chartFiles, helmTemplate, templateLine } from './helm';
import { withDependencies } from './helm-deps';
import { listArgoDirectory } from './argo-directory';
import { ChartUnavailableError } from './chart-cache';
import { evaluateJsonnet } from './jsonnet';
import { NotRenderedError, pluginEnv, renderPlugin } from './plugin';
import { prepareSources, type PreparedSource } from './sources';
import { buildKustomization, kustomizeInputs, type KustomizeOrigin } from './kustomize';
import { kustomizationFile } from '../repo/roles';
import { documentValueOf } from '../manifest/parse';
import { afterFluxBuild, afterHelmRelease, effectiveApp, fluxArtifactExcludes, fluxKustomizeInputs, materializeSource, parentOf } from './flux';
import { artifactFiles } from '../apps/flux-sources';
import { openSops } from './sops';
import type { SopsOptions } from '../sops';
import type { Toolchain } from './toolchain';
import type { Origin, RenderedResource, RenderProblem, RenderResult } from './types';

export interface RenderOptions {
  signal?: AbortSignal;
  cache?: RenderCache;
  /** Unsaved editor contents (used where we read files ourselves). */
  overrides?: Map<string, string>;
  /**
   * Decrypt SOPS-encrypted objects in memory with the user's `sops` and keys, for drift only
   * (never for what sync applies). Without it their ciphertext fields are left out.
   */
  decryptSops?: SopsOptions;
}

/** A folder rendered as a plain directory: a new manifest file in it changes the render. */
export interface WatchedDir { dir: string; recurse: boolean }
interface CacheEntry { hash: string; result: RenderResult; dirs: WatchedDir[] }

/** Renders by content hash of their inputs; a changed file invalidates exactly the apps that read it. */
export class RenderCache {
  private readonly entries = new Map<string, CacheEntry>();
  get(appId: string, hash: string): RenderResult | undefined {
    const e = this.entries.get(appId);
    return e && e.hash === hash ? { ...e.result, cached: true } : undefined;
  }
  set(appId: string, hash: string, result: RenderResult, dirs: WatchedDir[] = []): void {
    this.entries.set(appId, { hash, result, dirs });
  }
  /** App ids whose last render read this file (or would list it: a new file in a rendered folder); they are dropped. */
  invalidate(file: string): string[] {
    const hit: string[] = [];
    for (const [id, e] of this.entries) {
      const listed = /\.(ya?ml|json)$/i.test(file) && e.dirs.some((d) => dirname(file) === d.dir || (d.recurse && file.startsWith(d.dir + sep)));
      if (e.result.inputs.includes(file) || listed) {
        this.entries.delete(id);
        hit.push(id);
      }
    }
    return hit;
  }
  clear(): void { this.entries.clear(); }
  get size(): number { return this.entries.size; }
}

/** Input files of a source; `own` are the ones we read ourselves (where unsaved editor contents apply). */
async function inputsOf(src: AppSource & { dir: string }, app: GitOpsApp, repo: RepoSnapshot, argo: boolean, root: string): Promise<{ files: string[]; own: string[]; problems: RenderProblem[] }> {
  const dir = src.dir;
  // Another ref is named by the ref (in the hash); an ExternalArtifact reads the files it copies.
  if (src.archive) return { files: src.archive.copies && !src.archive.gitRef ? [...artifactFiles(src.archive.copies, repo.files.map((f) => f.file)).values()] : [], own: [], problems: [] };
  if (app.kind === 'flux-kustomization') return { files: await fluxKustomizeInputs(dir, app), own: [], problems: [] };
  if (src.renderer === 'helm') return { files: [...(await chartFiles(dir)), ...(src.helm?.valueFiles ?? [])], own: [], problems: [] };
  if (src.renderer === 'plugin') return { files: await chartFiles(dir), own: [], problems: [] };
  if (src.renderer === 'kustomize') {
    const { files, missing } = await kustomizeInputs(dir);
    const problems: RenderProblem[] = [];
    for (const m of missing) {
      const kfile = parseManifestFile(m.kustomization, await readFile(m.kustomization, 'utf8').catch(() => ''), 'kustomization');
      const loc = locatePath(kfile, 0, m.at);
      problems.push({ message: `${String(m.at[0])} entry "${m.entry}" does not exist (kustomize build would fail)`, file: m.kustomization, range: loc?.range, code: 'missing-path' });
    }
    return { files, own: [], problems };
  }
  if (argo) {
    const listing = await listArgoDirectory(dir, src.directory);
    // jsonnet imports may read any library file of the folder or of a `libs` folder (repo-relative).
    const libDirs = listing.jsonnet.length ? [dir, ...(src.directory?.jsonnet?.libs ?? []).map((l) => resolve(root, l))] : [];
    const libs = (await Promise.all(libDirs.map((d) => chartFiles(d).catch(() => [] as string[])))).flat().filter((f) => /\.(lib)?sonnet$|\.json$/.test(f));
    return { files: [...listing.manifests, ...listing.jsonnet, ...libs], own: listing.manifests, problems: [] };
  }
  const listing = await listDirectory(dir, src.directory);
  const files = [...listing.files];
  for (const d of listing.kustomizeDirs) files.push(...(await kustomizeInputs(d)).files);
  return { files, own: listing.files, problems: [] };
}

/** Argo CD reads directory sources its own way (jsonnet, include/exclude globs, no nested kustomize builds). */
const argoDirectory = (app: GitOpsApp, src: AppSource) => app.kind === 'argo-application' || src.directory?.jsonnet !== undefined;

async function hashInputs(files: string[], extra: unknown, overrides?: Map<string, string>): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify(extra));
  for (const f of [...new Set(files)].sort()) {
    h.update(f);
    h.update('\0');
    h.update(overrides?.get(f) ?? (await readFile(f).catch(() => Buffer.from('\u0000missing'))));
    h.update('\0');
  }
  return h.digest('hex');
}

/** Desired state of one app: every source rendered (remote ones from the cache), each resource with its origin. */
export async function renderApp(declared: GitOpsApp, repo: RepoSnapshot, tools: Toolchain, opts: RenderOptions = {}): Promise<RenderResult> {
  const started = Date.now();
  // A Flux object is rendered as its parent Kustomization's build applies it (patches, substitution).
  const parent = parentOf(declared, repo);
  const parentRender = parent && parent.sources.some((s) => s.local) ? await renderApp(parent, repo, tools, opts) : undefined;
  const app = (parentRender?.ok && effectiveApp(declared, repo, parentRender.resources)) || declared;
  const renderable = app.sources.filter((s) => s.renderer && (s.dir || !s.local));
  const renderer = renderable[0]?.renderer ?? 'directory';
  const result: RenderResult = { appId: app.id, renderer, ok: false, resources: [], problems: [], inputs: [], inputHash: '', durationMs: 0, cached: false };
  const blocking = app.problems.filter((p) => p.severity === 'error' && (p.code === 'missing-path' || p.code === 'missing-source' || p.code === 'missing-ref'));
  if (blocking.length) {
    result.problems.push(...blocking.map((p) => ({ message: p.message, file: p.file, range: p.range, code: 'missing-path' as const })));
    return done(result, started);
  }
  if (!tools.trusted && app.sources.some((s) => (s.renderer && s.renderer !== 'directory') || (!s.local && !s.ref))) {
    result.problems.push({ message: `${app.name}: rendering with ${renderer} runs an external program, which is disabled in an untrusted workspace`, code: 'untrusted' });
    return done(result, started);
  }
  const inputs: string[] = [...(app.flux?.substituteFromFiles ?? []), ...(parentRender?.inputs ?? [])];
  let prepared: PreparedSource[];
  try {
    const p = await prepareSources(app, repo.root, tools, opts.signal);
    prepared = p.sources;
    result.problems.push(...p.problems);
  } catch (e) {
    result.problems.push({ message: (e as Error).message, code: e instanceof ExecError ? (e.code === 'failed' ? 'render-failed' : e.code) : 'render-failed', file: app.declaredIn?.file, range: app.declaredIn?.range });
    return done(result, started);
  }
  if (result.problems.length) return done(result, started);
  if (prepared.length === 0) {
    // A Flux source or chart that is not in this repository: Unknown with the reason, not a failure.
    const remote = app.problems.filter((p) => p.code === 'remote-source' || p.code === 'remote-chart');
    if (remote.length) result.problems.push(...remote.map((p) => ({ message: p.message, code: 'source-unavailable' as const, file: p.file, range: p.range })));
    else result.problems.push({ message: `${app.name}: no source of this app names a path or chart to render`, code: 'missing-path', file: app.declaredIn?.file, range: app.declaredIn?.range });
    return done(result, started);
  }
  result.renderer = prepared[0].src.renderer ?? renderer;
  const hashed: string[] = [];
  const own = new Set<string>();
  for (const p of prepared) {
    const i = await inputsOf(p.src, app, repo, argoDirectory(app, p.src), p.root);
    hashed.push(...i.files);
    // Fetched files are not the repo's: they key the render but are not inputs a change of the repo touches.
    if (!p.fetched) inputs.push(...i.files);
    i.own.forEach((f) => own.add(f));
    result.problems.push(...i.problems);
  }
  if (prepared.some((p) => p.fetched) && app.declaredIn) inputs.push(app.declaredIn.file);
  result.inputs = [...new Set(inputs)];
  if (result.problems.length) return done(result, started);
  const plugins = prepared.filter((p) => p.src.plugin?.name).map((p) => tools.plugins?.[p.src.plugin!.name!] ?? null);
  result.inputHash = await hashInputs([...result.inputs, ...hashed], { sources: prepared.map((p) => ({ ...p.src, fetched: p.fetched })), plugins, flux: app.flux, ns: app.destination.namespace, tools: [tools.kustomize, tools.helm, tools.jsonnet], decrypt: !!opts.decryptSops }, ownOverrides(opts.overrides, own));
  const hit = opts.cache?.get(app.id, result.inputHash);
  if (hit) return hit;
  try {
    for (const p of prepared) {
      // Another ref or an ExternalArtifact is rendered from a temporary copy, never the working tree.
      const m = await materializeSource(p.src, repo, opts.signal);
      try {
        const out = await renderSource(m ? { ...p, src: { ...p.src, dir: m.dir } } : p, app, repo, tools, opts, result.problems);
        const mapped = m ? out.map((r) => ({ ...r, origin: r.origin && m.toRepo(r.origin.file) ? { ...r.origin, file: m.toRepo(r.origin.file)! } : undefined })) : out;
        // Files fetched from elsewhere cannot be edited here: their resources point at the app's declaration.
        if (p.fetched) for (const r of mapped) r.origin = app.declaredIn ? { ...app.declaredIn, via: 'identity' } : undefined;
        result.resources.push(...mapped);
      } finally {
        await m?.dispose();
      }
    }
    if (app.kind === 'flux-kustomization') {
      result.resources = afterFluxBuild(result.resources, app);
      const masked = (app.flux?.secretVars ?? []).map((k) => app.flux!.substitute[k]).filter((v) => v && v.length >= 3);
      if (masked.length) result.maskValues = masked;
    }
    result.resources = await openSops(result.resources, tools.trusted ? opts.decryptSops : undefined);
    result.ok = result.problems.length === 0;
  } catch (e) {
    result.resources = [];
    const code = e instanceof NotRenderedError ? 'not-rendered' : e instanceof ChartUnavailableError ? 'source-unavailable' : e instanceof ExecError ? (e.code === 'failed' ? 'render-failed' : e.code) : 'render-failed';
    result.problems.push({ message: (e as Error).message, code, file: app.declaredIn?.file, range: app.declaredIn?.range });
  }
  done(result, started);
  if (result.ok) opts.cache?.set(app.id, result.inputHash, result, prepared.filter((p) => p.src.renderer === 'directory' && !p.fetched).map((p) => ({ dir: p.src.dir, recurse: p.src.directory?.recurse === true })));
  return result;
}

/** kustomize and helm read the disk, so only files we read ourselves hash their unsaved contents. */
function ownOverrides(overrides: Map<string, string> | undefined, own: Set<string>): Map<string, string> | undefined {
  if (!overrides) return undefined;
  return new Map([...overrides].filter(([f]) => own.has(f)));
}

function done(r: RenderResult, started: number): RenderResult {
  r.durationMs = Date.now() - started;
  return r;
}

async function renderSource(p: PreparedSource, app: GitOpsApp, repo: RepoSnapshot, tools: Toolchain, opts: RenderOptions, problems: RenderProblem[]): Promise<RenderedResource[]> {
  const src = p.src;
  const dir = src.dir;
  if (src.renderer === 'helm') {
    const chart = await withDependencies(dir, tools, opts.signal);
    const b = await helmTemplate(chart.dir, src.helm!, app.destination.namespace, tools, opts.signal, dir).finally(() => chart.dispose());
    problems.push(...b.problems);
    const out: RenderedResource[] = [];
    const objects = app.kind === 'flux-helmrelease' ? await afterHelmRelease(b.objects, app, tools, opts.signal) : b.objects.map((o) => ({ object: o, from: o }));
    for (const { object: o, from } of objects) {
      const file = from && b.sources.get(from);
      const line = file ? await templateLine(file, o.kind) : 0;
      const origin: Origin | undefined = file ? { file, docIndex: 0, range: { start: { line, character: 0 }, end: { line, character: 0 } }, via: 'helm-source' } : undefined;
      out.push({ object: o, id: resourceIdOf(o), origin });
    }
    return out;
  }
  if (src.renderer === 'plugin') {
    const r = await renderPlugin(dir, src, app, tools, opts.signal);
    problems.push(...r.problems);
    const origin = app.declaredIn ? { ...app.declaredIn, via: 'identity' as const } : undefined;
    return r.objects.map((o) => ({ object: o, id: resourceIdOf(o), origin }));
  }
  if (src.renderer === 'kustomize') return kustomizeResources(dir, src, repo, tools, opts, problems, app.kind === 'flux-kustomization' ? app.flux?.build ?? NO_FLUX_BUILD : undefined, app.kind === 'flux-kustomization' && !src.archive ? fluxArtifactExcludes(repo, src) : undefined);
  if (argoDirectory(app, src)) {
    const listing = await listArgoDirectory(dir, src.directory);
    const r = await renderFiles(listing.manifests, opts.overrides);
    problems.push(...r.problems);
    for (const f of listing.jsonnet) {
      const objects = await evaluateJsonnet(f, dir, p.root, src.directory?.jsonnet, pluginEnv({ env: [], parameters: [] }, src, app), tools, opts.signal);
      for (const o of objects) r.resources.push({ object: o, id: resourceIdOf(o), origin: { file: f, docIndex: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, via: 'identity' } });
    }
    return r.resources;
  }
  const listing = await listDirectory(dir, src.directory);
  const r = await renderFiles(listing.files, opts.overrides);
  problems.push(...r.problems);
  for (const d of listing.kustomizeDirs) r.resources.push(...(await kustomizeResources(d, { ...src, kustomize: undefined }, repo, tools, opts, problems)));
  if (src.kustomize?.namespace) for (const res of r.resources) setNamespace(res, src.kustomize.namespace);
  return r.resources;
}

const NO_FLUX_BUILD: FluxBuildOptions = { patches: [], images: [], components: [], ignoreMissingComponents: false };

async function kustomizeResources(dir: string, src: AppSource, repo: RepoSnapshot, tools: Toolchain, opts: RenderOptions, problems: RenderProblem[], flux?: FluxBuildOptions, fluxExcluded?: (file: string) => boolean): Promise<RenderedResource[]> {
  const b = await buildKustomization(dir, src.kustomize, tools, opts.signal, flux, fluxExcluded);
  problems.push(...b.problems);
  const files = new Map<string, ManifestFile>();
  const fileOf = async (f: string) => {
    let mf = repo.byPath.get(f) ?? files.get(f);
    if (!mf) {
      mf = parseManifestFile(f, await readFile(f, 'utf8').catch(() => ''));
      files.set(f, mf);
    }
    return mf;
  };
  const out: RenderedResource[] = [];
  const kfile = kustomizationFile(dir);
  for (const o of b.objects) {
    const id = resourceIdOf(o);
    const ko = b.origins.get(o);
    let origin: Origin | undefined;
    if (ko?.path) origin = matchDocument(await fileOf(ko.path), o, 'kustomize-origin');
    else if (ko?.configuredIn) origin = generatorOrigin(await fileOf(ko.configuredIn), o, ko);
    else if (kfile) origin = { file: kfile, docIndex: 0, range: (await fileOf(kfile)).documents[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, via: 'identity' };
    out.push({ object: o, id, origin });
  }
  return out;
}

/** A generated object (ConfigMap/Secret generator): the generator entry of the kustomization that configured it. */
function generatorOrigin(file: ManifestFile, o: KubeObject, ko: KustomizeOrigin): Origin {
  const key = ko.generator === 'SecretGenerator' ? 'secretGenerator' : ko.generator === 'ConfigMapGenerator' ? 'configMapGenerator' : undefined;
  const whole: Origin = { file: file.file, docIndex: 0, range: file.documents[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, via: 'kustomize-origin' };
  const k = documentValueOf(file, 0) as Record<string, unknown> | null | undefined;
  const list = key && k && Array.isArray(k[key]) ? (k[key] as { name?: unknown }[]) : [];
  const name = String(o.metadata?.name ?? '');
  // Longest generator name contained in the object's name (prefix, suffix and hash are added around it).
  const best = list.map((g, i) => ({ i, n: typeof g?.name === 'string' ? g.name : '' })).filter((g) => g.n && name.includes(g.n)).sort((a, b) => b.n.length - a.n.length)[0];
  if (!key || !best) return whole;
  const loc = locatePath(file, 0, [key, best.i]);
  return loc ? { ...whole, range: loc.range } : whole;
}

/** The document of a file that produced an object: same kind, name equal or wrapped by prefix/suffix. */
function matchDocument(file: ManifestFile, o: KubeObject, via: Origin['via']): Origin | undefined {
  const name = String(o.metadata?.name ?? '');
  const docs = file.documents.filter((d) => d.kind === 'resource' && d.id?.kind === o.kind);
  const doc = docs.find((d) => d.id!.name === name) ?? docs.find((d) => d.id!.name && name.includes(d.id!.name)) ?? (docs.length === 1 ? docs[0] : undefined);
  if (!doc) return file.documents[0] ? { file: file.file, docIndex: 0, range: file.documents[0].range, via: 'identity' } : undefined;
  return { file: file.file, docIndex: doc.index, range: doc.range, via };
}

function setNamespace(r: RenderedResource, ns: string): void {
  if (isNamespacedKind(r.id.group, r.id.kind) === false) return;
  r.object = { ...r.object, metadata: { ...r.object.metadata, namespace: ns } };
  r.id = { ...r.id, namespace: ns };
}
