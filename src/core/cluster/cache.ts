/**
 * LiveCache: the live objects of one context, kept current with list + watch per kind.
 *
 * - One watch per (group/kind, namespace scope). A kind is watched cluster-wide; when that
 *   is forbidden and namespaces were named, it falls back to one watch per namespace
 *   (a user who may only read their namespace still gets drift for it).
 * - A watch resumes from its last resourceVersion when the server ends it; on 410 Gone or
 *   after any failure it relists, so nothing stays stale. Failures back off exponentially
 *   (capped).
 * - A lookup answers `present`, `absent` or `unknown`: absent only when a synced watch
 *   covers the object, so "could not see it" is never mistaken for "it is not there".
 * - Changes are coalesced: a burst of events yields one `onChange` call with every key.
 * - Objects are kept as the server sent them (managedFields included: they say who
 *   changed a field), minus the last-applied-configuration annotation, a full copy of the
 *   object that nothing downstream reads.
 */
import type { KubeObject } from '../manifest';
import { resourceKey, resourceIdOf } from '../manifest';
import type { ClusterClient, GroupVersionKind, WatchEvent } from './client';
import { ClusterError, isClusterError, type ClusterErrorInit } from './errors';

export type ContextStatus = 'connecting' | 'connected' | 'degraded' | 'unreachable' | 'forbidden';
export type ScopeStatus = 'listing' | 'synced' | 'forbidden' | 'unreachable' | 'error';

export interface GroupKind { group: string; kind: string }

export interface ScopeState {
  group: string;
  kind: string;
  /** Undefined: all namespaces (or a cluster-scoped kind). */
  namespace?: string;
  status: ScopeStatus;
  error?: ClusterErrorInit;
  objects: number;
  resourceVersion?: string;
  /** Milliseconds since epoch of the last successful list. */
  listedAt?: number;
}

export interface ContextState {
  context: string;
  status: ContextStatus;
  /** The first error that explains a non-connected status. */
  error?: ClusterErrorInit;
  scopes: ScopeState[];
}

export type Lookup =
  | { state: 'present'; object: KubeObject }
  | { state: 'absent' }
  | { state: 'unknown'; error: ClusterErrorInit };

export interface CacheChange {
  /** resourceKey()s of objects added, modified or deleted. */
  keys: Set<string>;
  /** `group/kind` of kinds whose listing state changed (synced, lost, forbidden...). */
  kinds: Set<string>;
  /** True when the context status changed. */
  status: boolean;
}

export interface LiveCacheOptions {
  /** Quiet time before a burst of events is delivered. Default 50 ms. */
  coalesceMs?: number;
  /** Longest a burst is held back. Default 500 ms. */
  maxDelayMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Server-side watch timeout; the watch resumes after it. Default 300 s. */
  watchTimeoutSeconds?: number;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const gkKey = (g: GroupKind) => `${g.group}/${g.kind}`;

function slim(o: KubeObject): KubeObject {
  const ann = o.metadata?.annotations;
  if (!ann || !(LAST_APPLIED in ann)) return o;
  const { [LAST_APPLIED]: _dropped, ...rest } = ann;
  return { ...o, metadata: { ...o.metadata, annotations: rest } };
}

class Scope {
  readonly store = new Map<string, KubeObject>();
  status: ScopeStatus = 'listing';
  error?: ClusterError;
  resourceVersion?: string;
  listedAt?: number;
  private readonly abort = new AbortController();
  private wake?: () => void;
  /** Resolves after the first list attempt (successful or not). */
  readonly firstAttempt: Promise<void>;
  private settleFirst!: () => void;

  constructor(readonly cache: LiveCache, readonly gvk: GroupVersionKind, readonly namespace: string | undefined) {
    this.firstAttempt = new Promise((r) => { this.settleFirst = r; });
  }

  get stopped(): boolean { return this.abort.signal.aborted; }

