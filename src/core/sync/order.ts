import type { KubeObject, ResourceId } from '../manifest';
import type { AppKind } from '../apps/types';

export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync';
export const PHASES: SyncPhase[] = ['PreSync', 'Sync', 'PostSync'];

/** Helm's install order, which Argo CD uses within a wave; anything else goes last. */
export const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** Built-in groups: a kind there is ordered by name; in any other group it is a custom resource. */
const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'scheduling.k8s.io', 'node.k8s.io']);

export function kindRank(id: Pick<ResourceId, 'group' | 'kind'>): number {
  const i = KIND_ORDER.indexOf(id.kind);
  return i >= 0 && BUILTIN_GROUPS.has(id.group) ? i : KIND_ORDER.length;
}

export interface HookInfo {
  phase: SyncPhase;
  /** Set when the object must not be applied: a `Skip` hook, or a phase we do not run. */
  skip?: string;
}

/** Phase from `argocd.argoproj.io/hook`; plain resources belong to the Sync phase. */
export function hookOf(o: KubeObject): HookInfo {
  const raw = o.metadata?.annotations?.[HOOK_ANNOTATION];
  if (!raw) return { phase: 'Sync' };
  const kinds = String(raw).split(',').map((s) => s.trim()).filter(Boolean);
  if (kinds.includes('Skip')) return { phase: 'Sync', skip: 'annotated argocd.argoproj.io/hook: Skip' };
  const phase = PHASES.find((p) => kinds.includes(p));
  if (phase) return { phase };
  return { phase: 'PostSync', skip: `hook "${raw}" runs only in Argo CD (${kinds.join(', ')} is not a phase GitOps Lens runs)` };
}

/** `argocd.argoproj.io/sync-wave`, default 0; an unparsable value is reported and counts as 0. */
export function waveOf(o: KubeObject): { wave: number; problem?: string } {
  const raw = o.metadata?.annotations?.[WAVE_ANNOTATION];
  if (raw === undefined || raw === null || raw === '') return { wave: 0 };
  const n = Number(String(raw).trim());
  if (!Number.isInteger(n)) return { wave: 0, problem: `sync-wave "${raw}" is not an integer; using 0` };
  return { wave: n };
}

/** Argo `sync-options` annotation entries (`Prune=false,PruneLast=true`). */
export function syncOptionsOf(o: KubeObject | undefined): string[] {
  const raw = o?.metadata?.annotations?.[ARGO_SYNC_OPTIONS];
  return raw ? String(raw).split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * Flux's staged apply (fluxcd/pkg/ssa ApplyAllStaged): cluster definitions first and waited
 * for, then classes, then everything else; admission webhooks at the very end.
 */
export function fluxStage(id: Pick<ResourceId, 'group' | 'kind'>): number {
  if (['CustomResourceDefinition', 'Namespace', 'ClusterRole'].includes(id.kind) && BUILTIN_GROUPS.has(id.group)) return 0;
  if (id.kind.endsWith('Class')) return 1;
  if (id.kind === 'MutatingWebhookConfiguration' || id.kind === 'ValidatingWebhookConfiguration') return 3;
  return 2;
}

export interface Orderable {
  id: ResourceId;
  phase: SyncPhase;
  wave: number;
  /** Set when the wave was moved earlier for a dependency. */
  waveNote?: string;
}

/**
 * Phase, then wave, then kind order, then name (Argo CD's rule). Flux apps have no waves or
 * hooks: their stage takes the wave's place.
 */
export function compareTasks(a: Orderable, b: Orderable): number {
  return PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase)
    || a.wave - b.wave
    || kindRank(a.id) - kindRank(b.id)
    || (a.id.namespace ?? '').localeCompare(b.id.namespace ?? '')
    || a.id.name.localeCompare(b.id.name);
}

/** Phase and wave of each object as its app type defines them. */
export function placeOf(appKind: AppKind, o: KubeObject, id: ResourceId): HookInfo & { wave: number; problem?: string } {
  if (appKind === 'flux-kustomization' || appKind === 'flux-helmrelease') return { phase: 'Sync', wave: fluxStage(id) };
  const h = hookOf(o);
  const w = waveOf(o);
  return { ...h, ...w };
}

/**
 * A Namespace or CRD goes before the first resource that needs it: it is moved to the
 * earliest phase and wave of any object in that namespace or of that custom kind. Within that
 * wave the kind order already puts it first.
 */
export function hoistDependencies<T extends Orderable & { desired?: KubeObject }>(tasks: T[]): void {
  const earliest = (deps: T[], self: T) => {
    let best: T | undefined;
    for (const d of deps) if (d !== self && compareTasks({ ...d, id: self.id }, self) < 0 && (!best || compareTasks({ ...d, id: self.id }, { ...best, id: self.id }) < 0)) best = d;
    return best;
  };
  for (const t of tasks) {
    let deps: T[] = [];
    if (t.id.group === '' && t.id.kind === 'Namespace') deps = tasks.filter((x) => x.id.namespace === t.id.name);
    else if (t.id.group === 'apiextensions.k8s.io' && t.id.kind === 'CustomResourceDefinition' && t.desired) {
      const spec = (t.desired.spec ?? {}) as { group?: string; names?: { kind?: string } };
      deps = tasks.filter((x) => x.id.group === spec.group && x.id.kind === spec.names?.kind);
    }
    const e = earliest(deps, t);
    if (e) {
      t.waveNote = `moved from ${t.phase === e.phase ? '' : `${t.phase} `}wave ${t.wave} to ${e.phase === t.phase ? '' : `${e.phase} `}wave ${e.wave}: ${describeShort(e.id)} needs it`;
      t.phase = e.phase;
      t.wave = e.wave;
    }
  }
}

function describeShort(id: ResourceId): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
