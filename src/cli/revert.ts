import { parseArgs } from 'node:util';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { repoTop } from '../core/git/history';
import { journalPath, repoHash, stateDir } from '../core/journal';
import {
  adoptLiveValue, describeGitPlan, executeGitPlan, executeRollback, fileDiff, planCommitRevert, planRollback, planToJson, reapplyDesired,
  undoFromJson, undoGitChange, undoToJson, type GitChangePlan, type GitUndo,
} from '../core/revert';
import { EXIT, err, out, where, type CliIO } from './io';
import { CLUSTER_OPTIONS, openTarget, printPlan, SYNC_EXIT } from './plan';
import { printResult, progressPrinter, syncExit } from './sync';

const USAGE = 'usage: gitops-lens revert <app> --git [--commit SHA] [--whole-commit] [--mainline N] [--confirm-empty N] [--dry-run]'
  + ' | --drift [--resource KEY...] | --adopt KEY --path FIELD [--commit-change] [--dry-run] | --to REV [--prune] [--dry-run]'
  + ' | gitops-lens revert --undo';

/** Where the CLI keeps the undo record of its last Git change in a repository (outside the working tree). */
function undoFile(top: string, env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'undo', `${repoHash(top)}.json`);
}

async function saveUndo(io: CliIO, u: GitUndo): Promise<void> {
  const file = undoFile(u.repoRoot, io.env);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, undoToJson(u));
  out(io, 'undo with: gitops-lens revert --undo');
}

/** Prints a Git plan: what it does, every file with its diff; exit 3 when refused. */
function printGitPlan(io: CliIO, plan: GitChangePlan, json: boolean | undefined): void {
  if (json) { out(io, JSON.stringify(planToJson(plan), null, 2)); return; }
  out(io, describeGitPlan(plan));
  for (const f of plan.files) out(io, fileDiff(f).trimEnd() || `(no textual change in ${f.path})`);
}

async function runGitPlan(io: CliIO, plan: GitChangePlan, v: { 'dry-run'?: boolean; json?: boolean; 'confirm-empty'?: string }): Promise<number> {
  if (plan.refusal) {
    if (v.json) out(io, JSON.stringify(planToJson(plan), null, 2));
    err(io, `refused: ${plan.refusal}`);
    return SYNC_EXIT.refused;
  }
  printGitPlan(io, plan, v.json);
  if (v['dry-run']) return SYNC_EXIT.ok;
  if (plan.empties && Number(v['confirm-empty']) !== plan.empties.resources) {
    err(io, `refused: this leaves ${plan.appId} with no resources (${plan.empties.resources} resource(s), ${plan.empties.files} file(s) deleted); pass --confirm-empty ${plan.empties.resources} to go ahead`);
    return SYNC_EXIT.refused;
  }
  const r = await executeGitPlan(plan, { confirmEmpty: plan.empties ? Number(v['confirm-empty']) : undefined });
  if (!r.ok) { err(io, `refused: ${r.message}`); return SYNC_EXIT.refused; }
  out(io, r.message);
  await saveUndo(io, r.undo);
  return SYNC_EXIT.ok;
}

