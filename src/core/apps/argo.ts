import { arr, declarationOf, isDir, isThisRepo, obj, problemAt, rendererFor, repoPath, str, type DeclContext } from './declare';
import type { AppProblem, AppSource, GitOpsApp, IgnoreDifference, JsonnetOptions } from './types';

export const ARGO_GROUP = 'argoproj.io';

/** An Argo CD `Application` as an app; sources in this repo are local and rendered. */
export function argoApplication(c: DeclContext, parent?: string): GitOpsApp {
  const o = c.object;
  const spec = obj(o.spec);
  const name = str(o.metadata?.name) ?? '';
  const namespace = str(o.metadata?.namespace) ?? 'argocd';
  const problems: AppProblem[] = [];
  const rawSources = spec.sources !== undefined ? arr(spec.sources) : spec.source !== undefined ? [spec.source] : [];
  const basePath = spec.sources !== undefined ? 'sources' : 'source';
  if (rawSources.length === 0) problems.push(problemAt(c, ['spec'], `Application ${name} has no source`, 'no-source'));
  const refs = new Map<string, AppSource>();
  const sources = rawSources.map((s, i) => {
    const src = argoSource(c, obj(s), spec.sources !== undefined ? ['spec', basePath, i] : ['spec', basePath], problems);
    if (src.ref) refs.set(src.ref, src);
    return src;
  });
  // `$ref/path` value files come from the source whose `ref` is that name.
  for (const [i, src] of sources.entries()) {
    if (!src.helm) continue;
    src.helm.valueFiles = src.helm.valueFiles.map((vf, j) => {
      const m = /^\$([^/]+)\/(.*)$/.exec(vf);
      if (!m) return src.dir ? repoPath(c.repo, `${src.path}/${vf}`) ?? vf : vf;
      const ref = refs.get(m[1]);
      if (!ref) {
        problems.push(problemAt(c, ['spec', basePath, i, 'helm', 'valueFiles', j], `value file ${vf}: no source has ref "${m[1]}"`, 'missing-ref'));
        return vf;
      }
      if (!ref.local) return vf;
      return repoPath(c.repo, m[2]) ?? vf;
    });
  }
  const dest = obj(spec.destination);
  const sync = obj(spec.syncPolicy);
  const automated = sync.automated !== undefined && sync.automated !== null && obj(sync.automated).enabled !== false;
  return {
    id: `argocd/${namespace}/${name}`,
    name, namespace, kind: 'argo-application', declaredIn: declarationOf(c), parent,
    sources,
    destination: { server: str(dest.server), name: str(dest.name), namespace: str(dest.namespace), resolution: 'unresolved' },
    tracking: 'argocd-annotation',
    automated, selfHeal: automated && obj(sync.automated).selfHeal === true, autoPrune: automated && obj(sync.automated).prune === true,
    syncOptions: arr(sync.syncOptions).map(String),
    ignoreDifferences: arr(spec.ignoreDifferences).map((x) => ignoreDifference(obj(x))),
    problems,
  };
}

function argoSource(c: DeclContext, s: Record<string, unknown>, at: (string | number)[], problems: AppProblem[]): AppSource {
  const repoURL = str(s.repoURL);
  const local = isThisRepo(c.repo, repoURL);
  const src: AppSource = { repoURL, path: str(s.path), targetRevision: str(s.targetRevision), ref: str(s.ref), chart: str(s.chart), local };
  const helm = s.helm !== undefined ? obj(s.helm) : undefined;
  const kz = s.kustomize !== undefined ? obj(s.kustomize) : undefined;
  const dir = s.directory !== undefined ? obj(s.directory) : undefined;
  const appName = str(c.object.metadata?.name) ?? 'release';
  if (helm) {
    src.helm = {
      releaseName: str(helm.releaseName) ?? appName,
      valueFiles: arr(helm.valueFiles).map(String),
      values: typeof helm.values === 'string' ? helm.values : helm.values !== undefined ? JSON.stringify(helm.values) : undefined,
      valuesObject: helm.valuesObject !== undefined ? obj(helm.valuesObject) : undefined,
      parameters: arr(helm.parameters).map((p) => ({ name: String(obj(p).name), value: String(obj(p).value ?? ''), forceString: obj(p).forceString === true })),
    };
  }
  if (kz) src.kustomize = { namePrefix: str(kz.namePrefix), nameSuffix: str(kz.nameSuffix), images: arr(kz.images).map(String), namespace: str(kz.namespace) };
  if (dir) src.directory = { recurse: dir.recurse === true, include: str(dir.include), exclude: str(dir.exclude), jsonnet: dir.jsonnet !== undefined ? jsonnetOptions(obj(dir.jsonnet)) : undefined };
  if (s.plugin !== undefined) {
    const p = obj(s.plugin);
    src.plugin = { name: str(p.name), env: arr(p.env).map((e) => ({ name: String(obj(e).name ?? ''), value: String(obj(e).value ?? '') })), parameters: arr(p.parameters).map(obj) };
  }
  if (src.chart && repoURL) {
    // A chart from a Helm repository (https://) or an OCI registry (oci://, or Argo's scheme-less host/path).
    src.remoteChart = { repoURL, chart: src.chart, version: src.targetRevision && src.targetRevision !== 'HEAD' ? src.targetRevision : undefined };
    src.local = false;
    src.renderer = src.plugin ? 'plugin' : 'helm';
    src.helm ??= { releaseName: appName, valueFiles: [], parameters: [] };
    return src;
  }
  if (!local || src.path === undefined) {
    if (src.plugin) src.renderer = 'plugin';
    return src;
  }
  const abs = repoPath(c.repo, src.path);
  if (!abs || !isDir(abs)) {
    problems.push(problemAt(c, [...at, 'path'], `source path "${src.path}" does not exist in this repository`, 'missing-path'));
    return src;
  }
  src.dir = abs;
  if (!src.ref || src.path) src.renderer = rendererFor(abs, src);
  if (src.renderer === 'helm' && !src.helm) src.helm = { releaseName: appName, valueFiles: [], parameters: [] };
  return src;
}

function jsonnetOptions(j: Record<string, unknown>): JsonnetOptions {
  const vars = (v: unknown) => arr(v).map(obj).map((x) => ({ name: String(x.name ?? ''), value: String(x.value ?? ''), code: x.code === true }));
  return { tlas: vars(j.tlas), extVars: vars(j.extVars), libs: arr(j.libs).map(String) };
}

function ignoreDifference(x: Record<string, unknown>): IgnoreDifference {
  return {
    group: str(x.group), kind: str(x.kind) ?? '*', name: str(x.name), namespace: str(x.namespace),
    jsonPointers: arr(x.jsonPointers).map(String), jqPathExpressions: arr(x.jqPathExpressions).map(String),
    managedFieldsManagers: arr(x.managedFieldsManagers).map(String),
  };
}

