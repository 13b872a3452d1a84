/**
 * Drift on the line that writes the value: each drifted or rejected field gets the places that
 * set its desired value (render/provenance) and points at the one a user must edit — the
 * writer in effect, or for a composed value the part the live value changes. Answers are
 * remembered per render input hash, so a live change re-uses them and a Git change asks again.
 */
import type { GitOpsApp } from '../apps/types';
import { parseJsonPath, resourceKey, type JsonPath } from '../manifest';
import type { ExplainRequest } from '../render/provenance/explain';
import { targetFor } from '../render/provenance/target';
import type { FieldProvenance } from '../render/provenance/types';
import type { RenderedResource, RenderResult } from '../render/types';
import { LruMap } from './lru';
import type { FieldChange, InvalidField, ResourceDiff } from './types';

/** Provenance of fields of one render (an injected function: it runs the real tools). */
export type FieldExplainer = (app: GitOpsApp, render: RenderResult, requests: ExplainRequest[], signal?: AbortSignal) => Promise<(FieldProvenance | undefined)[]>;

/** Where the change belongs: the place a live value must be written to, else where the value is set or computed. */
function placeOf(p: FieldProvenance, live: unknown): { file: string; range: FieldChange['range'] } | undefined {
  const t = targetFor(p, live);
  if ('writer' in t) return { file: t.writer.file, range: t.writer.range };
  if (p.computed) return { file: p.computed.file, range: p.computed.range };
  const w = p.via?.role === 'template' ? p.via : p.chain[0];
  return w ? { file: w.file, range: w.range } : undefined;
}

export class FieldProvenances {
  private readonly known = new LruMap<string, FieldProvenance | null>(10_000);

  constructor(private readonly explain: FieldExplainer) {}

  /** Replaces, in `results` (one per rendered resource, same order), the changes and rejected fields with located ones. */
  async attach(app: GitOpsApp, render: RenderResult, resources: RenderedResource[], results: ResourceDiff[], signal?: AbortSignal): Promise<void> {
    if (!render.inputHash) return;
    const keyOf = (i: number, path: JsonPath) => `${app.id}|${render.inputHash}|${resourceKey(resources[i].id)}|${JSON.stringify(path)}`;
    const asks: ExplainRequest[] = [];
    const seen = new Set<string>();
    const want = (i: number, path: JsonPath) => {
      const k = keyOf(i, path);
      if (this.known.has(k) || seen.has(k)) return;
      seen.add(k);
      const index = render.resources.indexOf(resources[i]);
      if (index >= 0) asks.push({ resource: index, path });
    };
    resources.forEach((r, i) => {
      const d = results[i];
      // Secret values are never traced: they would be copied and compared in clear.
      if (!d || r.id.kind === 'Secret') return;
      if (d.status === 'OutOfSync') for (const c of d.changes) if (c.desired !== undefined) want(i, c.jsonPath);
      if (d.status === 'Invalid') for (const f of d.invalid ?? []) if (f.path) want(i, parseJsonPath(f.path));
    });
    if (asks.length) {
      let answers: (FieldProvenance | undefined)[] = [];
      try {
        answers = await this.explain(app, render, asks, signal);
      } catch {
        answers = [];
      }
      if (signal?.aborted) return;
      asks.forEach((q, j) => this.known.set(`${app.id}|${render.inputHash}|${resourceKey(render.resources[q.resource].id)}|${JSON.stringify(q.path)}`, answers[j] ?? null));
    }
    resources.forEach((r, i) => {
      const d = results[i];
      if (!d || (d.status !== 'OutOfSync' && d.status !== 'Invalid')) return;
      const lookup = (path: JsonPath) => this.known.get(keyOf(i, path)) ?? undefined;
      const changes = d.changes.map((c): FieldChange => {
        const p = c.desired !== undefined ? lookup(c.jsonPath) : undefined;
        const at = p && placeOf(p, c.live);
        return p ? { ...c, provenance: p, ...(at ? { file: at.file, range: at.range } : {}) } : c;
      });
      const invalid = d.invalid?.map((f): InvalidField => {
        const p = f.path ? lookup(parseJsonPath(f.path)) : undefined;
        const w = p && (p.computed ?? p.chain[0]);
        return p ? { ...f, provenance: p, ...(w ? { file: w.file, range: w.range } : {}) } : f;
      });
      results[i] = { ...d, changes, ...(invalid ? { invalid } : {}) };
    });
  }
}
