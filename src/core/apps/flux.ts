/**
 * Flux apps as Flux sees them. Each Kustomization and HelmRelease is found where a Flux tree
 * applies it: starting at the roots (Kustomizations no other Kustomization of the repo
 * applies, and the Kustomization a FluxInstance's `spec.sync` creates), each local
 * Kustomization's path is followed (see flux-tree) to the Kustomizations and HelmReleases
 * it applies, with the namespace kustomize gives them there. An app is therefore
 * (kind, namespace, name, cluster entry point): the same file applied by `clusters/staging`
 * and `clusters/production` is two apps.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { dirname, join, relative, sep } from 'node:path';
import { resourceKey, type KubeObject, type ManifestFile } from '../manifest';
import type { RepoSnapshot } from '../repo';
import { KUSTOMIZATION_FILES } from '../repo/roles';
import { arr, declarationOf, isDir, obj, problemAt, repoPath, str, type DeclContext } from './declare';
import { readRepoConfig, type RepoConfig } from './config';
import { includedFiles } from './flux-tree';
import { artifactExcludes, sourceignoreFiles } from './flux-ignore';
import { artifactFiles, FLUX_SOURCE_GROUP, resolveFluxSource, type Found, type ResolvedSource, type SourceContext } from './flux-sources';
import type { AppProblem, AppSource, FluxBuildOptions, GitOpsApp } from './types';
import type { ChartRef } from '../render/chart-cache';

export { FLUX_SOURCE_GROUP };
export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
export const FLUX_HELM_GROUP = 'helm.toolkit.fluxcd.io';
export const FLUX_OPERATOR_GROUP = 'fluxcd.controlplane.io';

/** Every resource of the repo by group/kind/namespace/name, for sourceRefs and substituteFrom. */
export function indexRepoObjects(repo: RepoSnapshot): Map<string, Found> {
  const idx = new Map<string, Found>();
  for (const file of repo.files) {
    for (const doc of file.documents) {
      if (doc.kind !== 'resource' || !doc.id) continue;
      idx.set(resourceKey(doc.id), { file, doc });
    }
  }
  return idx;
}

/** A declaration placed in a tree: the namespace Flux gives it and the cluster entry point. */
interface Placed {
  found: Found;
  kind: 'Kustomization' | 'HelmRelease';
  namespace: string | undefined;
  entry: string;
  appliedBy?: GitOpsApp;
  /** A FluxInstance's sync Kustomization: the object is made up from `spec.sync`. */
  synthetic?: { name: string; namespace: string; path: string; sourceName: string };
}

const rel = (repo: RepoSnapshot, abs: string) => relative(repo.root, abs).split(sep).join('/') || '.';
const nameOf = (f: Found) => str(f.doc.object?.metadata?.name) ?? '';
const declaredNs = (f: Found) => str(f.doc.object?.metadata?.namespace);
const docKey = (f: Found) => `${f.file.file}#${f.doc.index}`;

/**
 * Objects by the key Flux gives them where a tree applies them (a ConfigMap without a namespace
 * listed by `apps/media/kustomization.yaml` with `namespace: media` is `media/<name>`), over the
 * repo's objects as written: where substituteFrom and valuesFrom look.
 */
const placedIndexes = new WeakMap<RepoSnapshot, Map<string, Found>>();

