import type { Range } from '../manifest';
import type { ChartRef } from '../render/chart-cache';

export type AppKind = 'argo-application' | 'flux-kustomization' | 'flux-helmrelease' | 'kustomize' | 'directory';
export type RendererKind = 'directory' | 'kustomize' | 'helm' | 'plugin';

/** Where an app (or a problem) was declared: a document in a repo file. */
export interface Declaration { file: string; docIndex: number; range: Range }

export interface HelmOptions {
  releaseName: string;
  /** Absolute paths of value files, in order. */
  valueFiles: string[];
  /** Inline values as YAML text (Argo `helm.values`). */
  values?: string;
  /** Inline values as an object (Argo `helm.valuesObject`, Flux `spec.values`). */
  valuesObject?: Record<string, unknown>;
  parameters: { name: string; value: string; forceString?: boolean }[];
}

export interface KustomizeOptions {
  namePrefix?: string;
  nameSuffix?: string;
  /** `name=newName:tag` or `name:tag` forms, as `kustomize edit set image` takes them. */
  images: string[];
  namespace?: string;
  /** `--enable-helm` (Argo CD `kustomize.buildOptions`, or `kustomize.buildOptions` in gitops-lens.yaml). */
  enableHelm?: boolean;
}

/** Argo CD `directory.jsonnet`: top-level arguments, external variables, library folders (repo-relative). */
export interface JsonnetOptions {
  tlas: { name: string; value: string; code: boolean }[];
  extVars: { name: string; value: string; code: boolean }[];
  libs: string[];
}

export interface DirectoryOptions { recurse: boolean; include?: string; exclude?: string; jsonnet?: JsonnetOptions }

/** Argo CD `source.plugin`: a config management plugin, rendered by a command the user maps to its name. */
export interface PluginOptions {
  /** Absent when Argo CD picks the plugin by discovery. */
  name?: string;
  env: { name: string; value: string }[];
  parameters: Record<string, unknown>[];
}

export interface AppSource {
  /** Absolute path of the source folder (or chart) in this repo; absent for remote sources. */
  dir?: string;
  /** Path as written in the app (relative to the repo root for Argo CD and Flux). */
  path?: string;
  repoURL?: string;
  targetRevision?: string;
  /** Argo multi-source `ref`: a source that only provides files to other sources. */
  ref?: string;
  chart?: string;
  /** A chart from a Helm repository or OCI registry (rendered from the chart cache). */
  remoteChart?: ChartRef;
  local: boolean;
  renderer?: RendererKind;
  helm?: HelmOptions;
  kustomize?: KustomizeOptions;
  directory?: DirectoryOptions;
  /** Set when the files are not this working tree (another ref, an ArtifactGenerator output). */
  archive?: SourceArchive;
  /** GitRepository `spec.ignore` + `.sourceignore`: files left out of the artifact (gitignore syntax). */
  ignore?: string;
  plugin?: PluginOptions;
}

export type DestinationResolution = 'server' | 'name' | 'config' | 'single-context' | 'unresolved';
export interface AppDestination {
  server?: string;
  name?: string;
  namespace?: string;
  /** The kubeconfig context the app maps to, when known. */
  context?: string;
  resolution: DestinationResolution;
}

export type TrackingMethod = 'argocd-annotation' | 'argocd-label' | 'flux-labels' | 'applyset';

export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers: string[];
  jqPathExpressions: string[];
  managedFieldsManagers: string[];
}

export interface FluxOptions {
  prune: boolean;
  suspend: boolean;
  targetNamespace?: string;
  dependsOn: string[];
  substitute: Record<string, string>;
  /** Names of ConfigMaps/Secrets in substituteFrom that were not found in the repo. */
  missingSubstituteFrom: string[];
  /** Repo files holding the substituteFrom ConfigMaps/Secrets: render inputs of the app. */
  substituteFromFiles?: string[];
  /** Variables whose values came from a Secret: masked wherever they land. */
  secretVars?: string[];
  /** `spec.postBuild` is set (Flux substitutes only then) and `substituteStrategy: Always`. */
  postBuild?: boolean;
  substituteAlways?: boolean;
  /** The Flux Kustomization whose tree applies this object (its app id), when there is one. */
  appliedBy?: string;
  /** Kustomization fields kustomize-controller writes into the path's kustomization (see render/flux-build). */
  build?: FluxBuildOptions;
  /** HelmRelease: what helm-controller does after `helm template` (post-renderers, labels). */
  helm?: FluxHelmOptions;
}

export interface FluxHelmOptions {
  /** `spec.postRenderers[]` as written (each may hold `kustomize.patches` / `kustomize.images`). */
  postRenderers: Record<string, unknown>[];
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** The HelmRelease itself: helm-controller labels every object `helm.toolkit.fluxcd.io/name|namespace`. */
  originName: string;
  originNamespace: string;
}

/** What kustomize-controller's generator sets in the kustomization of `spec.path`. */
export interface FluxBuildOptions {
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  patches: unknown[];
  images: unknown[];
  components: string[];
  ignoreMissingComponents: boolean;
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** Where a source's files come from when they are not the working tree. */
export interface SourceArchive {
  /** A git ref of this repository (`origin/dev`, `v1.2.0`, a commit) whose tree is rendered. */
  gitRef?: string;
  /** An ExternalArtifact: the ArtifactGenerator copies that assemble it. */
  copies?: ArtifactCopy[];
}

/** One `copy` of an ArtifactGenerator: files of `root` matching `from` (a glob) go under `to`. */
export interface ArtifactCopy { root: string; from: string; to: string; exclude?: string }

export interface AppProblem {
  message: string;
  severity: 'error' | 'warning' | 'info';
  file?: string;
  range?: Range;
  code: string;
}

export interface GitOpsApp {
  /**
   * Unique and stable: `argocd/<namespace>/<name>`, `flux/<entry>/ks|hr/<namespace>/<name>`,
   * `kustomize/<path>`.
   */
  id: string;
  name: string;
  namespace?: string;
  kind: AppKind;
  declaredIn?: Declaration;
  /** The ApplicationSet or parent app this one came from. */
  parent?: string;
  sources: AppSource[];
  destination: AppDestination;
  tracking: TrackingMethod;
  automated: boolean;
  selfHeal: boolean;
  autoPrune: boolean;
  syncOptions: string[];
  ignoreDifferences: IgnoreDifference[];
  flux?: FluxOptions;
  /** Flux: the cluster entry point (repo folder, e.g. `clusters/staging`) whose tree declares this app. */
  entryPoint?: string;
  problems: AppProblem[];
}

/** Something found in the repo that declares apps but could not be expanded. */
export interface UnsupportedDeclaration {
  what: string;
  reason: string;
  declaredIn: Declaration;
}
