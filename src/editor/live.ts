// Live state: per kubeconfig context one core ClusterSession (client, live cache, drift
// engine, reachability), kept current by the engine's watch-driven onDrift. The editor only
// holds the results.
import * as vscode from 'vscode';
import type { GitOpsApp } from '../core/apps';
import type { ClusterClient, ContextState, Lookup } from '../core/cluster';
import { maskSecret, normalizedView, type AppDiff, type NormalizedPair } from '../core/diff';
import { clusterCrdSchemaSource, type SchemaSource } from '../core/policy';
import { ClusterSession, type Reachability } from '../core/session';
import { explainFields } from '../core/render/provenance';
import type { KubeObject, ResourceId } from '../core/manifest';
import { errorMessage, type Log } from './log';
import type { WorkspaceModel } from './model';

const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 60_000;

interface ContextEntry {
  session: ClusterSession;
  stop: () => void;
}

export interface LiveChange {
  appIds: string[];
  /** Date.now() when the core reported the change (for latency measurements). */
  at: number;
}

export class LiveState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<LiveChange>();
  readonly onDidChange = this.emitter.event;
  private readonly schemaEmitter = new vscode.EventEmitter<{ context: string; source?: SchemaSource }>();
  /** A connected context's CRD schemas (listed once per connection); no source: the context was closed. */
  readonly onDidChangeClusterSchemas = this.schemaEmitter.event;
  private contexts = new Map<string, ContextEntry>();
  private kubeconfigKey = '';
  readonly diffs = new Map<string, AppDiff>();
  private readonly sub: vscode.Disposable;
  private generation = 0;
  /** When the last change reached the editor, for the E2E latency measurement. */
  lastChangeAt?: number;
  private retry?: NodeJS.Timeout;
  private retryDelayMs = RETRY_MIN_MS;

  constructor(private readonly model: WorkspaceModel, private readonly log: Log) {
    this.sub = model.onDidChange((c) => { if (c.renders || c.apps) void this.diffAll(); });
  }

  /** The engine entry of a context, created on first use. */
  private entry(context: string): ContextEntry | undefined {
    const ws = this.model.workspace;
    if (!ws || !this.model.trusted) return undefined;
    const key = JSON.stringify([ws.kubeconfig.files, ws.kubeconfig.contexts]);
    if (key !== this.kubeconfigKey) {
      this.closeAll();
      this.kubeconfigKey = key;
    }
    let e = this.contexts.get(context);
    if (e) return e;
    let session: ClusterSession;
    try {
      session = ClusterSession.open(ws.kubeconfig, context, {
        engine: {
          fileFor: (p) => this.model.workspace?.repo.byPath.get(p),
          // Drift lands where the value is written: traced by re-rendering with the real tools.
          explain: (app, render, requests, signal) => {
            const repo = this.model.workspace?.repo;
            if (!repo || !this.model.trusted) return Promise.resolve([]);
            return this.log.timed(`provenance ${app.id} (${requests.length} field${requests.length === 1 ? '' : 's'})`, () => explainFields({ app, render, repo, tools: this.model.settings.toolchain, signal }, requests), context);
          },
        },
      });
    } catch (err) {
      this.log.warn(`context ${context}: ${errorMessage(err)}`);
      return undefined;
    }
    const { client, cache, engine } = session;
    const stopDrift = engine.onDrift((d) => this.accept(d, Date.now()));
    const stopStatus = cache.onChange((c) => { if (c.status) this.statusChanged(context); });
    e = { session, stop: () => { stopDrift(); stopStatus(); session.close(); } };
    this.contexts.set(context, e);
    this.log.info(`context ${context}: connecting to ${client.server} as ${client.user} (kubeconfig unchanged)`);
    const entry = e;
    void this.log.timed('server version', () => session.checkVersion(), context).then(
      () => this.statusChanged(context),
      () => this.statusChanged(context),
    );
    // The cache does not watch CRDs: their schemas are read once per connection.
    void clusterCrdSchemaSource(context, client).then(
      ({ source, crds }) => {
        if (this.contexts.get(context) !== entry) return;
        this.log.info(`context ${context}: ${crds} CRD schema${crds === 1 ? '' : 's'} used for validation`);
        this.schemaEmitter.fire({ context, source });
      },
      (err) => { if (this.contexts.get(context) === entry) this.log.warn(`context ${context}: CRD schemas not used for validation: ${errorMessage(err)}`); },
    );
    return e;
  }

  private statusChanged(context: string): void {
    const apps = this.model.apps.filter((a) => this.model.contextOf(a) === context).map((a) => a.id);
    this.emitter.fire({ appIds: apps, at: Date.now() });
  }

  private accept(d: AppDiff, at: number): void {
    this.diffs.set(d.appId, d);
    this.lastChangeAt = at;
    this.emitter.fire({ appIds: [d.appId], at });
  }

  /** Diffs every rendered app against its context (cheap when nothing changed: the engine caches dry-runs). */
  async diffAll(): Promise<void> {
    const gen = ++this.generation;
    if (!this.model.trusted || !this.model.workspace) {
      this.closeAll();
      this.diffs.clear();
      this.emitter.fire({ appIds: [], at: Date.now() });
      return;
    }
    const wanted = new Set<string>();
    for (const app of this.model.apps) {
      const ctx = this.model.contextOf(app);
      if (ctx) wanted.add(ctx);
    }
    for (const [ctx, e] of this.contexts) if (!wanted.has(ctx)) { e.stop(); this.contexts.delete(ctx); this.schemaEmitter.fire({ context: ctx }); }
    for (const id of [...this.diffs.keys()]) if (!this.model.apps.some((a) => a.id === id)) this.diffs.delete(id);
    await Promise.all(this.model.apps.map(async (app) => {
      const render = this.model.renders.get(app.id);
      const ctx = this.model.contextOf(app);
      if (!render || !ctx) { this.diffs.delete(app.id); return; }
      const e = this.entry(ctx);
      if (!e) return;
      for (const [other, oe] of this.contexts) if (other !== ctx) oe.session.engine.forget(app.id);
      try {
        const d = await this.log.timed(`diff ${app.id}`, () => e.session.engine.diffApp(app, render), ctx);
        if (gen !== this.generation) return;
        this.accept(d, Date.now());
      } catch (err) {
        this.log.error(`diff ${app.id}: ${errorMessage(err)}`);
      }
    }));
    if (gen === this.generation) this.scheduleRetry();
  }

  /**
   * A cluster that could not be discovered has nothing watched yet, so nothing would ever
   * notice it coming back: diff again with a capped backoff while some app is all Unknown.
   */
  private scheduleRetry(): void {
    if (this.retry) clearTimeout(this.retry);
    const stuck = [...this.diffs.values()].some((d) => d.summary.status === 'Unknown' && d.resources.every((r) => r.status === 'Unknown'));
    if (!stuck) {
      this.retryDelayMs = RETRY_MIN_MS;
      return;
    }
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.log.info(`retrying unreachable clusters (after ${this.retryDelayMs / 1000} s)`);
      this.retryDelayMs = Math.min(RETRY_MAX_MS, this.retryDelayMs * 2);
      for (const e of this.contexts.values()) e.session.cache.reconnect();
      void this.diffAll();
    }, this.retryDelayMs);
  }

  diffOf(app: GitOpsApp): AppDiff | undefined { return this.diffs.get(app.id); }

  /** The watches of a context and whether its API server answers (core's reachability rule). */
  contextState(context: string): { state?: ContextState; reachability?: Reachability } {
    const e = this.contexts.get(context);
    return e ? { state: e.session.cache.state(), reachability: e.session.reachability() } : {};
  }

  /** The normalized, masked pair (desired as rendered, live) of a resource. */
  pair(app: GitOpsApp, key: string): NormalizedPair | undefined {
    const ctx = this.model.contextOf(app);
    return ctx ? this.contexts.get(ctx)?.session.engine.pairOf(app.id, key) : undefined;
  }

  lookup(context: string, id: ResourceId): Lookup | undefined {
    return this.contexts.get(context)?.session.cache.lookup({ group: id.group, kind: id.kind, namespace: id.namespace, name: id.name });
  }

  /** The live object as a read-only document shows it: normalized, Secret values masked. */
  liveView(context: string, id: ResourceId): KubeObject | undefined {
    const l = this.lookup(context, id);
    return l?.state === 'present' ? maskSecret(normalizedView(l.object)) : undefined;
  }

  client(context: string): ClusterClient | undefined { return this.entry(context)?.session.client; }

  /** The context's session (client and the live cache a sync observes while it waits for health). */
  session(context: string): ClusterSession | undefined { return this.entry(context)?.session; }

  private closeAll(notify = true): void {
    for (const e of this.contexts.values()) e.stop();
    const closed = [...this.contexts.keys()];
    this.contexts.clear();
    if (notify) for (const context of closed) this.schemaEmitter.fire({ context });
  }

  dispose(): void {
    if (this.retry) clearTimeout(this.retry);
    this.sub.dispose();
    this.closeAll(false);
    this.emitter.dispose();
    this.schemaEmitter.dispose();
  }
}
