// Clusters view: kubeconfig contexts, what the workspace maps to each, reachability.
import * as vscode from 'vscode';
import type { ContextInfo } from '../../core/cluster/kubeconfig';
import type { WorkspaceModel } from '../model';
import type { Presenter } from '../presenter';

export class ClustersTree implements vscode.TreeDataProvider<ContextInfo>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel, private readonly presenter: Presenter) {
    this.sub = presenter.onDidChange(() => this.emitter.fire());
  }

  getChildren(node?: ContextInfo): ContextInfo[] {
    if (node) return [];
    return this.model.workspace?.kubeconfig.contexts ?? [];
  }

  getTreeItem(ctx: ContextInfo): vscode.TreeItem {
    const apps = this.model.apps.filter((a) => this.model.contextOf(a) === ctx.name).length;
    const view = this.presenter.cluster(ctx.name);
    const item = new vscode.TreeItem(ctx.name, vscode.TreeItemCollapsibleState.None);
    item.id = `ctx:${ctx.name}`;
    const current = this.model.workspace?.kubeconfig.currentContext === ctx.name;
    item.iconPath = new vscode.ThemeIcon(
      view.reachable === false ? 'debug-disconnect' : view.reachable ? 'vm-active' : 'vm-outline',
      view.reachable === false ? new vscode.ThemeColor('errorForeground') : view.reachable ? new vscode.ThemeColor('testing.iconPassed') : undefined,
    );
    item.description = [`${apps} app${apps === 1 ? '' : 's'}`, view.description, current ? 'current' : ''].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(`${view.tooltip}\n\n${apps} app(s) of this workspace map to it.${current ? ' It is the kubeconfig\'s current context (GitOps Lens never changes it).' : ''}`);
    item.contextValue = 'gitopsLens.context';
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
