/**
 * A session with one kubeconfig context: its client, the live cache that watches it, the
 * drift engine over that cache, and whether the API server answers. The editor keeps one
 * per context for as long as apps map to it; the CLI opens one per run and closes it.
 * Closing stops every watch and releases the connections.
 */
import type { LoadedKubeconfig } from '../cluster/kubeconfig';
import { createClusterClient, type ClusterClient, type ClusterClientOptions, type ServerVersion } from '../cluster/client';
import { LiveCache, type LiveCacheOptions } from '../cluster/cache';
import { isClusterError } from '../cluster/errors';
import { DriftEngine, type DriftEngineOptions } from '../diff/engine';
import { reachabilityOf, type Reachability } from './reachability';

export interface ClusterSessionOptions {
  client?: ClusterClientOptions;
  cache?: LiveCacheOptions;
  engine?: Omit<DriftEngineOptions, 'client' | 'cache'>;
}

export class ClusterSession {
  readonly client: ClusterClient;
  readonly cache: LiveCache;
  readonly engine: DriftEngine;
  private version?: ServerVersion;
  private versionError?: string;
  private closed = false;

  /** Throws a ClusterError when the context is not in the kubeconfig. */
  static open(kubeconfig: LoadedKubeconfig, context: string, opts: ClusterSessionOptions = {}): ClusterSession {
    return new ClusterSession(createClusterClient(kubeconfig, context, opts.client), opts);
  }

  constructor(client: ClusterClient, opts: ClusterSessionOptions = {}) {
    this.client = client;
    this.cache = new LiveCache(client, opts.cache);
    this.engine = new DriftEngine({ ...opts.engine, client, cache: this.cache });
  }

  get context(): string { return this.client.context; }

  /** Asks the API server for its version (once per call); the answer feeds reachability(). */
  async checkVersion(timeoutMs = 5_000): Promise<ServerVersion> {
    try {
      this.version = await this.client.serverVersion({ timeoutMs });
      this.versionError = undefined;
      return this.version;
    } catch (e) {
      this.versionError = isClusterError(e) ? e.message : (e as Error).message;
      throw e;
    }
  }

  reachability(): Reachability {
    return reachabilityOf(this.cache.state(), this.version, this.versionError);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.close();
    this.client.close();
  }
}
