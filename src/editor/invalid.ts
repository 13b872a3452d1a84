// Desired state the API server rejects (a 422, an admission denial) as error diagnostics, in
// the server's own words, on the line in Git that sets the rejected value.
import * as vscode from 'vscode';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';
import { FILE_START, toRange } from './convert';

export class InvalidDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('gitops-lens-cluster');
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel, private readonly live: LiveState) {
    this.sub = live.onDidChange(() => this.update());
  }

  update(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const app of this.model.apps) {
      const ctx = this.model.contextOf(app);
      for (const r of this.live.diffOf(app)?.resources ?? []) {
        if (r.status !== 'Invalid') continue;
        for (const f of r.invalid ?? []) {
          const file = f.file ?? r.origin?.file;
          if (!file) continue;
          const range = f.range ? toRange(f.range) : r.origin ? toRange(r.origin.range) : FILE_START;
          const d = new vscode.Diagnostic(range, `${f.path ? `${f.path}: ` : ''}${f.message} (the API server of ${ctx ?? 'the cluster'} rejects ${r.id.kind} ${r.id.name})`, vscode.DiagnosticSeverity.Error);
          d.source = 'GitOps Lens (API server)';
          d.code = 'invalid';
          byFile.set(file, [...(byFile.get(file) ?? []), d]);
        }
      }
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}
