export { revertAppCommits, type AppRevert, type AppRevertOptions } from './git-revert';
export { adoptLiveValue, adoptValue, type AdoptResult, type AdoptOptions } from './adopt';
export { reapplyDesired, reapplyFromGit, rollbackToRevision, type ReapplyOptions, type RollbackOptions } from './apply';