export function discoverFluxApps(repo: RepoSnapshot, config: RepoConfig, repoIdx: Map<string, Found>): GitOpsApp[] {
  const idx = new Map(repoIdx);
  placedIndexes.set(repo, idx);
  const decls: { found: Found; kind: 'Kustomization' | 'HelmRelease' }[] = [];
  const instances: Found[] = [];
  for (const file of repo.files) {
    for (const doc of file.documents) {
      const id = doc.id;
      if (doc.kind !== 'resource' || !id || !doc.object) continue;
      if (id.group === FLUX_KUSTOMIZE_GROUP && id.kind === 'Kustomization') decls.push({ found: { file, doc }, kind: 'Kustomization' });
      else if (id.group === FLUX_HELM_GROUP && id.kind === 'HelmRelease') decls.push({ found: { file, doc }, kind: 'HelmRelease' });
      else if (id.group === FLUX_OPERATOR_GROUP && id.kind === 'FluxInstance') instances.push({ file, doc });
    }
  }
  const sc: SourceContext = { repo, idx, mapped: config.sources, branch: repo.branch, instances: new Map() };
  const syncs: Placed[] = [];
  for (const inst of instances) {
    const sync = obj(obj(inst.doc.object?.spec).sync);
    const path = str(sync.path);
    if (!path) continue;
    const ns = declaredNs(inst) ?? 'flux-system';
    const name = str(sync.name) ?? ns;
    sc.instances.set(`${ns}/${name}`, { url: str(sync.url), ref: str(sync.ref), file: inst.file.file });
    const abs = repoPath(repo, path);
    syncs.push({ found: inst, kind: 'Kustomization', namespace: ns, entry: abs ? rel(repo, abs) : path, synthetic: { name, namespace: ns, path, sourceName: name } });
  }

  // Roots: declarations no other local Kustomization applies (its own path may include itself).
  const includedBy = new Map<string, string[]>();
  const provisional: Placed[] = [...syncs, ...decls.map((d) => ({ ...d, namespace: declaredNs(d.found), entry: '' }))];
  const selfIncluding = new Set<string>();
  for (const p of provisional) {
    if (p.kind !== 'Kustomization') continue;
    // A declaration under a Kustomization's path that the artifact leaves out is no root either: Flux never applies it.
    const t = treeOf(repo, sc, p, p.namespace ?? 'flux-system', false);
    for (const f of t?.files ?? []) {
      for (const d of repo.byPath.get(f.file)?.documents ?? []) {
        const k = `${f.file}#${d.index}`;
        if (!p.synthetic && k === docKey(p.found)) {
          selfIncluding.add(k);
          continue;
        }
        includedBy.set(k, [...(includedBy.get(k) ?? []), docKey(p.found)]);
      }
    }
  }
  const queue: Placed[] = [...syncs];
  for (const d of decls) {
    if (includedBy.has(docKey(d.found))) continue;
    const own = d.kind === 'Kustomization' && selfIncluding.has(docKey(d.found)) ? str(obj(d.found.doc.object?.spec).path) : undefined;
    const ownAbs = own !== undefined ? repoPath(repo, own) : undefined;
    queue.push({ ...d, namespace: declaredNs(d.found) ?? 'flux-system', entry: ownAbs ? rel(repo, ownAbs) : rel(repo, dirname(d.found.file.file)) });
  }

  const apps: GitOpsApp[] = [];
  const visited = new Set<string>();
  const reached = new Set<string>();
  const run = () => {
    while (queue.length) {
      const p = queue.shift()!;
      const vkey = `${p.synthetic ? 'sync:' : ''}${docKey(p.found)}@${p.entry}@${p.appliedBy?.id ?? ''}`;
      if (visited.has(vkey)) continue;
      visited.add(vkey);
      reached.add(docKey(p.found));
      const app = p.kind === 'Kustomization' ? kustomizationApp(repo, sc, p) : helmReleaseApp(repo, sc, idx, p);
      apps.push(app);
      if (p.kind !== 'Kustomization') continue;
      const t = treeOf(repo, sc, p, app.namespace!);
      for (const f of t?.files ?? []) {
        for (const doc of repo.byPath.get(f.file)?.documents ?? []) {
          if (doc.kind === 'resource' && doc.id && f.namespace) idx.set(resourceKey({ ...doc.id, namespace: f.namespace }), { file: repo.byPath.get(f.file)!, doc });
        }
      }
      for (const f of t?.files ?? []) {
        const file = repo.byPath.get(f.file);
        for (const doc of file?.documents ?? []) {
          const id = doc.id;
          if (!file || doc.kind !== 'resource' || !id || !doc.object) continue;
          const kind = id.group === FLUX_KUSTOMIZE_GROUP && id.kind === 'Kustomization' ? 'Kustomization' : id.group === FLUX_HELM_GROUP && id.kind === 'HelmRelease' ? 'HelmRelease' : undefined;
          if (!kind) continue;
          const found = { file, doc };
          if (!p.synthetic && docKey(found) === docKey(p.found)) continue; // the bootstrap Kustomization applies itself
          // Several Kustomizations of one cluster applying the same object: a true duplicate (kept, reported).
          queue.push({ found, kind, namespace: f.namespace ?? str(doc.object.metadata?.namespace), entry: p.entry, appliedBy: app });
        }
      }
    }
  };
  run();
  // Declarations only reachable through a cycle of Kustomizations: list them from their own folder.
  for (const d of decls) {
    // Left out of an artifact (ignore rules) by a Kustomization that was reached: Flux never applies it.
    if (reached.has(docKey(d.found)) || (includedBy.get(docKey(d.found)) ?? []).some((k) => reached.has(k))) continue;
    queue.push({ ...d, namespace: declaredNs(d.found) ?? 'flux-system', entry: rel(repo, dirname(d.found.file.file)) });
    run();
  }
  return markDuplicates(apps);
}

