/**
 * Where a Flux `sourceRef` points, as far as this repository can tell:
 *  - a `GitRepository` naming this repo (by its remotes or `repoURL` in gitops-lens.yaml): the
 *    working tree when its ref is the checked-out branch, else that ref (rendered from
 *    `git archive`, never from the working tree);
 *  - the bootstrap source `flux-system/flux-system` when the repo does not declare it (flux
 *    bootstrap's gotk-sync placeholder) or a FluxInstance `spec.sync` names it: this repo,
 *    when the Kustomization's path exists here;
 *  - an `ExternalArtifact` made by an `ArtifactGenerator` of the repo: the files it copies;
 *  - a mapping in gitops-lens.yaml (`sources:`): this repo, or a folder of it;
 *  - anything else: remote, with the reason (an info, never an error).
 */
import { sep } from 'node:path';
import picomatch from 'picomatch';
import { resourceKey, type ManifestDocument, type ManifestFile } from '../manifest';
import type { RepoSnapshot } from '../repo';
import type { ArtifactCopy, SourceArchive } from './types';
import { isThisRepo, obj, repoPath, str, arr } from './declare';

export const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';
export const FLUX_SOURCE_EXT_GROUP = 'source.extensions.fluxcd.io';

export interface Found { file: ManifestFile; doc: ManifestDocument }

export interface SourceNote { message: string; severity: 'info' | 'warning'; code: string }

export interface ResolvedSource {
  local: boolean;
  url?: string;
  /** Absolute folder `spec.path` is relative to (the repo root, or a folder mapped in the config). */
  root?: string;
  archive?: SourceArchive;
  /** GitRepository `spec.ignore`. */
  ignore?: string;
  /** How it was resolved (bootstrap, config) or why it is remote. */
  note?: SourceNote;
  /** The repo file declaring the source, when there is one. */
  declaredIn?: string;
}

export interface SourceContext {
  repo: RepoSnapshot;
  idx: Map<string, Found>;
  /** gitops-lens.yaml `sources:` — `Kind/namespace/name` (or `namespace/name`) → folder of this repo. */
  mapped: Record<string, string>;
  /** Branch checked out in the working tree (undefined when detached or unknown). */
  branch?: string;
  /** FluxInstance sync sources: `namespace/name` of the GitRepository it creates → its ref. */
  instances: Map<string, { url?: string; ref?: string; file: string }>;
}

function mappedFolder(c: SourceContext, kind: string, ns: string, name: string): string | undefined {
  return c.mapped[`${kind}/${ns}/${name}`] ?? c.mapped[`${ns}/${name}`];
}

