/**
 * Which live objects belong to an app (semantics.md "Tracking"): Argo CD tracking-id
 * annotation or instance label, Flux owner labels, ApplySet membership (KEP-3659). Only
 * top-level objects count: anything with ownerReferences was created by a controller, not
 * from Git. The drift engine reads these marks; the sync engine stamps them with the same code.
 */
import { createHash } from 'node:crypto';
import type { GitOpsApp } from '../apps/types';
import type { KubeObject, ResourceId } from '../manifest';
import { defaultNamespaceOf } from '../placement/place';

export const ARGO_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const ARGO_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const ARGO_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
export const FLUX_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
export const FLUX_HELM_NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
export const FLUX_HELM_NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';
export const APPLYSET_ID_LABEL = 'applyset.kubernetes.io/id';
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
export const APPLYSET_NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';
export const TOOLING = 'gitops-lens/v0.1.0';

/** The ApplySet parent of a plain app: a Secret, as `kubectl apply --applyset` uses by default. */
export interface ApplySetParent {
  group: '';
  version: 'v1';
  kind: 'Secret';
  name: string;
  namespace: string;
  id: string;
}

/**
 * KEP-3659 id: `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`, the same
 * computation kubectl makes, so kubectl recognises the set.
 */
export function applySetId(p: { name: string; namespace: string; kind: string; group: string }): string {
  const digest = createHash('sha256').update(`${p.name}.${p.namespace}.${p.kind}.${p.group}`).digest('base64url');
  return `applyset-${digest}-v1`;
}

function dnsLabel(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 200) || 'app';
}

/**
 * A plain app's ApplySet parent: Secret `gitops-lens-<app>` in the namespace its members
 * default to (destination, else the context's namespace, else `default`), where
 * `kubectl apply --applyset` would put it too.
 */
export function applySetParentOf(app: GitOpsApp, contextNamespace?: string): ApplySetParent {
  const name = `gitops-lens-${dnsLabel(app.name)}`;
  const namespace = defaultNamespaceOf(app, { contextNamespace });
  return { group: '', version: 'v1', kind: 'Secret', name, namespace, id: applySetId({ name, namespace, kind: 'Secret', group: '' }) };
}

/** `Deployment.apps,Service` — sorted group-kinds, as kubectl writes the annotation. */
export function groupKindsAnnotation(ids: Pick<ResourceId, 'group' | 'kind'>[]): string {
  return [...new Set(ids.map((i) => (i.group ? `${i.kind}.${i.group}` : i.kind)))].sort().join(',');
}

export function parseGroupKinds(value: string | undefined): { group: string; kind: string }[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((gk) => {
    const dot = gk.indexOf('.');
    return dot < 0 ? { group: '', kind: gk } : { group: gk.slice(dot + 1), kind: gk.slice(0, dot) };
  });
}

/** The parent object as we apply it; group-kinds and namespaces are a superset during a sync (KEP: widen before, narrow after). */
export function applySetParentObject(p: ApplySetParent, groupKinds: string, namespaces: string[]): KubeObject {
  const annotations: Record<string, string> = { [APPLYSET_TOOLING]: TOOLING, [APPLYSET_GROUP_KINDS]: groupKinds };
  const extra = namespaces.filter((n) => n && n !== p.namespace);
  if (extra.length) annotations[APPLYSET_NAMESPACES] = [...new Set(extra)].sort().join(',');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: p.name, namespace: p.namespace, labels: { [APPLYSET_ID_LABEL]: p.id }, annotations }, type: 'Opaque' };
}

