import type { ClusterErrorInit } from '../cluster/errors';
import type { Health } from '../health';
import type { JsonPath, KubeObject, Range, ResourceId } from '../manifest';
import type { FieldProvenance } from '../render/provenance/types';

/** `Invalid`: the API server rejects the desired object (422, an admission denial) — Git's state cannot be applied. */
export type DriftStatus = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra' | 'Invalid' | 'Unknown';

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
  /**
   * Where the field is written in Git: the place that sets the rendered value (a patch, a
   * values file, a substitution; for a composed value the part the live value changes), else
   * the nearest existing parent when Git does not set it.
   */
  file?: string;
  range?: Range;
  /** The places that set the desired value, last writer first (render/provenance). */
  provenance?: FieldProvenance;
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
  /** Why the method is two-way, or why the status is Unknown or Invalid: readable, from the API server's answer. */
  note?: string;
  /** Invalid: each field the API server rejects, with its words and the place in Git that sets it. */
  invalid?: InvalidField[];
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

/** A field of the desired object the API server rejects. */
export interface InvalidField {
  /** As the server names it (`spec.replicas`); empty when the whole object is rejected. */
  path: string;
  message: string;
  file?: string;
  range?: Range;
  provenance?: FieldProvenance;
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
