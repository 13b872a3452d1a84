// Oracles for provenance tests: the real tools on a variant of the fixture. A place is the
// origin of a field when changing the value there changes the rendered field; it is
// overridden when changing it there changes nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { discoverApps, type GitOpsApp } from '../../../../src/core/apps';
import { valueAtPath, type JsonPath, type KubeObject } from '../../../../src/core/manifest';
import { renderApp, type RenderResult, type Toolchain } from '../../../../src/core/render';
import { explainFields, type FieldProvenance } from '../../../../src/core/render/provenance';
import { loadRepo, type RepoSnapshot } from '../../../../src/core/repo';
import type { FixtureRepo } from '../../../support/repos';
import { removeTemp, tempDir } from '../../../support/temp';

export interface Explained { prov: FieldProvenance | undefined; app: GitOpsApp; render: RenderResult; repo: RepoSnapshot; index: number }

export async function explainOne(root: string, tools: Toolchain, appId: string, kind: string, name: string, path: JsonPath): Promise<Explained> {
  const repo = await loadRepo(root);
  const app = discoverApps(repo).apps.find((a) => a.id === appId);
  if (!app) throw new Error(`no app ${appId}: ${discoverApps(repo).apps.map((a) => a.id).join(', ')}`);
  const render = await renderApp(app, repo, tools);
  if (!render.ok) throw new Error(render.problems.map((p) => p.message).join('; '));
  const index = render.resources.findIndex((r) => r.object.kind === kind && nameMatches(name, r.object.metadata?.name));
  if (index < 0) throw new Error(`${kind}/${name} not rendered: ${render.resources.map((r) => `${r.object.kind}/${r.object.metadata?.name}`).join(', ')}`);
  const [prov] = await explainFields({ app, render, repo, tools }, [{ resource: index, path }]);
  return { prov, app, render, repo, index };
}

/** Zero-based line of the `nth` line whose trimmed text is `text`. */
export function lineOf(r: FixtureRepo, rel: string, text: string, nth = 0): number {
  const lines = r.read(rel).split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() === text && seen++ === nth) return i;
  throw new Error(`no line "${text}" (#${nth}) in ${rel}`);
}

export const rel = (r: FixtureRepo) => (f: string) => relative(r.root, f);

export interface Edit { file: string; line: number; to: string }

/** A copy of the fixture (with its git history) with lines replaced (indentation kept); removed by `cleanup`. */
export function variant(r: FixtureRepo, edits: Edit[]): { root: string; cleanup(): void } {
  const root = tempDir('gitops-lens-variant-');
  cpSync(r.root, root, { recursive: true });
  for (const e of edits) {
    const p = join(root, e.file);
    const lines = readFileSync(p, 'utf8').split('\n');
    const indent = /^\s*/.exec(lines[e.line])![0];
    lines[e.line] = indent + e.to.trimStart();
    writeFileSync(p, lines.join('\n'));
  }
  return { root, cleanup: () => removeTemp(root) };
}

/** `name*` matches a generator's hashed name (the hash changes with the content). */
export const nameMatches = (pattern: string, name: unknown) => (pattern.endsWith('*') ? String(name).startsWith(pattern.slice(0, -1)) : name === pattern);

/** The object of `kustomize build <dir>`, read straight from the tool's output. */
export function kustomizeObject(kustomize: string, dir: string, kind: string, name: string): KubeObject {
  const out = execFileSync(kustomize, ['build', dir, '--load-restrictor', 'LoadRestrictionsNone'], { encoding: 'utf8' });
  const o = parseAllDocuments(out).map((d) => d.toJS() as KubeObject).find((x) => x.kind === kind && nameMatches(name, x.metadata?.name));
  if (!o) throw new Error(`${kind}/${name} not in kustomize build output`);
  return o;
}

export function kustomizeValue(kustomize: string, dir: string, kind: string, name: string, path: JsonPath): unknown {
  return valueAtPath(kustomizeObject(kustomize, dir, kind, name), path);
}

/** The app rendered from a variant the way GitOps Lens renders it (Argo CD / Flux options applied). */
export async function pipelineValue(root: string, tools: Toolchain, appId: string, kind: string, name: string, path: JsonPath): Promise<unknown> {
  const repo = await loadRepo(root);
  const app = discoverApps(repo).apps.find((a) => a.id === appId)!;
  const render = await renderApp(app, repo, tools);
  if (!render.ok) throw new Error(render.problems.map((p) => p.message).join('; '));
  return valueAtPath(render.resources.find((x) => x.object.kind === kind && nameMatches(name, x.object.metadata?.name))?.object, path);
}

/** The origin's first writer as `file:line` (1-based), as the hover shows it. */
export function at(r: FixtureRepo, w: { file: string; range: { start: { line: number } } } | undefined): string {
  return w ? `${relative(r.root, w.file)}:${w.range.start.line + 1}` : '(none)';
}
