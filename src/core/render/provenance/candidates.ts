/**
 * Which places may hold a rendered value: every value place of the files a render reads,
 * minus the ones that steer the render rather than carry values (identities, paths, patch
 * targets, source references, merge keys), matched against the rendered value: equal, a part
 * of it (a composed string), or containing it (a `KEY=value` literal).
 */
import { basename, dirname, relative, sep } from 'node:path';
import type { JsonPath } from '../../manifest';
import { KUSTOMIZATION_FILES } from '../../repo/roles';
import { envPlaces, templatePlaces, wholeFilePlace, yamlPlaces } from './sites';
import type { ValuePlace } from './types';

export type FileKind = 'kustomization' | 'yaml' | 'template' | 'env' | 'file';

export interface Site { place: ValuePlace; fileKind: FileKind; docKind?: string; innerKind?: string }

export function fileKindOf(file: string, text: string, chartDirs: ReadonlySet<string>): FileKind {
  if (KUSTOMIZATION_FILES.includes(basename(file))) return 'kustomization';
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) {
    if (chartDirs.has(d)) {
      const inside = relative(d, file).split(sep);
      if (inside[0] === 'templates') return /\.ya?ml$/.test(file) ? 'template' : 'file';
      break;
    }
  }
  if (/\.(ya?ml|json)$/i.test(file)) return 'yaml';
  const lines = text.split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  return lines.length && lines.every((l) => /^\s*[A-Za-z_][\w.-]*\s*=/.test(l)) ? 'env' : 'file';
}

export function sitesOf(file: string, text: string, kind: FileKind): Site[] {
  const out: Site[] = [];
  if (kind === 'yaml' || kind === 'kustomization') yamlPlaces(file, text, (place, docKind, innerKind) => out.push({ place, fileKind: kind, docKind, innerKind }));
  else if (kind === 'template') templatePlaces(file, text, (place) => out.push({ place, fileKind: kind }));
  else if (kind === 'env') envPlaces(file, text, (place) => out.push({ place, fileKind: kind }));
  else if (text.length > 0 && text.length < 65536 && !text.includes('\0')) out.push({ place: wholeFilePlace(file, text), fileKind: kind });
  return out;
}

/** Keys that name things, paths or sources: replacing their values would change what is rendered, not a value. */
const STEERING = new Set(['apiVersion', 'kind', 'repoURL', 'targetRevision', 'path', 'chart', 'ref', 'project', 'server', 'interval', 'sourceRef', 'chartRef', 'releaseName', 'revision', 'url', 'valueFiles', 'valuesFiles', 'dependsOn', 'serviceAccountName', 'targetNamespace']);

/** In a kustomization, only these fields carry values into the output. */
function kustomizationCarries(path: JsonPath, inner: JsonPath | undefined, innerKind: string | undefined): boolean {
  const [top, , field] = path;
  switch (top) {
    case 'namePrefix': case 'nameSuffix': case 'namespace': return path.length === 1;
    case 'commonLabels': case 'commonAnnotations': return path.length === 2;
    case 'labels': return path[2] === 'pairs' && path.length === 4;
    case 'replicas': return field === 'count';
    case 'images': return field === 'newName' || field === 'newTag' || field === 'digest';
    case 'configMapGenerator': return field === 'literals';
    case 'helmCharts': return field === 'valuesInline';
    case 'patches': case 'patchesJson6902': case 'patchesStrategicMerge':
      return inner !== undefined && innerCarries(inner, innerKind);
    default: return false;
  }
}

/** Inside an inline patch: a JSON6902 operation's `value`, or a strategic-merge patch's fields. */
function innerCarries(inner: JsonPath, innerKind: string | undefined): boolean {
  if (typeof inner[0] === 'number') return inner[1] === 'value';
  return objectFieldCarries(inner, innerKind);
}

/** A field of a Kubernetes object (not its identity nor a list item's merge key). */
function objectFieldCarries(path: JsonPath, kind: string | undefined): boolean {
  if (kind === 'Secret') return false;
  if (path.length === 1 && (path[0] === 'apiVersion' || path[0] === 'kind')) return false;
  if (path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace' || path[1] === 'generateName') && path.length === 2) return false;
  return true;
}

function lastKey(path: JsonPath | undefined): string | undefined {
  for (let i = (path?.length ?? 0) - 1; i >= 0; i--) if (typeof path![i] === 'string') return path![i] as string;
  return undefined;
}

/** Whether a place may carry values at all (decided once per place). */
export function carriesValues(s: Site): boolean {
  const p = s.place;
  if (s.fileKind === 'kustomization') return kustomizationCarries(p.path ?? [], p.inner, s.innerKind);
  if (s.fileKind !== 'yaml') return true;
  const path = p.inner ? [...(p.path ?? []), ...p.inner] : p.path ?? [];
  if (STEERING.has(lastKey(path) ?? '')) return false;
  if (!p.inner && !objectFieldCarries(p.path ?? [], s.docKind)) return false;
  if (p.inner && !objectFieldCarries(p.inner, s.innerKind)) return false;
  // A list item's `name` is its merge key (containers, env, ports): it pairs, it does not set.
  const i = path.length - 2;
  if (path[path.length - 1] === 'name' && typeof path[i] === 'number') return false;
  return true;
}

export interface Candidate { site: Site; part?: { index: number; length: number } }

/**
 * Places whose value may reach a field whose rendered value is `value`. `keyed` keeps only
 * places under the same key as the field and places that are not fields of an object
 * (values files, substitutions, kustomization fields): the narrower try when the wide one
 * changes the render.
 */
export function candidatesFor(sites: Site[], path: JsonPath, value: unknown, keyed = false): Candidate[] {
  if (typeof value !== 'string' && typeof value !== 'number') return [];
  const want = String(value);
  const key = lastKey(path);
  const exact: Candidate[] = [];
  const parts: Candidate[] = [];
  for (const site of sites) {
    const v = site.place.value;
    const s = String(v);
    if (keyed && site.fileKind === 'yaml' && !site.place.inner && lastKey(site.place.path) !== key && site.docKind && !['Application', 'Kustomization', 'HelmRelease', 'ConfigMap'].includes(site.docKind)) continue;
    if (s === want) { exact.push({ site }); continue; }
    if (typeof value === 'number') {
      // `KEY=3` literals and env lines carry a number as text.
      const m = typeof v === 'string' ? /^([\w.-]+=)(.*)$/.exec(v) : null;
      if (m && m[2] === want) parts.push({ site, part: { index: m[1].length, length: want.length } });
      continue;
    }
    if (s.length >= 2 && want.includes(s) && site.place.style !== 'raw') parts.push({ site });
    else if (typeof v === 'string' && want.length >= 3 && v.includes(want) && v.length < 4096) parts.push({ site, part: { index: v.indexOf(want), length: want.length } });
  }
  return [...exact, ...parts.slice(0, 40)];
}
