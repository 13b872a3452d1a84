// Apps view: cluster (kubeconfig context) → app → resource. Observes the model.
import * as vscode from 'vscode';
import type { GitOpsApp } from '../../core/apps';
import { describeId } from '../../core/manifest';
import { toRange } from '../convert';
import { syncIcon, type SyncStatusName } from '../icons';
import type { WorkspaceModel } from '../model';
import type { Presenter, ResourceRow } from '../presenter';

export type AppsNode =
  /** A kubeconfig context; Flux apps that map to none are grouped by their cluster entry point (`clusters/staging`). */
  | { kind: 'cluster'; context: string | undefined; entry?: string }
  | { kind: 'app'; app: GitOpsApp }
  | { kind: 'resource'; app: GitOpsApp; row: ResourceRow };

const NO_CLUSTER = '(no cluster)';

export class AppsTree implements vscode.TreeDataProvider<AppsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<AppsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private clusters = new Map<string, AppsNode & { kind: 'cluster' }>();
  private appNodes = new Map<string, AppsNode & { kind: 'app' }>();

  constructor(private readonly model: WorkspaceModel, private readonly presenter: Presenter) {
    this.sub = presenter.onDidChange(() => this.emitter.fire(undefined));
  }

  /** By kubeconfig context; Flux apps without one by their cluster entry point, so staging and production stay apart. */
  private groupOf(app: GitOpsApp): string {
    const context = this.model.contextOf(app);
    return context ?? (app.entryPoint !== undefined ? `\0${app.entryPoint}` : NO_CLUSTER);
  }

  getChildren(node?: AppsNode): AppsNode[] {
    if (!node) {
      const groups = new Map<string, AppsNode & { kind: 'cluster' }>();
      for (const a of this.model.apps) {
        const key = this.groupOf(a);
        if (!groups.has(key)) groups.set(key, { kind: 'cluster', context: this.model.contextOf(a), entry: this.model.contextOf(a) ? undefined : a.entryPoint });
      }
      this.clusters = new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
      return [...this.clusters.values()];
    }
    if (node.kind === 'cluster') {
      const key = [...this.clusters].find(([, n]) => n === node)?.[0];
      const apps = this.model.apps.filter((a) => this.groupOf(a) === key);
      return apps.sort((a, b) => a.name.localeCompare(b.name)).map((app) => this.appNode(app));
    }
    if (node.kind === 'app') {
      return this.presenter.rows(node.app).map((row) => ({ kind: 'resource', app: node.app, row }));
    }
    return [];
  }

  private appNode(app: GitOpsApp): AppsNode & { kind: 'app' } {
    const n = this.appNodes.get(app.id);
    if (n && n.app === app) return n;
    const fresh = { kind: 'app' as const, app };
    this.appNodes.set(app.id, fresh);
    return fresh;
  }

  getParent(node: AppsNode): AppsNode | undefined {
    if (node.kind === 'cluster') return undefined;
    if (node.kind === 'app') return this.clusters.get(this.groupOf(node.app));
    return this.appNode(node.app);
  }

  getTreeItem(node: AppsNode): vscode.TreeItem {
    if (node.kind === 'cluster') {
      const info = this.presenter.cluster(node.context);
      const label = node.context ?? (node.entry !== undefined ? `${node.entry} (no cluster)` : NO_CLUSTER);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `cluster:${node.entry ?? ''}:${node.context ?? ''}`;
      item.iconPath = new vscode.ThemeIcon(info.reachable === false ? 'debug-disconnect' : node.context ? 'server' : 'question', info.reachable === false ? new vscode.ThemeColor('errorForeground') : undefined);
      item.description = info.description;
      item.tooltip = new vscode.MarkdownString(info.tooltip);
      item.contextValue = node.context ? 'gitopsLens.cluster' : 'gitopsLens.cluster.none';
      return item;
    }
    if (node.kind === 'app') {
      const s = this.presenter.app(node.app);
      const item = new vscode.TreeItem(node.app.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `app:${node.app.id}`;
      item.iconPath = syncIcon(s.status);
      item.description = s.description;
      const md = new vscode.MarkdownString(s.tooltip);
      md.supportThemeIcons = true;
      item.tooltip = md;
      item.contextValue = ['gitopsLens.app', ...s.capabilities].join(' ');
      return item;
    }
    const { row, app } = node;
    const s = this.presenter.resource(app, row);
    const item = new vscode.TreeItem(`${row.id.kind}/${row.id.name}`, vscode.TreeItemCollapsibleState.None);
    item.id = `res:${app.id}:${describeId(row.id)}`;
    item.iconPath = syncIcon(s.status as SyncStatusName);
    item.description = [row.id.namespace, s.description].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString(s.tooltip);
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.contextValue = ['gitopsLens.resource', ...s.capabilities].join(' ');
    if (row.origin) item.command = { command: 'gitopsLens.openSource', title: 'Open Source', arguments: [row.origin.file, toRange(row.origin.range)] };
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
