/**
 * Which repo files a Flux Kustomization applies, and in which namespace, read statically (no
 * kustomize run) so discovery stays fast on fleets of hundreds of apps:
 *  - a folder with a kustomization file: its `resources`, `bases` and `components`, followed
 *    through sub-kustomizations; kustomize's `namespace:` of the outermost kustomization on
 *    the way wins (an overlay's namespace transformer replaces what the inner one set), and
 *    kustomize-controller writes `spec.targetNamespace` as the `namespace:` of the top one;
 *  - a folder without one: what kustomize-controller generates (fluxcd/pkg/kustomize
 *    scanManifests): every `.yaml`/`.yml` below it, except that a sub-folder holding a
 *    kustomization file is taken whole as one entry.
 * Files named as patches are not resources and are not listed.
 */
import { join, resolve, sep } from 'node:path';
import { documentValueOf } from '../manifest/parse';
import type { RepoSnapshot } from '../repo';
import { KUSTOMIZATION_FILES } from '../repo/roles';
import { arr, obj, str } from './declare';

export interface IncludedFile {
  file: string;
  /** The namespace kustomize gives objects of this file (undefined: the file's own). */
  namespace?: string;
}

const REMOTE = /^[a-z]+:\/\/|^git@|^github\.com\//i;

function kustomizationOf(repo: RepoSnapshot, dir: string): Record<string, unknown> | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const f = repo.byPath.get(join(dir, name));
    if (f) return obj(documentValueOf(f, 0));
  }
  return undefined;
}

/** Files applied by a Kustomization whose `spec.path` is `dir` (absolute, in the repo). */
export function includedFiles(repo: RepoSnapshot, dir: string, targetNamespace?: string, excluded: (file: string) => boolean = () => false): IncludedFile[] {
  const out = new Map<string, string | undefined>();
  const seen = new Set<string>();
  const walk = (d: string, outerNs: string | undefined, top: boolean): void => {
    if (seen.has(d)) return;
    seen.add(d);
    const k = kustomizationOf(repo, d);
    if (!k) {
      if (top || !repo.kustomizationDirs.has(d)) generated(d, outerNs);
      return;
    }
    const ns = outerNs ?? str(k.namespace);
    for (const e of [...arr(k.resources), ...arr(k.bases), ...arr(k.components)]) {
      if (typeof e !== 'string' || REMOTE.test(e)) continue;
      const abs = resolve(d, e);
      if (repo.kustomizationDirs.has(abs)) walk(abs, ns, false);
      else if (repo.byPath.has(abs)) add(abs, ns);
      else if (hasFilesUnder(repo, abs)) walk(abs, ns, true);
    }
  };
  const add = (f: string, ns: string | undefined) => {
    if (excluded(f)) return; // not in the source's artifact (.sourceignore, spec.ignore)
    if (!out.has(f) || (out.get(f) === undefined && ns !== undefined)) out.set(f, ns);
  };
  // kustomize-controller's generated kustomization: YAML files, and whole sub-kustomizations.
  const generated = (d: string, ns: string | undefined) => {
    const subKustomizations: string[] = [];
    for (const kd of repo.kustomizationDirs) if (kd.startsWith(d + sep)) subKustomizations.push(kd);
    const inSub = (f: string) => subKustomizations.some((kd) => f.startsWith(kd + sep));
    for (const f of repo.files) {
      if (!f.file.startsWith(d + sep) || !/\.ya?ml$/i.test(f.file) || inSub(f.file)) continue;
      add(f.file, ns);
    }
    // Only the outermost sub-kustomizations are entries (the walk skips below them).
    for (const kd of subKustomizations.filter((kd) => !subKustomizations.some((o) => o !== kd && kd.startsWith(o + sep)))) walk(kd, ns, false);
  };
  walk(dir, targetNamespace, true);
  return [...out].map(([file, namespace]) => ({ file, namespace }));
}

function hasFilesUnder(repo: RepoSnapshot, dir: string): boolean {
  return repo.files.some((f) => f.file.startsWith(dir + sep)) || repo.kustomizationDirs.has(dir);
}
