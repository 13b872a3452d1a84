// Revert Drift, Adopt Live Value, Revert Last Git Change, Roll Back to Revision…, Request
// Controller Reconcile: each asks first, runs the core under a progress, ends in a notification.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import { commitInfo, commitsTouching } from '../core/git/history';
import { commitParents } from '../core/git/tree';
import { describeId, parseJsonPath, valueAtPath, type ResourceId } from '../core/manifest';
import { adoptLiveValue, appFilesOf, describeGitPlan, planCommitRevert } from '../core/revert';
import { loadDesired, planSync, requestReconcile, type DesiredState } from '../core/sync';
import type { GitPlanUI } from './gitPlan';
import type { CommandSpec } from './commandTable';
import type { LiveState } from './live';
import type { Log } from './log';
import type { WorkspaceModel } from './model';
import { short } from './presenter';
import type { SyncCommands } from './sync';

export function revertCommands(model: WorkspaceModel, live: LiveState, log: Log, sync: SyncCommands, plans: GitPlanUI): CommandSpec[] {
  const opts = () => ({ kubeconfig: model.settings.kubeconfig, tools: model.settings.toolchain });
  // Every app's files as the editor rendered them: which other apps a Git change touches.
  const appFiles = () => model.apps.map((a) => appFilesOf(a, model.renders.get(a.id)));
  const clientOf = (ctx: string | undefined) => {
    const c = ctx ? live.client(ctx) : undefined;
    if (!c) throw new Error(`no usable cluster context${ctx ? ` (${ctx})` : ''} for this app`);
    return c;
  };

  return [
    // Re-applies the desired state of one resource. The dialog is built from the very plan that
    // is then executed; when the working tree differs from HEAD, the user picks which one.
    {
      id: 'gitopsLens.revertDrift', writes: true, needsTrust: true, target: 'resource', placeHolder: 'Revert the drift of which resource?', filter: (d) => d.status === 'OutOfSync' || d.status === 'Missing',
      run: async (r) => {
        const client = clientOf(model.contextOf(r.app));
        const load = (revision: 'HEAD' | { workingTree: true }) => log.timed(`loadDesired ${r.app.id} (${revision === 'HEAD' ? 'HEAD' : 'working tree'})`, () => loadDesired(model.root, r.app.id, { ...opts(), revision }));
        const head = await load('HEAD');
        const tree = await load({ workingTree: true });
        const objectOf = (d: DesiredState) => JSON.stringify(d.render.resources.find((x) => sameResource(x.id, r.diff.id))?.object ?? null);
        let desired = head;
        if (tree.revision.uncommitted && objectOf(tree) !== objectOf(head)) {
          const pick = await vscode.window.showWarningMessage(
            `${describeId(r.diff.id)}: the working tree differs from HEAD. Revert to which?`,
            { modal: true, detail: `HEAD: ${head.revision.label}\nWorking tree: ${tree.revision.label} (uncommitted: ${tree.revision.uncommittedFiles.map((f) => relative(model.root, f)).join(', ')})\n\nThe next dialog lists the exact values that will be applied.` },
            'Apply HEAD', 'Apply Working Tree');
          if (!pick) return undefined;
          desired = pick === 'Apply HEAD' ? head : tree;
        }
        const plan = await log.timed(`plan revert ${r.diff.key}`, () => planSync(desired, client, { only: [r.diff.key] }), client.context);
        if (!plan.ok) return sync.confirm(plan, 'Revert Drift');
        const task = plan.tasks.find((t) => t.key === r.diff.key);
        if (!task || task.action === 'unchanged') {
          void vscode.window.showInformationMessage(`GitOps Lens: ${describeId(r.diff.id)} already matches ${plan.revision.label} on ${client.context}; nothing to write.`);
          return undefined;
        }
        const side = plan.revision.kind === 'working-tree' ? 'working tree' : 'Git';
        const fields = task.action === 'create' ? [`create (missing in the cluster) from ${plan.revision.label}`] : task.changes.map((p) => {
          const path = parseJsonPath(p);
          const show = (o: unknown) => (r.diff.id.kind === 'Secret' ? '(hidden)' : short(valueAtPath(o, path)));
          return `${p}: live ${show(task.live)} → ${side} ${show(task.desired)}`;
        });
        const detail = [...fields, '', `Desired state: ${plan.revision.label}`, ...(plan.revision.uncommitted ? ['(includes uncommitted changes; the journal records that)'] : [])].join('\n');
        const pick = await vscode.window.showWarningMessage(`Revert ${describeId(r.diff.id)} in ${client.context} to ${plan.revision.label}?`, { modal: true, detail }, 'Revert Drift');
        if (!pick) return undefined;
        return sync.execute(plan, { force: !!plan.controller, allowUncommitted: plan.revision.uncommitted }, r.app, 'reapply');
      },
    },
    // Writes the live value into the manifest (comment-preserving): the one-file plan is shown as a diff first.
    {
      id: 'gitopsLens.adoptLiveValue', writes: true, needsTrust: true, target: 'resource', placeHolder: 'Adopt a live value of which resource?', filter: (d) => d.status === 'OutOfSync',
      run: async (r) => {
        let path = r.path;
        if (!path) {
          const pick = await vscode.window.showQuickPick(r.diff.changes.map((c) => ({ label: c.path, description: `Git ${short(c.desired)} → live ${short(c.live)}` })), { placeHolder: 'Which field\'s live value goes into Git?' });
          path = pick?.label;
        }
        if (!path) return undefined;
        const client = clientOf(model.contextOf(r.app));
        const res = await log.timed(`adopt ${r.diff.key} ${path}`, () => adoptLiveValue(model.root, r.app.id, r.diff.key, path!, client, { ...opts(), dryRun: true, apps: appFiles() }), client.context);
        if (!res.ok) {
          void vscode.window.showErrorMessage(`GitOps Lens: cannot adopt ${path}: ${res.reason}`);
          return res;
        }
        const written = await plans.confirmAndWrite(res.plan, 'Write to File');
        if (!written?.ok) return written;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(res.file));
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(res.line - 1, 0, res.line - 1, 0) });
        return { ...res, undo: written.undo };
      },
    },
    {
      id: 'gitopsLens.revertLastGitChange', writes: true, needsTrust: true, target: 'app', placeHolder: 'Revert the last Git change of which app?',
      run: async (app) => {
        const inputs = model.inputsOf(app);
        const [last] = inputs.length ? await commitsTouching(model.root, inputs, { maxCount: 1 }) : [];
        if (!last) {
          void vscode.window.showInformationMessage(`GitOps Lens: no commit changed ${app.name}.`);
          return undefined;
        }
        const { parents } = await commitParents(model.root, last.hash);
        let mainline: number | undefined;
        if (parents.length > 1) {
          const infos = await Promise.all(parents.map((p) => commitInfo(model.root, p)));
          const pick = await vscode.window.showQuickPick(infos.map((c, i) => ({ label: `Parent ${i + 1}: ${c.shortHash}`, description: c.subject, detail: `Keep this side: the revert restores ${app.name} as it was in ${c.shortHash}`, n: i + 1 })), { placeHolder: `${last.shortHash} "${last.subject}" is a merge: revert it relative to which parent? (git revert -m N)` });
          if (!pick) return undefined;
          mainline = pick.n;
        }
        const planFor = (scope: 'app' | 'commit') => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GitOps: planning the revert of ${last.shortHash} for ${app.name}` }, () =>
          log.timed(`plan git revert ${last.shortHash} (${app.id}, ${scope})`, () => planCommitRevert(model.root, app.id, { ...opts(), commit: last.hash, scope, mainline, apps: appFiles() })));
        let plan = await planFor('app');
        const others = plan.outside ? plan.outside.apps.length + (plan.outside.unowned.length ? 1 : 0) : 0;
        if (!plan.refusal && others) {
          const only = `Revert Only ${app.name}'s Files`;
          const whole = 'Revert Whole Commit…';
          const pick = await vscode.window.showWarningMessage(`${last.shortHash} "${last.subject}" also changed files outside ${app.name}. Revert which?`, { modal: true, detail: describeGitPlan(plan) }, only, whole);
          if (!pick) return undefined;
          if (pick === whole) plan = await planFor('commit');
        }
        return plans.confirmAndWrite(plan);
      },
    },
    {
      id: 'gitopsLens.rollbackToRevision', writes: true, needsTrust: true, target: 'app', placeHolder: 'Roll back which app?',
      run: async (app) => {
        const inputs = model.inputsOf(app);
        const commits = await commitsTouching(model.root, inputs, { maxCount: 30 });
        const pick = await vscode.window.showQuickPick(commits.map((c) => ({ label: c.shortHash, description: c.subject, detail: `${c.author} · ${c.date}`, c })), { placeHolder: `Roll ${app.name} back to which revision? (commits that changed it)` });
        if (!pick) return undefined;
        const plan = await sync.plan(app, undefined, pick.c.hash);
        if (!plan) return undefined;
        const warning = `rolled back to ${plan.revision.label}: the cluster differs from the branch head until the next sync from Git`;
        if (plan.tasks.some((t) => t.action === 'create' || t.action === 'configure' || t.action === 'prune')) await sync.showPlan(plan);
        const ok = await sync.confirm(plan, `Roll Back to ${pick.c.shortHash}`);
        return ok ? sync.execute(plan, ok, app, 'rollback', [warning]) : undefined;
      },
    },
    {
      id: 'gitopsLens.requestReconcile', writes: true, needsTrust: true, target: 'app', placeHolder: 'Ask the controller of which app to reconcile?',
      run: async (app) => {
        const client = clientOf(model.contextOf(app));
        const r = await log.timed(`request reconcile ${app.id}`, () => requestReconcile(app, client), client.context);
        (r.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(`GitOps Lens: ${r.message}`);
        return r;
      },
    },
  ];
}

/** Same resource, whether or not the rendered id carries the default namespace. */
function sameResource(a: ResourceId, b: ResourceId): boolean {
  return a.kind === b.kind && a.name === b.name && (a.group ?? '') === (b.group ?? '') && (!a.namespace || !b.namespace || a.namespace === b.namespace);
}