const contexts = new WeakMap<RepoSnapshot, { sc: SourceContext; idx: Map<string, Found> }>();

/**
 * The app rebuilt from `object`, the declaration as its parent's build produced it (patched,
 * substituted, namespaced): same id, tree and entry point, every field read from the object.
 */
export function fluxAppFromObject(repo: RepoSnapshot, app: GitOpsApp, object: KubeObject): GitOpsApp | undefined {
  const file = app.declaredIn && repo.byPath.get(app.declaredIn.file);
  const doc = file?.documents[app.declaredIn!.docIndex];
  if (!file || !doc || (app.kind !== 'flux-kustomization' && app.kind !== 'flux-helmrelease')) return undefined;
  let c = contexts.get(repo);
  if (!c) {
    if (!placedIndexes.has(repo)) discoverFluxApps(repo, readRepoConfig(repo), indexRepoObjects(repo));
    const idx = placedIndexes.get(repo)!;
    c = { idx, sc: { repo, idx, mapped: readRepoConfig(repo).sources, branch: repo.branch, instances: new Map() } };
    contexts.set(repo, c);
  }
  const parent = app.flux?.appliedBy ? ({ id: app.flux.appliedBy, name: app.flux.appliedBy.split('/').pop() } as GitOpsApp) : undefined;
  const p: Placed = { found: { file, doc: { ...doc, object } }, kind: app.kind === 'flux-kustomization' ? 'Kustomization' : 'HelmRelease', namespace: app.namespace, entry: app.entryPoint ?? '.', appliedBy: parent };
  const again = p.kind === 'Kustomization' ? kustomizationApp(repo, c.sc, p) : helmReleaseApp(repo, c.sc, c.idx, p);
  return { ...again, id: app.id, destination: { ...again.destination, context: app.destination.context, resolution: app.destination.resolution } };
}

/** Files a Kustomization applies from this working tree (or from an ExternalArtifact's copies). */
function treeOf(repo: RepoSnapshot, sc: SourceContext, p: Placed, ns: string, applyIgnore = true): { files: { file: string; namespace?: string }[] } | undefined {
  const spec = p.synthetic ? { path: p.synthetic.path, sourceRef: { kind: 'GitRepository', name: p.synthetic.sourceName } } : obj(p.found.doc.object?.spec);
  const path = str(spec.path) ?? './';
  const src = resolveFluxSource(sc, obj(spec.sourceRef), ns, !!repoPath(repo, path) && isDir(repoPath(repo, path)!));
  if (!src.local || !src.root || src.archive?.gitRef) return undefined; // another ref's files are not this tree's
  const target = p.synthetic ? undefined : str(spec.targetNamespace);
  if (src.archive?.copies) {
    const view = artifactView(repo, artifactFiles(src.archive.copies, repo.files.map((f) => f.file)));
    const dir = join(view.repo.root, path);
    return { files: includedFiles(view.repo, dir, target).map((f) => ({ ...f, file: view.toRepo.get(f.file) ?? f.file })) };
  }
  const dir = repoPath({ ...repo, root: src.root }, path);
  if (!dir || !isDir(dir)) return undefined;
  return { files: includedFiles(repo, dir, target, applyIgnore ? excludesOf(repo, src.root, src.ignore) : undefined) };
}

