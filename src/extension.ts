// Entry point: wiring only. Every piece observes the workspace model and the live state.
import * as vscode from 'vscode';
import { basicCommands, registerContextKeys } from './editor/commands';
import { registerCommandTable, type CommandSpec } from './editor/commandTable';
import { registerDebugCommands } from './editor/debug';
import { ModelDiagnostics } from './editor/diagnostics';
import { DriftCodeLens, DriftDecorations, DriftFileDecorations } from './editor/drift';
import { InvalidDiagnostics } from './editor/invalid';
import { registerLint } from './editor/lint';
import { LiveState } from './editor/live';
import { liveDocuments } from './editor/liveDocs';
import { Log } from './editor/log';
import { WorkspaceModel } from './editor/model';
import { Presenter } from './editor/presenter';
import { GitPlanUI } from './editor/gitPlan';
import { revertCommands } from './editor/revert';
import { revisionCommands } from './editor/revisions';
import { SyncCommands } from './editor/sync';
import { affectsSettings } from './editor/settings';
import { StatusBar } from './editor/statusBar';
import { AppsTree } from './editor/views/apps';
import { ClustersTree } from './editor/views/clusters';
import { HistoryTree } from './editor/views/history';

const loadedAt = performance.now();

export interface ExtensionApi {
  model: WorkspaceModel;
  live: LiveState;
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
  const live = new LiveState(model, log);
  const presenter = new Presenter(model, live);
  const apps = new AppsTree(model, presenter);
  const appsView = vscode.window.createTreeView('gitopsLens.apps', { treeDataProvider: apps, showCollapseAll: true });
  const clusters = new ClustersTree(model, presenter);
  const history = new HistoryTree(model, log);
  const status = new StatusBar(model, presenter);
  const lint = registerLint(model, log);
  context.subscriptions.push(live.onDidChangeClusterSchemas((c) => lint.service.setClusterSchemas(c.context, c.source)));
  const decorations = new DriftDecorations(model, live, vscode.Uri.joinPath(context.extensionUri, 'media'));
  const actions = () => ({ sync: model.trusted, revert: model.trusted });
  // After a write: the watch brings the live change; Git changes (revert, adopt) need a reload.
  const afterWrite = () => {
    void history.reload();
    model.scheduleRefresh('after a write', 100);
  };
  const sync = new SyncCommands(model, live, log);
  const gitPlans = new GitPlanUI(log, afterWrite);
  const liveDocs = liveDocuments(model, live);
  const revisions = revisionCommands(model, log);
  // Every command of package.json but the lint ones (editor/lint.ts), through one wrapper.
  const commands: CommandSpec[] = [
    ...basicCommands(model, log),
    ...sync.commands(),
    ...revertCommands(model, live, log, sync, gitPlans),
    ...revisions.commands,
    ...liveDocs.commands,
    {
      id: 'gitopsLens.showSyncHistory', writes: false, needsTrust: false, target: 'none',
      run: async () => {
        await history.reload();
        await vscode.commands.executeCommand('gitopsLens.history.focus');
      },
    },
  ];
  context.subscriptions.push(
    model, live, presenter, apps, appsView, clusters, history, status, decorations,
    vscode.window.registerTreeDataProvider('gitopsLens.clusters', clusters),
    vscode.window.registerTreeDataProvider('gitopsLens.history', history),
    new ModelDiagnostics(model, lint.service),
    new InvalidDiagnostics(model, live),
    registerContextKeys(model, presenter, appsView),
    ...lint.disposables,
    ...liveDocs.providers,
    sync.register(),
    gitPlans.register(),
    revisions.provider,
    ...registerCommandTable(commands, { model, live, log, afterWrite }),
    model.onDidChange((c) => { if (c.apps) void history.reload(); }),
    vscode.languages.registerCodeLensProvider({ language: 'yaml', scheme: 'file' }, new DriftCodeLens(model, live, actions)),
    vscode.window.registerFileDecorationProvider(new DriftFileDecorations(model, live)),
    vscode.workspace.onDidChangeConfiguration((e) => affectsSettings(e) && model.scheduleRefresh('settings changed', 0)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.refresh('workspace trusted')),
  );
  if (process.env.GITOPS_LENS_E2E_BRIDGE) context.subscriptions.push(...registerDebugCommands({ model, apps, status, lint: lint.service, live, decorations, history }));
  void model.refresh('activation');
  log.info(`GitOps Lens activated in ${(performance.now() - started).toFixed(1)} ms at ${new Date().toISOString()} (module evaluated ${(started - loadedAt).toFixed(1)} ms before activate); ${vscode.workspace.isTrusted ? 'trusted' : 'Restricted Mode'} workspace ${folder.uri.fsPath}`);
  return { model, live };
}

export function deactivate(): void {}
