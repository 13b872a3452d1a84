// Discovery and render problems as diagnostics at their exact ranges. Lint has its own
// collection; a render problem at the very place of a lint finding is left out as a repeat.
import * as vscode from 'vscode';
import type { LintService } from './lint';
import type { WorkspaceModel } from './model';
import { FILE_START, toRange, toSeverity } from './convert';
import { isUnknownReason } from '../core/render';

export class ModelDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('gitops-lens-apps');
  private readonly subs: vscode.Disposable[];
  private pending = false;

  constructor(private readonly model: WorkspaceModel, private readonly lint: LintService) {
    const soon = () => {
      if (this.pending) return;
      this.pending = true;
      setImmediate(() => { this.pending = false; this.update(); });
    };
    this.subs = [model.onDidChange(soon), lint.onDidPublish(soon)];
  }

  update(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string | undefined, d: vscode.Diagnostic) => {
      if (!file || this.lint.hasFindingAt(file, d.range.start)) return;
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
        // A chart or source not available here, or a plugin rendered only in the cluster, makes the
        // app Unknown: information at its declaration, said once — not an error in the user's files.
        const unavailable = isUnknownReason(p);
        if (unavailable && app.problems.some((x) => x.message === p.message)) continue;
        const d = new vscode.Diagnostic(p.range ? toRange(p.range) : app.declaredIn ? toRange(app.declaredIn.range) : FILE_START, p.message, unavailable ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Error);
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
    for (const s of this.subs) s.dispose();
    this.collection.dispose();
  }
}
