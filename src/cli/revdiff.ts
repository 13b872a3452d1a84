import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { describeId } from '../core/manifest';
import { revisionDiff } from '../core/sync';
import { EXIT, err, out, type CliIO } from './io';

/**
 * `gitops-lens diff <app> --from REV --to REV`: the rendered change between two revisions,
 * no cluster needed. Exit 0 no change, 1 changes, 2 error.
 */
export async function runRevisionDiff(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, stat: { type: 'boolean' }, dir: { type: 'string' }, context: { type: 'string' } } });
  if (!positionals[0] || !values.from) {
    err(io, 'usage: gitops-lens diff <app> --from REV [--to REV] [--stat] [--json]   (--to defaults to HEAD)');
    return EXIT.error;
  }
  const d = await revisionDiff(resolve(io.cwd, values.dir ?? '.'), positionals[0], values.from, values.to ?? 'HEAD', { env: io.env });
  if (values.json) out(io, JSON.stringify(d, null, 2));
  else {
    for (const [side, s] of [['from', d.from], ['to', d.to]] as const) for (const p of s.problems) err(io, `${side} ${side === 'from' ? values.from : values.to ?? 'HEAD'}: ${p}`);
    for (const r of d.resources) {
      if (r.status === 'unchanged') continue;
      if (values.stat) out(io, `${r.status.padEnd(8)} ${describeId(r.id)}${r.changes.length ? `  ${r.changes.join(', ')}` : ''}`);
      else out(io, r.diff.trimEnd());
    }
    out(io, `${d.appId} ${d.from.revision?.label ?? values.from} → ${d.to.revision?.label ?? values.to ?? 'HEAD'}: ${d.summary.added} added, ${d.summary.removed} removed, ${d.summary.changed} changed, ${d.summary.unchanged} unchanged`);
  }
  if (!d.ok) return EXIT.error;
  return d.summary.added + d.summary.removed + d.summary.changed > 0 ? EXIT.findings : EXIT.ok;
}
