// Which app a repository file belongs to: the files each app renders from (and the file that
// declares it), so a Git change can say which other apps it touches.
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { GitOpsApp } from '../apps/types';
import { checkedOutBranch } from '../git/config';
import { exportRevision, toRepoPath } from '../git/history';
import { remoteUrls } from '../git/repo';
import { renderApp, toolchainFromEnv, type Toolchain } from '../render';
import type { RenderResult } from '../render/types';
import { findApp, loadWorkspace } from '../workspace';

/** One app's files, absolute: what its render read, its declaration, and its source folders. */
export interface AppFiles { appId: string; files: string[]; dirs: string[] }

export interface RenderAtOptions { kubeconfig?: string[]; env?: NodeJS.ProcessEnv; tools?: Toolchain; signal?: AbortSignal }

export function appFilesOf(app: GitOpsApp, render: RenderResult | undefined): AppFiles {
  return {
    appId: app.id,
    files: [...(render?.inputs ?? []), ...(app.declaredIn ? [app.declaredIn.file] : [])],
    dirs: app.sources.map((s) => s.dir).filter((d): d is string => !!d),
  };
}

const rel = (top: string, f: string) => relative(top, f).split(sep).join('/');

/** The apps (ids) a repo-relative path belongs to: an input of their render, or inside one of their source folders. */
export function ownersOf(top: string, path: string, apps: AppFiles[]): string[] {
  return apps.filter((a) => a.files.some((f) => rel(top, f) === path) || a.dirs.some((d) => {
    const r = rel(top, d);
    return r !== '' && !r.startsWith('..') && path.startsWith(`${r}/`);
  })).map((a) => a.appId);
}

/** Every app of a commit with the files it renders from, mapped onto the repository's paths. */
export async function appFilesAt(top: string, rev: string, opts: RenderAtOptions = {}): Promise<AppFiles[]> {
  const exp = await exportRevision(top, rev, { signal: opts.signal });
  try {
    const ws = await loadWorkspace(exp.dir, { kubeconfig: opts.kubeconfig, env: opts.env, extraRemotes: await remoteUrls(top), copyOf: { root: top, branch: checkedOutBranch(top) } });
    const tools = opts.tools ?? toolchainFromEnv(opts.env ?? process.env);
    const out: AppFiles[] = [];
    for (const app of ws.discovery.apps) {
      const r = await renderApp(app, ws.repo, tools, { signal: opts.signal });
      const f = appFilesOf(app, r);
      const p = (x: string) => toRepoPath(exp.dir, top, x);
      out.push({ appId: f.appId, files: f.files.map(p), dirs: f.dirs.map(p) });
    }
    return out;
  } finally {
    await exp.dispose();
  }
}

/**
 * Renders one app as it would be after writing `files` on top of a commit (HEAD): an export
 * of the commit in a temporary folder with the files applied. The repository is not touched.
 * Undefined when the app no longer exists there.
 */
export async function renderAppWith(top: string, rev: string, appId: string, files: { path: string; after: Buffer | null }[], opts: RenderAtOptions = {}): Promise<RenderResult | undefined> {
  const exp = await exportRevision(top, rev, { signal: opts.signal });
  try {
    for (const f of files) {
      const abs = join(exp.dir, f.path);
      if (f.after === null) await rm(abs, { force: true });
      else {
        await mkdir(dirname(abs), { recursive: true });
        await writeFile(abs, f.after);
      }
    }
    const ws = await loadWorkspace(exp.dir, { kubeconfig: opts.kubeconfig, env: opts.env, extraRemotes: await remoteUrls(top), copyOf: { root: top, branch: checkedOutBranch(top) } });
    const app = findApp(ws.discovery.apps, appId);
    if ('error' in app) return undefined;
    return await renderApp(app, ws.repo, opts.tools ?? toolchainFromEnv(opts.env ?? process.env), { signal: opts.signal });
  } finally {
    await exp.dispose();
  }
}
