/**
 * The tracer: proves where rendered values come from by rendering again with the real tools.
 * Every place that may hold a wanted value gets a unique token, the repo's files are copied
 * to a temporary folder with the tokens written in (nothing else changes, byte for byte),
 * the app is discovered and rendered there exactly as the real render does it (kustomize,
 * helm, Flux substitution, the Argo CD / Flux options), and the token found in a rendered
 * field names the place its value was taken from. Before any answer is used, the tracer's
 * output with every token read back must equal the real render: a token that changed what
 * gets rendered (a patch target, a template condition) fails the trace instead of giving a
 * wrong place.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { discoverApps } from '../../apps/discover';
import type { GitOpsApp } from '../../apps/types';
import { valueAtPath, type JsonPath } from '../../manifest';
import { loadRepo, type RepoSnapshot } from '../../repo';
import { renderApp } from '../render';
import type { Toolchain } from '../toolchain';
import type { RenderResult } from '../types';
import { candidatesFor, carriesValues, fileKindOf, sitesOf, type Candidate, type Site } from './candidates';
import { yamlPlaces } from './sites';
import { sameRendered, TokenSet, type Token } from './tokens';

export interface TraceContext {
  app: GitOpsApp;
  render: RenderResult;
  repo: RepoSnapshot;
  tools: Toolchain;
  signal?: AbortSignal;
}

export interface WantedField { resource: number; path: JsonPath; value: unknown }

/** A traced field: its rendered value as literal text and tokens (one token: one place). */
export type TracedParts = ({ text: string } | { token: Token })[];

export interface TraceRun {
  /** False when the tokens changed what was rendered: no answer of this run may be used. */
  sound: boolean;
  why?: string;
  fields: (TracedParts | undefined)[];
  /** The site of each token's place (file kind, document kind). */
  siteOf: Map<Token, Site>;
  renders: number;
}

/** The files a trace copies and may write tokens into: what the render read, and where the app is declared. */
export function traceFiles(ctx: TraceContext): string[] {
  const files = new Set<string>(ctx.render.inputs);
  if (ctx.app.declaredIn) files.add(ctx.app.declaredIn.file);
  for (const f of ctx.app.flux?.substituteFromFiles ?? []) files.add(f);
  return [...files].filter((f) => f.startsWith(ctx.repo.root + sep) && !f.includes(`${sep}.git${sep}`));
}

async function readTexts(files: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(files.map(async (f) => {
    const t = await readFile(f, 'utf8').catch(() => undefined);
    if (t !== undefined) out.set(f, t);
  }));
  return out;
}

/** Every value place of the trace files that may carry values. */
export function sitesOfFiles(texts: Map<string, string>, chartDirs: ReadonlySet<string>): Site[] {
  const out: Site[] = [];
  for (const [file, text] of texts) for (const s of sitesOf(file, text, fileKindOf(file, text, chartDirs))) if (carriesValues(s)) out.push(s);
  return out;
}

const GENERATED_NAME = /^(.+)-[a-z0-9]{10}$/;

/**
 * Hashes of other content change with any token and carry no value of their own: annotations
 * like `checksum/config`, and the suffix kustomize appends to generated names (in the name and
 * in every reference to it).
 */
function isDigestPath(path: (string | number)[], a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  if (path[0] === 'metadata' && path[1] === 'annotations' && /^[0-9a-f]{32,}$/i.test(a) && /^[0-9a-f]{32,}$/i.test(b)) return true;
  const ga = GENERATED_NAME.exec(a);
  return !!ga && GENERATED_NAME.exec(b)?.[1] === ga[1];
}

/**
 * One trace: tokens at the candidate places of the wanted fields, one render in a copy of the
 * repo, the answer read back. `pick` chooses candidates per field (wide or keyed).
 */
