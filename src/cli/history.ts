import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { deliveryFigures, journalPath, readJournal } from '../core/journal';
import { repoTop } from '../core/git/history';
import { EXIT, err, out, table, type CliIO } from './io';

const pct = (x: number | undefined) => (x === undefined ? '-' : `${Math.round(x * 100)}%`);
const dur = (ms: number | undefined) => (ms === undefined ? '-' : ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

export async function runHistory(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, dir: { type: 'string' }, limit: { type: 'string' }, journal: { type: 'string' } } });
  let top: string;
  try {
    top = await repoTop(resolve(io.cwd, values.dir ?? '.'));
  } catch {
    err(io, 'not inside a Git repository');
    return EXIT.error;
  }
  const path = values.journal ?? journalPath(top, io.env);
  const all = await readJournal(path, { app: positionals[0] });
  const entries = values.limit ? all.entries.slice(0, Number(values.limit)) : all.entries;
  const figures = deliveryFigures(all.entries);
  if (values.json) {
    out(io, JSON.stringify({ journal: path, entries, figures, skippedLines: all.skippedLines }, null, 2));
    return EXIT.ok;
  }
  if (entries.length === 0) {
    out(io, `no syncs recorded${positionals[0] ? ` for ${positionals[0]}` : ''} (journal: ${path})`);
    return EXIT.ok;
  }
  const rows = [['TIME', 'TYPE', 'APP', 'CONTEXT', 'COMMIT', 'OUTCOME', 'USER', 'TOOK', 'CHANGES']];
  for (const e of entries) {
    const n = (s: string) => e.tasks.filter((t) => t.status === s).length;
    rows.push([e.time.replace('T', ' ').slice(0, 19), e.type, e.app, e.context, `${e.commit?.slice(0, 8) ?? '-'}${e.uncommitted ? '+uncommitted' : ''}`, e.outcome, e.user.name ?? '-', dur(e.durationMs), `${n('applied')} applied, ${n('pruned')} pruned, ${n('failed')} failed`]);
  }
  out(io, table(rows));
  out(io, '');
  const f = figures.overall;
  out(io, `sync success rate ${pct(f.successRate)} (${f.succeeded}/${f.succeeded + f.failed}); commit to synced: median ${dur(f.commitToSynced.medianMs)}, p90 ${dur(f.commitToSynced.p90Ms)} over ${f.commitToSynced.count} commit(s); drift incidents ${f.driftIncidents}`);
  for (const a of figures.apps) out(io, `  ${a.app}: success ${pct(a.successRate)}, commit→synced median ${dur(a.commitToSynced.medianMs)}, drift incidents ${a.driftIncidents}`);
  if (all.skippedLines) out(io, `warning: ${all.skippedLines} unreadable journal line(s) skipped`);
  return EXIT.ok;
}