/** The ref of a GitRepository of this repo: undefined means "the checked-out branch". */
function gitRefOf(c: SourceContext, ref: Record<string, unknown>): { rev?: string; note?: SourceNote } {
  const commit = str(ref.commit);
  if (commit) return { rev: commit };
  const name = str(ref.name);
  if (name) return name === `refs/heads/${c.branch}` ? {} : { rev: name.replace(/^refs\/(heads|tags)\//, '') };
  const tag = str(ref.tag);
  if (tag) return { rev: tag };
  if (str(ref.semver)) return { note: { message: `ref.semver "${str(ref.semver)}" picks a tag at reconcile time; rendered from the working tree`, severity: 'info', code: 'source-ref' } };
  const branch = str(ref.branch);
  if (!branch || branch === c.branch) return {};
  return { rev: branch };
}

function gitRepository(c: SourceContext, found: Found, ns: string, name: string): ResolvedSource {
  const spec = obj(found.doc.object?.spec);
  const url = str(spec.url);
  const mapped = mappedFolder(c, 'GitRepository', ns, name);
  const ignore = str(spec.ignore);
  if (mapped !== undefined) return { local: true, url, root: repoPath(c.repo, mapped) ?? c.repo.root, ignore, declaredIn: found.file.file, note: { message: `GitRepository ${ns}/${name} is mapped to "${mapped}" in gitops-lens.yaml`, severity: 'info', code: 'source-mapped' } };
  // The bootstrap source lives in the tree it syncs: whatever URL it names, it is this repo.
  const bootstrap = ns === 'flux-system' && name === 'flux-system';
  if (!isThisRepo(c.repo, url) && !bootstrap) {
    return { local: false, url, declaredIn: found.file.file, note: { message: `GitRepository ${ns}/${name} is ${url ?? 'another repository'}, not this one; map it in gitops-lens.yaml (sources:) to render it from here`, severity: 'info', code: 'remote-source' } };
  }
  const { rev, note } = gitRefOf(c, obj(spec.ref));
  return { local: true, url, root: c.repo.root, ignore, declaredIn: found.file.file, note, archive: rev ? { gitRef: rev } : undefined };
}

/**
 * Resolves `sourceRef` of a Kustomization (or a HelmRelease chart) whose namespace is `ns`.
 * `pathInRepo` says whether the Kustomization's path exists in the working tree (the test for
 * taking an undeclared bootstrap source as this repo).
 */
export function resolveFluxSource(c: SourceContext, ref: Record<string, unknown>, ns: string, pathInRepo: boolean): ResolvedSource {
  const kind = str(ref.kind) ?? 'GitRepository';
  const name = str(ref.name) ?? '';
  const refNs = str(ref.namespace) ?? ns;
  const mapped = mappedFolder(c, kind, refNs, name);
  if (mapped !== undefined) {
    const root = repoPath(c.repo, mapped);
    if (root) return { local: true, root, note: { message: `${kind} ${refNs}/${name} is mapped to "${mapped}" in gitops-lens.yaml`, severity: 'info', code: 'source-mapped' } };
  }
  if (kind === 'GitRepository') {
    const found = c.idx.get(resourceKey({ group: FLUX_SOURCE_GROUP, kind, namespace: refNs, name }));
    if (found) return gitRepository(c, found, refNs, name);
    const inst = c.instances.get(`${refNs}/${name}`);
    if (inst && (!inst.url || isThisRepo(c.repo, inst.url) || pathInRepo)) {
      const { rev } = gitRefOf(c, inst.ref ? refFromFluxInstance(inst.ref) : {});
      return { local: true, url: inst.url, root: c.repo.root, declaredIn: inst.file, archive: rev ? { gitRef: rev } : undefined, note: { message: `GitRepository ${refNs}/${name} is created by the FluxInstance in ${inst.file}`, severity: 'info', code: 'source-fluxinstance' } };
    }
    if (refNs === 'flux-system' && name === 'flux-system' && pathInRepo) {
      return { local: true, root: c.repo.root, note: { message: 'GitRepository flux-system/flux-system is the source flux bootstrap creates (not declared here); taken as this repository', severity: 'info', code: 'source-bootstrap' } };
    }
    return { local: false, note: { message: `GitRepository ${refNs}/${name} is not declared in this repository (created outside Git?); map it in gitops-lens.yaml (sources:) to render from here`, severity: 'info', code: 'remote-source' } };
  }
  if (kind === 'ExternalArtifact') {
    const art = externalArtifact(c, refNs, name);
    if (art) return art;
    return { local: false, note: { message: `ExternalArtifact ${refNs}/${name} is made by no ArtifactGenerator of this repository`, severity: 'info', code: 'remote-source' } };
  }
  return { local: false, note: { message: `${kind} ${refNs}/${name} is not a Git source of this repository; map it in gitops-lens.yaml (sources:) to render from here`, severity: 'info', code: 'remote-source' } };
}

/** FluxInstance `spec.sync.ref` is a plain string: `refs/heads/main`, `refs/tags/v1`, a commit. */
function refFromFluxInstance(ref: string): Record<string, unknown> {
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  return /^[0-9a-f]{40}$/.test(ref) ? { commit: ref } : { name: ref };
}

/**
 * The files an ArtifactGenerator copies into the ExternalArtifact `name` (Flux 2.7
 * source-watcher): `from: "@alias/dir/**"` keeps paths below `dir`, `to: "@artifact/x/"`
 * puts them under `x/`; a single file copied to a name without a trailing `/` is renamed.
 */
function externalArtifact(c: SourceContext, ns: string, name: string): ResolvedSource | undefined {
  for (const [, found] of c.idx) {
    const id = found.doc.id;
    if (!id || id.group !== FLUX_SOURCE_EXT_GROUP || id.kind !== 'ArtifactGenerator' || (id.namespace ?? 'flux-system') !== ns) continue;
    const spec = obj(found.doc.object?.spec);
    const artifact = arr(spec.artifacts).map(obj).find((a) => str(a.name) === name);
    if (!artifact) continue;
    const aliases = new Map<string, ResolvedSource>();
    for (const s of arr(spec.sources).map(obj)) {
      const alias = str(s.alias);
      if (alias) aliases.set(alias, resolveFluxSource(c, { kind: str(s.kind) ?? 'GitRepository', name: str(s.name), namespace: str(s.namespace) }, ns, true));
    }
    const copies: ArtifactCopy[] = [];
    let gitRef: string | undefined;
    for (const cp of arr(artifact.copy).map(obj)) {
      const m = /^@([^/]+)\/?(.*)$/.exec(str(cp.from) ?? '');
      const src = m && aliases.get(m[1]);
      if (!m || !src) return { local: false, declaredIn: found.file.file, note: { message: `ExternalArtifact ${ns}/${name}: copy from "${str(cp.from)}" names no source of the ArtifactGenerator`, severity: 'warning', code: 'remote-source' } };
      if (!src.local || !src.root) return { local: false, declaredIn: found.file.file, note: { message: `ExternalArtifact ${ns}/${name} copies from ${m[1]}: ${src.note?.message ?? 'not this repository'}`, severity: 'info', code: 'remote-source' } };
      gitRef ??= src.archive?.gitRef;
      copies.push({ root: src.root, from: m[2], to: (str(cp.to) ?? '@artifact/').replace(/^@artifact\/?/, ''), exclude: str(cp.exclude) });
    }
    return { local: true, root: c.repo.root, declaredIn: found.file.file, archive: { gitRef, copies }, note: { message: `ExternalArtifact ${ns}/${name} is assembled by the ArtifactGenerator in ${found.file.file}`, severity: 'info', code: 'source-artifact' } };
  }
  return undefined;
}

/** Artifact path → absolute source file, for the files of `all` (absolute paths) that the copies take. */
export function artifactFiles(copies: ArtifactCopy[], all: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const cp of copies) {
    const segments = cp.from.split('/');
    const firstGlob = segments.findIndex((x) => /[*?[]/.test(x));
    const base = firstGlob < 0 ? segments.slice(0, -1).join('/') : segments.slice(0, firstGlob).join('/');
    const isMatch = picomatch(cp.from, { dot: true });
    const excluded = cp.exclude ? picomatch(cp.exclude, { dot: true }) : () => false;
    for (const f of all) {
      if (!f.startsWith(cp.root + sep)) continue;
      const r = f.slice(cp.root.length + 1).split(sep).join('/');
      if (!isMatch(r) || excluded(r)) continue;
      const below = base ? r.slice(base.length + 1) : r;
      const to = cp.to;
      const target = firstGlob < 0 && to && !to.endsWith('/') ? to : `${to}${to && !to.endsWith('/') ? '/' : ''}${below}`;
      out.set(target, f);
    }
  }
  return out;
}
