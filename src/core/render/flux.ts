/**
 * The Flux parts of a render, kept out of render.ts:
 *  - the app as its parent applies it: a Kustomization or HelmRelease is what the parent
 *    Kustomization's build made of it (parent `spec.patches`, substitution, namespace), not
 *    the file as written;
 *  - sources that are not the working tree: another ref of this repo (`git archive`) or an
 *    ExternalArtifact (the files its ArtifactGenerator copies), materialized in a temporary
 *    folder;
 *  - after the build: post-build substitution, `commonMetadata`; for a HelmRelease the
 *    post-renderers, `commonMetadata` and helm-controller's origin labels.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { discoverApps } from '../apps/discover';
import { artifactFiles } from '../apps/flux-sources';
import { artifactExcludes, sourceignoreFiles } from '../apps/flux-ignore';
import { fluxAppFromObject } from '../apps/flux';
import type { AppSource, GitOpsApp } from '../apps/types';
import { exportRevision } from '../git/history';
import { resourceIdOf, type KubeObject } from '../manifest';
import type { RepoSnapshot } from '../repo';
import { withCommonMetadata } from './flux-build';
import { buildKustomization, kustomizeInputs } from './kustomize';
import { substituteVariables } from './substitute';
import type { Toolchain } from './toolchain';
import type { RenderedResource } from './types';

const appsByRepo = new WeakMap<RepoSnapshot, Map<string, GitOpsApp>>();

function appsOf(repo: RepoSnapshot): Map<string, GitOpsApp> {
  let m = appsByRepo.get(repo);
  if (!m) {
    m = new Map(discoverApps(repo).apps.map((a) => [a.id, a]));
    appsByRepo.set(repo, m);
  }
  return m;
}

/** The app that applies this one (its parent Kustomization), if the repo declares it. */
export function parentOf(app: GitOpsApp, repo: RepoSnapshot): GitOpsApp | undefined {
  return app.flux?.appliedBy ? appsOf(repo).get(app.flux.appliedBy) : undefined;
}

/**
 * The app as the parent's build applies it: the object with the same kind and name in the
 * parent's render, read back into an app (same id). Undefined when the parent renders no such
 * object (then the file as written is the best we know).
 */
export function effectiveApp(app: GitOpsApp, repo: RepoSnapshot, parentRender: RenderedResource[]): GitOpsApp | undefined {
  const kind = app.kind === 'flux-helmrelease' ? 'HelmRelease' : 'Kustomization';
  const hit = parentRender.find((r) => r.object.kind === kind && r.object.metadata?.name === app.name && (r.id.namespace ?? app.namespace) === app.namespace);
  if (!hit) return undefined;
  const again = fluxAppFromObject(repo, app, hit.object);
  // Discovery problems stay those of the file as written (they point at its lines).
  return again ? { ...again, problems: app.problems } : undefined;
}

/** A source materialized outside the working tree; `dispose` removes it. */
export interface MaterializedSource { dir: string; toRepo: (file: string) => string | undefined; dispose(): Promise<void> }

/** Files of another ref or of an ExternalArtifact in a temporary folder; undefined for the working tree. */
export async function materializeSource(src: AppSource, repo: RepoSnapshot, signal?: AbortSignal): Promise<MaterializedSource | undefined> {
  const archive = src.archive;
  if (!archive || !src.dir) return undefined;
  let root = repo.root;
  let exported: { dir: string; dispose(): Promise<void> } | undefined;
  if (archive.gitRef) {
    // An export or scratch copy has no history of its own: the ref is looked up where the files came from.
    exported = await exportRevision(repo.gitRoot, await refToExport(repo.gitRoot, archive.gitRef), { signal });
    root = exported.dir;
  }
  if (!archive.copies) {
    const dir = join(root, relative(repo.root, src.dir));
    // Files of another ref have no place in the working tree to point at.
    return { dir, toRepo: () => undefined, dispose: async () => exported?.dispose() };
  }
  const art = await mkdtemp(join(tmpdir(), 'gitops-lens-artifact-'));
  const all = await listAll(root);
  const copies = archive.copies.map((c) => ({ ...c, root: join(root, relative(repo.root, c.root)) }));
  const back = new Map<string, string>();
  for (const [target, from] of artifactFiles(copies, all)) {
    const to = join(art, target);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
    if (!exported) back.set(to, from);
  }
  return {
    dir: join(art, relative(repo.root, src.dir)),
    toRepo: (f) => back.get(f),
    dispose: async () => {
      await rm(art, { recursive: true, force: true });
      await exported?.dispose();
    },
  };
}

