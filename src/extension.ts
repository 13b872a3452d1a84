import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('GitOps Lens', { log: true });
  context.subscriptions.push(log);
  log.info('GitOps Lens activated');
}

export function deactivate(): void {}
