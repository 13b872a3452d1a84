import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type JournalEntryType = 'sync' | 'rollback' | 'reapply' | 'reconcile-request' | 'drift';

export interface JournalTask {
  key: string;
  action: string;
  status: string;
  message?: string;
  durationMs: number;
}

/** One line of the journal: what was done to a cluster, by whom, from which commit. */
export interface JournalEntry {
  v: 1;
  type: JournalEntryType;
  /** When it started (ISO). */
  time: string;
  durationMs: number;
  user: { name?: string; email?: string };
  repo: string;
  /** App id (`kustomize/apps/web`, `argocd/argocd/web`). */
  app: string;
  /** The app's short name, as users type it. */
  appName?: string;
  context: string;
  server?: string;
  commit?: string;
  /** Commit date, for "time from commit to synced". */
  commitDate?: string;
  revision?: string;
  /** True when uncommitted changes were synced (explicit override). */
  uncommitted: boolean;
  uncommittedFiles?: string[];
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'refused' | 'requested' | 'observed';
  message: string;
  prune?: boolean;
  forced?: boolean;
  tasks: JournalTask[];
  errors: string[];
  warnings?: string[];
  /** `drift` entries: resources found out of sync (the editor records these). */
  drifted?: string[];
}

/** Appends one entry; each entry is one `write` with O_APPEND, so concurrent writers never interleave lines. */
export async function appendJournal(path: string, entry: JournalEntry): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, JSON.stringify(entry) + '\n', { encoding: 'utf8', flag: 'a' });
}

export interface JournalQuery {
  app?: string;
  context?: string;
  types?: JournalEntryType[];
  /** Only entries at or after this ISO time. */
  since?: string;
  /** Newest N. */
  limit?: number;
}

export interface JournalRead {
  /** Newest first. */
  entries: JournalEntry[];
  /** Lines that could not be read (a crash mid-write, hand edits). */
  skippedLines: number;
}

export async function readJournal(path: string, q: JournalQuery = {}): Promise<JournalRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skippedLines: 0 };
    throw e;
  }
  const entries: JournalEntry[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (e.v !== 1 || typeof e.app !== 'string' || typeof e.time !== 'string') { skippedLines++; continue; }
      if (q.app && e.app !== q.app && e.appName !== q.app && !e.app.endsWith(`/${q.app}`)) continue;
      if (q.context && e.context !== q.context) continue;
      if (q.types && !q.types.includes(e.type)) continue;
      if (q.since && e.time < q.since) continue;
      entries.push(e);
    } catch {
      skippedLines++;
    }
  }
  entries.sort((a, b) => b.time.localeCompare(a.time));
  return { entries: q.limit ? entries.slice(0, q.limit) : entries, skippedLines };
}

export interface DurationStats { count: number; medianMs?: number; p90Ms?: number; lastMs?: number }

export interface AppFigures {
  app: string;
  syncs: number;
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed); refused and cancelled syncs do not count. Undefined with no syncs. */
  successRate?: number;
  /** From the commit's date to the end of the sync that first brought it to the cluster. */
  commitToSynced: DurationStats;
  /**
   * Drift incidents: drift recorded by the editor, plus syncs that had to change the cluster
   * although the commit was the one already synced (someone changed the cluster, not Git).
   */
  driftIncidents: number;
  lastSync?: { time: string; outcome: JournalEntry['outcome']; commit?: string };
}

export interface DeliveryFigures {
  overall: Omit<AppFigures, 'app' | 'lastSync'>;
  apps: AppFigures[];
}

const APPLYING = new Set<JournalEntryType>(['sync', 'rollback', 'reapply']);

/** The delivery figures teams track, per app and overall, from journal entries. */
export function deliveryFigures(entries: JournalEntry[]): DeliveryFigures {
  const byApp = new Map<string, JournalEntry[]>();
  for (const e of [...entries].sort((a, b) => a.time.localeCompare(b.time))) {
    const k = `${e.app}\u0000${e.context}`;
    byApp.set(k, [...(byApp.get(k) ?? []), e]);
  }
  const merged = new Map<string, AppFigures & { durations: number[] }>();
  for (const list of byApp.values()) {
    const app = list[0].app;
    const f = merged.get(app) ?? { app, syncs: 0, succeeded: 0, failed: 0, commitToSynced: { count: 0 }, driftIncidents: 0, durations: [] };
    let syncedCommit: string | undefined;
    const firstSynced = new Set<string>();
    for (const e of list) {
      if (e.type === 'drift') { f.driftIncidents++; continue; }
      if (!APPLYING.has(e.type)) continue;
      f.syncs++;
      if (e.outcome === 'succeeded') f.succeeded++;
      if (e.outcome === 'failed') f.failed++;
      const changed = e.tasks.some((t) => t.status === 'applied' && (t.action === 'configure' || t.action === 'create'));
      if (e.outcome === 'succeeded' && !e.uncommitted && e.commit) {
        if (e.commit === syncedCommit && changed) f.driftIncidents++;
        if (!firstSynced.has(e.commit) && e.commitDate && e.type === 'sync') {
          firstSynced.add(e.commit);
          const ms = Date.parse(e.time) + e.durationMs - Date.parse(e.commitDate);
          if (Number.isFinite(ms) && ms >= 0) f.durations.push(ms);
        }
        syncedCommit = e.commit;
      }
      f.lastSync = { time: e.time, outcome: e.outcome, commit: e.commit };
    }
    merged.set(app, f);
  }
  const apps: AppFigures[] = [];
  const all: number[] = [];
  const overall = { syncs: 0, succeeded: 0, failed: 0, successRate: undefined as number | undefined, commitToSynced: { count: 0 } as DurationStats, driftIncidents: 0 };
  for (const f of merged.values()) {
    const { durations, ...rest } = f;
    rest.successRate = rate(f.succeeded, f.failed);
    rest.commitToSynced = stats(durations);
    apps.push(rest);
    all.push(...durations);
    overall.syncs += f.syncs;
    overall.succeeded += f.succeeded;
    overall.failed += f.failed;
    overall.driftIncidents += f.driftIncidents;
  }
  overall.successRate = rate(overall.succeeded, overall.failed);
  overall.commitToSynced = stats(all);
  apps.sort((a, b) => a.app.localeCompare(b.app));
  return { overall, apps };
}

function rate(ok: number, failed: number): number | undefined {
  return ok + failed === 0 ? undefined : ok / (ok + failed);
}

function stats(ms: number[]): DurationStats {
  if (ms.length === 0) return { count: 0 };
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { count: s.length, medianMs: q(0.5), p90Ms: q(0.9), lastMs: ms[ms.length - 1] };
}
