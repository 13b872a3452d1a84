/**
 * The inverse of a trace: the file change that makes an app render a given value in a field.
 * The value goes where the trace proved the desired value is set (the patch, the values key,
 * the Application's valuesObject, the substitute entry) — one scalar spliced in its own
 * quoting style, every other byte kept. When that place is shared with other apps, an edit
 * that changes only this app is offered too (a patch in its kustomization, a values key in
 * its Application or HelmRelease, a substitute entry). Every edit is checked by rendering the
 * app with it: it must render exactly the value asked for.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { formatJsonPath, locatePath, parseManifestFile, setValueInText, valueAtPath, type JsonPath, type ManifestFile } from '../../manifest';
import { documentValueOf } from '../../manifest/parse';
import { kustomizationFile } from '../../repo/roles';
import { explainFields } from './explain';
import { helmSourceOf } from './describe';
import { yamlPlaces } from './sites';
import { targetFor } from './target';
import { renderEdited, renderEditedApps, traceFiles, type TraceContext } from './trace';
import type { GitOpsApp } from '../../apps/types';
import type { RenderResult } from '../types';
import type { FieldProvenance, ValuePlace, Writer } from './types';

/** One file's change: its whole text before and after (only the value's bytes differ, or new lines are added). */
export interface ValueEdit {
  file: string;
  before: string;
  after: string;
  /** 1-based line of the written value. */
  line: number;
  /** What is written where, for people: `spec.replicas = 5 in apps/…/replicas.yaml:6 (patch)`. */
  description: string;
}

export interface WritePlan {
  provenance: FieldProvenance;
  /** The edit at the place in effect; absent when it cannot be made (see `reason`). */
  atOrigin?: ValueEdit;
  reason?: string;
  /** Other apps that render from the edited file: the new value reaches them too. */
  sharedWith: string[];
  /** An edit that changes only this app, when the place in effect is shared or cannot be edited. */
  override?: ValueEdit;
  overrideReason?: string;
}

/** Another app of the repo: the files its render reads and, when known, its current render. */
export interface OtherApp { app: GitOpsApp; files: string[]; render?: RenderResult }

export interface WriteOptions {
  /** The repo's other apps: the ones that read an edited file are rendered with the edit to see if they change. */
  otherApps?: OtherApp[];
}

/** The whole scalar's new value: the value, or for a place that holds part of a string, the string with that part replaced. */
function newScalar(place: ValuePlace, value: string | number): string | number {
  if (place.part && typeof place.value === 'string') return place.value.slice(0, place.part.index) + String(value) + place.value.slice(place.part.index + place.part.length);
  return value;
}

/** The scalar's source text in the place's quoting style, or undefined when it cannot be written there. */
export function scalarSource(place: ValuePlace, v: string | number): string | undefined {
  if (typeof v === 'number') return String(v);
  if (place.style === 'raw') return v.includes('\n') && place.start !== 0 ? undefined : v;
  if (v.includes('\n')) return undefined;
  if (place.style === 'double') return JSON.stringify(v);
  if (place.style === 'single') return `'${v.replace(/'/g, "''")}'`;
  // Plain, unless the text would read back as something else (a number, a boolean, a comment).
  try {
    if (parseYaml(`k: ${v}`)?.k === v && !/^\s|\s$/.test(v)) return v;
  } catch { /* quote it */ }
  return JSON.stringify(v);
}

/** True when the text still holds the traced value at the place. */
function stillThere(text: string, place: ValuePlace): boolean {
  if (place.style === 'raw') return place.start === 0 && place.end === text.length ? text === place.value : text.slice(place.start, place.end) === String(place.value);
  let found = false;
  yamlPlaces(place.file, text, (p) => { if (p.start === place.start && p.end === place.end && p.value === place.value) found = true; });
  return found;
}

