/**
 * The desired objects of an app as drift compares them and sync applies them: placed (one
 * namespace rule, see place.ts) and stamped with the app's tracking marks, so the marks
 * themselves are never drift. Drift and plan both start from this list.
 */
import type { GitOpsApp } from '../apps/types';
import { applySetParentOf, stampTracking, type ApplySetParent } from '../diff/tracking';
import type { KubeObject } from '../manifest';
import type { RenderedResource, RenderResult } from '../render/types';
import { crdScopes } from './kind-scope';
import { defaultNamespaceOf, placeResource, type Placement, type PlacementScope } from './place';

export interface PreparedResource extends Placement {
  resource: RenderedResource;
  /** The object to apply: namespace as placed (none for cluster-scoped kinds), tracking stamped. */
  object: KubeObject;
}

export interface PreparedDesired {
  resources: PreparedResource[];
  /** Plain apps: their ApplySet parent, in the app's default namespace (KEP-3659). */
  applySet?: ApplySetParent;
}

/** The scope with the render's own CRDs filled in. */
export function scopeForRender(render: Pick<RenderResult, 'resources'>, scope: PlacementScope): PlacementScope {
  return scope.renderedCrds ? scope : { ...scope, renderedCrds: crdScopes(render.resources.map((r) => r.object)) };
}

/** The ApplySet parent of a plain app, placed by the same rule as its members. */
export function applySetOf(app: GitOpsApp, scope: PlacementScope): ApplySetParent | undefined {
  return app.tracking === 'applyset' ? applySetParentOf(app, defaultNamespaceOf(app, scope)) : undefined;
}

export function prepareResource(r: RenderedResource, app: GitOpsApp, scope: PlacementScope, applySet: ApplySetParent | undefined): PreparedResource {
  const placement = placeResource(r.id, app, scope);
  const metadata = { ...(r.object.metadata ?? {}) };
  if (placement.id.namespace) metadata.namespace = placement.id.namespace; else delete metadata.namespace;
  const object = stampTracking(app, { ...r.object, metadata }, placement.id, applySet);
  return { ...placement, resource: r, object };
}

export function prepareDesired(render: Pick<RenderResult, 'resources'>, app: GitOpsApp, scope: PlacementScope): PreparedDesired {
  const s = scopeForRender(render, scope);
  const applySet = applySetOf(app, s);
  return { resources: render.resources.map((r) => prepareResource(r, app, s, applySet)), applySet };
}
