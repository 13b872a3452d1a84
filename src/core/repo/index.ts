export { loadRepo, scanRepo, KUSTOMIZATION_FILES, type RepoFile, type RepoFiles, type RepoSnapshot, type LoadRepoOptions } from './snapshot';
export { roleOf, isForeignTemplate, kustomizationFile, patchFilesOf, isKustomizePatch, type RepoLayout } from './roles';
export { gitTopLevel } from './files';
export type { SourceScope } from './scope';
