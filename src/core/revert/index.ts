export { planCommitRevert, refusalForFiles, type CommitRevertOptions } from './git-revert';
export { describeGitPlan, fileDiff, changeWord, planToJson, type GitChangePlan, type PlannedFile, type OutsideFiles, type GitPlanKind } from './git-plan';
export { executeGitPlan, undoGitChange, undoToJson, undoFromJson, type GitUndo, type GitChangeResult, type ExecuteGitPlanOptions } from './git-apply';
export { appFilesAt, appFilesOf, ownersOf, type AppFiles } from './ownership';
export { adoptLiveValue, adoptValue, type AdoptResult, type AdoptOptions } from './adopt';
export { reapplyDesired, reapplyFromGit, rollbackToRevision, planRollback, executeRollback, type RollbackPlan, type ReapplyOptions, type RollbackOptions } from './apply';
