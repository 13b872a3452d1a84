/**
 * Which live objects belong to an app (semantics.md "Tracking"): Argo CD tracking-id
 * annotation or instance label, Flux owner labels, ApplySet membership. Only top-level
 * objects count: anything with ownerReferences was created by a controller, not from Git.
 * The marks and the ApplySet parent naming are the ones the sync engine stamps.
 */
import { createHash } from 'node:crypto';
import type { GitOpsApp } from '../apps/types';
import type { KubeObject, ResourceId } from '../manifest';

export const ARGO_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const ARGO_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const ARGO_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
export const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
export const FLUX_HELM_NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
export const FLUX_HELM_NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';

/** KEP-3659 id of an ApplySet parent, as kubectl computes it. */
export function applySetIdOf(p: { name: string; namespace: string; kind: string; group: string }): string {
  return `applyset-${createHash('sha256').update(`${p.name}.${p.namespace}.${p.kind}.${p.group}`).digest('base64url')}-v1`;
}

function dnsLabel(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 200) || 'app';
}

/** A plain app's ApplySet parent: Secret `gitops-lens-<app>` in the destination namespace. */
export function applySetParentIdOf(app: GitOpsApp): { name: string; namespace: string; id: string } {
  const name = `gitops-lens-${dnsLabel(app.name)}`;
  const namespace = app.destination.namespace ?? 'default';
  return { name, namespace, id: applySetIdOf({ name, namespace, kind: 'Secret', group: '' }) };
}

export function argoTrackingIdOf(appName: string, id: Pick<ResourceId, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${appName}:${id.group}/${id.kind}:${id.namespace ?? ''}/${id.name}`;
}

export interface Tracker {
  describe: string;
  /** True when the live object is a top-level member of the app. */
  tracks(live: KubeObject, id: ResourceId): boolean;
}

export function trackerFor(app: GitOpsApp): Tracker {
  const fluxNs = app.namespace ?? 'flux-system';
  const helm = app.kind === 'flux-helmrelease';
  const applySet = app.tracking === 'applyset' ? applySetParentIdOf(app).id : undefined;
  const argoNames = new Set([app.name, ...(app.namespace ? [`${app.namespace}_${app.name}`] : [])]);
  const check = (live: KubeObject, id: ResourceId): boolean => {
    const meta = live.metadata ?? {};
    const owners = meta.ownerReferences;
    if (Array.isArray(owners) && owners.length > 0) return false;
    const labels = meta.labels ?? {};
    switch (app.tracking) {
      case 'argocd-annotation': {
        const v = meta.annotations?.[ARGO_TRACKING_ID];
        if (!v) return false;
        // The annotation names the object itself: a copy of an annotated object elsewhere is not ours.
        return [...argoNames].some((n) => v === argoTrackingIdOf(n, id));
      }
      case 'argocd-label': return labels[ARGO_INSTANCE_LABEL] === app.name;
      case 'flux-labels':
        return helm
          ? labels[FLUX_HELM_NAME_LABEL] === app.name && labels[FLUX_HELM_NAMESPACE_LABEL] === fluxNs
          : labels[FLUX_NAME_LABEL] === app.name && labels[FLUX_NAMESPACE_LABEL] === fluxNs;
      case 'applyset': return labels[APPLYSET_PART_OF] === applySet;
    }
  };
  return { describe: app.tracking, tracks: check };
}

/** Argo `compare-options: IgnoreExtraneous`: an Extra that does not count towards the app status. */
export function ignoresExtraneous(live: KubeObject): boolean {
  return /(^|,)\s*IgnoreExtraneous\s*(,|$)/.test(live.metadata?.annotations?.[ARGO_COMPARE_OPTIONS] ?? '');
}