const excludeCache = new WeakMap<RepoSnapshot, Map<string, (f: string) => boolean>>();

/** What source-controller leaves out of the artifact of this source (cached per repo snapshot). */
function excludesOf(repo: RepoSnapshot, root: string, specIgnore: string | undefined): (f: string) => boolean {
  let m = excludeCache.get(repo);
  if (!m) excludeCache.set(repo, (m = new Map()));
  const key = `${root}\0${specIgnore ?? ''}`;
  let fn = m.get(key);
  if (!fn) m.set(key, (fn = artifactExcludes(root, sourceignoreFiles(root, repo.files.map((f) => f.file)), specIgnore)));
  return fn;
}

/** The files of an ExternalArtifact as a repo snapshot of its own (paths as in the artifact). */
function artifactView(repo: RepoSnapshot, files: Map<string, string>): { repo: RepoSnapshot; toRepo: Map<string, string> } {
  const root = join(repo.root, '.flux-artifact');
  const toRepo = new Map<string, string>();
  const mfs: ManifestFile[] = [];
  for (const [target, source] of files) {
    const mf = repo.byPath.get(source);
    if (!mf) continue;
    const abs = join(root, target);
    toRepo.set(abs, source);
    mfs.push({ ...mf, file: abs });
  }
  const kustomizationDirs = new Set(mfs.filter((f) => KUSTOMIZATION_FILES.some((k) => f.file.endsWith(sep + k))).map((f) => dirname(f.file)));
  return { repo: { root, gitRoot: repo.gitRoot, branch: repo.branch, remotes: repo.remotes, files: mfs, byPath: new Map(mfs.map((f) => [f.file, f])), kustomizationDirs, chartDirs: new Set(), patchFiles: new Set(), scope: repo.scope }, toRepo };
}

function contextOf(repo: RepoSnapshot, p: Placed): DeclContext {
  return { repo, file: p.found.file, doc: p.found.doc, object: p.found.doc.object! };
}

function noteProblem(c: DeclContext, at: (string | number)[], src: ResolvedSource): AppProblem | undefined {
  return src.note ? problemAt(c, at, src.note.message, src.note.code, src.note.severity) : undefined;
}

function appId(entry: string, kind: 'ks' | 'hr', ns: string, name: string): string {
  return `flux/${entry}/${kind}/${ns}/${name}`;
}

