/**
 * DriftEngine: desired resources of an app (a RenderResult) against the LiveCache of its
 * context. Pairs by identity, finds Extra through tracking, runs server-side dry-runs
 * (cached by desired hash + live resourceVersion, so an unchanged pair costs nothing on
 * re-diff), falls back to a two-way diff where dry-run is not allowed, and never reports
 * Missing or Extra for what it could not see.
 */
import { createHash } from 'node:crypto';
import type { GitOpsApp } from '../apps/types';
import type { ClusterClient } from '../cluster/client';
import { FIELD_MANAGER } from '../cluster/client';
import type { CacheChange, GroupKind, LiveCache } from '../cluster/cache';
import { ClusterError, isClusterError } from '../cluster/errors';
import { findResource, type Discovery } from '../cluster/discovery';
import type { KubeObject, ManifestFile, ResourceId } from '../manifest';
import { parseJsonPath, resourceKey } from '../manifest';
import type { RenderedResource, RenderResult } from '../render/types';
import { FieldProvenances, type FieldExplainer } from './provenance';
import { mapLimit } from '../async';
import { healthOf, rollUp, type Health } from '../health';
import { DryRunCache } from './dry-run-cache';
import { findExtra } from './extra';
import { LruMap } from './lru';
import { SourceLocator } from './source-locator';
import { compileIgnores, type CompiledIgnore } from './ignore';
import { foldStringData } from './normalize';
import { compareResource, normalizedView } from './resource';
import { ignoresExtraneous, trackerFor } from './tracking';
import { applySetOf, prepareResource, scopeForRender } from '../placement/prepare';
import { defaultNamespaceOf } from '../placement/place';
import type { AppDiff, AppDiffSummary, DriftStatus, FluxIgnoreRule, NormalizedPair, ResourceDiff } from './types';

export interface DriftEngineOptions {
  client: ClusterClient;
  cache: LiveCache;
  /** Default `gitops-lens`: the manager whose owned fields a server-side diff compares. */
  fieldManager?: string;
  /** Parallel dry-runs. Default 8. */
  concurrency?: number;
  /** Parsed Git files for source ranges (e.g. the workspace's RepoSnapshot.byPath); read from disk otherwise. */
  fileFor?: (path: string) => ManifestFile | undefined;
  /** Kinds watched for Extra resources besides the app's own kinds. Default: common built-in kinds. */
  extraKinds?: GroupKind[];
  /** Dry-run results kept. Default 20,000. */
  dryRunCacheSize?: number;
  /**
   * Where drifted and rejected fields' values are set (render/provenance, which re-renders
   * with the real tools): drift then points at that place. Without it, the files alone say.
   */
  explain?: FieldExplainer;
}

export interface DiffAppOptions {
  fluxIgnore?: FluxIgnoreRule[];
  signal?: AbortSignal;
}

