import { join, relative, sep } from 'node:path';
import type { RepoSnapshot } from '../repo';
import { CONFIG_FILE, type ConfigApp } from './config';
import { arr, hasKustomization, isDir, obj, rendererFor, repoPath, str } from './declare';
import type { AppSource, GitOpsApp } from './types';

/** A folder rendered as an app of its own (kustomize root, plain folder, or a gitops-lens.yaml entry). */
export function plainApp(repo: RepoSnapshot, path: string, name?: string): GitOpsApp {
  const dir = repoPath(repo, path) ?? join(repo.root, path);
  const rel = relative(repo.root, dir).split(sep).join('/') || '.';
  return {
    id: `kustomize/${rel}`, name: name ?? rel, kind: hasKustomization(dir) ? 'kustomize' : 'directory',
    sources: [{ path: rel, dir, local: true, renderer: isDir(dir) ? rendererFor(dir, {}) : 'directory' }],
    destination: { resolution: 'unresolved' }, tracking: 'applyset', automated: false, selfHeal: false, autoPrune: false,
    syncOptions: [], ignoreDifferences: [], problems: [],
  };
}

const RENDERERS = ['directory', 'kustomize', 'helm', 'jsonnet', 'plugin'];

/**
 * An app declared in gitops-lens.yaml. `renderer` (helm, jsonnet, directory, kustomize, plugin)
 * picks how it renders and its section (`helm:`, `jsonnet:`, `plugin:`) the options, as an Argo
 * CD source would; `chart` + `repoURL` (+ `version`) names a remote chart instead of a path.
 */
export function configApp(repo: RepoSnapshot, a: ConfigApp): GitOpsApp {
  const file = join(repo.root, CONFIG_FILE);
  const raw = a.raw;
  const app = plainApp(repo, a.path ?? '.', a.name);
  const src: AppSource = app.sources[0];
  const problem = (message: string, code = 'config-app') => app.problems.push({ message: `${CONFIG_FILE}: app ${a.name}: ${message}`, severity: 'error', code, file });
  if (a.path === undefined) {
    app.id = `config/${a.name}`;
    app.kind = 'directory';
    app.sources = [{ local: false, repoURL: str(raw.repoURL), chart: str(raw.chart), targetRevision: str(raw.version), remoteChart: { repoURL: String(raw.repoURL), chart: String(raw.chart), version: str(raw.version) }, renderer: 'helm' }];
  } else if (!src.dir || !isDir(src.dir)) {
    problem(`path "${a.path}" does not exist`, 'missing-path');
    return app;
  }
  const s = app.sources[0];
  if (a.renderer !== undefined && !RENDERERS.includes(a.renderer)) problem(`renderer "${a.renderer}" is not one of ${RENDERERS.join(', ')}`);
  const renderer = a.renderer ?? s.renderer;
  const helm = obj(raw.helm);
  if (renderer === 'helm') {
    s.renderer = 'helm';
    s.helm = {
      releaseName: str(helm.releaseName) ?? a.name,
      valueFiles: arr(helm.valueFiles).map((f) => (s.dir ? join(s.dir, String(f)) : String(f))),
      valuesObject: helm.values !== undefined ? obj(helm.values) : undefined,
      parameters: [],
    };
  } else if (renderer === 'jsonnet') {
    const j = obj(raw.jsonnet);
    const vars = (v: unknown) => arr(v).map(obj).map((x) => ({ name: String(x.name ?? ''), value: String(x.value ?? ''), code: x.code === true }));
    s.renderer = 'directory';
    s.directory = { recurse: a.recurse === true, jsonnet: { tlas: vars(j.tlas), extVars: vars(j.extVars), libs: arr(j.libs).map(String) } };
  } else if (renderer === 'plugin') {
    const p = obj(raw.plugin);
    s.renderer = 'plugin';
    s.plugin = { name: str(p.name), env: arr(p.env).map((e) => ({ name: String(obj(e).name ?? ''), value: String(obj(e).value ?? '') })), parameters: arr(p.parameters).map(obj) };
    if (!s.plugin.name) problem('renderer plugin needs plugin.name');
  } else if (renderer === 'directory' || renderer === 'kustomize') s.renderer = renderer;
  if (a.recurse !== undefined && s.renderer === 'directory') s.directory = { ...s.directory, recurse: a.recurse };
  app.destination = { namespace: a.namespace, resolution: 'unresolved' };
  return app;
}
