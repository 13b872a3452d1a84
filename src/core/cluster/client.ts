/**
 * ClusterClient: one per kubeconfig context. Generic reads and writes of any kind (built-in
 * or custom), discovery, server-side apply and dry-run, delete. Objects are plain JSON as
 * the server sends them (managedFields included). Every failure is a ClusterError with a
 * readable message; see errors.ts.
 *
 *   const client = createClusterClient(loadKubeconfig(files), 'prod');
 *   const live = await client.get(id);                       // null when it does not exist
 *   const merged = await client.apply(obj, { dryRun: true, force: true });
 *   await client.delete(id, { propagationPolicy: 'Foreground' });
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ResourceId } from '../manifest';
import { apiVersionOf, describeId, resourceIdOf, splitApiVersion } from '../manifest';
import { kubeConfigForContext, type LoadedKubeconfig } from './kubeconfig';
import { ClusterError, errorFromResponse, isClusterError } from './errors';
import { fetchDiscovery, findResource, type ApiResourceInfo, type Discovery } from './discovery';
import { Transport } from './transport';

export const FIELD_MANAGER = 'gitops-lens';

/** Group, version and kind; version may be left out to use the preferred one. */
export interface GroupVersionKind { group: string; version?: string; kind: string }

export interface ApplyOptions {
  /** Server-side dry-run: the server merges, defaults and admits, then persists nothing. */
  dryRun?: boolean;
  /** Take over fields owned by other managers instead of failing with a 409. */
  force?: boolean;
  /** Defaults to `gitops-lens`. */
  fieldManager?: string;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface ListResult {
  /** Items with apiVersion and kind filled in (the server leaves them out of list items). */
  items: KubeObject[];
  /** The list's resourceVersion: watch from here to miss nothing. */
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
export interface WatchEvent { type: WatchEventType; object: KubeObject }

export interface WatchOptions {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  /** The server closes the watch after this many seconds (then resume from the last resourceVersion). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface ServerVersion { major: string; minor: string; gitVersion: string; platform?: string }

export interface ClusterClientOptions {
  /** Per-request timeout for non-watch requests. Default 30 s. */
  requestTimeoutMs?: number;
  /** Namespace for namespaced objects that carry none (default: the context's namespace, else `default`). */
  defaultNamespace?: string;
}

/** A client bound to one context of the loaded kubeconfig; the user's files and current context are untouched. */
export function createClusterClient(loaded: LoadedKubeconfig, context: string, opts?: ClusterClientOptions): ClusterClient {
  if (!loaded.contexts.some((c) => c.name === context)) {
    throw new ClusterError({ kind: 'other', context, message: `no context "${context}" in the kubeconfig (${loaded.files.join(', ') || 'no files read'}); known: ${loaded.contexts.map((c) => c.name).join(', ') || 'none'}` });
  }
  return new ClusterClient(kubeConfigForContext(loaded, context), opts);
}

/** A client for a kubeconfig file, optionally at a context other than its current one (tests, benchmarks). */
export function clusterClientFromFile(path: string, context?: string, opts?: ClusterClientOptions): ClusterClient {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  return new ClusterClient(kc, opts);
}

export class ClusterClient {
  readonly context: string;
  readonly server: string;
  /** The kubeconfig user of this context (named in 401/403 messages). */
  readonly user: string;
  readonly defaultNamespace: string;
  private readonly t: Transport;
  private discovery: Promise<Discovery> | undefined;

  /** `kc` must be a KubeConfig of its own (its current context is the one used); it is never written back. */
  constructor(kc: KubeConfig, opts: ClusterClientOptions = {}) {
    this.t = new Transport(kc, opts.requestTimeoutMs);
    this.context = this.t.context;
    this.server = this.t.server;
    this.user = this.t.user;
    this.defaultNamespace = opts.defaultNamespace ?? kc.getContextObject(this.context)?.namespace ?? 'default';
  }

  /** Discovery, cached for the life of the client; `refresh` re-reads it (after CRDs change). */
  discover(opts: { refresh?: boolean } = {}): Promise<Discovery> {
    if (opts.refresh || !this.discovery) {
      const p = fetchDiscovery(this.t);
      this.discovery = p;
      // A failed discovery must not stay cached: the next call tries again.
      p.catch(() => { if (this.discovery === p) this.discovery = undefined; });
    }
    return this.discovery;
  }

  /** The served resource for a kind; re-reads discovery once when the kind is unknown (a CRD may be new). */
  async resourceFor(gvk: GroupVersionKind): Promise<ApiResourceInfo> {
    let found = findResource(await this.discover(), gvk.group, gvk.kind, gvk.version);
    if (!found) found = findResource(await this.discover({ refresh: true }), gvk.group, gvk.kind, gvk.version);
    if (!found) {
      const gk = gvk.group ? `${gvk.kind}.${gvk.group}` : gvk.kind;
      throw new ClusterError({ kind: 'not-found', reason: 'NoKindMatch', context: this.context, message: `the cluster of context "${this.context}" does not serve ${gk}${gvk.version ? ` (${gvk.group ? gvk.group + '/' : ''}${gvk.version})` : ''}: is its CRD installed?` });
    }
    return found;
  }

  /** URL path of a collection or of one object. */
  resourcePath(r: ApiResourceInfo, namespace?: string, name?: string): string {
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private namespaceFor(r: ApiResourceInfo, ns: string | undefined): string | undefined {
    return r.namespaced ? ns || this.defaultNamespace : undefined;
  }

  /** The live object, or null when it does not exist. */
  async get(id: ResourceId, opts: { signal?: AbortSignal } = {}): Promise<KubeObject | null> {
    const r = await this.resourceFor(id);
    const ns = this.namespaceFor(r, id.namespace);
    try {
      const obj = await this.t.json<KubeObject>({ method: 'GET', path: this.resourcePath(r, ns, id.name), signal: opts.signal, describe: { verb: 'get', what: describeId({ ...id, namespace: ns }) } });
      return obj;
    } catch (e) {
      if (isClusterError(e) && e.kind === 'not-found') return null;
      throw e;
    }
  }

  /** Every object of a kind (all namespaces unless one is given), read in pages of 500. */
  async list(gvk: GroupVersionKind, namespace?: string, labelSelector?: string, opts: { signal?: AbortSignal } = {}): Promise<ListResult> {
    const r = await this.resourceFor(gvk);
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    const apiVersion = apiVersionOf(r);
    const what = `${r.plural}${r.group ? '.' + r.group : ''}${namespace ? ` in namespace ${namespace}` : r.namespaced ? ' in all namespaces' : ''}`;
    do {
      const page = await this.t.json<{ items: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } }>({
        method: 'GET', path: this.resourcePath(r, r.namespaced ? namespace : undefined),
        query: { limit: 500, continue: cont, labelSelector }, signal: opts.signal, describe: { verb: 'list', what },
      });
      for (const it of page.items ?? []) items.push({ ...it, apiVersion, kind: r.kind });
      cont = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (cont);
    return { items, resourceVersion };
  }

  /**
   * Watches a kind from a resourceVersion. Resolves when the server ends the watch normally
   * (resume from the last seen version); rejects with a ClusterError, `gone` (410) meaning
   * the version is too old and a relist is needed.
   */
  async watch(gvk: GroupVersionKind, opts: WatchOptions, onEvent: (ev: WatchEvent) => void): Promise<void> {
    const r = await this.resourceFor(gvk);
    const apiVersion = apiVersionOf(r);
    const what = `${r.plural}${r.group ? '.' + r.group : ''}${opts.namespace ? ` in namespace ${opts.namespace}` : ''}`;
    const describe = { verb: 'watch', what };
    await this.t.stream({
      method: 'GET', path: this.resourcePath(r, r.namespaced ? opts.namespace : undefined), signal: opts.signal, describe,
      query: { watch: 1, allowWatchBookmarks: true, resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector, timeoutSeconds: opts.timeoutSeconds },
    }, (raw) => {
      const ev = raw as { type?: string; object?: Record<string, unknown> };
      if (ev.type === 'ERROR') {
        const code = Number(ev.object?.code) || 500;
        throw errorFromResponse(code, JSON.stringify(ev.object ?? {}), { ...describe, context: this.context, user: this.user });
      }
      if (!ev.object || !ev.type) return;
      onEvent({ type: ev.type as WatchEventType, object: { ...(ev.object as KubeObject), apiVersion, kind: r.kind } });
    });
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml) as field manager `gitops-lens`.
   * With dryRun the result is what the object would become: defaulted, admitted, merged
   * with other managers' fields, with managedFields showing who owns what.
   */
  async apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
    const { group, version } = splitApiVersion(obj.apiVersion);
    const r = await this.resourceFor({ group, version, kind: obj.kind });
    const id = resourceIdOf(obj);
    if (!id.name) throw new ClusterError({ kind: 'invalid', context: this.context, message: `cannot apply ${obj.kind} without metadata.name` });
    const ns = this.namespaceFor(r, id.namespace);
    const body: KubeObject = { ...obj, metadata: { ...(obj.metadata ?? {}), ...(ns ? { namespace: ns } : {}) } };
    if (!r.namespaced && body.metadata) delete body.metadata.namespace;
    return this.t.json<KubeObject>({
      method: 'PATCH', path: this.resourcePath(r, ns, id.name), body, contentType: 'application/apply-patch+yaml', signal: opts.signal,
      query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, force: opts.force ? true : undefined, dryRun: opts.dryRun ? 'All' : undefined },
      describe: { verb: opts.dryRun ? 'apply (dry-run)' : 'apply', what: describeId({ ...id, namespace: ns }) },
    });
  }

  /** Deletes an object; a ClusterError `not-found` when it is already gone. */
  async delete(id: ResourceId, opts: DeleteOptions = {}): Promise<void> {
    const r = await this.resourceFor(id);
    const ns = this.namespaceFor(r, id.namespace);
    await this.t.request({
      method: 'DELETE', path: this.resourcePath(r, ns, id.name), signal: opts.signal,
      query: { dryRun: opts.dryRun ? 'All' : undefined },
      // The API server reads options from the body when there is one and then ignores the query: dryRun goes in both.
      body: { kind: 'DeleteOptions', apiVersion: 'v1', ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}), ...(opts.dryRun ? { dryRun: ['All'] } : {}) },
      describe: { verb: opts.dryRun ? 'delete (dry-run)' : 'delete', what: describeId({ ...id, namespace: ns }) },
    });
  }

  async serverVersion(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ServerVersion> {
    return this.t.json<ServerVersion>({ method: 'GET', path: '/version', signal: opts.signal, timeoutMs: opts.timeoutMs, describe: { verb: 'read', what: 'the server version' } });
  }

  /** Raw JSON request for the rare call not covered above (e.g. a `/status` write in tests). */
  raw<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T> {
    return this.t.json<T>({ method, path, body, contentType, describe: { verb: method.toLowerCase(), what: path } });
  }

  /** Releases pooled connections. */
  close(): void {
    this.t.close();
  }
}
