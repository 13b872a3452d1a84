// Commands that only need the model (refresh, logs, cluster choice, navigation).
import * as vscode from 'vscode';
import type { GitOpsApp } from '../core/apps';
import { toRange } from './convert';
import type { Log } from './log';
import type { WorkspaceModel } from './model';
import type { Presenter } from './presenter';
import type { AppsNode } from './views/apps';

/** An app from a tree node, an app id (command links), or by asking. */
export async function resolveApp(model: WorkspaceModel, arg: unknown, placeHolder = 'App'): Promise<GitOpsApp | undefined> {
  if (arg && typeof arg === 'object' && 'kind' in arg) {
    const n = arg as AppsNode;
    if (n.kind === 'app' || n.kind === 'resource') return n.app;
  }
  if (typeof arg === 'string') return model.apps.find((a) => a.id === arg);
  const active = vscode.window.activeTextEditor?.document.uri.fsPath;
  const ofFile = active ? model.appsOfFile(active) : [];
  const candidates = ofFile.length === 1 ? ofFile : model.apps;
  if (candidates.length === 1 && ofFile.length === 1) return candidates[0];
  if (!candidates.length) {
    void vscode.window.showInformationMessage('GitOps Lens: no apps found in this workspace.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((a) => ({ label: a.name, description: model.contextOf(a) ?? 'no cluster', detail: a.id, app: a })),
    { placeHolder, matchOnDetail: true },
  );
  return pick?.app;
}

export function registerBasicCommands(model: WorkspaceModel, log: Log): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('gitopsLens.refresh', () => model.refresh('Refresh command')),
    vscode.commands.registerCommand('gitopsLens.showLogs', () => log.show()),
    vscode.commands.registerCommand('gitopsLens.openSource', async (arg: string | AppsNode, range?: vscode.Range) => {
      let file: string | undefined = typeof arg === 'string' ? arg : undefined;
      if (typeof arg === 'object' && arg.kind === 'resource' && arg.row.origin) {
        file = arg.row.origin.file;
        range = toRange(arg.row.origin.range);
      }
      if (!file) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc, { selection: range ? new vscode.Range(range.start, range.start) : undefined, preserveFocus: false });
    }),
    vscode.commands.registerCommand('gitopsLens.selectCluster', async (arg?: unknown) => {
      if (!model.trusted) {
        void vscode.window.showWarningMessage('GitOps Lens: clusters are not used in Restricted Mode. Trust the workspace first.');
        return;
      }
      const app = await resolveApp(model, arg, 'Select the app to map to a cluster');
      if (!app) return;
      const contexts = model.workspace?.kubeconfig.contexts ?? [];
      const current = model.contextOf(app);
      type Item = vscode.QuickPickItem & { context?: string; reset?: boolean };
      const items: Item[] = contexts.map((c) => ({ label: c.name, description: c.server, detail: c.name === current ? 'current choice' : undefined, context: c.name }));
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: 'Use the mapping found in the repo', description: app.destination.context ?? 'none', reset: true });
      const pick = await vscode.window.showQuickPick(items, { placeHolder: `Cluster for ${app.name} (stored for this workspace; your kubeconfig is not changed)` });
      if (!pick) return;
      await model.chooseContext(app.id, pick.reset ? undefined : pick.context);
      log.info(`app ${app.id} → context ${pick.reset ? `${app.destination.context ?? 'none'} (from the repo)` : pick.context} (workspace state)`);
    }),
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
