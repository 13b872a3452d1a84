import type { KubeObject } from '../manifest';

export type HealthStatus = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown';
export interface HealthVerdict { status: HealthStatus; message?: string }
/** Health of one live object; undefined for kinds that have no health (they never block a wave). */
export type HealthFn = (o: KubeObject) => HealthVerdict | undefined;

interface Condition { type?: string; status?: string; reason?: string; message?: string }

/**
 * What a wave waits for. The rules the sync needs to order waves: CRDs established,
 * generation observed, kstatus conditions, workload roll-outs and Jobs. The editor's full
 * per-kind health lives in core/health; pass it as `health` to use it instead.
 */
export const waveHealth: HealthFn = (o) => {
  const status = (o.status ?? {}) as Record<string, unknown>;
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
  const cond = (t: string) => conditions.find((c) => c.type === t);
  const meta = o.metadata ?? {};
  if (meta.deletionTimestamp) return { status: 'Progressing', message: 'being deleted' };
  if (o.kind === 'CustomResourceDefinition') {
    const est = cond('Established');
    return est?.status === 'True' ? { status: 'Healthy' } : { status: 'Progressing', message: 'CRD not yet established' };
  }
  if (o.kind === 'Namespace') return status.phase === 'Terminating' ? { status: 'Progressing', message: 'terminating' } : { status: 'Healthy' };
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const gen = Number(meta.generation ?? 0);
  const observed = status.observedGeneration === undefined ? undefined : Number(status.observedGeneration);
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && o.apiVersion === 'apps/v1') {
    if (spec.paused) return { status: 'Suspended', message: 'paused' };
    if (observed === undefined || gen > observed) return { status: 'Progressing', message: 'waiting for the controller to observe the new generation' };
    const p = cond('Progressing');
    if (p?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: p.message ?? 'progress deadline exceeded' };
    const want = Number(o.kind === 'DaemonSet' ? status.desiredNumberScheduled ?? 0 : spec.replicas ?? 1);
    const ready = Number(o.kind === 'DaemonSet' ? status.numberAvailable ?? 0 : o.kind === 'StatefulSet' ? status.readyReplicas ?? 0 : status.availableReplicas ?? 0);
    return ready >= want ? { status: 'Healthy' } : { status: 'Progressing', message: `${ready}/${want} ready` };
  }
  if (o.kind === 'Job' && o.apiVersion === 'batch/v1') {
    if (cond('Failed')?.status === 'True') return { status: 'Degraded', message: cond('Failed')?.message ?? 'job failed' };
    if (cond('Complete')?.status === 'True') return { status: 'Healthy' };
    return spec.suspend ? { status: 'Suspended' } : { status: 'Progressing', message: 'job running' };
  }
  if (o.kind === 'PersistentVolumeClaim') {
    return status.phase === 'Bound' ? { status: 'Healthy' } : status.phase === 'Lost' ? { status: 'Degraded', message: 'claim lost' } : { status: 'Progressing', message: `phase ${String(status.phase ?? 'Pending')}` };
  }
  if (spec.suspend === true && /toolkit\.fluxcd\.io\//.test(o.apiVersion)) return { status: 'Suspended' };
  if (conditions.length === 0 && observed === undefined) return undefined;
  if (observed !== undefined && gen > observed) return { status: 'Progressing', message: 'generation not yet observed' };
  const stalled = cond('Stalled');
  if (stalled?.status === 'True') return { status: 'Degraded', message: stalled.message ?? stalled.reason ?? 'stalled' };
  const ready = cond('Ready');
  if (ready?.status === 'False') return { status: 'Degraded', message: ready.message ?? ready.reason ?? 'Ready=False' };
  if (cond('Reconciling')?.status === 'True') return { status: 'Progressing', message: cond('Reconciling')?.message };
  if (ready?.status === 'True') return { status: 'Healthy' };
  return ready ? { status: 'Progressing', message: 'Ready=Unknown' } : undefined;
};
