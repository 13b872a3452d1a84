/**
 * Where a Helm values path is set, in Helm's override order: the chart's values.yaml, then
 * each value file, then (Argo CD) `helm.values`, `helm.valuesObject`, `helm.parameters` —
 * or (Flux) the HelmRelease's `spec.values`. The last one that sets the path is in effect;
 * the others are what it overrides.
 */
import { join } from 'node:path';
import type { AppSource, GitOpsApp } from '../../apps/types';
import { locatePath, parseJsonPath, valueAtPath, type JsonPath, type ManifestFile, type Range } from '../../manifest';
import { documentValueOf } from '../../manifest/parse';
import { yamlPlaces } from './sites';
import type { Writer, WriterRole } from './types';

export interface ValuesFiles {
  /** A parsed file (undefined when it cannot be read). */
  file(path: string): ManifestFile | undefined;
}

interface Found { file: string; range: Range; value: unknown }

function atPath(files: ValuesFiles, file: string, docIndex: number, path: JsonPath): Found | undefined {
  const f = files.file(file);
  if (!f) return undefined;
  const loc = locatePath(f, docIndex, path);
  if (!loc?.exact) return undefined;
  const value = valueAtPath(documentValueOf(f, docIndex), path);
  return value === undefined || (value !== null && typeof value === 'object') ? undefined : { file, range: loc.range, value };
}

/** A string block (Argo `helm.values`): the place of a path inside its YAML. */
function inBlock(files: ValuesFiles, file: string, docIndex: number, blockPath: JsonPath, path: JsonPath): Found | undefined {
  const f = files.file(file);
  if (!f) return undefined;
  let found: Found | undefined;
  yamlPlaces(file, f.text, (p) => {
    if (found || p.docIndex !== docIndex || !p.inner || JSON.stringify(p.path) !== JSON.stringify(blockPath) || JSON.stringify(p.inner) !== JSON.stringify(path)) return;
    found = { file, range: p.range, value: p.value };
  });
  return found;
}

/** The Helm section of the declaring document for this source (`spec.source.helm` or `spec.sources[i].helm`). */
function argoHelmPath(app: GitOpsApp, src: AppSource, files: ValuesFiles): JsonPath | undefined {
  const d = app.declaredIn;
  if (!d) return undefined;
  const f = files.file(d.file);
  const obj = f && documentValueOf(f, d.docIndex);
  if (valueAtPath(obj, ['spec', 'source', 'helm']) !== undefined) return ['spec', 'source', 'helm'];
  const i = app.sources.indexOf(src);
  return i >= 0 && valueAtPath(obj, ['spec', 'sources', i, 'helm']) !== undefined ? ['spec', 'sources', i, 'helm'] : undefined;
}

/** Every place that sets `valuesPath` for this source, last in effect first. */
export function valuesChain(app: GitOpsApp, src: AppSource, valuesPath: string, files: ValuesFiles): Writer[] {
  const path = parseJsonPath(valuesPath);
  const out: Writer[] = [];
  const add = (role: WriterRole, label: string, f: Found | undefined) => {
    if (f) out.push({ role, label, file: f.file, range: f.range, value: f.value, valuesPath });
  };
  if (src.dir) add('chart-values', `values.yaml ${valuesPath}`, atPath(files, join(src.dir, 'values.yaml'), 0, path));
  for (const vf of src.helm?.valueFiles ?? []) add('value-file', `${vf.split('/').pop()} ${valuesPath}`, atPath(files, vf, 0, path));
  const d = app.declaredIn;
  if (d && app.kind === 'argo-application') {
    const helm = argoHelmPath(app, src, files);
    if (helm) {
      add('argo-values', `helm.values ${valuesPath}`, inBlock(files, d.file, d.docIndex, [...helm, 'values'], path));
      add('argo-values-object', `valuesObject ${valuesPath}`, atPath(files, d.file, d.docIndex, [...helm, 'valuesObject', ...path]));
      const af = files.file(d.file);
      const params = af && valueAtPath(documentValueOf(af, d.docIndex), [...helm, 'parameters']);
      if (Array.isArray(params)) params.forEach((p, j) => {
        if ((p as { name?: unknown })?.name === valuesPath) add('argo-parameter', `helm parameter ${valuesPath}`, atPath(files, d.file, d.docIndex, [...helm, 'parameters', j, 'value']));
      });
    }
  }
  if (d && app.kind === 'flux-helmrelease') add('helmrelease-values', `HelmRelease values ${valuesPath}`, atPath(files, d.file, d.docIndex, ['spec', 'values', ...path]));
  return out.reverse();
}
