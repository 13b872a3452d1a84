import { readFile, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { ClusterClient } from '../cluster';
import { dirtyPaths, headOf } from '../git/tree';
import { formatJsonPath, locatePath, parseJsonPath, parseManifestFile, resourceKey, setValueInText, type JsonPath, type KubeObject } from '../manifest';
import { roleOf } from '../repo';
import { placeResource, scopeForRender } from '../placement';
import type { RenderedResource } from '../render/types';
import { loadDesired, type DesiredOptions } from '../sync/desired';
import { executeGitPlan, type GitUndo } from './git-apply';
import type { GitChangePlan, PlannedFile } from './git-plan';
import { refusalForFiles } from './git-revert';
import { appFilesAt, ownersOf, type AppFiles } from './ownership';

export type AdoptResult =
  | { ok: true; file: string; line: number; before: unknown; after: unknown; text: string; plan: GitChangePlan; committed?: string; undo?: GitUndo }
  | { ok: false; reason: string; file?: string; plan?: GitChangePlan };

export interface AdoptOptions extends Omit<DesiredOptions, 'revision'> {
  /** Also commit the one-file change (default: leave it in the working tree for review). */
  commit?: boolean | string;
  /** Plan the edit (the result's `plan`) but write nothing. */
  dryRun?: boolean;
  /** Every app's files, to name other apps that render from the edited file; default rendered at HEAD. */
  apps?: AppFiles[];
}

function valueAt(o: unknown, path: JsonPath): { found: boolean; value?: unknown } {
  let cur: unknown = o;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(String(seg) in (cur as object))) return { found: false };
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return { found: true, value: cur };
}

/**
 * Adopt live: write a value the cluster has into the YAML it came from, as a Git change,
 * splicing only that value so every comment, key order and blank line stays. Refused where
 * the value is not written literally in one plain YAML document: Helm templates, and values
 * produced by a kustomize patch or transformer.
 */
export async function adoptLiveValue(root: string, appRef: string, key: string, path: string | JsonPath, client: ClusterClient, opts: AdoptOptions = {}): Promise<AdoptResult> {
  const segs = typeof path === 'string' ? parseJsonPath(path) : path;
  const shown = formatJsonPath(segs);
  const desired = await loadDesired(root, appRef, { ...opts, revision: { workingTree: true } });
  if (!desired.render.ok) return { ok: false, reason: `${desired.app.id} does not render: ${desired.render.problems.map((p) => p.message).join('; ')}` };
  const scope = scopeForRender(desired.render, { discovery: await client.discover().catch(() => undefined), contextNamespace: client.defaultNamespace });
  const found = desired.render.resources.map((r) => ({ r, p: placeResource(r.id, desired.app, scope) })).find(({ r, p }) => p.keys.includes(key) || resourceKey(r.id) === key);
  const res = found?.r;
  if (!res || !found) return { ok: false, reason: `${key} is not a resource of ${desired.app.id}` };
  if (res.id.kind === 'Secret' && (segs[0] === 'data' || segs[0] === 'stringData')) return { ok: false, reason: 'refusing to write Secret values into Git' };
  let live: KubeObject | null;
  try {
    live = await client.get(found.p.id);
  } catch (e) {
    return { ok: false, reason: `cannot read the live object: ${(e as Error).message}` };
  }
  if (!live) return { ok: false, reason: `${key} does not exist in context "${client.context}"` };
  const liveValue = valueAt(live, segs);
  if (!liveValue.found) return { ok: false, reason: `the live object has no ${shown}; removing a field is not adopted automatically` };
  return adoptValue(desired.repoRoot, res, segs, liveValue.value, { ...opts, appId: desired.app.id });
}