/** Kinds a GitOps app commonly contains: watched so removing the last one of a kind from Git still shows it as Extra. */
export const DEFAULT_EXTRA_KINDS: GroupKind[] = [
  { group: '', kind: 'ConfigMap' }, { group: '', kind: 'Secret' }, { group: '', kind: 'Service' }, { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' }, { group: 'apps', kind: 'StatefulSet' }, { group: 'apps', kind: 'DaemonSet' },
  { group: 'batch', kind: 'CronJob' }, { group: 'networking.k8s.io', kind: 'Ingress' },
];

interface AppState {
  app: GitOpsApp;
  render: RenderResult;
  opts: DiffAppOptions;
  keys: Set<string>;
  kinds: Set<string>;
  last?: AppDiff;
  pairs: Map<string, NormalizedPair>;
}

const gk = (g: { group: string; kind: string }) => `${g.group}/${g.kind}`;
const MISSING: Health = { status: 'Missing' };

export class DriftEngine {
  readonly client: ClusterClient;
  readonly cache: LiveCache;
  private readonly fieldManager: string;
  private readonly concurrency: number;
  private readonly dryRuns: DryRunCache;
  /** Finished comparisons by (desired hash, live resourceVersion, ignore rules, Git location). */
  private readonly results: LruMap<string, { diff: ResourceDiff; pair?: NormalizedPair }>;
  /** The desired object as sent (namespace, hook, stringData folded) and its hash, per rendered resource. */
  private readonly prepared = new WeakMap<RenderedResource, { namespace?: string; applySet?: string; obj: KubeObject; hash: string }>();
  private readonly sources: SourceLocator;
  private readonly provenance?: FieldProvenances;
  private readonly apps = new Map<string, AppState>();
  private readonly listeners = new Set<(d: AppDiff) => void>();
  private unsubscribe?: () => void;
  private recomputing = Promise.resolve();

  constructor(private readonly opts: DriftEngineOptions) {
    this.client = opts.client;
    this.cache = opts.cache;
    this.fieldManager = opts.fieldManager ?? FIELD_MANAGER;
    this.concurrency = opts.concurrency ?? 8;
    const size = opts.dryRunCacheSize ?? 20_000;
    this.dryRuns = new DryRunCache(opts.client, this.fieldManager, size);
    this.results = new LruMap(size);
    this.sources = new SourceLocator(opts.fileFor);
    if (opts.explain) this.provenance = new FieldProvenances(opts.explain);
  }

  /**
   * Diffs one app. Calling it again after a live or Git change only re-runs the dry-runs
   * whose inputs changed.
   */
  async diffApp(app: GitOpsApp, render: RenderResult, opts: DiffAppOptions = {}): Promise<AppDiff> {
    const state: AppState = this.apps.get(app.id) ?? { app, render, opts, keys: new Set(), kinds: new Set(), pairs: new Map() };
    Object.assign(state, { app, render, opts });
    this.apps.set(app.id, state);
    this.sources.rendered(render.resources, render.inputs);
    const result = await this.compute(state);
    state.last = result;
    return result;
  }

  /** The normalized, masked desired/live pair of a resource from the last diff of its app (for unified diff views). */
  pairOf(appId: string, key: string): NormalizedPair | undefined {
    return this.apps.get(appId)?.pairs.get(key);
  }

  /**
   * Keeps every app diffed so far up to date: a coalesced batch of live changes recomputes
   * the apps it touches (cheaply: unchanged pairs hit the dry-run cache) and calls listener.
   */
  onDrift(listener: (d: AppDiff) => void): () => void {
    this.listeners.add(listener);
    this.unsubscribe ??= this.cache.onChange((c) => this.onCacheChange(c));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) { this.unsubscribe?.(); this.unsubscribe = undefined; }
    };
  }

  /** Apps whose resources or kinds a cache change touches (an app watches the kind of each of its keys). */
  affectedApps(c: CacheChange): string[] {
    if (c.status) return [...this.apps.keys()];
    const touched = new Set(c.kinds);
    for (const k of c.keys) touched.add(k.slice(0, k.indexOf('/', k.indexOf('/') + 1)));
    return [...this.apps].filter(([, st]) => [...touched].some((k) => st.kinds.has(k))).map(([id]) => id);
  }

  forget(appId: string): void { this.apps.delete(appId); }

  private onCacheChange(c: CacheChange): void {
    const ids = this.affectedApps(c);
    if (ids.length === 0) return;
    this.recomputing = this.recomputing.then(async () => {
      for (const id of ids) {
        const st = this.apps.get(id);
        if (!st) continue;
        try {
          st.last = await this.compute(st);
          for (const l of this.listeners) l(st.last);
        } catch { /* compute() reports failures inside the AppDiff; anything else is a bug we must not crash the loop on */ }
      }
    });
  }

  private async compute(st: AppState): Promise<AppDiff> {
    const { app, render } = st;
    this.sources.nextPass();
    const problems: string[] = [];
    const base = { appId: app.id, context: this.client.context, computedAt: Date.now() };
    if (!render.ok) {
      return { ...base, resources: [], summary: summarize([], [...render.problems.map((p) => `render failed: ${p.message}`)], false, true) };
    }
    const { rules, problems: ignoreProblems } = compileIgnores(app.ignoreDifferences, st.opts.fluxIgnore);
    problems.push(...ignoreProblems.map((p) => `${p.rule}: ${p.message}`));

    let discovery: Discovery | undefined;
    try {
      discovery = await this.client.discover();
    } catch (e) {
      const err = toError(e);
      const resources = render.resources.map((r): ResourceDiff => ({ id: r.id, key: resourceKey(r.id), status: 'Unknown', method: 'none', changes: [], error: err.toJSON(), note: err.message, origin: r.origin && { file: r.origin.file, docIndex: r.origin.docIndex, range: r.origin.range } }));
      return { ...base, resources, summary: summarize(resources, [err.message], false) };
    }

    // Identity and the object as sync would apply it: one placement rule (core/placement).
    const scope = scopeForRender(render, { discovery, contextNamespace: this.client.defaultNamespace });
    const applySet = applySetOf(app, scope);
    const desired = render.resources.map((r) => {
      const p = prepareResource(r, app, scope, applySet);
      const memo = this.prepared.get(r);
      if (memo && memo.namespace === p.id.namespace && memo.applySet === applySet?.id) return { r, id: p.id, obj: memo.obj, hash: memo.hash, key: p.key, served: p.scope.served };
      const obj = foldStringData(p.object);
      const hash = hashObject(obj);
      this.prepared.set(r, { namespace: p.id.namespace, applySet: applySet?.id, obj, hash });
      return { r, id: p.id, obj, hash, key: p.key, served: p.scope.served };
    });
    st.keys = new Set(desired.map((d) => d.key));

    // Watch the app's kinds (in the namespaces it uses, for users who may not list cluster-wide) and the Extra kinds.
    const kinds = new Map<string, { kind: GroupKind; namespaces: Set<string> }>();
    for (const d of desired) {
      const k = gk(d.id);
      if (!kinds.has(k)) kinds.set(k, { kind: { group: d.id.group, kind: d.id.kind }, namespaces: new Set() });
      if (d.id.namespace) kinds.get(k)!.namespaces.add(d.id.namespace);
    }
    for (const x of this.opts.extraKinds ?? DEFAULT_EXTRA_KINDS) {
      if (!findResource(discovery, x.group, x.kind)) continue;
      if (!kinds.has(gk(x))) kinds.set(gk(x), { kind: x, namespaces: new Set([defaultNamespaceOf(app, scope)]) });
    }
    st.kinds = new Set(kinds.keys());
    await Promise.all([...kinds.values()].filter((k) => findResource(discovery!, k.kind.group, k.kind.kind)).map((k) => this.cache.track(k.kind, [...k.namespaces])));

    const ignoreKey = JSON.stringify([app.ignoreDifferences, st.opts.fluxIgnore ?? []]);
    const results: ResourceDiff[] = new Array(desired.length);
    const pairs = new Map<string, NormalizedPair>();
    await mapLimit(desired, this.concurrency, async (d, i) => {
      const { diff, pair } = await this.diffOne(d.r, d.id, d.obj, d.hash, d.served, rules, ignoreKey, st.opts.signal);
      results[i] = diff;
      if (pair) pairs.set(d.key, pair);
    });

    // Extra: tracked, top-level, live objects at keys Git no longer has.
    const tracker = trackerFor(app, applySet);
    let extraComplete = true;
    for (const { kind } of kinds.values()) {
      if (!findResource(discovery, kind.group, kind.kind)) continue;
      const { objects, complete, errors } = this.cache.objects(kind);
      if (!complete) {
        extraComplete = false;
        if (errors[0]) problems.push(`Extra detection for ${kind.kind}${kind.group ? '.' + kind.group : ''} is incomplete: ${errors[0].message}`);
      }
      for (const { object: live, id, key } of findExtra(objects, st.keys, tracker)) {
        const ignored = ignoresExtraneous(live);
        results.push({ id, key, status: 'Extra', method: 'none', changes: [], liveResourceVersion: String(live.metadata?.resourceVersion ?? ''), ...(ignored ? { ignoredExtraneous: true, note: 'IgnoreExtraneous: not counted' } : {}) });
        pairs.set(key, { id, live: normalizedView(live) });
      }
    }
    st.pairs = pairs;
    await this.provenance?.attach(app, render, desired.map((d) => d.r), results, st.opts.signal);
    const ctxState = this.cache.state();
    if (ctxState.status === 'unreachable' && ctxState.error) problems.push(ctxState.error.message);
    return { ...base, resources: results, summary: summarize(results, problems, extraComplete) };
  }

  private async diffOne(r: RenderedResource, id: ResourceId, obj: KubeObject, hash: string, served: boolean, rules: CompiledIgnore[], ignoreKey: string, signal?: AbortSignal): Promise<{ diff: ResourceDiff; pair?: NormalizedPair }> {
    const key = resourceKey(id);
    const origin = r.origin && { file: r.origin.file, docIndex: r.origin.docIndex, range: r.origin.range };
    const baseDiff = { id, key, origin };
    if (!served) {
      return { diff: { ...baseDiff, status: 'Missing', method: 'none', changes: [], health: MISSING, note: `the cluster does not serve ${id.kind}${id.group ? '.' + id.group : ''} (is its CRD installed?)` }, pair: { id, desired: normalizedView(obj) } };
    }
    const look = this.cache.lookup(id);
    if (look.state === 'unknown') {
      return { diff: { ...baseDiff, status: 'Unknown', method: 'none', changes: [], error: look.error, note: look.error.message } };
    }
    if (look.state === 'absent') {
      return { diff: { ...baseDiff, status: 'Missing', method: 'none', changes: [], health: MISSING }, pair: { id, desired: normalizedView(obj) } };
    }
    let live = look.object;
    if (live.apiVersion !== obj.apiVersion) {
      // Compare in the version Git uses: the cache holds the served preferred version.
      try {
        const again = await this.client.get({ ...id, version: id.version }, { signal });
        if (!again) return { diff: { ...baseDiff, status: 'Missing', method: 'none', changes: [], health: MISSING }, pair: { id, desired: normalizedView(obj) } };
        live = again;
      } catch (e) {
        const err = toError(e);
        return { diff: { ...baseDiff, status: 'Unknown', method: 'none', changes: [], error: err.toJSON(), note: err.message } };
      }
    }
    const liveRv = String(live.metadata?.resourceVersion ?? '');
    const health = healthOf(live);
    // Same desired object, same live version, same rules, same place in Git: the same answer.
    const resultKey = `${hash}|${liveRv}|${ignoreKey}|${origin ? `${origin.file}:${origin.docIndex}:${origin.range.start.line}-${origin.range.end.line}` : ''}`;
    const known = this.results.get(resultKey);
    if (known) return known;
    const dry = await this.dryRuns.run(obj, hash, id, liveRv, signal);
    let note: string | undefined;
    let predicted: KubeObject | undefined;
    if ('error' in dry) {
      const e = dry.error;
      if (rejects(e)) {
        const invalid = (e.invalidFields?.length ? e.invalidFields : [{ field: '', message: e.message }]).map((f) => {
          const loc = f.field ? this.sources.locate(r, parseJsonPath(f.field)) : undefined;
          return { path: f.field, message: f.message, ...(loc ? { file: loc.file, range: loc.range } : {}) };
        });
        return { diff: { ...baseDiff, status: 'Invalid', method: 'none', changes: [], error: e.toJSON(), invalid, note: `the API server rejects the desired object: ${e.message}`, liveResourceVersion: liveRv, ...(health ? { health } : {}) } };
      }
      if (e.kind === 'forbidden' || /dry.?run/i.test(e.message)) {
        note = `server-side dry-run not allowed, compared the fields set in Git (two-way diff): ${e.message}`;
      } else {
        return { diff: { ...baseDiff, status: 'Unknown', method: 'none', changes: [], error: e.toJSON(), note: `server-side dry-run failed: ${e.message}`, liveResourceVersion: liveRv, ...(health ? { health } : {}) } };
      }
    } else predicted = dry.predicted;
    const res = compareResource({ id, desired: obj, live, predicted, fieldManager: this.fieldManager, ignores: rules, locate: (p) => this.sources.locate(r, p), ownedInLive: true });
    if (res.fellBackToTwoWay) note = 'the dry-run result names no fields owned by this manager; compared the fields set in Git (two-way diff)';
    const method = predicted && !res.fellBackToTwoWay ? 'server-side' : 'two-way';
    const status: DriftStatus = res.changes.length ? 'OutOfSync' : 'Synced';
    const out = { diff: { ...baseDiff, status, method, changes: res.changes, liveResourceVersion: liveRv, ...(note ? { note } : {}), ...(health ? { health } : {}) } as ResourceDiff, pair: res.pair };
    if (!('error' in dry) || this.dryRuns.has(hash, liveRv)) this.results.set(resultKey, out);
    return out;
  }
}

