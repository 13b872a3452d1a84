// Entry point: wiring only. Every piece observes the workspace model.
import * as vscode from 'vscode';
import { registerBasicCommands, registerContextKeys } from './editor/commands';
import { registerDebugCommands } from './editor/debug';
import { registerLint } from './editor/lint';
import { ModelDiagnostics } from './editor/diagnostics';
import { Log } from './editor/log';
import { WorkspaceModel } from './editor/model';
import { Presenter } from './editor/presenter';
import { affectsSettings } from './editor/settings';
import { StatusBar } from './editor/statusBar';
import { AppsTree } from './editor/views/apps';
import { ClustersTree } from './editor/views/clusters';
import { HistoryTree } from './editor/views/history';

const loadedAt = performance.now();

export interface ExtensionApi {
  model: WorkspaceModel;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    log.info('no workspace folder open: nothing to do');
    return undefined;
  }
  const model = new WorkspaceModel(folder, context.workspaceState, log);
  const presenter = new Presenter(model);
  const apps = new AppsTree(model, presenter);
  const appsView = vscode.window.createTreeView('gitopsLens.apps', { treeDataProvider: apps, showCollapseAll: true });
  const clusters = new ClustersTree(model, presenter);
  const history = new HistoryTree();
  const status = new StatusBar(model, presenter);
  const lint = registerLint(model, log);
  context.subscriptions.push(
    model, presenter, apps, appsView, clusters, history, status,
    vscode.window.registerTreeDataProvider('gitopsLens.clusters', clusters),
    vscode.window.registerTreeDataProvider('gitopsLens.history', history),
    new ModelDiagnostics(model),
    registerContextKeys(model),
    ...registerBasicCommands(model, log),
    ...lint.disposables,
    vscode.workspace.onDidChangeConfiguration((e) => affectsSettings(e) && model.scheduleRefresh('settings changed', 0)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.refresh('workspace trusted')),
  );
  if (process.env.GITOPS_LENS_E2E_BRIDGE) context.subscriptions.push(...registerDebugCommands({ model, apps, status, lint: lint.service }));
  void model.refresh('activation');
  log.info(`GitOps Lens activated in ${(performance.now() - started).toFixed(1)} ms at ${new Date().toISOString()} (module evaluated ${(started - loadedAt).toFixed(1)} ms before activate); ${vscode.workspace.isTrusted ? 'trusted' : 'Restricted Mode'} workspace ${folder.uri.fsPath}`);
  return { model };
}

export function deactivate(): void {}
