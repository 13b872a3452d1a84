/**
 * What a place is, in the words of the tool that reads it: a kustomize patch or field, a
 * Helm values source and the values path it sets, a Flux substitution variable.
 */
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AppSource, GitOpsApp } from '../../apps/types';
import { formatJsonPath, valueAtPath, type JsonPath } from '../../manifest';
import { isKustomizePatch } from '../../repo/roles';
import type { RenderedResource } from '../types';
import type { Site } from './candidates';
import type { ValuePlace, Writer, WriterRole } from './types';

export interface DescribeContext {
  app: GitOpsApp;
  resource: RenderedResource;
  /** Parsed documents of a file read for the trace (undefined when unknown). */
  docOf(file: string, index: number): unknown;
}

const fmt = (p: JsonPath) => formatJsonPath(p);

/** The value a place writes into the rendered field (its part, for a composed value). */
export function placeValue(p: ValuePlace): string | number {
  return typeof p.value === 'string' && p.part ? p.value.slice(p.part.index, p.part.index + p.part.length) : p.value;
}

function writer(role: WriterRole, label: string, place: ValuePlace, valuesPath?: string): Writer {
  return { role, label, file: place.file, range: place.range, value: placeValue(place), place, ...(valuesPath !== undefined ? { valuesPath } : {}) };
}

/** The values path a Helm parameter names (`image.tag`, `a.b[0]`). */
function parameterName(ctx: DescribeContext, p: ValuePlace, at: number): string | undefined {
  const name = valueAtPath(ctx.docOf(p.file, p.docIndex ?? 0), [...(p.path ?? []).slice(0, at + 2), 'name']);
  return typeof name === 'string' ? name : undefined;
}

function kustomizationWriter(ctx: DescribeContext, s: Site): Writer {
  const p = s.place;
  const path = p.path ?? [];
  const [top, i, field] = path;
  switch (top) {
    case 'patches': case 'patchesJson6902': case 'patchesStrategicMerge': {
      const text = valueAtPath(ctx.docOf(p.file, p.docIndex ?? 0), path);
      let what = 'inline patch';
      if (typeof text === 'string' && typeof p.inner?.[0] === 'number') {
        try {
          const op = (parseYaml(text) as { op?: string; path?: string }[])[p.inner[0] as number];
          if (op?.op && op.path) what = `inline patch ${op.op} ${op.path}`;
        } catch { /* the label stays generic */ }
      }
      return writer('patch', what, p);
    }
    case 'images': {
      const name = valueAtPath(ctx.docOf(p.file, p.docIndex ?? 0), ['images', i, 'name']);
      return writer('kustomization', `images ${typeof name === 'string' ? `${name} ` : ''}${String(field)}`, p);
    }
    case 'replicas': return writer('kustomization', 'replicas', p);
    case 'configMapGenerator': return writer('kustomization', 'configMapGenerator literal', p);
    case 'labels': case 'commonLabels': case 'commonAnnotations': return writer('kustomization', `${String(top)} ${String(path[path.length - 1])}`, p);
    default: return writer('kustomization', fmt(path), p);
  }
}

/** The Helm section of an Argo CD Application path (`spec.source.helm` / `spec.sources[i].helm`). */
function argoWriter(ctx: DescribeContext, p: ValuePlace): Writer | undefined {
  const path = p.path ?? [];
  const h = path.indexOf('helm');
  if (h >= 0) {
    const what = path[h + 1];
    if (what === 'valuesObject') { const v = fmt(path.slice(h + 2)); return writer('argo-values-object', `valuesObject ${v}`, p, v); }
    if (what === 'values' && p.inner) { const v = fmt(p.inner); return writer('argo-values', `helm.values ${v}`, p, v); }
    if (what === 'parameters') { const v = parameterName(ctx, p, h + 1) ?? ''; return writer('argo-parameter', `helm parameter ${v}`, p, v); }
    return writer('argo-values', fmt(path.slice(h)), p);
  }
  const k = path.indexOf('kustomize');
  if (k >= 0) return writer('argo-kustomize', fmt(path.slice(k)), p);
  return undefined;
}

function fluxWriter(s: Site, p: ValuePlace): Writer | undefined {
  const path = p.path ?? [];
  if (s.docKind === 'Kustomization' && path[0] === 'spec') {
    if (path[1] === 'postBuild' && path[2] === 'substitute') return writer('flux-substitute', `postBuild.substitute ${String(path[3])}`, p);
    if (path[1] === 'patches') return writer('patch', 'Flux Kustomization patch', p);
    return writer('flux-kustomization', fmt(path), p);
  }
  if (s.docKind === 'HelmRelease' && path[0] === 'spec') {
    if (path[1] === 'values') { const v = fmt(path.slice(2)); return writer('helmrelease-values', `HelmRelease values ${v}`, p, v); }
    return writer('helmrelease-values', fmt(path), p);
  }
  return undefined;
}

/** Describes the place of a traced token (or of a place found in the files). */
export function describeSite(ctx: DescribeContext, s: Site): Writer {
  const p = s.place;
  if (s.fileKind === 'kustomization') return kustomizationWriter(ctx, s);
  if (s.fileKind === 'template') return writer('template', 'template literal', p);
  if (s.fileKind === 'env') return writer('generator-file', 'env file', p);
  if (s.fileKind === 'file') return writer('generator-file', 'generator file', p);
  if (s.docKind === 'Application') return argoWriter(ctx, p) ?? writer('resource', fmt(p.path ?? []), p);
  const flux = fluxWriter(s, p);
  if (flux) return flux;
  const app = ctx.app;
  if ((s.docKind === 'ConfigMap' || s.docKind === 'Secret') && app.flux?.substituteFromFiles?.includes(p.file) && p.path?.[0] === 'data') {
    const name = valueAtPath(ctx.docOf(p.file, p.docIndex ?? 0), ['metadata', 'name']);
    return writer('substitute-from', `${s.docKind} ${String(name)} ${String(p.path[1])}`, p);
  }
  if ((s.docKind === 'ConfigMap' || s.docKind === 'Secret') && p.inner) { const v = fmt(p.inner); return writer('values-from', `valuesFrom ${v}`, p, v); }
  const helm = helmSourceOf(app, ctx.resource);
  if (helm?.dir && p.file === join(helm.dir, 'values.yaml')) { const v = fmt(p.path ?? []); return writer('chart-values', `values.yaml ${v}`, p, v); }
  if (app.sources.some((src) => src.helm?.valueFiles.includes(p.file))) { const v = fmt(p.path ?? []); return writer('value-file', `${basename(p.file)} ${v}`, p, v); }
  const own = ctx.resource.origin;
  if (own && own.file === p.file && own.docIndex === p.docIndex) return writer('resource', 'resource', p);
  if (isKustomizePatch(p.file)) return writer('patch', 'patch', p);
  return writer('resource', basename(dirname(p.file)) === 'base' ? 'base' : 'resource', p);
}

/** The Helm source of an app that rendered this resource (its template is in the chart). */
export function helmSourceOf(app: GitOpsApp, r: RenderedResource): AppSource | undefined {
  const helm = app.sources.filter((s) => s.helm && s.dir && s.renderer === 'helm');
  return helm.find((s) => r.origin?.file.startsWith(s.dir + '/')) ?? (helm.length === 1 ? helm[0] : undefined);
}
