export * from './types';
export { planSync, controllerOf, type PlanOptions } from './plan';
export { executeSync, type SyncOptions } from './run';
export { loadDesired, DesiredStateError, type DesiredOptions } from './desired';
export { requestReconcile, type ReconcileRequest } from './reconcile';
export { acquireAppLock, LockBusyError, type AppLock, type LockHolder } from './lock';
export { waveHealth, type HealthFn } from './health';
// The masked, normalized view and YAML of core/diff, for previews of plan tasks.
export { normalizedView as normalizeObject, toYaml } from '../diff';
export { kindRank, compareTasks, hookOf, waveOf, fluxStage, placeOf } from './order';
export { listTracked, type TrackedListing } from './live';
export { revisionDiff, type RevisionDiff, type ResourceRevisionDiff } from './revdiff';