/** The text with the place's value replaced, checked by reading the place back. */
export function writeAtPlace(text: string, place: ValuePlace, value: string | number): { text: string } | { reason: string } {
  if (!stillThere(text, place)) return { reason: `${place.file} changed since it was read; try again` };
  const v = newScalar(place, value);
  const src = scalarSource(place, v);
  if (src === undefined) return { reason: 'the value has a line break and cannot be written there in place' };
  const out = text.slice(0, place.start) + src + text.slice(place.end);
  if (place.style !== 'raw') {
    let back: string | number | undefined;
    yamlPlaces(place.file, out, (p) => { if (p.start === place.start) back = p.value; });
    if (back === undefined || back !== v) return { reason: `writing ${src} at ${place.file} would not read back as ${JSON.stringify(v)}` };
  }
  return { text: out };
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Where the value must go and the edit there (not yet verified by a render). */
async function editAtOrigin(prov: FieldProvenance, value: unknown, rel: (f: string) => string, shown: string): Promise<{ edit: ValueEdit; writer: Writer } | { reason: string }> {
  const t = targetFor(prov, value);
  if ('reason' in t) return t;
  const place = t.writer.place;
  if (!place) return { reason: `${rel(t.writer.file)}:${t.writer.range.start.line + 1} is known from the files only, not confirmed by a render; edit it by hand` };
  const before = await readFile(place.file, 'utf8');
  const w = writeAtPlace(before, place, t.value);
  if ('reason' in w) return w;
  return { writer: t.writer, edit: { file: place.file, before, after: w.text, line: lineAt(w.text, place.start), description: `${shown} = ${JSON.stringify(t.value)} in ${rel(place.file)}:${lineAt(before, place.start)} (${t.writer.label})` } };
}

/** Sets a value at a path of a YAML document, adding the missing mappings under the deepest existing one. */
export function setDeep(file: ManifestFile, docIndex: number, path: JsonPath, value: unknown): { text: string } | { reason: string } {
  const doc = documentValueOf(file, docIndex);
  let have = 0;
  while (have < path.length && valueAtPath(doc, path.slice(0, have + 1)) !== undefined) have++;
  if (have === path.length) {
    const r = setValueInText(file, docIndex, path, value);
    return r.ok ? { text: r.text } : { reason: r.reason };
  }
  let nested: unknown = value;
  for (let i = path.length - 1; i > have; i--) nested = typeof path[i] === 'number' ? [nested] : { [path[i]]: nested };
  if (typeof path[have] === 'number') return { reason: `${formatJsonPath(path.slice(0, have + 1))} is a list item that does not exist` };
  const r = setValueInText(file, docIndex, path.slice(0, have + 1), nested);
  return r.ok ? { text: r.text } : { reason: r.reason };
}

/** A JSON pointer (`/spec/template/spec/containers/0/image`). */
function pointer(path: JsonPath): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** This app's own kustomization gets an inline JSON6902 patch that sets the value. */
async function kustomizeOverride(ctx: TraceContext, index: number, path: JsonPath, value: unknown): Promise<{ file: string; before: string; after: string } | { reason: string }> {
  const src = ctx.app.sources.find((s) => s.renderer === 'kustomize' && s.dir);
  const kfile = src?.dir ? kustomizationFile(src.dir) : undefined;
  if (!kfile) return { reason: 'the app has no kustomization of its own to add a patch to' };
  const r = ctx.render.resources[index];
  const ownDoc = r.origin ? await readFile(r.origin.file, 'utf8').then((t) => documentValueOf(parseManifestFile(r.origin!.file, t), r.origin!.docIndex)).catch(() => undefined) : undefined;
  // kustomize matches a patch target against the resource's original name too.
  const name = String(valueAtPath(ownDoc, ['metadata', 'name']) ?? r.object.metadata?.name ?? '');
  const op = valueAtPath(r.object, path) === undefined ? 'add' : 'replace';
  const target: Record<string, string> = { ...(r.id.group ? { group: r.id.group } : {}), version: r.id.version, kind: r.id.kind, name };
  const patch = stringify([{ op, path: pointer(path), value }], { lineWidth: 0 }).trimEnd();
  const item = stringify([{ target, patch }], { lineWidth: 0, blockQuote: 'literal' }).trimEnd();
  const before = await readFile(kfile, 'utf8');
  const file = parseManifestFile(kfile, before, 'kustomization');
  const patches = valueAtPath(documentValueOf(file, 0), ['patches']);
  let after: string;
  if (Array.isArray(patches) && patches.length) {
    const loc = locatePath(file, 0, ['patches']);
    if (!loc?.valueOffsets || !loc.valueRange) return { reason: `${kfile}: patches is not a block list` };
    const [, e] = loc.valueOffsets;
    const body = before.slice(loc.valueOffsets[0], e);
    if (/^\s*\[/.test(body)) return { reason: `${kfile}: patches is a flow list; add the patch by hand` };
    const indent = ' '.repeat(loc.valueRange.start.character);
    const at = e - (/\n*$/.exec(body)![0].length);
    after = `${before.slice(0, at)}\n${item.split('\n').map((l) => indent + l).join('\n')}${before.slice(at)}`;
  } else if (patches === undefined) {
    after = `${before.replace(/\n*$/, '\n')}patches:\n${item.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
  } else return { reason: `${kfile}: patches is not a list` };
  return { file: kfile, before, after };
}

/** This app's Helm values (Argo CD valuesObject, HelmRelease values) get the values key. */
async function helmOverride(ctx: TraceContext, index: number, valuesPath: string, value: unknown): Promise<{ file: string; before: string; after: string } | { reason: string }> {
  const d = ctx.app.declaredIn;
  const src = helmSourceOf(ctx.app, ctx.render.resources[index]);
  if (!d || !src) return { reason: 'the app declares no Helm values of its own' };
  const before = await readFile(d.file, 'utf8');
  const file = parseManifestFile(d.file, before);
  const obj = documentValueOf(file, d.docIndex);
  let base: JsonPath;
  if (ctx.app.kind === 'flux-helmrelease') base = ['spec', 'values'];
  else if (ctx.app.kind === 'argo-application') {
    const i = ctx.app.sources.indexOf(src);
    base = valueAtPath(obj, ['spec', 'source']) !== undefined ? ['spec', 'source', 'helm', 'valuesObject'] : ['spec', 'sources', i, 'helm', 'valuesObject'];
  } else return { reason: `${ctx.app.kind} apps declare no Helm values` };
  const segs = valuesPath.split(/\.(?![^[]*\])/).flatMap((s) => s.split(/\[(\d+)\]/).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x)));
  const r = setDeep(file, d.docIndex, [...base, ...segs], value);
  return 'reason' in r ? r : { file: d.file, before, after: r.text };
}

/** This Flux Kustomization gets a postBuild.substitute entry. */
async function substituteOverride(ctx: TraceContext, variable: string, value: unknown): Promise<{ file: string; before: string; after: string } | { reason: string }> {
  const d = ctx.app.declaredIn;
  if (!d || ctx.app.kind !== 'flux-kustomization') return { reason: 'only a Flux Kustomization has postBuild.substitute' };
  const before = await readFile(d.file, 'utf8');
  const r = setDeep(parseManifestFile(d.file, before), d.docIndex, ['spec', 'postBuild', 'substitute', variable], String(value));
  return 'reason' in r ? r : { file: d.file, before, after: r.text };
}

function firstChangedLine(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1;
}

/** True when the app, rendered with this one file changed, renders `value` in the field. */
async function verify(ctx: TraceContext, index: number, path: JsonPath, value: unknown, file: string, text: string): Promise<string | undefined> {
  const out = await renderEdited(ctx, new Map([[file, text]]));
  if ('why' in out) return out.why;
  const got = valueAtPath(out.resources[index]?.object, path);
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  return same(got, value) ? undefined : `rendered with this change the field would be ${JSON.stringify(got)}, not ${JSON.stringify(value)}`;
}

/** The objects that declare this app in its parent's render (a Flux Kustomization applies the child's Kustomization): not a change of the parent's own. */
function declares(app: GitOpsApp, r: RenderResult['resources'][number]): boolean {
  const kind = app.kind === 'argo-application' ? 'Application' : app.kind === 'flux-kustomization' ? 'Kustomization' : app.kind === 'flux-helmrelease' ? 'HelmRelease' : undefined;
  return !!kind && r.object.kind === kind && r.object.metadata?.name === app.name;
}

/**
 * The other apps whose desired state an edit changes: each app that reads the file is rendered
 * with the edit and compared with its current render (an app without one counts as changed).
 */
async function appsChangedBy(ctx: TraceContext, edit: { file: string; after: string }, others: OtherApp[]): Promise<string[]> {
  const readers = others.filter((o) => o.app.id !== ctx.app.id && o.files.includes(edit.file));
  const known = readers.filter((o) => o.render?.ok);
  const out = readers.filter((o) => !o.render?.ok).map((o) => o.app.id);
  if (!known.length) return out;
  const after = await renderEditedApps(ctx, new Map([[edit.file, edit.after]]), known.map((o) => o.app), [...traceFiles(ctx), ...known.flatMap((o) => o.files)]);
  for (const o of known) {
    const a = after.get(o.app.id);
    if (!a || 'why' in a) { out.push(o.app.id); continue; }
    const mine = (rs: RenderResult['resources']) => rs.filter((r) => !declares(ctx.app, r)).map((r) => JSON.stringify(r.object));
    if (JSON.stringify(mine(a.resources)) !== JSON.stringify(mine(o.render!.resources))) out.push(o.app.id);
  }
  return out.sort();
}

/**
 * The change that makes the app render `value` at `path` of resource `index`: at the place
 * in effect, and an app-specific override when that place is shared or cannot be edited.
 */
export async function planValueWrite(ctx: TraceContext, index: number, path: JsonPath, value: unknown, opts: WriteOptions = {}): Promise<WritePlan | { reason: string }> {
  const [prov] = await explainFields(ctx, [{ resource: index, path }]);
  const shown = formatJsonPath(path);
  if (!prov) return { reason: `where ${shown} is set in Git could not be found` };
  const rel = (f: string) => relative(ctx.repo.root, f);
  const plan: WritePlan = { provenance: prov, sharedWith: [] };
  const at = await editAtOrigin(prov, value, rel, shown);
  let overrideWanted = false;
  if ('reason' in at) {
    plan.reason = at.reason;
    overrideWanted = true;
  } else {
    const why = await verify(ctx, index, path, value, at.edit.file, at.edit.after);
    if (why) { plan.reason = why; overrideWanted = true; } else plan.atOrigin = at.edit;
    plan.sharedWith = await appsChangedBy(ctx, at.edit, opts.otherApps ?? []);
    if (plan.sharedWith.length) overrideWanted = true;
  }
  if (!overrideWanted) return plan;
  // An edit only this app sees.
  const top = 'writer' in at ? at.writer : prov.chain[0];
  const t = targetFor(prov, value);
  const partValue = 'writer' in t ? t.value : value;
  const valuesPath = ('writer' in t ? t.writer : top)?.valuesPath;
  const role = ('writer' in t ? t.writer : top)?.role;
  let o: { file: string; before: string; after: string } | { reason: string };
  if (valuesPath !== undefined) o = await helmOverride(ctx, index, valuesPath, partValue);
  else if (role === 'flux-substitute' || role === 'substitute-from') o = await substituteOverride(ctx, role === 'flux-substitute' ? top!.label.split(' ').pop()! : String(top!.place?.path?.[1] ?? ''), partValue);
  else if (ctx.app.sources.some((s) => s.renderer === 'kustomize')) o = await kustomizeOverride(ctx, index, path, value);
  else o = { reason: 'this kind of app has no place for an app-specific value' };
  if ('reason' in o) { plan.overrideReason = o.reason; return plan; }
  const alsoChange = await appsChangedBy(ctx, o, opts.otherApps ?? []);
  if (alsoChange.length) { plan.overrideReason = `${rel(o.file)} is read by ${alsoChange.join(', ')} too`; return plan; }
  const why = await verify(ctx, index, path, value, o.file, o.after);
  if (why) { plan.overrideReason = why; return plan; }
  plan.override = { ...o, line: firstChangedLine(o.before, o.after), description: `${shown} = ${JSON.stringify(value)} for ${ctx.app.name} only, in ${rel(o.file)}` };
  return plan;
}
