/**
 * Is a kind namespaced? One answer for drift, plan, adopt and revision diffs, asked in the
 * order that knows best: the cluster's discovery, then a CRD the render itself declares (a
 * kind this sync will create), then the built-in table. A kind none of them knows is
 * `unknown`: it is placed as namespaced (Argo CD's IsNamespacedOrUnknown) and its live
 * object is looked for under both keys (see placeResource).
 */
import { findResource, type Discovery } from '../cluster/discovery';
import { isNamespacedKind, type KubeObject } from '../manifest';

export type KindScopeSource = 'discovery' | 'rendered-crd' | 'built-in' | 'unknown';

export interface KindScope {
  /** Undefined when nothing knows the kind. */
  namespaced: boolean | undefined;
  source: KindScopeSource;
  /** The cluster serves the kind (false also when there was no discovery to ask). */
  served: boolean;
}

/** `group/kind` → namespaced, for every CustomResourceDefinition among the objects. */
export function crdScopes(objects: Iterable<KubeObject>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = (o.spec ?? {}) as { group?: string; scope?: string; names?: { kind?: string } };
    if (spec.group && spec.names?.kind) out.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return out;
}

export function kindScope(group: string, kind: string, discovery: Discovery | undefined, renderedCrds: ReadonlyMap<string, boolean> | undefined): KindScope {
  const served = discovery ? findResource(discovery, group, kind) : undefined;
  if (served) return { namespaced: served.namespaced, source: 'discovery', served: true };
  const crd = renderedCrds?.get(`${group}/${kind}`);
  if (crd !== undefined) return { namespaced: crd, source: 'rendered-crd', served: false };
  const builtIn = isNamespacedKind(group, kind);
  if (builtIn !== undefined) return { namespaced: builtIn, source: 'built-in', served: false };
  return { namespaced: undefined, source: 'unknown', served: false };
}
