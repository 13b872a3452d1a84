import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { ContextInfo } from '../cluster/kubeconfig';
import type { RepoSnapshot } from '../repo';
import { KUSTOMIZATION_FILES } from '../repo';
import type { KubeObject, ManifestDocument, ManifestFile } from '../manifest';
import { documentValueOf } from '../manifest/parse';
import { ARGO_GROUP, argoApplication } from './argo';
import { expandApplicationSet, type AppSetInputs } from './appset';
import { readRepoConfig, type RepoConfig } from './config';
import { arr, hasKustomization, isDir, obj, type DeclContext } from './declare';
import { configApp, plainApp } from './config-apps';
import { applyKustomizeBuildOptions } from './argocd-cm';
import { resolveDestination } from './destination';
import { discoverFluxApps, indexRepoObjects } from './flux';
import type { GitOpsApp, UnsupportedDeclaration } from './types';

export interface Discovery {
  apps: GitOpsApp[];
  unsupported: UnsupportedDeclaration[];
  config: RepoConfig;
}

/** Every GitOps app declared in the repo, each mapped to a kubeconfig context where possible. */
export function discoverApps(repo: RepoSnapshot, contexts: ContextInfo[] = []): Discovery {
  const config = readRepoConfig(repo);
  if (config.repoURLs.length) repo = { ...repo, remotes: [...new Set([...repo.remotes, ...config.repoURLs])] };
  const idx = indexRepoObjects(repo);
  const apps: GitOpsApp[] = [];
  const unsupported: UnsupportedDeclaration[] = [];
  for (const file of repo.files) {
    for (const doc of file.documents) {
      if (doc.kind !== 'resource' || !doc.id || !doc.object) continue;
      const c: DeclContext = { repo, file, doc, object: doc.object };
      const { group, kind } = doc.id;
      if (group === ARGO_GROUP && kind === 'Application') apps.push(argoApplication(c));
      else if (group === ARGO_GROUP && kind === 'ApplicationSet') {
        const set = expandApplicationSet(c, appSetInputs(repo, config, contexts));
        const parent = `argocd-appset/${doc.id.namespace ?? 'argocd'}/${doc.id.name}`;
        for (const o of set.apps) apps.push({ ...argoApplication({ ...c, object: o }, parent), problems: [] });
        apps.forEach((a) => a.parent === parent && a.problems.push(...set.problems));
        for (const u of set.unsupported) unsupported.push({ what: `ApplicationSet ${doc.id.name}`, reason: u, declaredIn: { file: file.file, docIndex: doc.index, range: doc.range } });
      }
    }
  }
  apps.push(...discoverFluxApps(repo, config, idx));
  for (const a of config.apps) {
    const app = configApp(repo, a);
    if (a.context) config.appContexts[app.id] = a.context;
    apps.push(app);
  }
  apps.push(...plainRoots(repo, apps));
  applyKustomizeBuildOptions(apps, repo, config);
  markAppOfApps(apps);
  for (const app of apps) app.destination = resolveDestination(app, contexts, config);
  return { apps: dedupe(apps), unsupported, config };
}

/** An Argo app declared inside another app's source folder is that app's child (app-of-apps). */
function markAppOfApps(apps: GitOpsApp[]): void {
  for (const child of apps) {
    if (child.parent || child.kind !== 'argo-application' || !child.declaredIn) continue;
    const parent = apps.find((p) => p !== child && p.kind === 'argo-application' && p.sources.some((s) => s.dir && child.declaredIn!.file.startsWith(s.dir + sep)));
    if (parent) child.parent = parent.id;
  }
}

function dedupe(apps: GitOpsApp[]): GitOpsApp[] {
  const seen = new Map<string, GitOpsApp>();
  for (const a of apps) {
    const prev = seen.get(a.id);
    if (prev && a.entryPoint !== undefined) continue; // Flux duplicates are reported by the tree walk, naming both files
    if (!prev) seen.set(a.id, a);
    else prev.problems.push({ message: `app ${a.id} is declared more than once (also in ${a.declaredIn?.file ?? 'the repo config'})`, severity: 'warning', code: 'duplicate-app', file: a.declaredIn?.file, range: a.declaredIn?.range });
  }
  return [...seen.values()];
}

