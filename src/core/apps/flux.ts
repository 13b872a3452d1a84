import { resourceKey, type ManifestDocument, type ManifestFile } from '../manifest';
import { arr, declarationOf, isDir, isThisRepo, obj, problemAt, rendererFor, repoPath, str, type DeclContext } from './declare';
import type { AppProblem, AppSource, GitOpsApp } from './types';
import type { RepoSnapshot } from '../repo/scan';

export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
export const FLUX_HELM_GROUP = 'helm.toolkit.fluxcd.io';
export const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';

interface Found { file: ManifestFile; doc: ManifestDocument }

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

function sourceRef(c: DeclContext, idx: Map<string, Found>, ref: Record<string, unknown>, at: (string | number)[], problems: AppProblem[]): { local: boolean; url?: string } | undefined {
  const kind = str(ref.kind) ?? 'GitRepository';
  const name = str(ref.name) ?? '';
  const ns = str(ref.namespace) ?? str(c.object.metadata?.namespace) ?? 'flux-system';
  const found = idx.get(resourceKey({ group: FLUX_SOURCE_GROUP, kind, namespace: ns, name }));
  if (!found) {
    problems.push(problemAt(c, at, `sourceRef ${kind} ${ns}/${name} is not declared in this repository`, 'missing-source', kind === 'GitRepository' ? 'error' : 'warning'));
    return undefined;
  }
  const url = str(obj(found.doc.object?.spec).url);
  return { local: kind === 'GitRepository' && isThisRepo(c.repo, url), url };
}

/** Values for `${var}` substitution: inline, then ConfigMaps and Secrets of the repo. */
function substitutions(c: DeclContext, idx: Map<string, Found>, postBuild: Record<string, unknown>, problems: AppProblem[]): { values: Record<string, string>; missing: string[]; files: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  const files: string[] = [];
  const ns = str(c.object.metadata?.namespace) ?? 'flux-system';
  // Later entries win, and inline `substitute` wins over all of substituteFrom (Flux's order).
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
    for (const [k, v] of Object.entries(obj(o.data))) values[k] = kind === 'Secret' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v);
    for (const [k, v] of Object.entries(obj(o.stringData))) values[k] = String(v);
  }
  for (const [k, v] of Object.entries(obj(postBuild.substitute))) values[k] = String(v);
  return { values, missing, files: [...new Set(files)] };
}

export function fluxKustomization(c: DeclContext, idx: Map<string, Found>): GitOpsApp {
  const o = c.object;
  const spec = obj(o.spec);
  const name = str(o.metadata?.name) ?? '';
  const namespace = str(o.metadata?.namespace) ?? 'flux-system';
  const problems: AppProblem[] = [];
  const ref = sourceRef(c, idx, obj(spec.sourceRef), ['spec', 'sourceRef'], problems);
  const path = str(spec.path) ?? './';
  const source: AppSource = { path, repoURL: ref?.url, local: ref?.local ?? false };
  if (source.local) {
    const abs = repoPath(c.repo, path);
    if (!abs || !isDir(abs)) problems.push(problemAt(c, ['spec', 'path'], `path "${path}" does not exist in this repository`, 'missing-path'));
    else {
      source.dir = abs;
      // Flux builds a folder without a kustomization file as if it had one listing every manifest.
      const renderer = rendererFor(abs, {});
      source.renderer = renderer === 'helm' ? 'directory' : renderer;
      if (source.renderer === 'directory') source.directory = { recurse: true };
    }
  }
  const targetNamespace = str(spec.targetNamespace);
  if (targetNamespace) source.kustomize = { images: [], namespace: targetNamespace };
  const sub = substitutions(c, idx, obj(spec.postBuild), problems);
  const suspend = spec.suspend === true;
  return {
    id: `flux/${namespace}/${name}`, name, namespace, kind: 'flux-kustomization', declaredIn: declarationOf(c),
    sources: [source],
    destination: { namespace: targetNamespace, resolution: 'unresolved' },
    tracking: 'flux-labels', automated: !suspend, selfHeal: !suspend, autoPrune: spec.prune === true,
    syncOptions: [], ignoreDifferences: [],
    flux: {
      prune: spec.prune === true, suspend, targetNamespace,
      dependsOn: arr(spec.dependsOn).map((d) => `${str(obj(d).namespace) ?? namespace}/${str(obj(d).name)}`),
      substitute: sub.values, missingSubstituteFrom: sub.missing, substituteFromFiles: sub.files,
    },
    problems,
  };
}

export function fluxHelmRelease(c: DeclContext, idx: Map<string, Found>): GitOpsApp {
  const o = c.object;
  const spec = obj(o.spec);
  const name = str(o.metadata?.name) ?? '';
  const namespace = str(o.metadata?.namespace) ?? 'flux-system';
  const problems: AppProblem[] = [];
  const chartSpec = obj(obj(spec.chart).spec);
  const targetNamespace = str(spec.targetNamespace);
  const source: AppSource = { chart: str(chartSpec.chart), local: false };
  if (spec.chartRef !== undefined || obj(chartSpec.sourceRef).kind !== 'GitRepository') {
    problems.push(problemAt(c, ['spec', 'chart'], 'the chart comes from a Helm or OCI repository; only charts in this Git repository are rendered', 'remote-chart', 'info'));
  } else {
    const ref = sourceRef(c, idx, obj(chartSpec.sourceRef), ['spec', 'chart', 'spec', 'sourceRef'], problems);
    source.repoURL = ref?.url;
    source.local = ref?.local ?? false;
    source.path = source.chart;
    const abs = source.local && source.chart ? repoPath(c.repo, source.chart) : undefined;
    if (source.local && (!abs || !isDir(abs))) problems.push(problemAt(c, ['spec', 'chart', 'spec', 'chart'], `chart path "${source.chart}" does not exist in this repository`, 'missing-path'));
    else if (abs) {
      source.dir = abs;
      source.renderer = 'helm';
      source.helm = {
        releaseName: str(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${name}` : name),
        valueFiles: arr(chartSpec.valuesFiles).map((f) => repoPath(c.repo, String(f)) ?? String(f)),
        valuesObject: spec.values !== undefined ? obj(spec.values) : undefined,
        parameters: [],
      };
    }
  }
  const suspend = spec.suspend === true;
  return {
    id: `flux/${namespace}/${name}`, name, namespace, kind: 'flux-helmrelease', declaredIn: declarationOf(c),
    sources: [source], destination: { namespace: targetNamespace ?? namespace, resolution: 'unresolved' },
    tracking: 'flux-labels', automated: !suspend, selfHeal: !suspend, autoPrune: true, syncOptions: [], ignoreDifferences: [],
    flux: { prune: true, suspend, targetNamespace, dependsOn: arr(spec.dependsOn).map((d) => `${str(obj(d).namespace) ?? namespace}/${str(obj(d).name)}`), substitute: {}, missingSubstituteFrom: [] },
    problems,
  };
}
