// Status → ThemeIcon + ThemeColor, one table so every view and marker agrees.
import * as vscode from 'vscode';
import type { JournalEntry } from '../core/journal';

export type SyncStatusName = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra' | 'Invalid' | 'Unknown' | 'RenderFailed' | 'NotRendered' | 'Rendered';
export type HealthName = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

const SYNC: Record<SyncStatusName, [string, string | undefined]> = {
  Synced: ['pass', 'testing.iconPassed'],
  OutOfSync: ['diff-modified', 'gitDecoration.modifiedResourceForeground'],
  Missing: ['diff-added', 'gitDecoration.untrackedResourceForeground'],
  Extra: ['diff-removed', 'gitDecoration.deletedResourceForeground'],
  Unknown: ['question', 'disabledForeground'],
  Invalid: ['error', 'errorForeground'],
  RenderFailed: ['error', 'errorForeground'],
  NotRendered: ['circle-large-outline', 'disabledForeground'],
  Rendered: ['file-code', undefined],
};

/** A sync journal entry's outcome (Sync History view). */
const OUTCOME: Record<JournalEntry['outcome'], [string, string]> = {
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'errorForeground'],
  cancelled: ['circle-slash', 'disabledForeground'],
  refused: ['shield', 'editorWarning.foreground'],
  requested: ['sync', 'editorInfo.foreground'],
  observed: ['eye', 'editorInfo.foreground'],
};

function themeIcon([id, color]: [string, string | undefined]): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export function syncIcon(s: SyncStatusName): vscode.ThemeIcon {
  return themeIcon(SYNC[s]);
}

export function outcomeIcon(o: JournalEntry['outcome']): vscode.ThemeIcon {
  return themeIcon(OUTCOME[o]);
}
