import type { GitOpsApp } from '../apps/types';
import type { KubeObject, Range } from '../manifest';
import type { Origin, RenderResult } from '../render/types';
import type { Orderable, SyncPhase } from './order';

export type TaskAction = 'create' | 'configure' | 'unchanged' | 'prune' | 'skip';

/** Which state of the repo the desired objects come from. */
export interface RevisionInfo {
  kind: 'head' | 'commit' | 'working-tree';
  /** The commit rendered (for the working tree: HEAD, which the edits sit on). */
  commit?: string;
  /** As the user named it (`HEAD`, a tag, a branch). */
  ref?: string;
  /** ISO date of the commit, for "time from commit to synced". */
  commitDate?: string;
  /** True when the desired state includes changes not committed to Git. */
  uncommitted: boolean;
  /** Files of the app with uncommitted changes (working tree only). */
  uncommittedFiles: string[];
  /** Shown next to every preview: `HEAD abc1234`, `working tree (uncommitted changes)`. */
  label: string;
}

/** The app's desired resources at a revision; origins point into the user's repository. */
export interface DesiredState {
  repoRoot: string;
  app: GitOpsApp;
  render: RenderResult;
  revision: RevisionInfo;
  /** The namespace of the kubeconfig context the app maps to, when it has one (kubectl's default). */
  contextNamespace?: string;
}

export interface DryRunOutcome {
  status: 'ok' | 'failed' | 'deferred' | 'not-run';
  /** Why a dry-run could not happen before the write (a Namespace or CRD this plan creates first). */
  note?: string;
  error?: string;
  /** Fields the server rejected, when it says. */
  invalidFields?: { field: string; message: string }[];
}

export interface SourceRef { file: string; range: Range }

/** One step of a plan; `id`, `phase`, `wave` and `waveNote` are its place in the order (order.ts). */
export interface SyncTask extends Orderable {
  /** `group/Kind/namespace/name`. */
  key: string;
  action: TaskAction;
  /** Why the task is skipped, or what makes a prune safe/unsafe. */
  reason?: string;
  /** The object to apply: rendered, defaulted namespace, tracking stamped. */
  desired?: KubeObject;
  live?: KubeObject | null;
  /** Where the resource comes from in Git. */
  source?: SourceRef;
  originVia?: Origin['via'];
  dryRun: DryRunOutcome;
  /** Changed field paths (normalized), empty for unchanged. */
  changes: string[];
  /** Unified diff, live → desired, normalized, Secret values masked. */
  diff: string;
  /** Prune only: delete after every other prune. */
  pruneLast?: boolean;
}

export type ControllerKind = 'argocd' | 'flux';
export interface ControllerInfo {
  kind: ControllerKind;
  /** Why the app counts as controller-managed. */
  reason: string;
}

export interface PlanProblem {
  code: 'render-failed' | 'dry-run-failed' | 'unknown-kind' | 'duplicate' | 'live-read-failed' | 'listing-incomplete' | 'empty-desired' | 'no-context' | 'controller' | 'wave' | 'ignore-rule';
  severity: 'error' | 'warning' | 'info';
  message: string;
  key?: string;
  source?: SourceRef;
}

export interface SyncPlan {
  appId: string;
  appName: string;
  appKind: GitOpsApp['kind'];
  repoRoot: string;
  context: string;
  server: string;
  revision: RevisionInfo;
  createdAt: string;
  /** Prune was requested: Extra resources are `prune` tasks (or `skip` with the reason). */
  prune: boolean;
  tasks: SyncTask[];
  problems: PlanProblem[];
  /** False when some kind could not be listed: Extra cannot be known, prune is refused. */
  liveComplete: boolean;
  controller?: ControllerInfo;
  /** Plain apps: the ApplySet parent applied before members (KEP-3659). */
  applySet?: { parent: KubeObject; groupKinds: string; namespaces: string[] };
  summary: Record<TaskAction, number>;
  /** True when nothing blocks a sync: render ok and every dry-run passed or was deferred. */
  ok: boolean;
}

export type TaskResultStatus = 'applied' | 'unchanged' | 'pruned' | 'skipped' | 'failed' | 'cancelled' | 'not-run';

export interface TaskResult {
  key: string;
  action: TaskAction;
  status: TaskResultStatus;
  message?: string;
  durationMs: number;
  source?: SourceRef;
}

export type SyncOutcome = 'succeeded' | 'failed' | 'cancelled' | 'refused';

export interface SyncResult {
  appId: string;
  context: string;
  outcome: SyncOutcome;
  /** One line saying why it failed, was refused or cancelled. */
  message: string;
  dryRun: boolean;
  revision: RevisionInfo;
  results: TaskResult[];
  errors: string[];
  warnings: string[];
  startedAt: string;
  durationMs: number;
}

export type SyncEvent =
  | { type: 'lock-wait'; holder: string }
  | { type: 'phase'; phase: 'dry-run' | 'apply' | 'prune' }
  | { type: 'wave-start'; phase: SyncPhase; wave: number; tasks: number }
  | { type: 'wave-wait'; phase: SyncPhase; wave: number; pending: string[] }
  | { type: 'wave-done'; phase: SyncPhase; wave: number; healthy: boolean; message?: string }
  | { type: 'task-start'; key: string; action: TaskAction }
  | { type: 'task-done'; result: TaskResult }
  | { type: 'done'; result: SyncResult };