export function argoTrackingId(appName: string, id: Pick<ResourceId, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${appName}:${id.group}/${id.kind}:${id.namespace ?? ''}/${id.name}`;
}

/** The label(s) Flux writes on what a Kustomization or HelmRelease applies. */
function fluxLabels(app: GitOpsApp): Record<string, string> {
  const ns = app.namespace ?? 'flux-system';
  return app.kind === 'flux-helmrelease'
    ? { [FLUX_HELM_NAME_LABEL]: app.name, [FLUX_HELM_NAMESPACE_LABEL]: ns }
    : { [FLUX_NAME_LABEL]: app.name, [FLUX_NAMESPACE_LABEL]: ns };
}

/** The object with the marks its app type uses to recognise its members. */
export function stampTracking(app: GitOpsApp, o: KubeObject, id: ResourceId, applySet?: ApplySetParent): KubeObject {
  const labels: Record<string, string> = { ...(o.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(o.metadata?.annotations ?? {}) };
  switch (app.tracking) {
    case 'argocd-annotation': annotations[ARGO_TRACKING_ID] = argoTrackingId(app.name, id); break;
    case 'argocd-label': labels[ARGO_INSTANCE_LABEL] = app.name; break;
    case 'flux-labels': Object.assign(labels, fluxLabels(app)); break;
    case 'applyset': if (applySet) labels[APPLYSET_PART_OF] = applySet.id; break;
  }
  const metadata = { ...(o.metadata ?? {}) } as NonNullable<KubeObject['metadata']>;
  if (Object.keys(labels).length) metadata.labels = labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return { ...o, metadata };
}

/** A label selector that finds candidate members on the server, where the tracking is a label. */
export function trackingSelector(app: GitOpsApp, applySet?: ApplySetParent): string | undefined {
  switch (app.tracking) {
    case 'argocd-label': return `${ARGO_INSTANCE_LABEL}=${app.name}`;
    case 'flux-labels': return Object.entries(fluxLabels(app)).map(([k, v]) => `${k}=${v}`).join(',');
    case 'applyset': return applySet ? `${APPLYSET_PART_OF}=${applySet.id}` : undefined;
    default: return undefined;
  }
}

export interface Tracker {
  describe: string;
  /** True when the live object is a top-level member of the app. */
  tracks(live: KubeObject, id: ResourceId): boolean;
}

/** Membership with the app-derived values computed once, for checking many live objects. */
export function trackerFor(app: GitOpsApp, applySet: ApplySetParent | undefined = app.tracking === 'applyset' ? applySetParentOf(app) : undefined): Tracker {
  // Argo CD names apps outside its own namespace `<namespace>_<name>` in the tracking id.
  const argoIds = (id: ResourceId) => [app.name, ...(app.namespace ? [`${app.namespace}_${app.name}`] : [])].map((n) => argoTrackingId(n, id));
  const flux = app.tracking === 'flux-labels' ? Object.entries(fluxLabels(app)) : [];
  const tracks = (live: KubeObject, id: ResourceId): boolean => {
    const meta = live.metadata ?? {};
    const owners = meta.ownerReferences;
    if (Array.isArray(owners) && owners.length > 0) return false;
    const labels = meta.labels ?? {};
    switch (app.tracking) {
      case 'argocd-annotation': {
        const v = meta.annotations?.[ARGO_TRACKING_ID];
        // The annotation names the object itself: a copy of an annotated object elsewhere is not ours.
        return !!v && argoIds(id).includes(v);
      }
      case 'argocd-label': return labels[ARGO_INSTANCE_LABEL] === app.name;
      case 'flux-labels': return flux.every(([k, v]) => labels[k] === v);
      case 'applyset': return !!applySet && labels[APPLYSET_PART_OF] === applySet.id;
    }
  };
  return { describe: app.tracking, tracks };
}

/** True when the live object carries this app's mark (and is a top-level object). */
export function isTrackedBy(app: GitOpsApp, live: KubeObject, id: ResourceId, applySet?: ApplySetParent): boolean {
  return trackerFor(app, applySet).tracks(live, id);
}

/** Argo `compare-options: IgnoreExtraneous`: an Extra that does not count towards the app status. */
export function ignoresExtraneous(live: KubeObject): boolean {
  return /(^|,)\s*IgnoreExtraneous\s*(,|$)/.test(live.metadata?.annotations?.[ARGO_COMPARE_OPTIONS] ?? '');
}
