// Revert Drift, Adopt Live Value, Revert Last Git Change, Roll Back to Revision…, Request
// Controller Reconcile: each asks first, runs the core under a progress, ends in a notification.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import { commitsTouching } from '../core/git/history';
import { describeId } from '../core/manifest';
import { adoptLiveValue, revertAppCommits } from '../core/revert';
import { loadDesired, planSync, requestReconcile } from '../core/sync';
import { resolveApp } from './commands';
import type { LiveState } from './live';
import { errorMessage, type Log } from './log';
import type { WorkspaceModel } from './model';
import { short } from './presenter';
import { resolveResource } from './resolve';
import type { SyncCommands } from './sync';

export function registerRevertCommands(model: WorkspaceModel, live: LiveState, log: Log, sync: SyncCommands, afterWrite: () => void): vscode.Disposable[] {
  const run = (name: string, fn: (arg?: unknown) => Promise<unknown>) => vscode.commands.registerCommand(name, async (arg?: unknown) => {
    if (!model.trusted) {
      void vscode.window.showWarningMessage('GitOps Lens: nothing is written in Restricted Mode. Trust the workspace first.');
      return undefined;
    }
    try {
      return await fn(arg);
    } catch (e) {
      log.error(`${name}: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(`GitOps Lens: ${errorMessage(e)}`, 'Show Logs').then((a) => a && log.show());
      return undefined;
    }
  });
  const opts = () => ({ kubeconfig: model.settings.kubeconfig, tools: model.settings.toolchain });
  const clientOf = (ctx: string | undefined) => {
    const c = ctx ? live.client(ctx) : undefined;
    if (!c) throw new Error(`no usable cluster context${ctx ? ` (${ctx})` : ''} for this app`);
    return c;
  };

  return [
    // Re-applies Git's (HEAD) version of the resource: the plan is the core's, the confirmation ours.
    run('gitopsLens.revertDrift', async (arg) => {
      const r = await resolveResource(model, live, arg, 'Revert the drift of which resource?', (d) => d.status === 'OutOfSync' || d.status === 'Missing');
      if (!r) return undefined;
      const client = clientOf(model.contextOf(r.app));
      const desired = await log.timed(`loadDesired ${r.app.id} (HEAD)`, () => loadDesired(model.root, r.app.id, { ...opts(), revision: 'HEAD' }));
      const plan = await log.timed(`plan revert ${r.diff.key}`, () => planSync(desired, client, { only: [r.diff.key] }), client.context);
      const fields = r.diff.changes.map((c) => `${c.path}: live ${short(c.live)} → Git ${short(c.desired)}${c.manager ? ` (changed by ${c.manager})` : ''}`);
      if (!plan.ok) return sync.confirm(plan, 'Revert Drift');
      const pick = await vscode.window.showWarningMessage(`Revert ${describeId(r.diff.id)} in ${client.context} to Git (${plan.revision.label})?`, { modal: true, detail: fields.join('\n') || r.diff.status }, 'Revert Drift');
      if (!pick) return undefined;
      return sync.execute(plan, { force: !!plan.controller, allowUncommitted: false }, r.app, 'reapply');
    }),
    // Writes the live value into the manifest (comment-preserving), leaving the change for review.
    run('gitopsLens.adoptLiveValue', async (arg) => {
      const r = await resolveResource(model, live, arg, 'Adopt a live value of which resource?', (d) => d.status === 'OutOfSync');
      if (!r) return undefined;
      let path = r.path;
      if (!path) {
        const pick = await vscode.window.showQuickPick(r.diff.changes.map((c) => ({ label: c.path, description: `Git ${short(c.desired)} → live ${short(c.live)}` })), { placeHolder: 'Which field\'s live value goes into Git?' });
        path = pick?.label;
      }
      if (!path) return undefined;
      const client = clientOf(model.contextOf(r.app));
      const res = await log.timed(`adopt ${r.diff.key} ${path}`, () => adoptLiveValue(model.root, r.app.id, r.diff.key, path!, client, opts()), client.context);
      if (!res.ok) {
        void vscode.window.showErrorMessage(`GitOps Lens: cannot adopt ${path}: ${res.reason}`);
        return res;
      }
      afterWrite();
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(res.file));
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(res.line - 1, 0, res.line - 1, 0) });
      void vscode.window.showInformationMessage(`GitOps Lens: ${path} = ${short(res.after)} written to ${relative(model.root, res.file)}:${res.line} (was ${short(res.before)}); review and commit it.`);
      return res;
    }),
    run('gitopsLens.revertLastGitChange', async (arg) => {
      const app = await resolveApp(model, arg, 'Revert the last Git change of which app?');
      if (!app) return undefined;
      const inputs = model.inputsOf(app);
      const [last] = inputs.length ? await commitsTouching(model.root, inputs, { maxCount: 1 }) : [];
      if (!last) {
        void vscode.window.showInformationMessage(`GitOps Lens: no commit changed ${app.name}.`);
        return undefined;
      }
      const pick = await vscode.window.showWarningMessage(`Revert ${last.shortHash} "${last.subject}"?`, { modal: true, detail: `git revert of the last commit that changed ${app.name} (${last.author}, ${last.date}). The revert commit stays on the current branch for review; nothing is pushed or synced.` }, 'Revert Commit');
      if (!pick) return undefined;
      const out = await log.timed(`git revert ${last.shortHash} (${app.id})`, () => revertAppCommits(model.root, app.id, { ...opts(), commits: [last.hash] }));
      (out.ok ? vscode.window.showInformationMessage : vscode.window.showErrorMessage)(`GitOps Lens: ${out.message}`);
      if (out.ok) afterWrite();
      return out;
    }),
    run('gitopsLens.rollbackToRevision', async (arg) => {
      const app = await resolveApp(model, arg, 'Roll back which app?');
      if (!app) return undefined;
      const inputs = model.inputsOf(app);
      const commits = await commitsTouching(model.root, inputs, { maxCount: 30 });
      const pick = await vscode.window.showQuickPick(commits.map((c) => ({ label: c.shortHash, description: c.subject, detail: `${c.author} · ${c.date}`, c })), { placeHolder: `Roll ${app.name} back to which revision? (commits that changed it)` });
      if (!pick) return undefined;
      const plan = await sync.plan(app, undefined, pick.c.hash);
      if (!plan) return undefined;
      const warning = `rolled back to ${plan.revision.label}: the cluster differs from the branch head until the next sync from Git`;
      const ok = await sync.confirm(plan, `Roll Back to ${pick.c.shortHash}`);
      return ok ? sync.execute(plan, ok, app, 'rollback', [warning]) : undefined;
    }),
    run('gitopsLens.requestReconcile', async (arg) => {
      const app = await resolveApp(model, arg, 'Ask the controller of which app to reconcile?');
      if (!app) return undefined;
      const client = clientOf(model.contextOf(app));
      const r = await log.timed(`request reconcile ${app.id}`, () => requestReconcile(app, client), client.context);
      (r.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(`GitOps Lens: ${r.message}`);
      return r;
    }),
  ];
}
