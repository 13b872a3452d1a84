// Status bar: the context of the active file's app and its drift summary.
import * as vscode from 'vscode';
import type { WorkspaceModel } from './model';
import type { Presenter } from './presenter';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gitopsLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly model: WorkspaceModel, private readonly presenter: Presenter) {
    this.item.name = 'GitOps Lens';
    this.subs.push(presenter.onDidChange(() => this.update()), vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.update();
  }

  update(): void {
    const editor = vscode.window.activeTextEditor;
    const apps = editor ? this.model.appsOfFile(editor.document.uri.fsPath) : [];
    if (!apps.length) {
      this.item.hide();
      return;
    }
    const app = apps[0];
    const ctx = this.model.contextOf(app);
    const view = this.presenter.app(app);
    const summary = this.presenter.driftSummary(app);
    this.item.text = `$(server-environment) ${ctx ?? 'no cluster'} · ${app.name}${summary ? ` · ${summary}` : ''}`;
    const md = new vscode.MarkdownString(`${view.tooltip}\n\n---\n${apps.length > 1 ? `This file belongs to ${apps.length} apps: ${apps.map((a) => a.name).join(', ')}\n\n` : ''}[Select Cluster for App…](command:gitopsLens.selectCluster?${encodeURIComponent(JSON.stringify([app.id]))})`, true);
    md.isTrusted = { enabledCommands: ['gitopsLens.selectCluster'] };
    this.item.tooltip = md;
    this.item.command = { command: 'gitopsLens.apps.focus', title: 'Show Apps' };
    this.item.show();
  }

  /** What the status bar shows, for the E2E bridge. */
  get text(): string | undefined { return this.item.text; }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
