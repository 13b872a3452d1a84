/**
 * Provenance of rendered fields: the tracer's proof of the place in effect, then the places
 * it overrides (kustomize: the resource's own document and patch files; Helm: the values
 * sources in override order; Flux: the substituteFrom objects), and where the value passes
 * through on its way (the Helm template line, the `${var}` it was substituted into).
 */
import { readFileSync } from 'node:fs';
import { locatePath, parseManifestFile, valueAtPath, type JsonPath, type ManifestFile } from '../../manifest';
import { documentValueOf } from '../../manifest/parse';
import { isKustomizePatch } from '../../repo/roles';
import { locateField } from '../field-origin';
import type { RenderedResource } from '../types';
import { describeSite, helmSourceOf, type DescribeContext } from './describe';
import { lineComputing, lineReading } from './template-line';
import type { Site } from './candidates';
import type { Token } from './tokens';
import { traceFields, type TraceContext, type TracedParts } from './trace';
import { yamlPlaces } from './sites';
import type { ComposedPart, FieldProvenance, ValuePlace, Writer } from './types';
import { valuesChain } from './values-chain';

export interface ExplainRequest { resource: number; path: JsonPath }

/** Parsed files, read once per explanation. */
class Files {
  private readonly cache = new Map<string, ManifestFile | undefined>();
  file(path: string): ManifestFile | undefined {
    if (!this.cache.has(path)) {
      let f: ManifestFile | undefined;
      try { f = parseManifestFile(path, readFileSync(path, 'utf8')); } catch { f = undefined; }
      this.cache.set(path, f);
    }
    return this.cache.get(path);
  }
  private readonly texts = new Map<string, string | undefined>();
  /** A file's text without parsing it (Helm templates are not YAML). */
  text(path: string): string | undefined {
    if (!this.texts.has(path)) {
      let t: string | undefined;
      try { t = readFileSync(path, 'utf8'); } catch { t = undefined; }
      this.texts.set(path, t);
    }
    return this.texts.get(path);
  }
  doc(path: string, index: number): unknown {
    const f = this.file(path);
    return f ? documentValueOf(f, index) : undefined;
  }
}

const lastKey = (p: JsonPath) => [...p].reverse().find((s): s is string => typeof s === 'string');
const samePlace = (a: { file: string; range: { start: { line: number } } }, b: { file: string; range: { start: { line: number } } }) => a.file === b.file && a.range.start.line === b.range.start.line;

/** Explains each requested field of the render; undefined where nothing can be said. */
export async function explainFields(ctx: TraceContext, reqs: ExplainRequest[]): Promise<(FieldProvenance | undefined)[]> {
  const files = new Files();
  const wanted = reqs.map((q) => ({ resource: q.resource, path: q.path, value: valueAtPath(ctx.render.resources[q.resource]?.object, q.path) }));
  const plainDirectory = ctx.render.renderer === 'directory' && !ctx.app.flux;
  const traced = plainDirectory ? undefined : await traceFields(ctx, wanted);
  return reqs.map((q, k) => {
    const r = ctx.render.resources[q.resource];
    if (!r) return undefined;
    const dctx: DescribeContext = { app: ctx.app, resource: r, docOf: (f, i) => files.doc(f, i) };
    const parts = traced?.fields[k];
    const fromTrace = parts && provenanceOfParts(parts, traced!.siteOf, dctx, q.path, wanted[k].value);
    const prov = fromTrace ?? staticProvenance(ctx, r, q.path, wanted[k].value, files);
    if (!prov) return undefined;
    if (fromTrace && prov.chain.length === 1) prov.chain.push(...overridden(ctx, r, q.path, prov.chain[0], files));
    addVia(ctx, r, q.path, prov, files);
    return prov;
  });
}

function provenanceOfParts(parts: TracedParts, siteOf: Map<Token, Site>, dctx: DescribeContext, path: JsonPath, value: unknown): FieldProvenance | undefined {
  const tokens = parts.filter((p): p is { token: Token } => 'token' in p);
  if (tokens.length === 0) return undefined;
  // The token's place: for a part of a string (`KEY=value`) it names the part.
  const chain: Writer[] = tokens.map((p) => describeSite(dctx, { ...siteOf.get(p.token)!, place: p.token.place }));
  if (parts.length === 1) return { path, value, chain, method: 'traced' };
  let n = 0;
  const composed: ComposedPart[] = parts.map((p) => ('token' in p ? { writer: n++ } : { text: p.text }));
  return { path, value, chain, composed, method: 'traced' };
}

