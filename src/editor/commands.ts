// Commands that only need the model (refresh, logs, cluster choice, navigation), and the
// context keys the menus read.
import * as vscode from 'vscode';
import type { CommandSpec } from './commandTable';
import { toRange } from './convert';
import type { Log } from './log';
import type { WorkspaceModel } from './model';
import type { Presenter } from './presenter';
import type { AppsNode } from './views/apps';

/** Commands that only need the model: refresh, logs, navigation, cluster choice. */
export function basicCommands(model: WorkspaceModel, log: Log): CommandSpec[] {
  return [
    { id: 'gitopsLens.refresh', writes: false, needsTrust: false, target: 'none', run: () => model.refresh('Refresh command') },
    { id: 'gitopsLens.refreshRemoteSources', writes: false, needsTrust: true, target: 'none', run: () => model.refreshRemoteSources() },
    { id: 'gitopsLens.showLogs', writes: false, needsTrust: false, target: 'none', run: () => log.show() },
    {
      id: 'gitopsLens.openSource', writes: false, needsTrust: false, target: 'none',
      run: async (arg, rangeArg) => {
        let file: string | undefined = typeof arg === 'string' ? arg : undefined;
        let range = rangeArg as vscode.Range | undefined;
        const node = arg as AppsNode | undefined;
        if (node && typeof node === 'object' && node.kind === 'resource' && node.row.origin) {
          file = node.row.origin.file;
          range = toRange(node.row.origin.range);
        }
        if (!file) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
        await vscode.window.showTextDocument(doc, { selection: range ? new vscode.Range(range.start, range.start) : undefined, preserveFocus: false });
      },
    },
    {
      id: 'gitopsLens.selectCluster', writes: false, needsTrust: true, target: 'app', placeHolder: 'Select the app to map to a cluster',
      run: async (app) => {
        const contexts = model.workspace?.kubeconfig.contexts ?? [];
        const current = model.contextOf(app);
        type Item = vscode.QuickPickItem & { context?: string; reset?: boolean };
        const items: Item[] = contexts.map((c) => ({ label: c.name, description: c.server, detail: c.name === current ? 'current choice' : undefined, context: c.name }));
        items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: 'Use the mapping found in the repo', description: app.destination.context ?? 'none', reset: true });
        const pick = await vscode.window.showQuickPick(items, { placeHolder: `Cluster for ${app.name} (stored for this workspace; your kubeconfig is not changed)` });
        if (!pick) return;
        await model.chooseContext(app.id, pick.reset ? undefined : pick.context);
        log.info(`app ${app.id} → context ${pick.reset ? `${app.destination.context ?? 'none'} (from the repo)` : pick.context} (workspace state)`);
      },
    },
  ];
}

export function registerContextKeys(model: WorkspaceModel, presenter: Presenter, appsView: vscode.TreeView<AppsNode>): vscode.Disposable {
  const set = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const update = () => {
    const ws = model.workspace;
    let state: string;
    if (!model.trusted) state = 'restricted';
    else if (model.phase === 'failed') state = 'failed';
    else if (!ws) state = 'loading';
    else state = ws.discovery.apps.length ? 'ready' : 'noApps';
    set('gitopsLens.state', state);
    set('gitopsLens.noKubeconfig', !!ws && ws.kubeconfig.contexts.length === 0);
    set('gitopsLens.trusted', model.trusted);
    // Apps still list when their clusters are down (statuses Unknown); the view says why.
    const contexts = [...new Set(model.apps.map((a) => model.contextOf(a)).filter((c): c is string => !!c))];
    const down = contexts.filter((c) => presenter.cluster(c).reachable === false);
    set('gitopsLens.allUnreachable', contexts.length > 0 && down.length === contexts.length);
    appsView.message = !model.trusted && model.apps.length
      ? 'Restricted Mode: apps are read from the files only. Nothing is rendered, no cluster is contacted and nothing is written.'
      : down.length ? `Unreachable: ${down.join(', ')} — live status is Unknown until the cluster answers.` : undefined;
  };
  update();
  return presenter.onDidChange(update);
}