  stop(): void { this.abort.abort(); this.wake?.(); }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() { clearTimeout(t); resolve(); }
      this.wake = done;
    });
  }

  private setStatus(s: ScopeStatus, err?: ClusterError): void {
    const changed = s !== this.status || err?.message !== this.error?.message;
    this.status = s;
    this.error = err;
    if (changed) this.cache.scopeChanged(this);
  }

  async run(): Promise<void> {
    const o = this.cache.options;
    let backoff = o.backoffInitialMs;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          const l = await this.cache.client.list(this.gvk, this.namespace, undefined, { signal: this.abort.signal });
          if (this.stopped) return;
          this.replace(l.items);
          this.resourceVersion = l.resourceVersion;
          this.listedAt = Date.now();
          needList = false;
          this.setStatus('synced');
          this.settleFirst();
        }
        await this.cache.client.watch(this.gvk, {
          namespace: this.namespace, resourceVersion: this.resourceVersion, signal: this.abort.signal,
          timeoutSeconds: Math.round(o.watchTimeoutSeconds * (0.8 + Math.random() * 0.4)),
        }, (ev) => this.onEvent(ev));
        backoff = o.backoffInitialMs; // a watch that ran to its timeout is healthy: resume from its version
      } catch (e) {
        if (this.stopped) return;
        const err = isClusterError(e) ? e : new ClusterError({ kind: 'other', message: (e as Error).message });
        needList = true;
        if (err.kind === 'gone') { this.resourceVersion = undefined; continue; } // relist at once
        this.setStatus(err.kind === 'forbidden' || err.kind === 'unauthorized' ? 'forbidden' : err.kind === 'unreachable' ? 'unreachable' : 'error', err);
        this.settleFirst();
        this.cache.scopeFailed(this);
        await this.sleep(err.kind === 'forbidden' ? o.backoffMaxMs : backoff);
        backoff = Math.min(backoff * 2, o.backoffMaxMs);
      }
    }
  }

  private onEvent(ev: WatchEvent): void {
    const rv = ev.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = String(rv);
    if (ev.type === 'BOOKMARK') return;
    const key = resourceKey(resourceIdOf(ev.object));
    if (ev.type === 'DELETED') this.store.delete(key);
    else this.store.set(key, slim(ev.object));
    this.cache.objectChanged(key);
  }

  private replace(items: KubeObject[]): void {
    const seen = new Set<string>();
    for (const it of items) {
      const key = resourceKey(resourceIdOf(it));
      seen.add(key);
      const old = this.store.get(key);
      if (!old || old.metadata?.resourceVersion !== it.metadata?.resourceVersion) {
        this.store.set(key, slim(it));
        this.cache.objectChanged(key);
      }
    }
    for (const key of [...this.store.keys()]) {
      if (!seen.has(key)) { this.store.delete(key); this.cache.objectChanged(key); }
    }
  }

  /** Asks a sleeping scope to retry now (e.g. the user pressed "reconnect"). */
  retryNow(): void { this.wake?.(); }

  covers(namespace: string | undefined): boolean {
    return this.namespace === undefined || this.namespace === namespace;
  }

  state(): ScopeState {
    return {
      group: this.gvk.group, kind: this.gvk.kind, namespace: this.namespace, status: this.status,
      error: this.error?.toJSON(), objects: this.store.size, resourceVersion: this.resourceVersion, listedAt: this.listedAt,
    };
  }
}

export class LiveCache {
  readonly options: Required<LiveCacheOptions>;
  private readonly scopes = new Map<string, Scope[]>(); // by group/kind
  private readonly namespacesWanted = new Map<string, Set<string>>();
  private readonly listeners = new Set<(c: CacheChange) => void>();
  private pending: CacheChange = { keys: new Set(), kinds: new Set(), status: false };
  private timer?: NodeJS.Timeout;
  private firstPendingAt = 0;
  private lastStatus: ContextStatus = 'connecting';
  private closed = false;

  constructor(readonly client: ClusterClient, opts: LiveCacheOptions = {}) {
    this.options = {
      coalesceMs: opts.coalesceMs ?? 50, maxDelayMs: opts.maxDelayMs ?? 500,
      backoffInitialMs: opts.backoffInitialMs ?? 500, backoffMaxMs: opts.backoffMaxMs ?? 30_000,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
    };
  }

  get context(): string { return this.client.context; }

  /**
   * Starts watching a kind (idempotent) and resolves once its first listing was attempted.
   * `namespaces` are where the caller needs objects: used if the cluster-wide watch is forbidden.
   */
  async track(gk: GroupKind, namespaces: string[] = []): Promise<void> {
    if (this.closed) throw new Error('LiveCache is closed');
    const k = gkKey(gk);
    const wanted = this.namespacesWanted.get(k) ?? new Set<string>();
    for (const n of namespaces) if (n) wanted.add(n);
    this.namespacesWanted.set(k, wanted);
    let list = this.scopes.get(k);
    if (!list) {
      const all = new Scope(this, { group: gk.group, kind: gk.kind }, undefined);
      list = [all];
      this.scopes.set(k, list);
      void all.run();
    }
    await Promise.all(list.map((s) => s.firstAttempt));
    this.ensureNamespaceFallback(k);
    await Promise.all((this.scopes.get(k) ?? []).map((s) => s.firstAttempt));
  }

  /** Stops watching a kind and forgets its objects. */
  untrack(gk: GroupKind): void {
    const k = gkKey(gk);
    for (const s of this.scopes.get(k) ?? []) {
      s.stop();
      for (const key of s.store.keys()) this.objectChanged(key);
    }
    this.scopes.delete(k);
    this.namespacesWanted.delete(k);
    this.markKind(k);
  }

  trackedKinds(): GroupKind[] {
    return [...this.scopes.values()].map((l) => ({ group: l[0].gvk.group, kind: l[0].gvk.kind }));
  }

  private ensureNamespaceFallback(k: string): void {
    const list = this.scopes.get(k);
    if (!list) return;
    const all = list.find((s) => s.namespace === undefined);
    if (!all || all.status !== 'forbidden') return;
    for (const ns of this.namespacesWanted.get(k) ?? []) {
      if (list.some((s) => s.namespace === ns)) continue;
      const s = new Scope(this, all.gvk, ns);
      list.push(s);
      void s.run();
    }
  }

