import type { GitOpsApp } from '../apps/types';
import { checkedOutBranch } from '../git/config';
import { commitInfo, exportRevision, repoTop, toRepoPath, uncommittedPaths } from '../git/history';
import { remoteUrls } from '../git/repo';
import { renderApp, toolchainFromEnv, type Toolchain } from '../render';
import type { RenderResult } from '../render/types';
import { findApp, loadWorkspace, type Workspace } from '../workspace';
import type { DesiredState, RevisionInfo } from './types';

export interface DesiredOptions {
  /** `HEAD` (default), any commit/branch/tag, or the working tree with its uncommitted edits. */
  revision?: string | { workingTree: true };
  kubeconfig?: string[];
  env?: NodeJS.ProcessEnv;
  tools?: Toolchain;
  signal?: AbortSignal;
}

export class DesiredStateError extends Error {}

/**
 * Renders an app as a revision of the repo has it. Committed revisions are exported to a
 * temporary folder first, so the user's working tree is never read or touched; origins and
 * inputs are then mapped back onto the repository's paths.
 */
export async function loadDesired(root: string, appRef: string, opts: DesiredOptions = {}): Promise<DesiredState> {
  const top = await repoTop(root).catch(() => {
    throw new DesiredStateError(`${root} is not inside a Git repository: GitOps Lens syncs committed state`);
  });
  const tools = opts.tools ?? toolchainFromEnv(opts.env ?? process.env);
  const rev = opts.revision ?? 'HEAD';
  if (typeof rev !== 'string') {
    const ws = await loadWorkspace(top, { kubeconfig: opts.kubeconfig, env: opts.env });
    const app = pick(ws.discovery.apps, appRef, 'the working tree');
    const render = await renderApp(app, ws.repo, tools, { signal: opts.signal });
    const head = await commitInfo(top, 'HEAD').catch(() => undefined);
    const changed = await uncommittedPaths(top, render.inputs);
    const revision: RevisionInfo = {
      kind: 'working-tree', commit: head?.hash, commitDate: head?.date, ref: 'working tree', uncommitted: changed.length > 0, uncommittedFiles: changed,
      label: changed.length ? `working tree (uncommitted changes in ${changed.length} file${changed.length > 1 ? 's' : ''})` : `working tree (same as HEAD ${head?.shortHash ?? ''})`.trim(),
    };
    return { repoRoot: top, app, render, revision, contextNamespace: contextNamespaceOf(ws, app) };
  }
  const exp = await exportRevision(top, rev, { signal: opts.signal });
  try {
    const remotes = await remoteUrls(top);
    const ws = await loadWorkspace(exp.dir, { kubeconfig: opts.kubeconfig, env: opts.env, extraRemotes: remotes, copyOf: { root: top, branch: checkedOutBranch(top) } });
    const app = pick(ws.discovery.apps, appRef, `${rev} (${exp.commit.slice(0, 8)})`);
    const render = await renderApp(app, ws.repo, tools, { signal: opts.signal });
    const info = await commitInfo(top, exp.commit);
    const revision: RevisionInfo = {
      kind: rev === 'HEAD' ? 'head' : 'commit', commit: exp.commit, ref: rev, commitDate: info.date, uncommitted: false, uncommittedFiles: [],
      label: `${rev === 'HEAD' ? 'HEAD' : rev} ${info.shortHash}`,
    };
    return { repoRoot: top, app: mapApp(app, exp.dir, top), render: mapRender(render, exp.dir, top), revision, contextNamespace: contextNamespaceOf(ws, app) };
  } finally {
    await exp.dispose();
  }
}

function contextNamespaceOf(ws: Workspace, app: GitOpsApp): string | undefined {
  return ws.kubeconfig.contexts.find((c) => c.name === app.destination.context)?.namespace;
}

function pick(apps: GitOpsApp[], ref: string, where: string): GitOpsApp {
  const found = findApp(apps, ref);
  if ('error' in found) throw new DesiredStateError(`${where}: ${found.error}`);
  return found;
}

function mapRender(r: RenderResult, from: string, to: string): RenderResult {
  const p = (f: string) => toRepoPath(from, to, f);
  const msg = (m: string) => m.split(from).join(to);
  return {
    ...r,
    inputs: r.inputs.map(p),
    problems: r.problems.map((x) => ({ ...x, message: msg(x.message), file: x.file && p(x.file) })),
    resources: r.resources.map((x) => (x.origin ? { ...x, origin: { ...x.origin, file: p(x.origin.file) } } : x)),
  };
}

function mapApp(app: GitOpsApp, from: string, to: string): GitOpsApp {
  const p = (f: string) => toRepoPath(from, to, f);
  return {
    ...app,
    declaredIn: app.declaredIn && { ...app.declaredIn, file: p(app.declaredIn.file) },
    sources: app.sources.map((s) => ({ ...s, dir: s.dir && p(s.dir), helm: s.helm && { ...s.helm, valueFiles: s.helm.valueFiles.map(p) } })),
    problems: app.problems.map((x) => ({ ...x, file: x.file && p(x.file) })),
  };
}