/** The editing half of adopt-live, for a value already known (the editor has the live object). */
export async function adoptValue(repoRoot: string, res: RenderedResource, segs: JsonPath, value: unknown, opts: Omit<AdoptOptions, 'revision'> & { appId?: string } = {}): Promise<AdoptResult> {
  const shown = formatJsonPath(segs);
  const origin = res.origin;
  if (!origin) return { ok: false, reason: `${shown}: the source document of ${res.id.kind} ${res.id.name} is not known` };
  if (origin.via === 'helm-source') return { ok: false, file: origin.file, reason: `${shown} comes from a Helm template (${origin.file}); change the chart's values instead` };
  const bytes = await readFile(origin.file);
  const text = bytes.toString('utf8');
  const file = parseManifestFile(origin.file, text, roleOf(origin.file, { chartDirs: new Set(), patchFiles: new Set() }));
  if (file.role === 'helm-template') return { ok: false, file: origin.file, reason: `${origin.file} is a Helm template` };
  const doc = file.documents[origin.docIndex];
  if (!doc || doc.kind !== 'resource' || !doc.object || doc.id?.kind !== res.id.kind) return { ok: false, file: origin.file, reason: `${origin.file} changed since it was rendered; document ${origin.docIndex} is no longer ${res.id.kind} ${res.id.name}` };
  const inSource = valueAt(doc.object, segs);
  const rendered = valueAt(res.object, segs);
  if (origin.via !== 'file') {
    // Rendered by kustomize: only a value written literally in this document can be edited here.
    if (!inSource.found) return { ok: false, file: origin.file, reason: `${shown} is not written in ${origin.file}: it is produced by a kustomize patch or transformer; edit that instead` };
    if (JSON.stringify(inSource.value) !== JSON.stringify(rendered.value)) return { ok: false, file: origin.file, reason: `${shown} in ${origin.file} is changed by a kustomize patch or transformer before it is applied; edit the patch instead` };
  }
  if (JSON.stringify(inSource.value) === JSON.stringify(value)) return { ok: false, file: origin.file, reason: `${shown} in ${origin.file} already has the live value` };
  const edit = setValueInText(file, origin.docIndex, segs, value);
  if (!edit.ok) return { ok: false, file: origin.file, reason: `${shown}: ${edit.reason}` };
  const edited = parseManifestFile(origin.file, edit.text);
  const line = (locatePath(edited, origin.docIndex, segs)?.range.start.line ?? 0) + 1;
  const plan = await planAdoptEdit(repoRoot, origin.file, bytes, Buffer.from(edit.text, 'utf8'), `Adopt live ${shown} of ${res.id.kind} ${res.id.name}`, opts);
  const done = { ok: true as const, file: origin.file, line, before: inSource.value, after: value, text: edit.text, plan };
  if (plan.refusal) return { ok: false, file: origin.file, reason: plan.refusal, plan };
  if (opts.dryRun) return done;
  const written = await executeGitPlan(plan);
  if (!written.ok) return { ok: false, file: origin.file, reason: written.message, plan };
  return { ...done, committed: written.commit, undo: written.undo };
}

/**
 * The Git plan of an adopt: one file, edited in the working tree (on top of any uncommitted
 * edits, said so), or committed — then only from a file without uncommitted edits, so none of
 * the user's edits end up in the generated commit.
 */
async function planAdoptEdit(repoRoot: string, file: string, before: Buffer, after: Buffer, title: string, opts: { commit?: boolean | string; apps?: AppFiles[]; appId?: string; kubeconfig?: string[]; env?: NodeJS.ProcessEnv; tools?: DesiredOptions['tools']; signal?: AbortSignal }): Promise<GitChangePlan> {
  const path = relative(repoRoot, file).split(sep).join('/');
  const head = await headOf(repoRoot);
  const apps = opts.apps ?? (await appFilesAt(repoRoot, 'HEAD', { kubeconfig: opts.kubeconfig, env: opts.env, tools: opts.tools, signal: opts.signal }).catch(() => []));
  const owners = ownersOf(repoRoot, path, apps);
  const appId = opts.appId ?? owners[0] ?? '';
  const mode = ((await stat(file)).mode & 0o100) !== 0 ? '100755' : '100644';
  const planned: PlannedFile = { path, before, after, mode, apps: owners.length ? owners : [appId] };
  const plan: GitChangePlan = {
    kind: 'adopt-live', title, repoRoot, appId, head, files: [planned], warnings: [],
    base: opts.commit ? 'HEAD' : 'working tree',
    commitMessage: opts.commit ? (typeof opts.commit === 'string' ? opts.commit : title) : undefined,
  };
  const others = owners.filter((a) => a !== appId);
  if (others.length) plan.outside = { apps: others.map((a) => ({ appId: a, files: [path] })), unowned: [] };
  if (others.length) plan.warnings.push(`${path} is also rendered by ${others.join(', ')}: the new value reaches ${others.length === 1 ? 'that app' : 'those apps'} too`);
  const dirty = (await dirtyPaths(repoRoot, [path])).length > 0;
  if (opts.commit) {
    const why = await refusalForFiles(repoRoot, [planned]);
    if (why) plan.refusal = why;
  } else if (dirty) plan.warnings.push(`${path} has uncommitted edits; the value is written on top of them and nothing is committed`);
  return plan;
}
