export { ClusterSession, type ClusterSessionOptions } from './cluster-session';
export { reachabilityOf, type Reachability } from './reachability';