/** A refusal of the object itself (validation, an admission webhook or policy), not of the caller or the connection. */
function rejects(e: ClusterError): boolean {
  if (e.kind === 'invalid') return true;
  return e.kind === 'forbidden' && /admission webhook .* denied|denied request|ValidatingAdmissionPolicy/i.test(e.message);
}

function toError(e: unknown): ClusterError {
  return isClusterError(e) ? e : new ClusterError({ kind: 'other', message: (e as Error)?.message ?? String(e) });
}

function hashObject(o: KubeObject): string {
  return createHash('sha1').update(JSON.stringify(o)).digest('hex');
}

/** App status per semantics.md: Unknown if anything could not be loaded, else Invalid if the server rejects Git's state, else OutOfSync if any resource is, else Synced. */
export function summarize(resources: ResourceDiff[], problems: string[], extraComplete: boolean, renderFailed = false): AppDiffSummary {
  const counts: Record<DriftStatus, number> = { Synced: 0, OutOfSync: 0, Missing: 0, Extra: 0, Invalid: 0, Unknown: 0 };
  for (const r of resources) if (!r.ignoredExtraneous) counts[r.status]++;
  const status: DriftStatus = renderFailed || counts.Unknown > 0 ? 'Unknown'
    : counts.Invalid > 0 ? 'Invalid'
    : counts.OutOfSync + counts.Missing + counts.Extra > 0 ? 'OutOfSync' : 'Synced';
  const members = resources.filter((r) => r.status !== 'Extra');
  return { status, counts, extraComplete, problems, ...(members.length ? { health: rollUp(members.map((r) => r.health)) } : {}) };
}
