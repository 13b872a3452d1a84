import type { LiveCache } from '../cluster';
import type { JournalEntryType } from '../journal/journal';
import type { HealthFn } from './health';
import type { SyncEvent } from './types';

export interface SyncOptions {
  /** Nothing is written: the plan (already dry-run on the server) is the result. */
  dryRun?: boolean;
  /** Sync although Argo CD or Flux reconciles the app in the cluster. */
  force?: boolean;
  /** Needed to sync a plan that contains uncommitted changes; the journal records it. */
  allowUncommitted?: boolean;
  /** Parallel writes within one kind of one wave. Default 8. */
  concurrency?: number;
  /** Cancels between tasks (a write in flight completes). */
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
  /** How long a wave may take to become healthy. Default 5 minutes. */
  waveTimeoutMs?: number;
  /**
   * The live cache of the context, when the caller keeps one (the editor's session): the
   * health wait observes it. Otherwise the sync watches what it waits for while it runs.
   */
  cache?: LiveCache;
  /** Wait for the last wave's health too. Default false (as Argo CD: the next wave is what waits). */
  waitLastWave?: boolean;
  health?: HealthFn;
  /** Another sync of the same app: wait up to this long, else refuse. Default 0 (refuse). */
  lockWaitMs?: number;
  lockDir?: string;
  /** Journal file; false to keep no record. */
  journal?: string | false;
  journalType?: JournalEntryType;
  env?: NodeJS.ProcessEnv;
  /** Extra warnings to carry into the result and journal (e.g. rolling back to an old revision). */
  warnings?: string[];
}

export type Emit = (e: SyncEvent) => void;
