// Test-only commands, registered only when the E2E bridge is present (GITOPS_LENS_E2E_BRIDGE).
// They expose what the UI shows, as data, so tests can assert on it.
import * as vscode from 'vscode';
import type { DriftDecorations } from './drift';
import type { LintService } from './lint';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';
import type { StatusBar } from './statusBar';
import type { AppsNode } from './views/apps';
import type { HistoryTree } from './views/history';

export interface DebugHandles {
  model: WorkspaceModel;
  apps: vscode.TreeDataProvider<AppsNode>;
  status: StatusBar;
  lint: LintService;
  live: LiveState;
  decorations: DriftDecorations;
  history: HistoryTree;
}

export function registerDebugCommands(h: DebugHandles): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('gitopsLens._debug.state', () => ({
      phase: h.model.phase,
      error: h.model.error,
      trusted: h.model.trusted,
      apps: h.model.apps.map((a) => ({ id: a.id, name: a.name, context: h.model.contextOf(a) })),
      renders: [...h.model.renders.values()].map((r) => ({ appId: r.appId, ok: r.ok, resources: r.resources.length, problems: r.problems.map((p) => p.message) })),
      lastLoadMs: h.model.lastLoadMs,
      statusBar: h.status.text,
      lintMs: h.lint.lastRunMs,
    })),
    vscode.commands.registerCommand('gitopsLens._debug.tree', async () => {
      // Walks the Apps view's provider the way the workbench does.
      const provider = h.apps;
      const walk = async (node?: AppsNode, depth = 0): Promise<unknown[]> => {
        const kids = (await provider.getChildren(node)) ?? [];
        const out: unknown[] = [];
        for (const k of kids) {
          const item = await provider.getTreeItem(k);
          const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
          const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
          out.push({ label: typeof item.label === 'string' ? item.label : item.label?.label, description: item.description, icon, tooltip, contextValue: item.contextValue, children: depth < 2 ? await walk(k, depth + 1) : [] });
        }
        return out;
      };
      return walk();
    }),
    // What the active editor shows: resource markers and drifted-field hints, with when they were applied.
    vscode.commands.registerCommand('gitopsLens._debug.decorations', () => {
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      return (uri && h.decorations.shown.get(uri)) ?? { at: 0, items: [] };
    }),
    vscode.commands.registerCommand('gitopsLens._debug.history', async () => {
      const items = await Promise.all(h.history.getChildren().map((n) => h.history.getTreeItem(n)));
      return items.map((i) => ({ label: String(i.label), description: String(i.description ?? '') }));
    }),
    vscode.commands.registerCommand('gitopsLens._debug.live', () => ({
      lastChangeAt: h.live.lastChangeAt,
      diffs: [...h.live.diffs.values()].map((d) => ({ appId: d.appId, context: d.context, status: d.summary.status, counts: d.summary.counts, problems: d.summary.problems, resources: d.resources.map((r) => ({ key: r.key, status: r.status, method: r.method, note: r.note, changes: r.changes.map((c) => ({ path: c.path, desired: c.desired, live: c.live, manager: c.manager, line: c.range?.start.line })) })) })),
    })),
  ];
}