export async function runRevert(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...CLUSTER_OPTIONS, git: { type: 'boolean' }, drift: { type: 'boolean' }, adopt: { type: 'string' }, to: { type: 'string' }, undo: { type: 'boolean' },
      commit: { type: 'string' }, 'whole-commit': { type: 'boolean' }, mainline: { type: 'string' }, 'confirm-empty': { type: 'string' },
      resource: { type: 'string', multiple: true }, path: { type: 'string' }, 'dry-run': { type: 'boolean' },
      'commit-change': { type: 'boolean' }, prune: { type: 'boolean' }, force: { type: 'boolean' },
    },
  });
  const root = resolve(io.cwd, values.dir ?? '.');
  if (values.undo) return runUndo(io, root);
  const app = positionals[0];
  const modes = [values.git, values.drift, values.adopt !== undefined, values.to !== undefined].filter(Boolean).length;
  if (!app || modes !== 1) {
    err(io, USAGE);
    return EXIT.error;
  }
  if (values.git) {
    const mainline = values.mainline === undefined ? undefined : Number(values.mainline);
    if (mainline !== undefined && !(Number.isInteger(mainline) && mainline > 0)) { err(io, '--mainline takes a parent number (1, 2, …)'); return EXIT.error; }
    const plan = await planCommitRevert(root, app, { commit: values.commit, scope: values['whole-commit'] ? 'commit' : 'app', mainline, kubeconfig: values.kubeconfig, env: io.env });
    return runGitPlan(io, plan, values);
  }
  const target = await openTarget(io, app, values, 'HEAD');
  if (typeof target === 'number') return target;
  const { client } = target;
  try {
    if (values.adopt !== undefined) {
      if (!values.path) { err(io, '--adopt KEY needs --path FIELD (e.g. spec.replicas)'); return EXIT.error; }
      const r = await adoptLiveValue(root, app, values.adopt, values.path, client, { commit: values['commit-change'], dryRun: true, kubeconfig: values.kubeconfig, env: io.env });
      if (!r.ok && !r.plan) { err(io, `refused: ${r.reason}`); return SYNC_EXIT.refused; }
      const plan = r.plan!;
      if (r.ok && !values.json) out(io, `${where(io, r.file)}:${r.line}: ${values.path}: ${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`);
      return runGitPlan(io, plan, values);
    }
    const common = { journal: journalPath(target.desired.repoRoot, io.env), env: io.env, force: values.force, onEvent: values.json ? undefined : progressPrinter(io), kubeconfig: values.kubeconfig };
    if (values.drift) {
      // openTarget already rendered the app at HEAD, the revision drift is reverted to.
      const { plan, result } = await reapplyDesired(target.desired, client, { ...common, resources: values.resource });
      if (values.json) out(io, JSON.stringify({ plan, result }, null, 2));
      else { printPlan(io, plan, { diff: false }); printResult(io, result); }
      return syncExit(result);
    }
    const rb = await planRollback(root, app, values.to!, client, { ...common, prune: values.prune });
    if (!values.json) {
      out(io, `warning: ${rb.warning}`);
      out(io, rb.changedFiles.length ? `files of ${rb.plan.appId} that differ from HEAD at ${values.to}: ${rb.changedFiles.join(', ')}` : `no file of ${rb.plan.appId} differs between ${values.to} and HEAD`);
      printPlan(io, rb.plan, { diff: !!values['dry-run'] });
    }
    if (!rb.plan.ok) {
      if (values.json) out(io, JSON.stringify({ plan: rb.plan, changedFiles: rb.changedFiles }, null, 2));
      err(io, `refused: the plan has problems: ${rb.plan.problems.filter((p) => p.severity === 'error').map((p) => p.message).join('; ') || 'see above'}`);
      return SYNC_EXIT.refused;
    }
    if (values['dry-run']) {
      if (values.json) out(io, JSON.stringify({ plan: rb.plan, changedFiles: rb.changedFiles, warning: rb.warning }, null, 2));
      return SYNC_EXIT.ok;
    }
    const result = await executeRollback(rb, client, common);
    if (values.json) out(io, JSON.stringify({ plan: rb.plan, result }, null, 2));
    else printResult(io, result);
    return syncExit(result);
  } finally {
    client.close();
  }
}

/** Undoes the last Git change the CLI made in this repository, if nothing moved since. */
async function runUndo(io: CliIO, root: string): Promise<number> {
  let top: string;
  try {
    top = await repoTop(root);
  } catch {
    err(io, `${root} is not inside a Git repository`);
    return EXIT.error;
  }
  const file = undoFile(top, io.env);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (!text) { err(io, 'refused: no Git change of gitops-lens to undo in this repository'); return SYNC_EXIT.refused; }
  const r = await undoGitChange(undoFromJson(text));
  if (!r.ok) { err(io, `refused: ${r.message}`); return SYNC_EXIT.refused; }
  await rm(file, { force: true });
  out(io, r.message);
  return SYNC_EXIT.ok;
}
