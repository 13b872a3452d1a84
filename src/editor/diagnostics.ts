// Discovery and render problems as diagnostics at their exact ranges (lint has its own collection).
import * as vscode from 'vscode';
import type { WorkspaceModel } from './model';
import { FILE_START, toRange, toSeverity } from './convert';

export class ModelDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('gitops-lens-apps');
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel) {
    this.sub = model.onDidChange(() => this.update());
  }

  update(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string | undefined, d: vscode.Diagnostic) => {
      if (!file) return;
      const list = byFile.get(file) ?? [];
      if (!list.some((x) => x.message === d.message && x.range.isEqual(d.range))) list.push(d);
      byFile.set(file, list);
    };
    const ws = this.model.workspace;
    for (const app of this.model.apps) {
      for (const p of app.problems) {
        const d = new vscode.Diagnostic(p.range ? toRange(p.range) : app.declaredIn ? toRange(app.declaredIn.range) : FILE_START, p.message, toSeverity(p.severity));
        d.source = 'GitOps Lens (apps)';
        d.code = p.code;
        add(p.file ?? app.declaredIn?.file, d);
      }
      for (const p of this.model.renders.get(app.id)?.problems ?? []) {
        if (p.code === 'untrusted' || p.code === 'cancelled') continue;
        const d = new vscode.Diagnostic(p.range ? toRange(p.range) : app.declaredIn ? toRange(app.declaredIn.range) : FILE_START, p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'GitOps Lens (render)';
        d.code = p.code;
        add(p.file ?? app.declaredIn?.file, d);
      }
    }
    for (const u of ws?.discovery.unsupported ?? []) {
      const d = new vscode.Diagnostic(toRange(u.declaredIn.range), `${u.what}: ${u.reason}`, vscode.DiagnosticSeverity.Information);
      d.source = 'GitOps Lens (apps)';
      d.code = 'unsupported';
      add(u.declaredIn.file, d);
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}
