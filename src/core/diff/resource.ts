/**
 * Comparison of one desired/live pair, pure: server-side (with the SSA dry-run result) or
 * two-way (fields set in Git). Produces field changes with Git source ranges and the live
 * manager of each field, plus the normalized, masked pair for unified diff views.
 */
import type { JsonPath, KubeObject, Range, ResourceId } from '../manifest';
import { formatJsonPath } from '../manifest';
import { diffValues, projectOnto, remapPath } from './compare';
import { pairLists } from './list-pairing';
import { extractOwned, fieldSetOf, mergeSets, ownerOf, type FieldSet } from './fields';
import { applyIgnores, type CompiledIgnore } from './ignore';
import { deepClone, isPlainObject, isSecret, maskSecret, normalizeObject } from './normalize';
import type { FieldChange, NormalizedPair } from './types';

export interface CompareInput {
  id: ResourceId;
  /** The desired object as sent to the server (namespace filled in, stringData folded). */
  desired: KubeObject;
  live: KubeObject;
  /** The SSA dry-run result; absent for a two-way diff. */
  predicted?: KubeObject;
  fieldManager: string;
  ignores: CompiledIgnore[];
  /**
   * Server-side only: also compare the fields this manager owns in live that the apply would
   * remove (Git no longer sets them), i.e. everything a sync would change. Drift status
   * follows semantics.md and compares only the fields owned in the dry-run result.
   */
  ownedInLive?: boolean;
  /** Source range of a path of the desired object in Git. */
  locate?: (path: JsonPath) => { file: string; range: Range } | undefined;
}

export interface CompareResult {
  changes: FieldChange[];
  /** Set when the server-side result could not be used (no managedFields for our manager). */
  fellBackToTwoWay: boolean;
  pair: NormalizedPair;
}

function strip(o: KubeObject): Record<string, unknown> {
  // Identity is already paired; apiVersion may legitimately differ (served version vs Git's).
  const { apiVersion: _a, kind: _k, ...rest } = o as Record<string, unknown>;
  return rest;
}

/** Live with the overlay's values written over it (keyed list items merged), i.e. "live after a sync". */
export function mergeOver(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (isPlainObject(base) && isPlainObject(overlay)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(overlay)) out[k] = mergeOver(base[k], v);
    return out;
  }
  const p = Array.isArray(base) && Array.isArray(overlay) ? pairLists(overlay, base) : undefined;
  if (p && Array.isArray(base) && Array.isArray(overlay)) {
    const merged = overlay.map((x, i) => mergeOver(p.partner[i] < 0 ? undefined : base[p.partner[i]], x));
    return [...merged, ...p.unpaired.map((j) => base[j])];
  }
  return overlay;
}

/** `base` without what `before` has and `after` lacks: the fields (and keyed list items) an apply removes. */
function dropRemoved(base: unknown, before: unknown, after: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(before) && isPlainObject(after)) {
    const out: Record<string, unknown> = { ...base };
    for (const k of Object.keys(before)) {
      if (!(k in after)) delete out[k];
      else if (k in out) out[k] = dropRemoved(out[k], before[k], after[k]);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(before) && Array.isArray(after)) {
    const was = pairLists(base, before);
    const will = pairLists(before, after);
    if (was && will) {
      return base.flatMap((x, i) => {
        const j = was.partner[i];
        if (j < 0) return [x];
        const k = will.partner[j];
        return k < 0 ? [] : [dropRemoved(x, before[j], after[k])];
      });
    }
  }
  return base;
}

/** A Secret applied with stringData is owned as `f:stringData`, though the value lives in data: compare it as data. */
function asDataSet(o: KubeObject, set: FieldSet | undefined): FieldSet | undefined {
  if (!set || !isSecret(o) || !isPlainObject(set['f:stringData'])) return set;
  const { 'f:stringData': sd, ...rest } = set;
  return mergeSets(rest, { 'f:data': sd });
}

export function compareResource(input: CompareInput): CompareResult {
  const keepStatus = input.desired.status !== undefined;
  const liveN = strip(maskSecret(normalizeObject(input.live, { keepStatus })));
  const desN = strip(maskSecret(normalizeObject(input.desired, { keepStatus })));
  const ours = (m: { manager?: string; operation?: string }) => m.manager === input.fieldManager && m.operation === 'Apply';
  let ownedSet = input.predicted ? asDataSet(input.predicted, fieldSetOf(input.predicted, ours)) : undefined;
  const serverSide = !!(input.predicted && ownedSet);
  let a: unknown;
  let b: unknown;
  if (serverSide && input.predicted && ownedSet) {
    const predN = strip(maskSecret(normalizeObject(input.predicted, { keepStatus })));
    applyIgnores(input.ignores, input.id, predN, liveN, input.live, input.desired);
    // Only fields this manager would own are compared: defaults and webhook-injected fields are not drift.
    ownedSet = { ...ownedSet };
    const ownedBefore = input.ownedInLive ? asDataSet(input.live, fieldSetOf(input.live, ours)) : undefined;
    if (ownedBefore) ownedSet = mergeSets(ownedSet, ownedBefore);
    a = extractOwned(predN, ownedSet);
    b = extractOwned(liveN, ownedSet);
  } else {
    applyIgnores(input.ignores, input.id, desN, liveN, input.live, input.desired);
    a = desN;
    b = projectOnto(desN, liveN);
  }
  const raw = diffValues(a, b);
  const changes: FieldChange[] = raw.map((c) => {
    const gitPath = remapPath(a, desN, c.path);
    const livePath = remapPath(a, liveN, c.path);
    let owner = c.live !== undefined ? ownerOf(input.live, livePath) : undefined;
    // Secret writers that used stringData are recorded under stringData, though the value lives in data.
    if (!owner && c.live !== undefined && isSecret(input.live) && livePath[0] === 'data') owner = ownerOf(input.live, ['stringData', ...livePath.slice(1)]);
    const loc = input.locate?.(gitPath);
    const ch: FieldChange = { path: formatJsonPath(gitPath), jsonPath: gitPath, desired: deepClone(c.desired), live: deepClone(c.live) };
    if (loc) { ch.file = loc.file; ch.range = loc.range; }
    if (owner?.manager) { ch.manager = owner.subresource ? `${owner.manager} (${owner.subresource})` : owner.manager; ch.time = owner.time; ch.operation = owner.operation; }
    return ch;
  });
  const idFields = { apiVersion: input.live.apiVersion, kind: input.live.kind };
  const after = mergeOver(serverSide && input.ownedInLive ? dropRemoved(liveN, b, a) : liveN, a);
  const desiredView = { ...idFields, ...(after as Record<string, unknown>) } as KubeObject;
  const liveView = { ...idFields, ...liveN } as KubeObject;
  return { changes, fellBackToTwoWay: !!input.predicted && !serverSide, pair: { id: input.id, desired: desiredView, live: liveView } };
}

/** The normalized, masked view of a lone object (Missing: desired only; Extra: live only). */
export function normalizedView(o: KubeObject): KubeObject;
export function normalizedView(o: KubeObject | null | undefined): KubeObject | undefined;
export function normalizedView(o: KubeObject | null | undefined): KubeObject | undefined {
  return o ? maskSecret(normalizeObject(o, { keepStatus: false })) : undefined;
}
