// Status → ThemeIcon + ThemeColor, one table so every view and marker agrees.
import * as vscode from 'vscode';

export type SyncStatusName = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra' | 'Unknown' | 'RenderFailed' | 'NotRendered' | 'Rendered';
export type HealthName = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

const SYNC: Record<SyncStatusName, [string, string | undefined]> = {
  Synced: ['pass', 'testing.iconPassed'],
  OutOfSync: ['diff-modified', 'gitDecoration.modifiedResourceForeground'],
  Missing: ['diff-added', 'gitDecoration.untrackedResourceForeground'],
  Extra: ['diff-removed', 'gitDecoration.deletedResourceForeground'],
  Unknown: ['question', 'disabledForeground'],
  RenderFailed: ['error', 'errorForeground'],
  NotRendered: ['circle-large-outline', 'disabledForeground'],
  Rendered: ['file-code', undefined],
};

const HEALTH: Record<HealthName, [string, string | undefined]> = {
  Healthy: ['heart', 'testing.iconPassed'],
  Progressing: ['sync', 'editorInfo.foreground'],
  Degraded: ['heart-filled', 'errorForeground'],
  Suspended: ['debug-pause', 'disabledForeground'],
  Missing: ['circle-slash', 'disabledForeground'],
  Unknown: ['question', 'disabledForeground'],
};

export function syncIcon(s: SyncStatusName): vscode.ThemeIcon {
  const [id, color] = SYNC[s];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export function healthIcon(h: HealthName): vscode.ThemeIcon {
  const [id, color] = HEALTH[h];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export function syncColor(s: SyncStatusName): vscode.ThemeColor | undefined {
  const c = SYNC[s][1];
  return c ? new vscode.ThemeColor(c) : undefined;
}
