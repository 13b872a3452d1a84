export * from './types';
export { RULES, RULE_BY_ID } from './rules/catalog';
export { Linter, atLeast, isKubernetesFile, type LintOptions, type LintFileOptions } from './engine';
export { lintRendered, mergeFindings, type RenderedLintOptions } from './rendered';
export { loadLintConfig, parseLintConfig, type LintConfig, type ResourceIgnore } from './config';
export { normalizeRepoURL } from './gitops/repo-urls';
/** Kept for src/editor/lint.ts; new code imports remotesFromGitConfig from core/git. */
export { builtinSchemas } from './schema/bundle';
export { crdSchemaSource, type CrdInfo } from './schema/crd';
export { clusterCrdSchemaSource, type CrdLister } from './schema/live';
export type { SchemaSource, JsonSchema } from './schema/types';
export { kubernetesCelEnvironment, toCel } from './cel/library';
export type { PolicyInput, PolicyViolation, PolicyProblem } from './vap/types';
export { lintRepository, allFindings, lintScopeOf, type LintRepositoryInput, type LintRepositoryResult, type FileFindings } from './lint-repo';
export { isSecretReference } from './secrets';