/** Kustomization folders that no app and no other kustomization uses: apps of their own. */
function plainRoots(repo: RepoSnapshot, apps: GitOpsApp[]): GitOpsApp[] {
  const used = new Set<string>();
  const coveredTrees: string[] = [];
  for (const a of apps) {
    for (const s of a.sources) {
      // Flux: kustomize-controller applies a whole folder without a kustomization; an ExternalArtifact the folders it copies.
      for (const cp of s.archive?.copies ?? []) coveredTrees.push(join(cp.root, cp.from.split('/').filter((x) => !/[*?[]/.test(x)).join('/')));
      if (!s.dir || s.archive) continue;
      used.add(s.dir);
      if ((s.renderer === 'directory' && s.directory?.recurse) || (a.kind === 'flux-kustomization' && !hasKustomization(s.dir))) coveredTrees.push(s.dir);
      for (const c of a.flux?.build?.components ?? []) used.add(join(s.dir, c));
    }
  }
  for (const dir of repo.kustomizationDirs) for (const ref of referencedDirs(repo, dir)) used.add(ref);
  const inChart = (d: string) => [...repo.chartDirs].some((c) => d === c || d.startsWith(c + sep));
  return [...repo.kustomizationDirs]
    .filter((d) => !used.has(d) && !inChart(d) && !isComponent(repo, d) && !coveredTrees.some((t) => d === t || d.startsWith(t + sep)))
    .sort()
    .map((d) => plainApp(repo, relative(repo.root, d) || '.'));
}

/** A kustomize `Component` is only ever mixed into other kustomizations: never an app of its own. */
function isComponent(repo: RepoSnapshot, dir: string): boolean {
  const file = KUSTOMIZATION_FILES.map((f) => repo.byPath.get(join(dir, f))).find(Boolean);
  return !!file && obj(documentValueOf(file, 0)).kind === 'Component';
}

/** Folders a kustomization pulls in through resources, bases and components. */
function referencedDirs(repo: RepoSnapshot, dir: string): string[] {
  const file = KUSTOMIZATION_FILES.map((f) => repo.byPath.get(join(dir, f))).find(Boolean);
  if (!file) return [];
  const k = obj(documentValueOf(file, 0));
  return [...arr(k.resources), ...arr(k.bases), ...arr(k.components)]
    .filter((r): r is string => typeof r === 'string' && !/^[a-z]+:\/\/|^git@|^github\.com\//i.test(r))
    .map((r) => join(dir, r))
    .filter(isDir);
}

/** What ApplicationSet generators read: this repo's folders and files, and the clusters (gitops-lens.yaml, else kubeconfig contexts). */
function appSetInputs(repo: RepoSnapshot, config: RepoConfig, contexts: ContextInfo[]): AppSetInputs {
  let all: string[] | undefined;
  const files = () => (all ??= walkFiles(repo.root));
  return {
    listDirs: (globs) => matchDirs(repo, globs),
    listFiles: (globs) => {
      if (globs.length === 0) return [];
      const isMatch = picomatch(globs.map((g) => g.replace(/^\.?\/+/, '')), { dot: true });
      return files().filter((f) => isMatch(f));
    },
    read: (rel) => {
      const abs = join(repo.root, rel);
      const known = repo.byPath.get(abs);
      if (known) return known.text;
      try {
        return readFileSync(abs, 'utf8');
      } catch {
        return undefined;
      }
    },
    clusters: config.argoClusters.length ? config.argoClusters : contexts.map((c) => ({ name: c.name, server: c.server, labels: {}, annotations: {} })),
  };
}

/** Repo-relative paths of every file under the root (not .git): git-files generators match any file type. */
function walkFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Repo folders matching Argo's git-directory globs (`apps/*`), repo-relative. */
function matchDirs(repo: RepoSnapshot, globs: string[]): string[] {
  if (globs.length === 0) return [];
  const dirs = new Set<string>();
  for (const f of repo.files) for (let d = dirname(f.file); d.startsWith(repo.root + sep); d = dirname(d)) dirs.add(relative(repo.root, d).split(sep).join('/'));
  const isMatch = picomatch(globs.map((g) => g.replace(/^\.?\/+/, '')), { dot: false });
  return [...dirs].filter((d) => isMatch(d)).sort();
}

/** App-of-apps: `Application`s in an app's rendered output become its child apps. */
export function childApps(parent: GitOpsApp, rendered: { object: KubeObject; origin?: { file: string; docIndex: number } }[], repo: RepoSnapshot, contexts: ContextInfo[], config: RepoConfig): GitOpsApp[] {
  const out: GitOpsApp[] = [];
  for (const r of rendered) {
    if (r.object.kind !== 'Application' || !r.object.apiVersion.startsWith(`${ARGO_GROUP}/`)) continue;
    const file: ManifestFile | undefined = r.origin ? repo.byPath.get(r.origin.file) : undefined;
    const doc: ManifestDocument | undefined = file?.documents[r.origin!.docIndex];
    const c: DeclContext = file && doc ? { repo, file, doc, object: r.object } : { repo, file: { file: '', text: '', role: 'manifests', documents: [], problems: [] }, doc: { file: '', index: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, kind: 'resource', problems: [] }, object: r.object };
    const app = argoApplication(c, parent.id);
    app.destination = resolveDestination(app, contexts, config);
    out.push(app);
  }
  applyKustomizeBuildOptions(out, repo, config);
  return out;
}