function kustomizationApp(repo: RepoSnapshot, sc: SourceContext, p: Placed): GitOpsApp {
  const c = contextOf(repo, p);
  const syn = p.synthetic;
  const spec = syn ? { path: syn.path, prune: true, sourceRef: { kind: 'GitRepository', name: syn.sourceName } } : obj(c.object.spec);
  const name = syn?.name ?? nameOf(p.found);
  const namespace = p.namespace ?? 'flux-system';
  const problems: AppProblem[] = [];
  const path = str(spec.path) ?? './';
  const inTree = repoPath(repo, path);
  const src = resolveFluxSource(sc, obj(spec.sourceRef), namespace, !!inTree && isDir(inTree));
  const note = noteProblem(c, syn ? ['spec', 'sync'] : ['spec', 'sourceRef'], src);
  if (note) problems.push(note);
  const source: AppSource = { path, repoURL: src.url, local: src.local, archive: src.archive, ignore: src.ignore };
  if (src.local && src.root) {
    const abs = repoPath({ ...repo, root: src.root }, path);
    if (src.archive) {
      source.dir = abs ?? join(src.root, path);
      source.renderer = 'kustomize';
    } else if (!abs || !isDir(abs)) problems.push(problemAt(c, syn ? ['spec', 'sync', 'path'] : ['spec', 'path'], `path "${path}" does not exist in this repository`, 'missing-path'));
    else {
      source.dir = abs;
      source.renderer = 'kustomize'; // kustomize-controller always builds: it generates a kustomization when there is none
    }
  }
  const targetNamespace = syn ? undefined : str(spec.targetNamespace);
  const build: FluxBuildOptions = {
    targetNamespace,
    namePrefix: str(spec.namePrefix),
    nameSuffix: str(spec.nameSuffix),
    patches: arr(spec.patches),
    images: arr(spec.images),
    components: arr(spec.components).filter((x): x is string => typeof x === 'string'),
    ignoreMissingComponents: spec.ignoreMissingComponents === true,
    commonMetadata: spec.commonMetadata ? (obj(spec.commonMetadata) as FluxBuildOptions['commonMetadata']) : undefined,
  };
  const postBuild = spec.postBuild !== undefined && spec.postBuild !== null;
  const sub = substitutions(c, sc.idx, obj(spec.postBuild), namespace, problems);
  const suspend = spec.suspend === true;
  if (!p.namespace && p.appliedBy) problems.push(problemAt(c, ['metadata'], `Kustomization ${name} gets no namespace: neither it, the kustomization.yaml listing it nor ${p.appliedBy.name}'s targetNamespace sets one (kustomize-controller cannot apply it)`, 'no-namespace', 'warning'));
  return {
    id: appId(p.entry, 'ks', namespace, name), name, namespace, kind: 'flux-kustomization', declaredIn: declarationOf(c), entryPoint: p.entry,
    sources: [source],
    destination: { namespace: targetNamespace, resolution: 'unresolved' },
    tracking: 'flux-labels', automated: !suspend, selfHeal: !suspend, autoPrune: spec.prune === true,
    syncOptions: [], ignoreDifferences: [],
    flux: {
      prune: spec.prune === true, suspend, targetNamespace,
      dependsOn: arr(spec.dependsOn).map((d) => `${str(obj(d).namespace) ?? namespace}/${str(obj(d).name)}`),
      substitute: sub.values, missingSubstituteFrom: sub.missing, substituteFromFiles: sub.files, secretVars: sub.secretVars,
      postBuild, substituteAlways: str(obj(spec.postBuild).substituteStrategy) === 'Always',
      appliedBy: p.appliedBy?.id, build,
    },
    problems,
  };
}

/**
 * Values for `${var}` substitution, as kustomize-controller loads them: substituteFrom in order
 * (later wins; ConfigMap `data`, Secret `data` decoded — `stringData` too, as the API server folds
 * it), then inline `substitute` over all; newlines are removed from every value.
 */
function substitutions(c: DeclContext, idx: Map<string, Found>, postBuild: Record<string, unknown>, ns: string, problems: AppProblem[]): { values: Record<string, string>; missing: string[]; files: string[]; secretVars: string[] } {
  const values: Record<string, string> = {};
  const secretVars = new Set<string>();
  const missing: string[] = [];
  const files: string[] = [];
  const clean = (v: unknown) => String(v).replace(/\n/g, '');
  for (const [i, f] of arr(postBuild.substituteFrom).map(obj).entries()) {
    const kind = str(f.kind) ?? 'ConfigMap';
    const found = idx.get(resourceKey({ group: '', kind, namespace: ns, name: String(str(f.name)) }));
    if (!found) {
      missing.push(`${kind}/${str(f.name)}`);
      if (f.optional !== true) problems.push(problemAt(c, ['spec', 'postBuild', 'substituteFrom', i], `substituteFrom ${kind} ${ns}/${str(f.name)} is not in this repository; its variables stay unset`, 'missing-substitute', 'warning'));
      continue;
    }
    files.push(found.file.file);
    const o = found.doc.object!;
    const secret = kind === 'Secret';
    for (const [k, v] of Object.entries(obj(o.data))) {
      values[k] = clean(secret ? Buffer.from(String(v), 'base64').toString('utf8') : v);
      if (secret) secretVars.add(k); else secretVars.delete(k);
    }
    if (secret) for (const [k, v] of Object.entries(obj(o.stringData))) {
      values[k] = clean(v);
      secretVars.add(k);
    }
  }
  for (const [k, v] of Object.entries(obj(postBuild.substitute))) {
    values[k] = clean(v);
    secretVars.delete(k);
  }
  return { values, missing, files: [...new Set(files)], secretVars: [...secretVars] };
}

