import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { KubeObject } from '../../manifest';
import { asArr, isObj, type Obj } from '../rules/podspec';
import type { RawFinding } from '../types';
import { isThisRepo } from './repo-urls';

/** What GitOps-object checks need to know about the repo. */
export interface GitOpsContext {
  root: string;
  repoURLs: readonly string[];
  /** `GitRepository/<namespace>/<name>` and `OCIRepository/…`, `Bucket/…` found in the repo. */
  fluxSources: ReadonlySet<string>;
  exists(absPath: string): boolean;
}

export function cachedExists(): (p: string) => boolean {
  const cache = new Map<string, boolean>();
  return (p) => { let v = cache.get(p); if (v === undefined) { v = existsSync(p); cache.set(p, v); } return v; };
}

const inRepo = (ctx: GitOpsContext, p: string) => join(ctx.root, normalize(p.replace(/^\.?\//, '')));

/** Argo CD Application sources in this repo whose path does not exist. */
export function checkArgoApplication(obj: KubeObject, ctx: GitOpsContext): RawFinding[] {
  if (obj.kind !== 'Application' || !obj.apiVersion.startsWith('argoproj.io/')) return [];
  const spec = isObj(obj.spec) ? obj.spec : {};
  const out: RawFinding[] = [];
  const check = (src: unknown, path: (string | number)[]) => {
    if (!isObj(src) || typeof src.path !== 'string' || src.chart !== undefined) return;
    if (!isThisRepo(src.repoURL, ctx.repoURLs)) return;
    if (!ctx.exists(inRepo(ctx, src.path))) out.push({ ruleId: 'argo-source-path', path: [...path, 'path'], message: `source path "${src.path}" does not exist in this repository; fix the path or create the folder` });
  };
  check(spec.source, ['spec', 'source']);
  asArr(spec.sources).forEach((s, i) => check(s, ['spec', 'sources', i]));
  return out;
}

/** Flux Kustomization: missing path, or a sourceRef to no source object of the repo. */
export function checkFluxKustomization(obj: KubeObject, ctx: GitOpsContext): RawFinding[] {
  if (obj.kind !== 'Kustomization' || !obj.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) return [];
  const spec: Obj = isObj(obj.spec) ? obj.spec : {};
  const out: RawFinding[] = [];
  const ref: Obj = isObj(spec.sourceRef) ? spec.sourceRef : {};
  const kind = String(ref.kind ?? 'GitRepository');
  const ns = String(ref.namespace ?? obj.metadata?.namespace ?? 'flux-system');
  // Without any namespace the Kustomization gets one from the kustomization.yaml listing it: a source of that name anywhere will do.
  const declared = (k: string) => ctx.fluxSources.has(k) || (ref.namespace === undefined && obj.metadata?.namespace === undefined && [...ctx.fluxSources].some((s) => s.startsWith(`${kind}/`) && s.endsWith(`/${String(ref.name)}`)));
  // flux bootstrap's own GitRepository (often only a placeholder in the repo) and ArtifactGenerator outputs are made outside these files.
  const madeElsewhere = (kind === 'GitRepository' && ns === 'flux-system' && ref.name === 'flux-system') || kind === 'ExternalArtifact';
  if (typeof ref.name === 'string' && !madeElsewhere && !declared(`${kind}/${ns}/${ref.name}`)) {
    out.push({ ruleId: 'flux-source-ref', path: ['spec', 'sourceRef', 'name'], message: `sourceRef ${kind} ${ns}/${ref.name} is not defined in this repository; add it or fix the name` });
  }
  if (typeof spec.path === 'string' && kind === 'GitRepository' && !ctx.exists(inRepo(ctx, spec.path))) {
    out.push({ ruleId: 'flux-path', path: ['spec', 'path'], message: `path "${spec.path}" does not exist in this repository; fix the path or create the folder` });
  }
  return out;
}

const REMOTE = /^(https?:\/\/|git@|ssh:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/|oci:\/\/)|\?ref=|\/\/.*\?/;

/** kustomization.yaml entries that point at files or folders that do not exist. */
export function checkKustomization(k: Obj, file: string, ctx: Pick<GitOpsContext, 'exists'>): RawFinding[] {
  const dir = dirname(file);
  const out: RawFinding[] = [];
  const want = (p: unknown, path: (string | number)[], what: string) => {
    if (typeof p !== 'string' || p === '' || REMOTE.test(p) || p.includes('\n')) return;
    const abs = isAbsolute(p) ? p : join(dir, p);
    if (!ctx.exists(abs)) out.push({ ruleId: 'kustomize-missing-file', path, message: `${what} "${p}" does not exist (relative to ${dir}); fix the path or remove the entry` });
  };
  for (const field of ['resources', 'bases', 'components', 'crds', 'generators', 'transformers', 'validators', 'configurations']) {
    asArr(k[field]).forEach((p, i) => { if (typeof p === 'string' && !p.includes(':\n') && !/^\s*\w+:\s/.test(p)) want(p, [field, i], field === 'resources' ? 'resource' : field.replace(/s$/, '')); });
  }
  asArr(k.patchesStrategicMerge).forEach((p, i) => { if (typeof p === 'string' && !p.includes(':')) want(p, ['patchesStrategicMerge', i], 'patch'); });
  for (const field of ['patches', 'patchesJson6902']) asArr(k[field]).forEach((p, i) => { if (isObj(p)) want(p.path, [field, i, 'path'], 'patch'); });
  for (const gen of ['configMapGenerator', 'secretGenerator']) {
    asArr(k[gen]).forEach((g, gi) => {
      if (!isObj(g)) return;
      asArr(g.files).forEach((f, i) => { if (typeof f === 'string') want(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f, [gen, gi, 'files', i], 'file'); });
      asArr(g.envs).forEach((f, i) => want(f, [gen, gi, 'envs', i], 'env file'));
      if (g.env !== undefined) want(g.env, [gen, gi, 'env'], 'env file');
    });
  }
  if (isObj(k.openapi)) want(k.openapi.path, ['openapi', 'path'], 'openapi schema');
  return out;
}

/** Flux source objects of the repo, as keys for `fluxSources`. */
export function fluxSourceKey(obj: KubeObject): string | undefined {
  if (!obj.apiVersion.startsWith('source.toolkit.fluxcd.io/')) return undefined;
  if (!['GitRepository', 'OCIRepository', 'Bucket', 'HelmRepository'].includes(obj.kind)) return undefined;
  return `${obj.kind}/${obj.metadata?.namespace ?? 'flux-system'}/${obj.metadata?.name ?? ''}`;
}
