import { healthOf, type Health } from '../health';
import type { KubeObject } from '../manifest';

/** Health of one live object; undefined for kinds that have no health (they never block a wave). */
export type HealthFn = (o: KubeObject) => Health | undefined;

interface Condition { type?: string; status?: string }

/**
 * What a wave waits for: the per-kind health of core/health, plus what ordering needs on top —
 * a CRD must be Established before its custom resources can be applied.
 */
export const waveHealth: HealthFn = (o) => {
  if (o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/')) {
    if (o.metadata?.deletionTimestamp) return { status: 'Progressing', message: 'being deleted' };
    const conditions = ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
    return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? { status: 'Healthy' } : { status: 'Progressing', message: 'CRD not yet established' };
  }
  return healthOf(o);
};
