import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createClusterClient, kubeconfigFiles, loadKubeconfig, type ClusterClient } from '../core/cluster';
import { describeId } from '../core/manifest';
import { loadDesired, planSync, DesiredStateError, type DesiredState, type SyncPlan } from '../core/sync';
import { EXIT, err, out, table, where, type CliIO } from './io';

/** Exit codes of plan, sync and revert (documented in the usage text). */
export const SYNC_EXIT = { ok: 0, changes: 1, error: 2, refused: 3, failed: 4, cancelled: 130 } as const;

export const CLUSTER_OPTIONS = {
  dir: { type: 'string' }, context: { type: 'string' }, kubeconfig: { type: 'string', multiple: true }, json: { type: 'boolean' },
} as const;

export interface Target { desired: DesiredState; client: ClusterClient }

/** Renders the app at the chosen revision and connects to its cluster; errors are printed. */
export async function openTarget(io: CliIO, appRef: string | undefined, v: { dir?: string; context?: string; kubeconfig?: string[] }, revision: string | { workingTree: true } = 'HEAD'): Promise<Target | number> {
  if (!appRef) {
    err(io, 'an app is required (see `gitops-lens apps`)');
    return EXIT.error;
  }
  let desired: DesiredState;
  try {
    desired = await loadDesired(resolve(io.cwd, v.dir ?? '.'), appRef, { revision, kubeconfig: v.kubeconfig, env: io.env });
  } catch (e) {
    if (e instanceof DesiredStateError || /is not a commit/.test((e as Error).message)) { err(io, (e as Error).message); return EXIT.error; }
    throw e;
  }
  const kc = loadKubeconfig(kubeconfigFiles(v.kubeconfig, io.env));
  const context = v.context ?? desired.app.destination.context;
  if (!context) {
    err(io, `${desired.app.id} is not mapped to a kubeconfig context; pass --context NAME (or map it in gitops-lens.yaml)`);
    return EXIT.error;
  }
  try {
    return { desired, client: createClusterClient(kc, context) };
  } catch (e) {
    err(io, (e as Error).message);
    return EXIT.error;
  }
}

export function printPlan(io: CliIO, plan: SyncPlan, opts: { diff?: boolean } = {}): void {
  out(io, `plan for ${plan.appId} → context ${plan.context} (${plan.server}) from ${plan.revision.label}${plan.prune ? ', with prune' : ''}`);
  if (plan.revision.uncommitted) out(io, `note: previewing UNCOMMITTED changes: ${plan.revision.uncommittedFiles.map((f) => where(io, f)).join(', ')}`);
  if (plan.tasks.length) {
    const rows = [['PHASE', 'WAVE', 'ACTION', 'RESOURCE', 'DRY-RUN', 'SOURCE / NOTE']];
    for (const t of plan.tasks) {
      const note = t.action === 'skip' || t.action === 'prune' ? t.reason ?? '' : t.dryRun.note ?? t.waveNote ?? (t.changes.length && t.action === 'configure' ? t.changes.slice(0, 4).join(', ') + (t.changes.length > 4 ? ', …' : '') : '');
      rows.push([t.phase, String(t.wave), t.action, describeId(t.id), t.dryRun.status, [t.source ? where(io, t.source.file, t.source.range) : '', note].filter(Boolean).join('  ')]);
    }
    out(io, table(rows));
  } else out(io, 'no resources');
  out(io, `summary: ${Object.entries(plan.summary).filter(([, n]) => n).map(([a, n]) => `${n} ${a}`).join(', ') || 'nothing'}${plan.liveComplete ? '' : ' (live listing incomplete: Extra resources may be missing from this plan)'}`);
  for (const p of plan.problems) out(io, `${p.source ? where(io, p.source.file, p.source.range) + ': ' : ''}${p.severity}: ${p.message}`);
  if (opts.diff !== false) {
    for (const t of plan.tasks) if (t.diff && (t.action === 'create' || t.action === 'configure' || t.action === 'prune')) out(io, t.diff.trimEnd());
  }
}

export function planExit(plan: SyncPlan): number {
  if (!plan.ok) return SYNC_EXIT.refused;
  return plan.summary.create + plan.summary.configure + plan.summary.prune > 0 ? SYNC_EXIT.changes : SYNC_EXIT.ok;
}

export async function runPlan(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CLUSTER_OPTIONS, prune: { type: 'boolean' }, 'working-tree': { type: 'boolean' }, revision: { type: 'string' }, 'no-diff': { type: 'boolean' }, resource: { type: 'string', multiple: true } } });
  const target = await openTarget(io, positionals[0], values, values['working-tree'] ? { workingTree: true } : values.revision ?? 'HEAD');
  if (typeof target === 'number') return target;
  try {
    const plan = await planSync(target.desired, target.client, { prune: values.prune, only: values.resource });
    if (values.json) out(io, JSON.stringify(plan, null, 2));
    else printPlan(io, plan, { diff: !values['no-diff'] });
    return planExit(plan);
  } finally {
    target.client.close();
  }
}
