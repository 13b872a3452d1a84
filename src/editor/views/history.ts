// Sync History view: the journal, newest first, each entry expandable to its tasks.
import * as vscode from 'vscode';

export interface HistoryNode { label: string; description?: string; tooltip?: string; icon?: vscode.ThemeIcon; children?: HistoryNode[] }

/** Shows whatever history source it is given; empty (welcome text) until one exists. */
export class HistoryTree implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private entries: HistoryNode[] = [];

  set(entries: HistoryNode[]): void {
    this.entries = entries;
    this.emitter.fire();
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    return node ? node.children ?? [] : this.entries;
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip ? new vscode.MarkdownString(node.tooltip) : undefined;
    item.iconPath = node.icon;
    return item;
  }

  dispose(): void { this.emitter.dispose(); }
}
