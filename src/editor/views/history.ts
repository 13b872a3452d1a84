// Sync History view: the core's journal of this repo, newest first, each entry expandable to its tasks.
import * as vscode from 'vscode';
import { journalPath, readJournal, type JournalEntry, type JournalTask } from '../../core/journal';
import { outcomeIcon } from '../icons';
import { errorMessage, type Log } from '../log';
import type { WorkspaceModel } from '../model';
import { ago } from '../presenter';

export type HistoryNode = { kind: 'entry'; entry: JournalEntry } | { kind: 'task'; task: JournalTask };

export class HistoryTree implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private entries: JournalEntry[] = [];
  private watcher?: vscode.FileSystemWatcher;

  constructor(private readonly model: WorkspaceModel, private readonly log: Log) {}

  get path(): string { return journalPath(this.model.root); }

  /** Re-reads the journal (after a sync, or when another process appended to it). */
  async reload(): Promise<void> {
    if (!this.model.trusted) {
      this.entries = [];
    } else {
      try {
        this.entries = (await readJournal(this.path, { limit: 200 })).entries;
      } catch (e) {
        this.log.warn(`sync history ${this.path}: ${errorMessage(e)}`);
      }
      if (!this.watcher) {
        const dir = vscode.Uri.file(this.path.replace(/\/[^/]+$/, ''));
        this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, '*.jsonl'));
        const again = () => void this.reload();
        this.watcher.onDidChange(again);
        this.watcher.onDidCreate(again);
      }
    }
    this.emitter.fire();
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    if (!node) return this.entries.map((entry) => ({ kind: 'entry', entry }));
    return node.kind === 'entry' ? node.entry.tasks.map((task) => ({ kind: 'task', task })) : [];
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'task') {
      const t = node.task;
      const item = new vscode.TreeItem(`${t.action} ${t.key}`, vscode.TreeItemCollapsibleState.None);
      item.description = `${t.status}${t.durationMs ? ` · ${t.durationMs} ms` : ''}`;
      item.tooltip = t.message;
      item.iconPath = new vscode.ThemeIcon(t.status === 'failed' ? 'error' : t.status === 'unchanged' || t.status === 'skipped' ? 'circle-small' : 'check');
      return item;
    }
    const e = node.entry;
    const item = new vscode.TreeItem(`${e.appName ?? e.app} → ${e.context}`, e.tasks.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = `${e.type} · ${e.outcome} · ${ago(e.time)}`;
    item.iconPath = outcomeIcon(e.outcome);
    const md = new vscode.MarkdownString(`**${e.type}** of \`${e.app}\` to \`${e.context}\`: **${e.outcome}**\n\n${e.message}\n\n- ${e.time} · ${(e.durationMs / 1000).toFixed(1)} s · ${e.user.name ?? 'unknown user'}\n- revision: ${e.revision ?? e.commit?.slice(0, 8) ?? 'unknown'}${e.uncommitted ? ' (uncommitted changes)' : ''}${e.prune ? '\n- with prune' : ''}${e.forced ? '\n- forced' : ''}`);
    for (const w of e.warnings ?? []) md.appendMarkdown(`\n- ⚠ ${w}`);
    for (const err of e.errors) md.appendMarkdown(`\n- ✖ ${err}`);
    item.tooltip = md;
    item.contextValue = 'gitopsLens.historyEntry';
    return item;
  }

  dispose(): void {
    this.watcher?.dispose();
    this.emitter.dispose();
  }
}
