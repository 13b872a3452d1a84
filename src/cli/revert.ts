import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { journalPath } from '../core/journal';
import { adoptLiveValue, reapplyDesired, revertAppCommits, rollbackToRevision } from '../core/revert';
import { EXIT, err, out, where, type CliIO } from './io';
import { CLUSTER_OPTIONS, openTarget, printPlan, SYNC_EXIT } from './plan';
import { printResult, progressPrinter, syncExit } from './sync';

export async function runRevert(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...CLUSTER_OPTIONS, git: { type: 'boolean' }, drift: { type: 'boolean' }, adopt: { type: 'string' }, to: { type: 'string' },
      count: { type: 'string' }, commit: { type: 'string', multiple: true }, resource: { type: 'string', multiple: true }, path: { type: 'string' },
      'commit-change': { type: 'boolean' }, prune: { type: 'boolean' }, force: { type: 'boolean' },
    },
  });
  const app = positionals[0];
  const modes = [values.git, values.drift, values.adopt !== undefined, values.to !== undefined].filter(Boolean).length;
  if (!app || modes !== 1) {
    err(io, 'usage: gitops-lens revert <app> --git [--count N | --commit SHA...] | --drift [--resource KEY...] | --adopt KEY --path FIELD [--commit-change] | --to REV [--prune]');
    return EXIT.error;
  }
  const root = resolve(io.cwd, values.dir ?? '.');
  if (values.git) {
    const r = await revertAppCommits(root, app, { commits: values.commit, count: values.count ? Number(values.count) : undefined, kubeconfig: values.kubeconfig, env: io.env });
    if (values.json) out(io, JSON.stringify(r, null, 2));
    else {
      for (const c of r.reverted) out(io, `reverted ${c.shortHash} ${c.subject} (${c.author}, ${c.date})`);
      (r.ok ? out : err)(io, r.message);
    }
    return r.ok ? SYNC_EXIT.ok : SYNC_EXIT.refused;
  }
  const target = await openTarget(io, app, values, 'HEAD');
  if (typeof target === 'number') return target;
  const { client } = target;
  try {
    if (values.adopt !== undefined) {
      if (!values.path) { err(io, '--adopt KEY needs --path FIELD (e.g. spec.replicas)'); return EXIT.error; }
      const r = await adoptLiveValue(root, app, values.adopt, values.path, client, { commit: values['commit-change'], kubeconfig: values.kubeconfig, env: io.env });
      if (values.json) { out(io, JSON.stringify(r, null, 2)); return r.ok ? SYNC_EXIT.ok : SYNC_EXIT.refused; }
      if (!r.ok) { err(io, `not adopted: ${r.reason}`); return SYNC_EXIT.refused; }
      out(io, `${where(io, r.file)}:${r.line}: ${values.path}: ${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}${r.committed ? ` (committed ${r.committed.slice(0, 8)})` : ' (review and commit the change)'}`);
      return SYNC_EXIT.ok;
    }
    const common = { journal: journalPath(target.desired.repoRoot, io.env), env: io.env, force: values.force, onEvent: values.json ? undefined : progressPrinter(io), kubeconfig: values.kubeconfig };
    const { plan, result } = values.drift
      // openTarget already rendered the app at HEAD, the revision drift is reverted to.
      ? await reapplyDesired(target.desired, client, { ...common, resources: values.resource })
      : await rollbackToRevision(root, app, values.to!, client, { ...common, prune: values.prune });
    if (values.json) out(io, JSON.stringify({ plan, result }, null, 2));
    else {
      printPlan(io, plan, { diff: false });
      printResult(io, result);
    }
    return syncExit(result);
  } finally {
    client.close();
  }
}
