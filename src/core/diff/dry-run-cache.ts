/**
 * Server-side apply dry-runs, remembered by (desired hash, live resourceVersion): the same
 * desired object against the same live version gives the same answer, so a re-diff after an
 * unrelated change costs no request. Transient failures are not remembered; a refusal
 * (403) is remembered per kind and namespace for a minute, so a user without patch rights
 * is not asked again for every object.
 */
import type { ClusterClient } from '../cluster/client';
import { ClusterError, isClusterError } from '../cluster/errors';
import type { KubeObject, ResourceId } from '../manifest';
import { LruMap } from './lru';
import { maskSecret } from './normalize';

export type DryRun = { predicted: KubeObject } | { error: ClusterError };

const REFUSAL_MEMORY_MS = 60_000;

export class DryRunCache {
  private readonly results: LruMap<string, DryRun>;
  private readonly refused = new Map<string, { error: ClusterError; at: number }>();

  constructor(private readonly client: ClusterClient, private readonly fieldManager: string, size: number) {
    this.results = new LruMap(size);
  }

  /** True when the answer for this pair is remembered (a failure that was not is retried next time). */
  has(hash: string, liveRv: string): boolean { return this.results.has(`${hash}|${liveRv}`); }

  async run(obj: KubeObject, hash: string, id: ResourceId, liveRv: string, signal?: AbortSignal): Promise<DryRun> {
    const scope = `${id.group}/${id.kind}/${id.namespace ?? ''}`;
    const refusal = this.refused.get(scope);
    if (refusal && Date.now() - refusal.at < REFUSAL_MEMORY_MS) return { error: refusal.error };
    const key = `${hash}|${liveRv}`;
    const hit = this.results.get(key);
    if (hit) return hit;
    let result: DryRun;
    try {
      // The server's answer holds a Secret's values in clear: keep only their masks.
      result = { predicted: maskSecret(await this.client.apply(obj, { dryRun: true, force: true, fieldManager: this.fieldManager, signal })) };
    } catch (e) {
      const err = isClusterError(e) ? e : new ClusterError({ kind: 'other', message: (e as Error)?.message ?? String(e) });
      if (err.kind === 'forbidden') this.refused.set(scope, { error: err, at: Date.now() });
      if (err.kind === 'unreachable' || err.kind === 'throttled' || err.kind === 'forbidden') return { error: err };
      result = { error: err };
    }
    this.results.set(key, result);
    return result;
  }
}