export async function traceOnce(ctx: TraceContext, texts: Map<string, string>, wanted: WantedField[], pick: (w: WantedField) => Candidate[]): Promise<TraceRun> {
  const avoid = [...texts.values()].join('\n') + JSON.stringify(ctx.render.resources.map((r) => r.object));
  const tokens = new TokenSet(avoid);
  const siteOf = new Map<Token, Site>();
  const taken = new Set<string>();
  for (const w of wanted) {
    for (const c of pick(w)) {
      const k = `${c.site.place.file}:${c.site.place.start}`;
      if (taken.has(k)) continue;
      taken.add(k);
      siteOf.set(tokens.add(c.site.place, c.part), c.site);
    }
  }
  const run: TraceRun = { sound: false, fields: wanted.map(() => undefined), siteOf, renders: 0 };
  if (tokens.tokens.length === 0) return { ...run, sound: true, why: 'no place in the repo holds these values' };
  const edited = writeTokens(texts, tokens, siteOf);
  const rendered = await renderEdited(ctx, edited, texts.keys());
  run.renders = 1;
  if ('why' in rendered) return { ...run, why: rendered.why };
  if (rendered.resources.length !== ctx.render.resources.length) return { ...run, why: 'the traced copy renders another set of resources' };
  for (let i = 0; i < rendered.resources.length; i++) {
    const back = tokens.restore(rendered.resources[i].object);
    if (!sameRendered(back, ctx.render.resources[i].object, isDigestPath)) return { ...run, why: `the tokens changed the render of ${ctx.render.resources[i].id.kind} ${ctx.render.resources[i].id.name}` };
  }
  run.sound = true;
  run.fields = wanted.map((w) => tokens.split(valueAtPath(rendered.resources[w.resource]?.object, w.path)));
  return run;
}

/**
 * The app rendered from a copy of the repo in which some files have other contents: the
 * whole pipeline (discovery, the Argo CD / Flux options, kustomize, helm, substitution) as
 * the real render runs it, nothing written into the repo.
 */
export async function renderEdited(ctx: TraceContext, edited: Map<string, string>, alsoCopy: Iterable<string> = traceFiles(ctx)): Promise<RenderResult | { why: string }> {
  const out = await renderEditedApps(ctx, edited, [ctx.app], alsoCopy);
  return out.get(ctx.app.id) ?? { why: `${ctx.app.id} is not found in the copy` };
}

