import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { rendererFor } from '../apps/declare';
import type { AppSource, GitOpsApp } from '../apps/types';
import { ChartUnavailableError, describeChart, resolveChart } from './chart-cache';
import { resolveGitSource, SourceUnavailableError } from './git-cache';
import type { Toolchain } from './toolchain';
import type { RenderProblem } from './types';

/** A source ready to render: a folder on disk and a renderer. */
export interface PreparedSource {
  src: AppSource & { dir: string };
  /**
   * Set when the files were fetched (a remote chart, a clone of another repository): they are
   * not repository files, so resources point at the app's declaration and the fetched
   * identity (chart version and digest, commit) keys the render.
   */
  fetched?: string;
  /** Root of the tree the source lives in (the repo, or the clone) for repo-relative paths. */
  root: string;
}

/**
 * The sources of an app that render, remote ones fetched (chart cache, shallow clones).
 * A source that cannot be fetched is a `source-unavailable` problem naming what and why:
 * the app is then Unknown, never rendered empty.
 */
export async function prepareSources(app: GitOpsApp, repoRoot: string, tools: Toolchain, signal?: AbortSignal): Promise<{ sources: PreparedSource[]; problems: RenderProblem[] }> {
  const sources: PreparedSource[] = [];
  const problems: RenderProblem[] = [];
  const at = { file: app.declaredIn?.file, range: app.declaredIn?.range };
  const clones = new Map<AppSource, string>();
  const cloneOf = async (s: AppSource): Promise<string> => {
    let dir = clones.get(s);
    if (!dir) {
      dir = (await resolveGitSource(s.repoURL!, s.targetRevision, tools, signal)).dir;
      clones.set(s, dir);
    }
    return dir;
  };
  for (const src of app.sources) {
    if (src.ref && src.path === undefined && !src.chart) continue; // only provides files to other sources
    try {
      if (src.remoteChart) {
        const c = await resolveChart(src.remoteChart, tools, signal);
        const helm = src.helm ? { ...src.helm, valueFiles: await valueFiles(src.helm.valueFiles, app, c.dir, cloneOf) } : undefined;
        sources.push({ src: { ...src, dir: c.dir, renderer: src.renderer ?? 'helm', helm }, fetched: `${describeChart(src.remoteChart)} = ${c.name}@${c.version}${c.digest ? `@${c.digest}` : ''}`, root: c.dir });
      } else if (src.local) {
        if (src.dir && src.renderer) {
          const helm = src.helm ? { ...src.helm, valueFiles: await valueFiles(src.helm.valueFiles, app, src.dir, cloneOf) } : undefined;
          sources.push({ src: { ...src, dir: src.dir, helm }, root: repoRoot });
        }
      } else if (src.repoURL && src.path !== undefined) {
        const clone = await cloneOf(src);
        const dir = resolve(clone, src.path);
        const rel = relative(clone, dir);
        if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(dir)) {
          problems.push({ message: `${app.name}: path "${src.path}" does not exist in ${src.repoURL}${src.targetRevision ? ` at ${src.targetRevision}` : ''}`, code: 'missing-path', ...at });
          continue;
        }
        const renderer = src.renderer ?? rendererFor(dir, src);
        const helm = src.helm ?? (renderer === 'helm' ? { releaseName: app.name, valueFiles: [], parameters: [] } : undefined);
        if (helm) helm.valueFiles = await valueFiles(helm.valueFiles, app, dir, cloneOf);
        const commit = (await resolveGitSource(src.repoURL, src.targetRevision, tools, signal)).commit;
        sources.push({ src: { ...src, dir, renderer, helm }, fetched: `${src.repoURL}@${commit}:${src.path}`, root: clone });
      } else {
        problems.push({ message: `${app.name}: a source from ${src.repoURL ?? 'an unknown repository'} has neither a path nor a chart; nothing to render`, code: 'missing-path', ...at });
      }
    } catch (e) {
      if (e instanceof ChartUnavailableError || e instanceof SourceUnavailableError) problems.push({ message: `${app.name}: ${e.message}`, code: 'source-unavailable', ...at });
      else throw e;
    }
  }
  return { sources, problems };
}

/**
 * Value files: `$ref/path` from the source whose `ref` is that name (cloned when it is
 * another repository), other relative paths from the source folder.
 */
async function valueFiles(files: string[], app: GitOpsApp, dir: string, cloneOf: (s: AppSource) => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const m = /^\$([^/]+)\/(.*)$/.exec(f);
    if (!m) {
      out.push(isAbsolute(f) ? f : join(dir, f));
      continue;
    }
    const ref = app.sources.find((s) => s.ref === m[1]);
    if (!ref || ref.local || !ref.repoURL) {
      out.push(f); // discovery reported it (missing ref), or already resolved it in this repo
      continue;
    }
    out.push(join(await cloneOf(ref), m[2]));
  }
  return out;
}