/** helm-controller's release name: `releaseName`, else `[targetNamespace-]name`, cut to 53 with a hash. */
export function fluxReleaseName(name: string, targetNamespace: string | undefined, releaseName: string | undefined): string {
  const full = releaseName || (targetNamespace ? `${targetNamespace}-${name}` : name);
  if (full.length <= 53) return full;
  return `${full.slice(0, 53 - 13)}-${createHash('sha256').update(full).digest('hex').slice(0, 12)}`;
}

function helmReleaseApp(repo: RepoSnapshot, sc: SourceContext, idx: Map<string, Found>, p: Placed): GitOpsApp {
  const c = contextOf(repo, p);
  const o = c.object;
  const spec = obj(o.spec);
  const name = nameOf(p.found);
  const namespace = p.namespace ?? 'flux-system';
  const problems: AppProblem[] = [];
  const chartSpec = obj(obj(spec.chart).spec);
  const targetNamespace = str(spec.targetNamespace);
  const source: AppSource = { chart: str(chartSpec.chart), local: false };
  const chartRef = obj(spec.chartRef);
  const helmOptions = (valueFiles: string[]) => ({ releaseName: fluxReleaseName(name, targetNamespace, str(spec.releaseName)), valueFiles, valuesObject: mergedValues(c, idx, spec, namespace, problems), parameters: [] });
  if (spec.chartRef !== undefined || (str(obj(chartSpec.sourceRef).kind) ?? 'HelmRepository') !== 'GitRepository') {
    const remote = remoteChartOf(idx, spec, chartSpec, namespace);
    if (remote) {
      // Pulled into the chart cache like Argo CD's remote charts (offline: Unknown with the reason).
      source.remoteChart = remote;
      source.repoURL = remote.repoURL;
      source.renderer = 'helm';
      source.helm = helmOptions(arr(chartSpec.valuesFiles).map(String));
    } else {
      const from = spec.chartRef !== undefined ? `${str(chartRef.kind)} ${str(chartRef.namespace) ?? namespace}/${str(chartRef.name)}` : `${str(obj(chartSpec.sourceRef).kind) ?? 'HelmRepository'} ${str(obj(chartSpec.sourceRef).name)}`;
      problems.push(problemAt(c, spec.chartRef !== undefined ? ['spec', 'chartRef'] : ['spec', 'chart'], `the chart comes from ${from}, which is not declared in this repository; its release cannot be rendered here`, 'remote-chart', 'info'));
    }
  } else {
    const chartPath = source.chart ?? '.';
    const inTree = repoPath(repo, chartPath);
    const src = resolveFluxSource(sc, obj(chartSpec.sourceRef), namespace, !!inTree && isDir(inTree));
    const note = noteProblem(c, ['spec', 'chart', 'spec', 'sourceRef'], src);
    if (note) problems.push(note);
    source.repoURL = src.url;
    source.local = src.local;
    source.path = chartPath;
    source.archive = src.archive;
    const abs = src.local && src.root ? repoPath({ ...repo, root: src.root }, chartPath) : undefined;
    if (src.local && !src.archive && (!abs || !isDir(abs))) problems.push(problemAt(c, ['spec', 'chart', 'spec', 'chart'], `chart path "${chartPath}" does not exist in this repository`, 'missing-path'));
    else if (abs) {
      source.dir = abs;
      source.renderer = 'helm';
      source.helm = helmOptions(arr(chartSpec.valuesFiles).map((f) => repoPath({ ...repo, root: src.root! }, String(f)) ?? String(f)));
    }
  }
  if (!p.namespace && p.appliedBy) problems.push(problemAt(c, ['metadata'], `HelmRelease ${name} gets no namespace: neither it, the kustomization.yaml listing it nor ${p.appliedBy.name}'s targetNamespace sets one (kustomize-controller cannot apply it)`, 'no-namespace', 'warning'));
  const suspend = spec.suspend === true;
  return {
    id: appId(p.entry, 'hr', namespace, name), name, namespace, kind: 'flux-helmrelease', declaredIn: declarationOf(c), entryPoint: p.entry,
    sources: [source], destination: { namespace: targetNamespace ?? namespace, resolution: 'unresolved' },
    tracking: 'flux-labels', automated: !suspend, selfHeal: !suspend, autoPrune: true, syncOptions: [], ignoreDifferences: [],
    flux: {
      prune: true, suspend, targetNamespace, dependsOn: arr(spec.dependsOn).map((d) => `${str(obj(d).namespace) ?? namespace}/${str(obj(d).name)}`),
      substitute: {}, missingSubstituteFrom: [], appliedBy: p.appliedBy?.id,
      helm: { postRenderers: arr(spec.postRenderers).map(obj), commonMetadata: spec.commonMetadata ? (obj(spec.commonMetadata) as FluxBuildOptions['commonMetadata']) : undefined, originNamespace: namespace, originName: name },
    },
    problems,
  };
}

