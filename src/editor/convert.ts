// Core data (zero-based positions, plain paths) to VS Code types. Nothing else.
import * as vscode from 'vscode';
import type { Range as CoreRange } from '../core/manifest';

export function toRange(r: CoreRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toSeverity(s: 'error' | 'warning' | 'info'): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** A range at the start of a file, for problems that know their file but not their place. */
export const FILE_START = new vscode.Range(0, 0, 0, 0);
