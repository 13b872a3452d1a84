/**
 * What kustomize-controller builds for a Kustomization, following fluxcd/pkg/kustomize's
 * Generator: the kustomization file of `spec.path` (or the one it generates when there is
 * none) gets, in place, `namespace` = `spec.targetNamespace`, `namePrefix`/`nameSuffix`,
 * `spec.patches` appended, `spec.components` appended (relative to the path), `spec.images`
 * merged by name. We never write into the repo: the edited kustomization goes to a temporary
 * folder with every relative path in it rewritten to reach the same files.
 * After the build come post-build substitution and `spec.commonMetadata` (render.ts).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FluxBuildOptions } from '../apps/types';
import type { KubeObject } from '../manifest';
import { KUSTOMIZATION_FILES, kustomizationFile } from '../repo/roles';

const REMOTE = /^[a-z]+:\/\/|^git@|^github\.com\//i;
type K = Record<string, unknown>;

/** The kustomization kustomize-controller builds for `dir`, written for a folder at `at`. */
export async function fluxKustomization(dir: string, build: FluxBuildOptions | undefined, at: string, excluded: (file: string) => boolean = () => false): Promise<{ kustomization: K; kfile?: string }> {
  const kfile = kustomizationFile(dir);
  let k: K;
  if (kfile) {
    const parsed: unknown = parseYaml(await readFile(kfile, 'utf8'));
    k = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...(parsed as K) } : {};
  } else {
    k = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...(await generatedResources(dir, excluded)) };
  }
  rewritePaths(k, dir, at);
  const rel = (p: string) => relative(at, resolve(dir, p)) || '.';
  if (build?.targetNamespace !== undefined) k.namespace = build.targetNamespace;
  if (build?.namePrefix !== undefined) k.namePrefix = build.namePrefix;
  if (build?.nameSuffix !== undefined) k.nameSuffix = build.nameSuffix;
  if (build?.patches.length) k.patches = [...list(k.patches), ...build.patches.map(patchOf)];
  for (const c of build?.components ?? []) {
    if (!existsSync(resolve(dir, c)) && build?.ignoreMissingComponents) continue;
    k.components = [...list(k.components), rel(c)];
  }
  if (build?.images.length) k.images = mergeImages(list(k.images) as K[], build.images as K[]);
  // Origins tell us which file each object came from.
  k.buildMetadata = [...new Set([...list(k.buildMetadata).filter((x): x is string => typeof x === 'string'), 'originAnnotations'])];
  return { kustomization: k, kfile };
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Flux's Patch: `{patch, target}` where target carries group/version/kind/name/namespace/selectors. */
function patchOf(p: unknown): K {
  const o = (p && typeof p === 'object' ? p : {}) as K;
  const out: K = { patch: o.patch };
  if (o.target && typeof o.target === 'object') out.target = o.target;
  return out;
}

/** fluxcd/pkg/kustomize: an image of the same name is updated (newName; newTag and digest together), else added. */
function mergeImages(existing: K[], add: K[]): K[] {
  const out = existing.map((i) => ({ ...i }));
  for (const img of add) {
    const found = out.find((i) => i.name === img.name);
    if (!found) {
      out.push(Object.fromEntries(Object.entries({ name: img.name, newName: img.newName, newTag: img.newTag, digest: img.digest }).filter(([, v]) => v !== undefined && v !== '')));
      continue;
    }
    if (img.newName) found.newName = img.newName;
    if (img.newTag || img.digest) {
      found.newTag = img.newTag;
      found.digest = img.digest;
      for (const key of ['newTag', 'digest']) if (found[key] === undefined || found[key] === '') delete found[key];
    }
  }
  return out;
}

/**
 * kustomize-controller's generated kustomization (scanManifests): every `.yaml`/`.yml` below
 * `dir`, a sub-folder holding a kustomization file taken whole; an empty folder builds nothing.
 */
async function generatedResources(dir: string, excluded: (file: string) => boolean): Promise<K> {
  const resources: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (KUSTOMIZATION_FILES.some((f) => existsSync(join(p, f)))) resources.push(p);
        else await walk(p);
      } else if (/\.ya?ml$/.test(e.name) && !excluded(p)) resources.push(p);
    }
  };
  await walk(dir);
  const rel = resources.map((p) => `./${relative(dir, p).split(sep).join('/')}`);
  return rel.length ? { resources: rel } : { namespace: '_placeholder' };
}

/** Every file path a kustomization names, rewritten from `dir` to the same file seen from `at`. */
function rewritePaths(k: K, dir: string, at: string): void {
  const fix = (p: unknown): unknown => (typeof p === 'string' && p && !p.includes('\n') && !REMOTE.test(p) ? relative(at, resolve(dir, p)) || '.' : p);
  for (const key of ['resources', 'bases', 'components', 'crds', 'configurations', 'transformers', 'generators', 'validators', 'patchesStrategicMerge']) {
    if (Array.isArray(k[key])) k[key] = (k[key] as unknown[]).map((e) => (typeof e === 'string' && looksLikePath(e) ? fix(e) : e));
  }
  for (const key of ['patches', 'patchesJson6902', 'replacements']) {
    if (Array.isArray(k[key])) k[key] = (k[key] as K[]).map((p) => (p && typeof p === 'object' && typeof p.path === 'string' ? { ...p, path: fix(p.path) } : p));
  }
  for (const key of ['configMapGenerator', 'secretGenerator']) {
    if (!Array.isArray(k[key])) continue;
    k[key] = (k[key] as K[]).map((g) => {
      if (!g || typeof g !== 'object') return g;
      const out: K = { ...g };
      const withKey = (f: unknown) => (typeof f === 'string' && f.includes('=') ? `${f.slice(0, f.indexOf('=') + 1)}${fix(f.slice(f.indexOf('=') + 1))}` : typeof f === 'string' ? `${f.split('/').pop()}=${fix(f)}` : f);
      if (Array.isArray(g.files)) out.files = g.files.map(withKey);
      if (Array.isArray(g.envs)) out.envs = g.envs.map(fix);
      if (typeof g.env === 'string') out.env = fix(g.env);
      return out;
    });
  }
  if (k.openapi && typeof k.openapi === 'object' && typeof (k.openapi as K).path === 'string') k.openapi = { ...(k.openapi as K), path: fix((k.openapi as K).path) };
  if (k.helmGlobals && typeof k.helmGlobals === 'object' && typeof (k.helmGlobals as K).chartHome === 'string') k.helmGlobals = { ...(k.helmGlobals as K), chartHome: fix((k.helmGlobals as K).chartHome) };
  if (Array.isArray(k.helmCharts)) k.helmCharts = (k.helmCharts as K[]).map((h) => (h && typeof h.valuesFile === 'string' ? { ...h, valuesFile: fix(h.valuesFile) } : h));
}

/** patchesStrategicMerge entries may be inline YAML; anything with a newline or a colon-space is not a path. */
function looksLikePath(e: string): boolean {
  return !e.includes('\n') && !/:\s/.test(e);
}

/** Flux `commonMetadata` (ssautil.SetCommonMetadata): labels and annotations set on every object. */
export function withCommonMetadata(o: KubeObject, meta: FluxBuildOptions['commonMetadata']): KubeObject {
  if (!meta || (!meta.labels && !meta.annotations)) return o;
  const metadata = { ...(o.metadata ?? {}) };
  if (meta.labels) metadata.labels = { ...(metadata.labels ?? {}), ...meta.labels };
  if (meta.annotations) metadata.annotations = { ...(metadata.annotations ?? {}), ...meta.annotations };
  return { ...o, metadata };
}