/**
 * The chart of a HelmRelease from a HelmRepository (`chart.spec`) or an OCIRepository
 * (`chartRef`) declared in the repo, as the chart cache takes it; undefined when the source
 * object is not here (or is a HelmChart / ExternalArtifact).
 */
function remoteChartOf(idx: Map<string, Found>, spec: Record<string, unknown>, chartSpec: Record<string, unknown>, ns: string): ChartRef | undefined {
  const ref = spec.chartRef !== undefined ? obj(spec.chartRef) : obj(chartSpec.sourceRef);
  const kind = str(ref.kind) ?? 'HelmRepository';
  if (kind !== 'HelmRepository' && kind !== 'OCIRepository') return undefined;
  const found = idx.get(resourceKey({ group: FLUX_SOURCE_GROUP, kind, namespace: str(ref.namespace) ?? ns, name: String(str(ref.name)) }));
  const src = obj(found?.doc.object?.spec);
  const url = str(src.url);
  if (!url) return undefined;
  if (kind === 'OCIRepository') {
    const r = obj(src.ref);
    return { repoURL: url, version: str(r.tag) ?? str(r.semver), digest: str(r.digest), plainHttp: src.insecure === true };
  }
  const chart = str(chartSpec.chart);
  if (!chart) return undefined;
  return { repoURL: url, chart, version: str(chartSpec.version), plainHttp: src.insecure === true };
}

/**
 * helm-controller's values (fluxcd/pkg/chartutil ChartValuesFromReferences): each `valuesFrom`
 * in order merged over the previous ones (a `targetPath` sets one value), then `spec.values`
 * merged over all. References to objects not in the repo are reported (optional ones quietly).
 */
