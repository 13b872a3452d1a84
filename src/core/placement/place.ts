/**
 * Where a desired resource lives in the cluster: one namespace rule for every caller.
 *
 *  1. Cluster-scoped kinds have no namespace, whatever the file says (the API server
 *     ignores it; Argo CD's DeduplicateTargetObjects clears it too).
 *  2. A Flux Kustomization's `spec.targetNamespace` overrides the namespace of every
 *     namespaced object: kustomize-controller sets it as the kustomization's `namespace:`,
 *     and kustomize's namespace transformer replaces existing namespaces.
 *  3. Otherwise the object's own namespace.
 *  4. Otherwise the app's destination namespace: Argo CD's `destination.namespace` only
 *     fills empty namespaces of namespaced kinds; a Flux HelmRelease's release namespace
 *     (`targetNamespace`, else its own namespace) is where Helm puts objects without one.
 *  5. Otherwise the kubeconfig context's namespace, else `default` — what kubectl does.
 */
import type { GitOpsApp } from '../apps/types';
import type { Discovery } from '../cluster/discovery';
import { resourceKey, type ResourceId } from '../manifest';
import { kindScope, type KindScope } from './kind-scope';

export interface PlacementScope {
  /** Discovery of the app's cluster; absent offline (revision diffs) or when it failed. */
  discovery?: Discovery;
  /** `group/kind` → namespaced for the CRDs the render declares (see crdScopes). */
  renderedCrds?: ReadonlyMap<string, boolean>;
  /** The kubeconfig context's namespace, when a context is known; else `default` is used. */
  contextNamespace?: string;
}

export interface Placement {
  /** The identity with its namespace decided. */
  id: ResourceId;
  /** resourceKey(id). */
  key: string;
  scope: KindScope;
  /**
   * Keys a live object of this resource may have: `key`, plus the cluster-scoped key when
   * the kind's scope is unknown (look it up both ways rather than guess).
   */
  keys: string[];
}

/** The namespace a namespaced object of this app gets when its file names none (rules 4 and 5). */
export function defaultNamespaceOf(app: GitOpsApp, scope: Pick<PlacementScope, 'contextNamespace'>): string {
  return app.destination.namespace || scope.contextNamespace || 'default';
}

export function placeResource(id: ResourceId, app: GitOpsApp, scope: PlacementScope): Placement {
  const ks = kindScope(id.group, id.kind, scope.discovery, scope.renderedCrds);
  const placed: ResourceId = { ...id };
  if (ks.namespaced === false) delete placed.namespace;
  else placed.namespace = (app.kind === 'flux-kustomization' && app.flux?.targetNamespace) || id.namespace || defaultNamespaceOf(app, scope);
  const key = resourceKey(placed);
  const keys = ks.namespaced === undefined ? [key, resourceKey({ ...placed, namespace: undefined })] : [key];
  return { id: placed, key, scope: ks, keys };
}
