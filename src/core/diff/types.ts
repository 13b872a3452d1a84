import type { ClusterErrorInit } from '../cluster/errors';
import type { Health } from '../health';
import type { JsonPath, KubeObject, Range, ResourceId } from '../manifest';

export type DriftStatus = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra' | 'Unknown';

/**
 * How the comparison was made: `server-side` (SSA dry-run, only fields we would own),
 * `two-way` (fields set in Git against live, when dry-run was not allowed), or `none`
 * (nothing to compare: Missing, Extra, Unknown).
 */
export type DiffMethod = 'server-side' | 'two-way' | 'none';

/** One changed field. Secret values are masked (`<secret sha256:…>`). */
export interface FieldChange {
  /** `spec.template.spec.containers[0].image`; list indexes are those of the Git object. */
  path: string;
  jsonPath: JsonPath;
  /** Undefined when the field is absent on that side. */
  desired?: unknown;
  live?: unknown;
  /** Where the field is written in Git (the nearest existing parent when Git does not set it). */
  file?: string;
  range?: Range;
  /** The field manager that last wrote the live value, from managedFields. */
  manager?: string;
  /** When that manager wrote it (managedFields `time`, RFC 3339). */
  time?: string;
  operation?: string;
}

export interface ResourceDiff {
  id: ResourceId;
  key: string;
  status: DriftStatus;
  method: DiffMethod;
  changes: FieldChange[];
  /** Why the method is two-way, or why the status is Unknown: readable, from the API server's answer. */
  note?: string;
  error?: ClusterErrorInit;
  /** Where the resource is declared in Git (absent for Extra). */
  origin?: { file: string; docIndex: number; range: Range };
  /** Live resourceVersion compared against. */
  liveResourceVersion?: string;
  /** Extra resources annotated to be kept (Argo IgnoreExtraneous): shown, not counted. */
  ignoredExtraneous?: boolean;
  /**
   * Health of the live object (core/health): Missing when it does not exist; absent for
   * Extra and Unknown resources and for kinds without a health rule.
   */
  health?: Health;
}

export interface AppDiffSummary {
  status: DriftStatus;
  counts: Record<DriftStatus, number>;
  /** False when some kind could not be listed completely: Extra detection (and prune) is not reliable. */
  extraComplete: boolean;
  problems: string[];
  /** Worst health of the app's resources (Extra left out); absent when it has none. */
  health?: Health;
}

export interface AppDiff {
  appId: string;
  context?: string;
  resources: ResourceDiff[];
  summary: AppDiffSummary;
  computedAt: number;
}

/** The normalized desired/live pair of one resource, masked: what a unified diff view shows. */
export interface NormalizedPair {
  id: ResourceId;
  desired?: KubeObject;
  live?: KubeObject;
}

/** Flux-style ignore rule (HelmRelease `driftDetection.ignore`, Kustomization-like): JSON pointers for a target. */
export interface FluxIgnoreRule {
  paths: string[];
  target?: { group?: string; version?: string; kind?: string; name?: string; namespace?: string; labelSelector?: string; annotationSelector?: string };
}
