/**
 * Health per kind and the app roll-up, as semantics.md states them (Argo CD's gitops-engine
 * rules for built-ins, kstatus conditions for custom resources and Flux/Argo objects).
 */
import type { KubeObject } from '../manifest';
import { splitApiVersion } from '../manifest';

export type HealthStatus = 'Healthy' | 'Suspended' | 'Progressing' | 'Missing' | 'Degraded' | 'Unknown';

export interface Health { status: HealthStatus; message?: string }

/** Worst-of order. */
export const HEALTH_ORDER: HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

type Obj = Record<string, unknown>;
interface Condition { type?: string; status?: string; reason?: string; message?: string }

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
const conditions = (status: Obj): Condition[] => (Array.isArray(status.conditions) ? (status.conditions as Condition[]) : []);
const cond = (status: Obj, type: string) => conditions(status).find((c) => c.type === type);

function generationStale(o: KubeObject, status: Obj): boolean {
  const gen = o.metadata?.generation;
  return typeof gen === 'number' && typeof status.observedGeneration === 'number' && gen > status.observedGeneration;
}

function deployment(o: KubeObject, spec: Obj, status: Obj): Health {
  if (spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (generationStale(o, status)) return { status: 'Progressing', message: 'Waiting for rollout to be observed' };
  const p = cond(status, 'Progressing');
  if (p?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: p.message ?? `Deployment exceeded its progress deadline` };
  const replicas = num(spec.replicas, 1);
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  if (updated < replicas) return { status: 'Progressing', message: `${updated} of ${replicas} updated replicas` };
  if (num(status.replicas) > updated) return { status: 'Progressing', message: `${num(status.replicas) - updated} old replicas are pending termination` };
  if (available < updated) return { status: 'Progressing', message: `${available} of ${updated} updated replicas are available` };
  return { status: 'Healthy' };
}

function statefulSet(o: KubeObject, spec: Obj, status: Obj): Health {
  if (generationStale(o, status)) return { status: 'Progressing', message: 'Waiting for the spec to be observed' };
  const replicas = num(spec.replicas, 1);
  const ready = num(status.readyReplicas);
  if (ready < replicas) return { status: 'Progressing', message: `${ready} of ${replicas} pods ready` };
  const strategy = obj(spec.updateStrategy);
  const partition = num(obj(strategy.rollingUpdate).partition);
  if (strategy.type !== 'OnDelete') {
    if (partition > 0) {
      const updated = num(status.updatedReplicas);
      if (updated < replicas - partition) return { status: 'Progressing', message: `${updated} of ${replicas - partition} pods updated (partition ${partition})` };
    } else if (status.updateRevision !== undefined && status.updateRevision !== status.currentRevision) {
      return { status: 'Progressing', message: 'rolling update in progress' };
    }
  }
  return { status: 'Healthy' };
}

function daemonSet(o: KubeObject, status: Obj): Health {
  if (generationStale(o, status)) return { status: 'Progressing', message: 'Waiting for the spec to be observed' };
  const desired = num(status.desiredNumberScheduled);
  if (num(status.updatedNumberScheduled) < desired) return { status: 'Progressing', message: `${num(status.updatedNumberScheduled)} of ${desired} pods updated` };
  if (num(status.numberAvailable) < desired) return { status: 'Progressing', message: `${num(status.numberAvailable)} of ${desired} pods available` };
  return { status: 'Healthy' };
}

function loadBalanced(status: Obj, what: string): Health {
  const ingress = obj(status.loadBalancer).ingress;
  return Array.isArray(ingress) && ingress.length > 0 ? { status: 'Healthy' } : { status: 'Progressing', message: `Waiting for the ${what} to get a load balancer address` };
}

function job(spec: Obj, status: Obj): Health {
  const failed = cond(status, 'Failed');
  if (failed?.status === 'True') return { status: 'Degraded', message: failed.message ?? 'Job failed' };
  if (spec.suspend === true) return { status: 'Suspended', message: 'Job is suspended' };
  if (cond(status, 'Complete')?.status === 'True') return { status: 'Healthy', message: 'Job completed' };
  return { status: 'Progressing', message: 'Job is running' };
}

const BAD_WAITING = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName', 'CreateContainerError']);

function pod(spec: Obj, status: Obj): Health {
  const all = [...(Array.isArray(status.initContainerStatuses) ? status.initContainerStatuses : []), ...(Array.isArray(status.containerStatuses) ? status.containerStatuses : [])] as Obj[];
  for (const c of all) {
    const waiting = obj(obj(c.state).waiting);
    if (typeof waiting.reason === 'string' && BAD_WAITING.has(waiting.reason)) return { status: 'Degraded', message: `container ${String(c.name)}: ${waiting.reason}${waiting.message ? `: ${String(waiting.message)}` : ''}` };
  }
  switch (status.phase) {
    case 'Succeeded': return { status: 'Healthy', message: 'Pod completed' };
    case 'Failed': return { status: 'Degraded', message: String(status.message ?? 'Pod failed') };
    case 'Running': {
      if (spec.restartPolicy === 'Always' || spec.restartPolicy === undefined) {
        return cond(status, 'Ready')?.status === 'True' ? { status: 'Healthy' } : { status: 'Progressing', message: 'Pod is not ready' };
      }
      return { status: 'Progressing', message: 'Pod is running' };
    }
    case 'Pending': return { status: 'Progressing', message: 'Pod is pending' };
    default: return { status: 'Unknown', message: status.phase ? `phase ${String(status.phase)}` : 'no status yet' };
  }
}

function pvc(status: Obj): Health {
  switch (status.phase) {
    case 'Bound': return { status: 'Healthy' };
    case 'Lost': return { status: 'Degraded', message: 'claim lost its volume' };
    default: return { status: 'Progressing', message: 'Waiting for the claim to be bound' };
  }
}

const FLUX_GROUP = /\.toolkit\.fluxcd\.io$/;

/** kstatus: observedGeneration, Ready, Stalled, Reconciling. Undefined when the object has no such status. */
function kstatus(o: KubeObject, status: Obj): Health | undefined {
  if (generationStale(o, status)) return { status: 'Progressing', message: 'Waiting for the spec to be observed' };
  const stalled = cond(status, 'Stalled');
  if (stalled?.status === 'True') return { status: 'Degraded', message: stalled.message ?? stalled.reason ?? 'Stalled' };
  const ready = cond(status, 'Ready');
  const reconciling = cond(status, 'Reconciling');
  if (ready?.status === 'False' && reconciling?.status !== 'True') return { status: 'Degraded', message: ready.message ?? ready.reason ?? 'Not ready' };
  if (reconciling?.status === 'True') return { status: 'Progressing', message: reconciling.message ?? 'Reconciling' };
  if (ready?.status === 'True') return { status: 'Healthy', message: ready.message };
  if (conditions(status).length === 0 && status.observedGeneration === undefined) return undefined;
  return ready ? { status: 'Progressing', message: ready.message ?? 'Ready is Unknown' } : undefined;
}

function argoApplication(status: Obj): Health {
  const h = obj(status.health);
  const s = h.status;
  if (typeof s === 'string' && (HEALTH_ORDER as string[]).includes(s)) return { status: s as HealthStatus, message: typeof h.message === 'string' ? h.message : undefined };
  return { status: 'Unknown', message: 'Application has no health yet' };
}

/** Health of one live object; undefined for kinds that have no health rule. */
export function healthOf(o: KubeObject | undefined): Health | undefined {
  if (!o) return { status: 'Missing' };
  if (o.metadata?.deletionTimestamp) return { status: 'Progressing', message: 'being deleted' };
  const { group } = splitApiVersion(o.apiVersion);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const gk = `${group}/${o.kind}`;
  switch (gk) {
    case 'apps/Deployment': return deployment(o, spec, status);
    case 'apps/StatefulSet': return statefulSet(o, spec, status);
    case 'apps/DaemonSet': return daemonSet(o, status);
    case 'apps/ReplicaSet': {
      if (generationStale(o, status)) return { status: 'Progressing', message: 'Waiting for the spec to be observed' };
      const want = num(spec.replicas, 1);
      return num(status.availableReplicas) < want ? { status: 'Progressing', message: `${num(status.availableReplicas)} of ${want} replicas available` } : { status: 'Healthy' };
    }
    case '/Service': return spec.type === 'LoadBalancer' ? loadBalanced(status, 'Service') : { status: 'Healthy' };
    case 'networking.k8s.io/Ingress': case 'extensions/Ingress': return loadBalanced(status, 'Ingress');
    case '/PersistentVolumeClaim': return pvc(status);
    case 'batch/Job': return job(spec, status);
    case '/Pod': return pod(spec, status);
    case 'argoproj.io/Application': return argoApplication(status);
    case 'autoscaling/HorizontalPodAutoscaler': {
      const able = cond(status, 'AbleToScale');
      if (able?.status === 'False') return { status: 'Degraded', message: able.message };
      return conditions(status).length ? { status: 'Healthy' } : { status: 'Progressing', message: 'Waiting for metrics' };
    }
  }
  if (FLUX_GROUP.test(group) && spec.suspend === true) return { status: 'Suspended', message: `${o.kind} is suspended` };
  // Built-in kinds without a rule have no health; custom resources get kstatus.
  if (group === '' || group.endsWith('.k8s.io') || ['apps', 'batch', 'policy', 'autoscaling'].includes(group)) return undefined;
  return kstatus(o, status);
}

/** Worst of the given healths (those without health are left out); Healthy for none. */
export function rollUp(healths: (Health | undefined)[]): Health {
  let worst: Health = { status: 'Healthy' };
  for (const h of healths) {
    if (h && HEALTH_ORDER.indexOf(h.status) > HEALTH_ORDER.indexOf(worst.status)) worst = h;
  }
  return worst;
}