function mergedValues(c: DeclContext, idx: Map<string, Found>, spec: Record<string, unknown>, ns: string, problems: AppProblem[]): Record<string, unknown> | undefined {
  const inline = spec.values !== undefined ? obj(spec.values) : undefined;
  const refs = arr(spec.valuesFrom).map(obj);
  if (refs.length === 0) return inline;
  let result: Record<string, unknown> = {};
  for (const [i, ref] of refs.entries()) {
    const kind = str(ref.kind) ?? 'ConfigMap';
    const found = idx.get(resourceKey({ group: '', kind, namespace: ns, name: String(str(ref.name)) }));
    const key = str(ref.valuesKey) ?? 'values.yaml';
    const o = found?.doc.object;
    const raw = !o ? undefined : kind === 'Secret' ? (obj(o.stringData)[key] as string | undefined) ?? (obj(o.data)[key] !== undefined ? Buffer.from(String(obj(o.data)[key]), 'base64').toString('utf8') : undefined) : (obj(o.data)[key] as string | undefined);
    if (raw === undefined) {
      if (ref.optional !== true) problems.push(problemAt(c, ['spec', 'valuesFrom', i], `valuesFrom ${kind} ${ns}/${str(ref.name)}${o ? ` has no key "${key}"` : ' is not in this repository'}; its values are left out`, 'missing-values', 'warning'));
      continue;
    }
    const targetPath = str(ref.targetPath);
    if (targetPath) {
      result = mergeMaps(result, inline ?? {});
      setPath(result, targetPath, ref.literal === true ? String(raw) : typedValue(String(raw)));
      continue;
    }
    try {
      result = mergeMaps(result, obj(parseValues(String(raw))));
    } catch (e) {
      problems.push(problemAt(c, ['spec', 'valuesFrom', i], `valuesFrom ${kind} ${ns}/${str(ref.name)} key "${key}" is not YAML: ${(e as Error).message}`, 'missing-values', 'warning'));
    }
  }
  return mergeMaps(result, inline ?? {});
}

function parseValues(text: string): unknown {
  return parseYaml(text) ?? {};
}

/** Helm's MergeMaps: maps merge recursively, anything else is replaced. */
export function mergeMaps(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev) ? mergeMaps(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** `--set`-style typing (Helm strvals): integers, booleans and null become typed. */
function typedValue(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v === 'null') return null;
  if (/^-?(0|[1-9]\d*)$/.test(v)) return Number(v);
  return v;
}

/** Sets `a.b[0].c` in place (Helm strvals paths). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts: (string | number)[] = [];
  for (const seg of path.match(/(?:\\.|[^.])+/g) ?? []) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(seg)!;
    if (m[1]) parts.push(m[1].replace(/\\\./g, '.'));
    for (const idxm of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(idxm[1]));
  }
  let cur: Record<string | number, unknown> = target;
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1) {
      cur[part] = value;
      return;
    }
    const nextIsIndex = typeof parts[i + 1] === 'number';
    if (!cur[part] || typeof cur[part] !== 'object') cur[part] = nextIsIndex ? [] : {};
    cur = cur[part] as Record<string | number, unknown>;
  }
}

function markDuplicates(apps: GitOpsApp[]): GitOpsApp[] {
  const seen = new Map<string, GitOpsApp>();
  const out: GitOpsApp[] = [];
  for (const a of apps) {
    const prev = seen.get(a.id);
    if (!prev) {
      seen.set(a.id, a);
      out.push(a);
      continue;
    }
    const sameDoc = prev.declaredIn?.file === a.declaredIn?.file && prev.declaredIn?.docIndex === a.declaredIn?.docIndex;
    const where = sameDoc ? `${a.declaredIn?.file}, applied by both ${prev.flux?.appliedBy ?? 'the cluster root'} and ${a.flux?.appliedBy ?? 'the cluster root'}` : `${prev.declaredIn?.file} and ${a.declaredIn?.file}`;
    prev.problems.push({ message: `${a.kind === 'flux-helmrelease' ? 'HelmRelease' : 'Kustomization'} ${a.namespace}/${a.name} is declared more than once in the tree of ${a.entryPoint}: ${where}`, severity: 'warning', code: 'duplicate-app', file: a.declaredIn?.file, range: a.declaredIn?.range });
  }
  return out;
}

