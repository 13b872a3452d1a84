// Read-only documents for live objects (`gitops-lens-live:`) and desired objects as
// rendered (`gitops-lens-desired:`), both normalized with Secret values masked; Compare
// with Live and Open Live Resource open them in the native (diff) editor.
import * as vscode from 'vscode';
import { toYaml } from '../core/diff';
import type { KubeObject } from '../core/manifest';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';
import type { CommandSpec } from './commandTable';
import type { ResolvedResource } from './resolve';

export const LIVE_SCHEME = 'gitops-lens-live';
export const DESIRED_SCHEME = 'gitops-lens-desired';

export function resourceUri(scheme: string, r: ResolvedResource, context: string): vscode.Uri {
  const id = r.diff.id;
  return vscode.Uri.from({
    scheme,
    path: `/${context}/${id.kind}${id.group ? `.${id.group}` : ''}/${id.namespace ?? '_cluster'}/${id.name}.yaml`,
    query: new URLSearchParams({ app: r.app.id, key: r.diff.key }).toString(),
  });
}

function yamlOr(o: KubeObject | undefined, what: string): string {
  return o ? toYaml(o) : `# ${what}\n`;
}

export class ResourceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly scheme: string, private readonly model: WorkspaceModel, private readonly live: LiveState) {
    // A live change re-renders every open document of this scheme (they are few).
    this.sub = live.onDidChange(() => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === scheme) this.emitter.fire(d.uri);
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const app = this.model.apps.find((a) => a.id === q.get('app'));
    if (!app) return `# app ${q.get('app')} is no longer in the workspace\n`;
    const key = q.get('key') ?? '';
    const context = this.model.contextOf(app);
    const pair = this.live.pair(app, key);
    if (this.scheme === DESIRED_SCHEME) return yamlOr(pair?.desired, 'not in Git (the app does not render this resource)');
    if (pair?.live) return yamlOr(pair.live, '');
    const diff = this.live.diffOf(app)?.resources.find((r) => r.key === key);
    const view = context && diff ? this.live.liveView(context, diff.id) : undefined;
    if (view) return yamlOr(view, '');
    return `# ${diff?.status === 'Unknown' ? `live state unknown: ${diff.note ?? 'the cluster did not answer'}` : 'not in the cluster'} (context ${context ?? 'none'})\n`;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

export function liveDocuments(model: WorkspaceModel, live: LiveState): { providers: vscode.Disposable[]; commands: CommandSpec[] } {
  const liveDocs = new ResourceDocuments(LIVE_SCHEME, model, live);
  const desiredDocs = new ResourceDocuments(DESIRED_SCHEME, model, live);
  const contextOf = (r: ResolvedResource) => model.contextOf(r.app) ?? 'none';
  return {
    providers: [
      liveDocs,
      desiredDocs,
      vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, liveDocs),
      vscode.workspace.registerTextDocumentContentProvider(DESIRED_SCHEME, desiredDocs),
    ],
    commands: [
      {
        id: 'gitopsLens.compareWithLive', writes: false, needsTrust: true, target: 'resource', placeHolder: 'Compare which resource with the cluster?', filter: (d) => d.status !== 'Unknown',
        run: async (r) => {
          const ctx = contextOf(r);
          await vscode.commands.executeCommand('vscode.diff', resourceUri(LIVE_SCHEME, r, ctx), resourceUri(DESIRED_SCHEME, r, ctx), `${r.diff.id.kind}/${r.diff.id.name}: live (${ctx}) ↔ Git (rendered)`, { preview: true });
        },
      },
      {
        id: 'gitopsLens.openLiveResource', writes: false, needsTrust: true, target: 'resource', placeHolder: 'Open which live resource?', filter: (d) => d.status !== 'Missing',
        run: async (r) => {
          const doc = await vscode.workspace.openTextDocument(resourceUri(LIVE_SCHEME, r, contextOf(r)));
          await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
          await vscode.window.showTextDocument(doc, { preview: true });
        },
      },
    ],
  };
}
