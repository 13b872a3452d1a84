export * from './kubeconfig';
export * from './errors';
export { fetchDiscovery, findResource, type ApiResourceInfo, type Discovery } from './discovery';
export * from './client';
export * from './cache';