/** Several apps rendered from one edited copy of the repo (see renderEdited). */
export async function renderEditedApps(ctx: Pick<TraceContext, 'repo' | 'tools' | 'signal'>, edited: Map<string, string>, apps: GitOpsApp[], alsoCopy: Iterable<string> = []): Promise<Map<string, RenderResult | { why: string }>> {
  const tmp = await mkdtemp(join(tmpdir(), 'gitops-lens-trace-'));
  const out = new Map<string, RenderResult | { why: string }>();
  try {
    await copyRepo(ctx.repo, new Set([...alsoCopy, ...edited.keys()]), edited, tmp);
    const copy = await loadRepo(tmp, { noExec: true, extraRemotes: ctx.repo.remotes, copyOf: { root: ctx.repo.gitRoot, branch: ctx.repo.branch } });
    const found = discoverApps(copy).apps;
    for (const want of apps) {
      const app = found.find((a) => a.id === want.id);
      if (!app) { out.set(want.id, { why: `${want.id} is not found in the copy` }); continue; }
      const rendered = await renderApp({ ...app, destination: want.destination }, copy, ctx.tools, { signal: ctx.signal });
      out.set(want.id, rendered.ok ? rendered : { why: `the copy does not render: ${rendered.problems.map((p) => p.message.split(tmp).join(ctx.repo.root)).join('; ')}` });
    }
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The trace files with tokens written in; a token whose edit does not read back as intended is dropped. */
function writeTokens(texts: Map<string, string>, tokens: TokenSet, siteOf: Map<Token, Site>): Map<string, string> {
  const byFile = new Map<string, Token[]>();
  for (const t of tokens.tokens) byFile.set(t.place.file, [...(byFile.get(t.place.file) ?? []), t]);
  const out = new Map<string, string>();
  for (const [file, list] of byFile) {
    let keep = list;
    for (let attempt = 0; attempt < 2; attempt++) {
      const text = splice(texts.get(file)!, keep, tokens);
      const kind = siteOf.get(list[0])?.fileKind;
      const bad = kind === 'yaml' || kind === 'kustomization' ? misread(file, text, keep, tokens) : [];
      if (bad.length === 0) { out.set(file, text); break; }
      keep = keep.filter((t) => !bad.includes(t));
      if (attempt === 1 || keep.length === 0) out.set(file, splice(texts.get(file)!, keep, tokens));
    }
  }
  return out;
}

function splice(text: string, list: Token[], tokens: TokenSet): string {
  let out = text;
  for (const t of [...list].sort((a, b) => b.place.start - a.place.start)) out = out.slice(0, t.place.start) + tokens.sourceFor(t) + out.slice(t.place.end);
  return out;
}

/** Tokens whose place does not read back as the token after the edit (quoting the YAML did not keep). */
function misread(file: string, text: string, list: Token[], tokens: TokenSet): Token[] {
  const found = new Map<number, string | number>();
  yamlPlaces(file, text, (p) => found.set(p.start, p.value));
  let shift = 0;
  const bad: Token[] = [];
  for (const t of [...list].sort((a, b) => a.place.start - b.place.start)) {
    const at = t.place.start + shift;
    const want = tokens.expectedValue(t);
    if (String(found.get(at)) !== String(want)) bad.push(t);
    shift += tokens.sourceFor(t).length - (t.place.end - t.place.start);
  }
  return bad;
}

/**
 * The copy a trace renders: every YAML file of the repo (discovery reads them) and every
 * render input, at the same relative paths; the checked-out branch (Flux sources compare it).
 */
async function copyRepo(repo: RepoSnapshot, inputs: Set<string>, edited: Map<string, string>, to: string): Promise<void> {
  const files = new Set<string>([...repo.files.map((f) => f.file), ...inputs]);
  await Promise.all([...files].map(async (f) => {
    const rel = relative(repo.root, f);
    if (rel.startsWith('..')) return;
    const dest = join(to, rel);
    await mkdir(dirname(dest), { recursive: true });
    const text = edited.get(f);
    if (text !== undefined) await writeFile(dest, text);
    else if (existsSync(f)) await copyFile(f, dest);
  }));
}

/** The places a traced value was read from, in order (the candidates that reproduce it). */
function placesOf(parts: TracedParts, siteOf: Map<Token, Site>): Candidate[] {
  return parts.filter((p): p is { token: Token } => 'token' in p).map((p) => ({ site: siteOf.get(p.token)!, part: p.token.place.part }));
}

const placeKey = (parts: TracedParts | undefined) => JSON.stringify(parts?.map((p) => ('token' in p ? `${p.token.place.file}:${p.token.place.start}:${p.token.place.part?.index ?? ''}` : p.text)));

/**
 * Traces the wanted fields. A trace's answer is kept only when a second render with tokens at
 * the answering places alone gives the same answer: the value is then a function of those
 * places by themselves (a token elsewhere — in a label a patch selects on — cannot have made
 * another place look like the writer). When the wide trace changes the render or its answer
 * is not confirmed, each field is traced alone, then with only places under its own key.
 */
export async function traceFields(ctx: TraceContext, wanted: WantedField[], maxRenders = 16): Promise<{ fields: (TracedParts | undefined)[]; siteOf: Map<Token, Site>; renders: number; notes: string[] }> {
  const texts = await readTexts(traceFiles(ctx));
  const sites = sitesOfFiles(texts, ctx.repo.chartDirs);
  const out: (TracedParts | undefined)[] = wanted.map(() => undefined);
  const siteOf = new Map<Token, Site>();
  const notes: string[] = [];
  let renders = 0;
  const settled = new Set<number>();
  const attempt = async (idx: number[], keyed: boolean): Promise<void> => {
    const ws = idx.map((i) => wanted[i]);
    const run = await traceOnce(ctx, texts, ws, (w) => candidatesFor(sites, w.path, w.value, keyed));
    renders += run.renders;
    if (!run.sound) { if (run.why) notes.push(run.why); return; }
    const found = idx.map((i, j) => ({ i, parts: run.fields[j] })).filter((f) => f.parts);
    // Nothing holds these values as such (computed): that answer needs no confirmation.
    for (const i of idx) if (!found.some((f) => f.i === i)) settled.add(i);
    if (!found.length) return;
    const ws2 = found.map((f) => wanted[f.i]);
    const check = await traceOnce(ctx, texts, ws2, (w) => placesOf(found[ws2.indexOf(w)].parts!, run.siteOf));
    renders += check.renders;
    found.forEach((f, j) => {
      if (!check.sound || placeKey(check.fields[j]) !== placeKey(f.parts)) { notes.push(`not confirmed alone: ${placeKey(f.parts)}`); return; }
      out[f.i] = check.fields[j];
      for (const [t, site] of check.siteOf) siteOf.set(t, site);
      settled.add(f.i);
    });
  };
  const traceable = wanted.map((w, i) => ({ w, i })).filter(({ w }) => typeof w.value === 'string' || typeof w.value === 'number').map(({ i }) => i);
  if (traceable.length === 0) return { fields: out, siteOf, renders, notes };
  await attempt(traceable, false);
  for (const i of traceable) {
    if (settled.has(i) || renders >= maxRenders || ctx.signal?.aborted) continue;
    if (traceable.length > 1) await attempt([i], false);
    if (settled.has(i) || renders >= maxRenders) continue;
    await attempt([i], true);
  }
  return { fields: out, siteOf, renders, notes };
}

export type { Candidate };
