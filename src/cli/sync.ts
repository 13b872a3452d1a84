import { parseArgs } from 'node:util';
import { journalPath } from '../core/journal';
import { executeSync, planSync, requestReconcile, type SyncEvent, type SyncResult } from '../core/sync';
import { err, out, where, type CliIO } from './io';
import { CLUSTER_OPTIONS, openTarget, printPlan, SYNC_EXIT } from './plan';

export function syncExit(r: SyncResult): number {
  return r.outcome === 'succeeded' ? SYNC_EXIT.ok : r.outcome === 'refused' ? SYNC_EXIT.refused : r.outcome === 'cancelled' ? SYNC_EXIT.cancelled : SYNC_EXIT.failed;
}

export function printResult(io: CliIO, r: SyncResult): void {
  for (const w of r.warnings) out(io, `warning: ${w}`);
  for (const e of r.errors) out(io, `error: ${e}`);
  out(io, `${r.outcome}: ${r.message} (${(r.durationMs / 1000).toFixed(1)} s)`);
}

/** Progress lines on stderr, so stdout stays the result. */
export function progressPrinter(io: CliIO): (e: SyncEvent) => void {
  return (e) => {
    const line = e.type === 'wave-start' ? `${e.phase} wave ${e.wave}: ${e.tasks} resource(s)`
      : e.type === 'wave-wait' ? `  waiting for health: ${e.pending.join('; ')}`
        : e.type === 'task-done' && e.result.status !== 'skipped' ? `  ${e.result.status.padEnd(9)} ${e.result.key}${e.result.message ? `: ${e.result.message}` : ''}${e.result.source ? `  (${where(io, e.result.source.file, e.result.source.range)})` : ''}`
          : e.type === 'lock-wait' ? `waiting for another sync of this app (${e.holder})`
            : e.type === 'phase' && e.phase === 'prune' ? 'prune' : undefined;
    if (line) io.stderr.write(line + '\n');
  };
}

export async function runSync(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...CLUSTER_OPTIONS, prune: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'working-tree': { type: 'boolean' }, 'allow-uncommitted': { type: 'boolean' },
      force: { type: 'boolean' }, reconcile: { type: 'boolean' }, 'wait-lock': { type: 'string' }, timeout: { type: 'string' }, concurrency: { type: 'string' },
      'wait-last': { type: 'boolean' }, resource: { type: 'string', multiple: true },
    },
  });
  const target = await openTarget(io, positionals[0], values, values['working-tree'] ? { workingTree: true } : 'HEAD');
  if (typeof target === 'number') return target;
  const { desired, client } = target;
  const ac = new AbortController();
  const onSigint = () => { io.stderr.write('cancelling after the tasks in flight…\n'); ac.abort(); };
  process.once('SIGINT', onSigint);
  try {
    if (values.reconcile) {
      const r = await requestReconcile(desired.app, client);
      (r.ok ? out : err)(io, r.message);
      return r.ok ? SYNC_EXIT.ok : SYNC_EXIT.error;
    }
    const plan = await planSync(desired, client, { prune: values.prune, only: values.resource, concurrency: num(values.concurrency), signal: ac.signal });
    if (!values.json) printPlan(io, plan, { diff: !!values['dry-run'] });
    if (plan.controller && !values.force && !values['dry-run']) {
      err(io, `${plan.controller.reason}. Run with --reconcile to ask ${plan.controller.kind === 'argocd' ? 'Argo CD' : 'Flux'} to reconcile, or --force to sync from here anyway.`);
      return SYNC_EXIT.refused;
    }
    if (plan.revision.uncommitted && !values['allow-uncommitted'] && !values['dry-run']) {
      err(io, 'the working tree has uncommitted changes to this app; commit them, or pass --allow-uncommitted to sync them (the journal records it)');
      return SYNC_EXIT.refused;
    }
    const result = await executeSync(plan, client, {
      dryRun: values['dry-run'], force: values.force, allowUncommitted: values['allow-uncommitted'], signal: ac.signal,
      onEvent: values.json ? undefined : progressPrinter(io), concurrency: num(values.concurrency),
      waveTimeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined, lockWaitMs: values['wait-lock'] ? Number(values['wait-lock']) * 1000 : 0,
      waitLastWave: values['wait-last'], journal: journalPath(desired.repoRoot, io.env), env: io.env,
    });
    if (values.json) out(io, JSON.stringify({ plan, result }, null, 2));
    else printResult(io, result);
    return syncExit(result);
  } finally {
    process.removeListener('SIGINT', onSigint);
    client.close();
  }
}

function num(s: string | undefined): number | undefined {
  return s === undefined ? undefined : Number(s);
}
