// Compare Revisions…: the rendered change of an app between two commits, no cluster needed.
import * as vscode from 'vscode';
import { commitsTouching } from '../core/git/history';
import { describeId } from '../core/manifest';
import { revisionDiff } from '../core/sync';
import type { CommandSpec } from './commandTable';
import type { Log } from './log';
import type { WorkspaceModel } from './model';

export const REVDIFF_SCHEME = 'gitops-lens-revdiff';

export function revisionCommands(model: WorkspaceModel, log: Log): { provider: vscode.Disposable; commands: CommandSpec[] } {
  const texts = new Map<string, string>();
  let seq = 0;
  return {
    provider: vscode.workspace.registerTextDocumentContentProvider(REVDIFF_SCHEME, { provideTextDocumentContent: (uri) => texts.get(uri.query) ?? '' }),
    commands: [{
      id: 'gitopsLens.compareRevisions', writes: false, needsTrust: true, target: 'app', placeHolder: 'Compare two revisions of which app?',
      run: async (app) => {
        const inputs = model.inputsOf(app);
        const commits = await commitsTouching(model.root, inputs, { maxCount: 30 });
        const items = [{ label: 'HEAD', description: 'the branch head', rev: 'HEAD' }, ...commits.map((c) => ({ label: c.shortHash, description: c.subject, detail: `${c.author} · ${c.date}`, rev: c.hash }))];
        const from = await vscode.window.showQuickPick(items, { placeHolder: `${app.name}: compare FROM which revision?` });
        if (!from) return undefined;
        const to = await vscode.window.showQuickPick(items.filter((i) => i.rev !== from.rev), { placeHolder: `${app.name}: compare ${from.label} TO which revision?` });
        if (!to) return undefined;
        const d = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GitOps: rendering ${app.name} at ${from.label} and ${to.label}` }, () =>
          log.timed(`revision diff ${app.id} ${from.rev}..${to.rev}`, () => revisionDiff(model.root, app.id, from.rev, to.rev, { kubeconfig: model.settings.kubeconfig, tools: model.settings.toolchain })));
        const s = d.summary;
        const header = [`# ${app.name}: ${from.label} → ${to.label} (rendered)`, `# ${s.added} added, ${s.removed} removed, ${s.changed} changed, ${s.unchanged} unchanged`, ...[...d.from.problems, ...d.to.problems].map((p) => `# problem: ${p}`), ''];
        const body = d.resources.filter((r) => r.status !== 'unchanged').map((r) => `# ${r.status}: ${describeId(r.id)}${r.source ? ` (${vscode.workspace.asRelativePath(r.source.file)}:${r.source.line})` : ''}\n${r.diff}`);
        const id = String(++seq);
        texts.set(id, [...header, ...body].join('\n'));
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: REVDIFF_SCHEME, path: `/${app.name}-${from.label}..${to.label}.diff`, query: id }));
        await vscode.languages.setTextDocumentLanguage(doc, 'diff');
        await vscode.window.showTextDocument(doc, { preview: true });
        return d;
      },
    }],
  };
}
