export { kindScope, crdScopes, type KindScope, type KindScopeSource } from './kind-scope';
export { placeResource, defaultNamespaceOf, type Placement, type PlacementScope } from './place';
export { prepareDesired, prepareResource, scopeForRender, applySetOf, type PreparedResource, type PreparedDesired } from './prepare';
