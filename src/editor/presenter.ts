// Turns the model's core results into what views show: status, description, tooltip,
// and the capabilities that drive menus (contextValue). Formatting only, no logic.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import type { GitOpsApp } from '../core/apps';
import { describeId } from '../core/manifest';
import type { RenderedResource } from '../core/render';
import type { SyncStatusName } from './icons';
import type { WorkspaceModel } from './model';

export interface AppView { status: SyncStatusName; description: string; tooltip: string; capabilities: string[] }
export interface ResourceView { status: SyncStatusName; description: string; tooltip: string; capabilities: string[] }
export interface ClusterView { reachable?: boolean; description: string; tooltip: string }

export class Presenter implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly model: WorkspaceModel) {
    this.subs.push(model.onDidChange(() => this.emitter.fire()));
  }

  /** For sources other than the model (live cache, drift) to announce a change. */
  changed(): void { this.emitter.fire(); }

  app(app: GitOpsApp): AppView {
    const r = this.model.renders.get(app.id);
    const rel = (f?: string) => (f ? relative(this.model.root, f) : '');
    const src = app.sources.map((s) => `${s.renderer ?? 'remote'} \`${s.path ?? s.chart ?? s.repoURL ?? ''}\``).join(', ');
    const lines = [
      `**${app.name}** — ${app.kind}`,
      '',
      `- source: ${src || 'none'}`,
      `- destination: context \`${this.model.contextOf(app) ?? 'none'}\`${app.destination.namespace ? `, namespace \`${app.destination.namespace}\`` : ''} (${app.destination.resolution})`,
    ];
    if (app.declaredIn) lines.push(`- declared in \`${rel(app.declaredIn.file)}\``);
    if (app.automated) lines.push(`- automated sync${app.selfHeal ? ', self-heal' : ''}${app.autoPrune ? ', prune' : ''}`);
    let status: SyncStatusName;
    let description: string;
    if (!r) {
      status = 'NotRendered';
      description = this.model.trusted ? 'rendering…' : 'not rendered (Restricted Mode)';
    } else if (!r.ok) {
      status = 'RenderFailed';
      description = `render failed · ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`;
      lines.push('', ...r.problems.slice(0, 5).map((p) => `- $(error) ${p.message}`));
    } else {
      status = 'Rendered';
      description = `${r.resources.length} resources`;
      lines.push(`- rendered with ${r.renderer} in ${r.durationMs} ms${r.cached ? ' (cached)' : ''}`);
    }
    for (const p of app.problems) lines.push(`- $(warning) ${p.message}`);
    return { status, description, tooltip: lines.join('\n'), capabilities: this.model.trusted ? ['selectCluster'] : [] };
  }

  resource(app: GitOpsApp, res: RenderedResource): ResourceView {
    const rel = res.origin ? relative(this.model.root, res.origin.file) : 'unknown source';
    return {
      status: 'Rendered',
      description: '',
      tooltip: `**${describeId(res.id)}**\n\n- app: ${app.name}\n- source: \`${rel}\`${res.origin ? ` line ${res.origin.range.start.line + 1} (${res.origin.via})` : ''}`,
      capabilities: res.origin ? ['hasSource'] : [],
    };
  }

  /** Short drift summary for the status bar (empty until drift is known). */
  driftSummary(_app: GitOpsApp): string {
    return '';
  }

  cluster(context: string | undefined): ClusterView {
    if (!context) return { description: 'apps without a cluster mapping', tooltip: 'These apps map to no kubeconfig context. Use **Select Cluster for App…**.' };
    const info = this.model.workspace?.kubeconfig.contexts.find((c) => c.name === context);
    if (!info) return { reachable: false, description: 'not in kubeconfig', tooltip: `Context \`${context}\` is not in the kubeconfig.` };
    return { description: info.server, tooltip: `**${context}**\n\n- server: ${info.server}\n- user: ${info.user}${info.namespace ? `\n- namespace: ${info.namespace}` : ''}` };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