/** Places the one in effect overrides. */
function overridden(ctx: TraceContext, r: RenderedResource, path: JsonPath, top: Writer, files: Files): Writer[] {
  if (top.valuesPath !== undefined) {
    const src = helmSourceOf(ctx.app, r);
    if (!src) return [];
    const all = valuesChain(ctx.app, src, top.valuesPath, files);
    const at = all.findIndex((w) => samePlace(w, top));
    return at >= 0 ? all.slice(at + 1) : [];
  }
  if (top.role === 'flux-substitute' || top.role === 'substitute-from') {
    const name = top.role === 'flux-substitute' ? top.label.split(' ').pop()! : String(top.place?.path?.[1] ?? '');
    const out: Writer[] = [];
    for (const f of ctx.app.flux?.substituteFromFiles ?? []) {
      const mf = files.file(f);
      mf?.documents.forEach((d, i) => {
        if (d.kind !== 'resource' || !d.object || (d.object.kind !== 'ConfigMap' && d.object.kind !== 'Secret')) return;
        const v = valueAtPath(d.object, ['data', name]);
        const loc = v !== undefined && d.object.kind === 'ConfigMap' ? locatePath(mf, i, ['data', name]) : undefined;
        if (loc?.exact) out.push({ role: 'substitute-from', label: `ConfigMap ${String(d.object.metadata?.name)} ${name}`, file: f, range: loc.range, value: v });
      });
    }
    return out.reverse().filter((w) => !samePlace(w, top));
  }
  // Kustomize: patch files for the same object, then the object's own document.
  const out: Writer[] = [];
  const own = r.origin;
  const name = String(r.object.metadata?.name ?? '');
  for (const input of ctx.render.inputs) {
    if (input === own?.file || !/\.ya?ml$/.test(input) || !isKustomizePatch(input)) continue;
    const mf = files.file(input);
    mf?.documents.forEach((d, i) => {
      const o = documentValueOf(mf, i) as { kind?: unknown; metadata?: { name?: unknown } } | undefined;
      const pname = String(o?.metadata?.name ?? '');
      if (!o || o.kind !== r.object.kind || (pname && pname !== name && !name.includes(pname))) return;
      const loc = locatePath(mf, i, path);
      const v = valueAtPath(o, path);
      if (loc?.exact && v !== undefined && (v === null || typeof v !== 'object')) out.push({ role: 'patch', label: 'patch', file: input, range: loc.range, value: v });
    });
  }
  if (own && (own.via === 'kustomize-origin' || own.via === 'file')) {
    const mf = files.file(own.file);
    const loc = mf && locatePath(mf, own.docIndex, path);
    const v = mf && valueAtPath(documentValueOf(mf, own.docIndex), path);
    if (loc?.exact && v !== undefined && (v === null || typeof v !== 'object') && !String(v).includes('${')) out.push({ role: 'resource', label: 'resource', file: own.file, range: loc.range, value: v });
  }
  return out.filter((w) => !samePlace(w, top));
}

/** The template line a Helm value passes through, or the `${var}` a Flux value was substituted into. */
function addVia(ctx: TraceContext, r: RenderedResource, path: JsonPath, prov: FieldProvenance, files: Files): void {
  const own = r.origin;
  if (!own) return;
  if (own.via === 'helm-source') {
    const template = files.text(own.file);
    const reads = prov.chain.map((w) => w.valuesPath).filter((v): v is string => v !== undefined);
    const line = template && reads.length ? lineReading(template, reads, lastKey(path)) : undefined;
    if (line) prov.via = { role: 'template', file: own.file, range: line.range, text: line.text.trim() };
    return;
  }
  const mf = files.file(own.file);
  const v = mf && valueAtPath(documentValueOf(mf, own.docIndex), path);
  const loc = typeof v === 'string' && v.includes('${') ? locatePath(mf!, own.docIndex, path) : undefined;
  if (loc?.exact) prov.via = { role: 'substituted', file: own.file, range: loc.range, text: v as string };
}

/** Without a trace: the Helm template line that computes the value, or the place the files alone point at. */
function staticProvenance(ctx: TraceContext, r: RenderedResource, path: JsonPath, value: unknown, files: Files): FieldProvenance | undefined {
  const own = r.origin;
  if (own?.via === 'helm-source') {
    const template = files.text(own.file);
    const key = lastKey(path);
    const line = template && key ? lineComputing(template, key) : undefined;
    if (!line) return undefined;
    const src = helmSourceOf(ctx.app, r);
    const chain = src ? line.reads.flatMap((p) => valuesChain(ctx.app, src, p, files).slice(0, 1)) : [];
    return { path, value, chain, computed: { file: own.file, range: line.range, from: line.reads }, method: 'static' };
  }
  const loc = locateField(r, path, ctx.render.inputs, (p) => files.file(p));
  if (!loc?.exact) return undefined;
  const text = files.text(loc.file);
  let place: ValuePlace | undefined;
  // The scalar on that line holding the rendered value: editable in place.
  if (text && (typeof value === 'string' || typeof value === 'number')) yamlPlaces(loc.file, text, (p) => { if (!place && !p.inner && p.range.start.line === loc.range.start.line && String(p.value) === String(value) && lastKey(p.path ?? []) === lastKey(path)) place = p; });
  const role = loc.file === own?.file ? 'resource' : 'patch';
  return { path, value, chain: [{ role, label: role, file: loc.file, range: loc.range, value, ...(place ? { place } : {}) }], method: 'static' };
}

/** "3 from overlays/prod/replicas.yaml:6 (patch), overriding 1 in base/deployment.yaml:9". */
export function describeProvenance(p: FieldProvenance, rel: (file: string) => string): string {
  const at = (w: { file: string; range: { start: { line: number } } }) => `${rel(w.file)}:${w.range.start.line + 1}`;
  const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  if (p.computed) return `computed in ${rel(p.computed.file)}:${p.computed.range.start.line + 1} from ${p.computed.from.join(', ') || 'the template'}`;
  if (p.chain.length === 0) return '';
  if (p.composed) {
    const parts = p.composed.map((c) => ('text' in c ? JSON.stringify(c.text) : `${show(p.chain[c.writer].value)} (${at(p.chain[c.writer])})`)).join(' + ');
    return `${show(p.value)} = ${parts}${p.via ? `, via ${at(p.via)}` : ''}`;
  }
  const [top, ...rest] = p.chain;
  const head = `${show(p.value)} from ${at(top)} (${top.label})`;
  const over = rest.map((w) => `${show(w.value)} in ${at(w)} (${w.label})`).join(', ');
  const via = p.via ? `${p.via.role === 'template' ? ', via template' : ', substituted into'} ${at(p.via)}` : '';
  return `${head}${over ? `, overriding ${over}` : ''}${via}`;
}

