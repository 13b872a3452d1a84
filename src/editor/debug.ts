// Test-only commands, registered only when the E2E bridge is present (GITOPS_LENS_E2E_BRIDGE).
// They expose what the UI shows, as data, so tests can assert on it.
import * as vscode from 'vscode';
import type { LintService } from './lint';
import type { WorkspaceModel } from './model';
import type { StatusBar } from './statusBar';
import type { AppsNode } from './views/apps';

export interface DebugHandles {
  model: WorkspaceModel;
  apps: vscode.TreeDataProvider<AppsNode>;
  status: StatusBar;
  lint: LintService;
  decorations?: () => unknown;
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
          out.push({ label: typeof item.label === 'string' ? item.label : item.label?.label, description: item.description, icon, contextValue: item.contextValue, children: depth < 2 ? await walk(k, depth + 1) : [] });
        }
        return out;
      };
      return walk();
    }),
    vscode.commands.registerCommand('gitopsLens._debug.decorations', () => h.decorations?.() ?? []),
  ];
}