  /** What the cache knows about one object. */
  lookup(id: { group: string; kind: string; namespace?: string; name: string }): Lookup {
    const list = this.scopes.get(gkKey(id));
    if (!list) return { state: 'unknown', error: { kind: 'other', message: `${id.kind} is not watched in context "${this.context}"`, context: this.context } };
    const key = resourceKey(id);
    // One watch seeing the API server gone means they all are: another kind's watch may not
    // have noticed yet, and its cached objects must not pass for live ones.
    const down = [...this.scopes.values()].flat().find((s) => s.status === 'unreachable');
    if (down) return { state: 'unknown', error: down.error?.toJSON() ?? { kind: 'unreachable', message: `cannot reach the API server of context "${this.context}"`, context: this.context } };
    let failure: ClusterError | undefined;
    for (const s of list) {
      if (!s.covers(id.namespace)) continue;
      if (s.status === 'synced') {
        const o = s.store.get(key);
        return o ? { state: 'present', object: o } : { state: 'absent' };
      }
      failure ??= s.error;
    }
    const err = failure ?? list[0].error;
    return { state: 'unknown', error: err?.toJSON() ?? { kind: 'other', message: `${id.kind} objects are still being listed in context "${this.context}"`, context: this.context } };
  }

  /**
   * Every cached object of a kind. `complete` is false when some scope is not synced
   * (then absence proves nothing: do not prune on it).
   */
  objects(gk: GroupKind): { objects: KubeObject[]; complete: boolean; errors: ClusterErrorInit[] } {
    const list = this.scopes.get(gkKey(gk)) ?? [];
    const all = list.find((s) => s.namespace === undefined);
    const usable = all?.status === 'synced' ? [all] : list.filter((s) => s.namespace !== undefined);
    const objects: KubeObject[] = [];
    for (const s of usable) if (s.status === 'synced') objects.push(...s.store.values());
    const complete = !!all && all.status === 'synced';
    const errors = list.filter((s) => s.status !== 'synced' && s.error).map((s) => s.error!.toJSON());
    return { objects, complete, errors };
  }

  state(): ContextState {
    const scopes = [...this.scopes.values()].flat();
    const states = scopes.map((s) => s.state());
    return { context: this.context, status: this.computeStatus(scopes), error: scopes.find((s) => s.error && s.status !== 'synced')?.error?.toJSON(), scopes: states };
  }

  private computeStatus(scopes: Scope[]): ContextStatus {
    if (scopes.length === 0) return this.lastStatus === 'connecting' ? 'connecting' : this.lastStatus;
    if (scopes.some((s) => s.status === 'unreachable')) return 'unreachable';
    // A kind forbidden cluster-wide but readable in the needed namespaces is fine.
    const byKind = [...this.scopes.values()];
    const kindOk = (l: Scope[]) => l.some((s) => s.status === 'synced' && s.namespace === undefined) || (l.length > 1 && l.filter((s) => s.namespace !== undefined).every((s) => s.status === 'synced'));
    const ok = byKind.filter(kindOk).length;
    if (ok === byKind.length) return 'connected';
    if (scopes.every((s) => s.status === 'listing')) return 'connecting';
    if (ok === 0 && scopes.every((s) => s.status === 'forbidden' || s.status === 'listing')) return 'forbidden';
    return 'degraded';
  }

  /** Resolves when every scope has had its first list attempt. */
  async ready(): Promise<void> {
    await Promise.all([...this.scopes.values()].flat().map((s) => s.firstAttempt));
  }

  /** Wakes every failed scope to retry at once instead of waiting for its backoff. */
  reconnect(): void {
    for (const s of [...this.scopes.values()].flat()) if (s.status !== 'synced') s.retryNow();
  }

  /** Subscribes to coalesced changes; returns the unsubscribe function. */
  onChange(listener: (c: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const s of [...this.scopes.values()].flat()) s.stop();
    this.scopes.clear();
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }

  // ---- called by scopes ----

  objectChanged(key: string): void {
    this.pending.keys.add(key);
    this.schedule();
  }

  scopeChanged(s: Scope): void {
    const k = gkKey(s.gvk);
    if (s.namespace === undefined && s.status === 'forbidden') this.ensureNamespaceFallback(k);
    this.markKind(k);
  }

  scopeFailed(s: Scope): void {
    // Objects of a failed scope are kept (so a short outage does not flush them) but lookups say `unknown` until it relists.
    this.markKind(gkKey(s.gvk));
  }

  private markKind(k: string): void {
    this.pending.kinds.add(k);
    const now = this.computeStatus([...this.scopes.values()].flat());
    if (now !== this.lastStatus) { this.lastStatus = now; this.pending.status = true; }
    this.schedule();
  }

  private schedule(): void {
    const now = Date.now();
    if (!this.timer) this.firstPendingAt = now;
    else clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.options.coalesceMs, this.firstPendingAt + this.options.maxDelayMs - now));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = { keys: new Set(), kinds: new Set(), status: false };
    if (batch.keys.size === 0 && batch.kinds.size === 0 && !batch.status) return;
    for (const l of this.listeners) {
      try { l(batch); } catch { /* a listener's failure is its own; others still get the batch */ }
    }
  }
}