/** A branch that exists only as `origin/<branch>` is exported from there (never the working tree). */
async function refToExport(root: string, ref: string): Promise<string> {
  const { resolveRevision } = await import('../git/history');
  try {
    await resolveRevision(root, ref);
    return ref;
  } catch {
    await resolveRevision(root, `origin/${ref}`).catch(() => {
      throw new Error(`ref "${ref}" is neither a local branch, tag or commit nor origin/${ref} in this clone; fetch it (git fetch origin ${ref}) to render this source`);
    });
    return `origin/${ref}`;
  }
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** Files of the working tree that source-controller leaves out of this source's artifact. */
export function fluxArtifactExcludes(repo: RepoSnapshot, src: AppSource): (file: string) => boolean {
  return artifactExcludes(repo.root, sourceignoreFiles(repo.root, repo.files.map((f) => f.file)), src.ignore);
}

/** Input files of a Flux Kustomization build: the kustomization tree, its components, or the generated listing. */
export async function fluxKustomizeInputs(dir: string, app: GitOpsApp): Promise<string[]> {
  const files = (await kustomizeInputs(dir)).files;
  if (files.length === 0) files.push(...(await listAll(dir)).filter((f) => /\.ya?ml$/.test(f)));
  for (const c of app.flux?.build?.components ?? []) files.push(...(await kustomizeInputs(join(dir, c))).files);
  return files;
}

/** Post-build: substitution (when `spec.postBuild` is set), then `commonMetadata`. Throws Flux's message on a bad substitution. */
export function afterFluxBuild(resources: RenderedResource[], app: GitOpsApp): RenderedResource[] {
  const f = app.flux;
  if (!f) return resources;
  return resources.map((r) => {
    let object = r.object;
    if (f.postBuild) object = substituteVariables(object, f.substitute, { always: f.substituteAlways });
    object = withCommonMetadata(object, f.build?.commonMetadata);
    return object === r.object ? r : { ...r, object, id: resourceIdOf(object) };
  });
}

/**
 * helm-controller's post-rendering of `helm template` output: each `postRenderers[].kustomize`
 * (patches, images) through kustomize, then `commonMetadata`, then the origin labels
 * `helm.toolkit.fluxcd.io/name|namespace` on every object.
 */
export async function afterHelmRelease(objects: KubeObject[], app: GitOpsApp, tools: Toolchain, signal?: AbortSignal): Promise<{ object: KubeObject; from?: KubeObject }[]> {
  const h = app.flux?.helm;
  if (!h) return objects.map((o) => ({ object: o, from: o }));
  let out = objects;
  for (const pr of h.postRenderers) {
    const k = (pr.kustomize ?? undefined) as { patches?: unknown[]; images?: unknown[] } | undefined;
    if (!k || (!k.patches?.length && !k.images?.length)) continue;
    const dir = await mkdtemp(join(tmpdir(), 'gitops-lens-postrender-'));
    try {
      await writeFile(join(dir, 'resources.yaml'), out.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
      await writeFile(join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['resources.yaml'], patches: k.patches ?? [], images: k.images ?? [] }));
      const b = await buildKustomization(dir, undefined, tools, signal);
      if (b.problems.length) throw new Error(b.problems.map((p) => p.message).join('; '));
      out = b.objects;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // The template each object came from: same object, else same kind and name before post-rendering.
  const fromOf = (o: KubeObject) => (objects.includes(o) ? o : objects.find((x) => x.kind === o.kind && x.metadata?.name === o.metadata?.name));
  return out.map((o) => {
    const withMeta = withCommonMetadata(o, h.commonMetadata);
    return { object: withCommonMetadata(withMeta, { labels: { 'helm.toolkit.fluxcd.io/name': h.originName, 'helm.toolkit.fluxcd.io/namespace': h.originNamespace } }), from: fromOf(o) };
  });
}
