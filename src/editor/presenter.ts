// Turns the model's and the live state's core results into what views show: status,
// description, tooltip, and the capabilities that drive menus (contextValue). Formatting only.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import type { GitOpsApp } from '../core/apps';
import type { ResourceDiff } from '../core/diff';
import { describeId, resourceKey, type ResourceId } from '../core/manifest';
import { isUnknownReason, type Origin } from '../core/render';
import type { HealthName, SyncStatusName } from './icons';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';

export interface AppView { status: SyncStatusName; health?: HealthName; description: string; tooltip: string; capabilities: string[] }
export interface ResourceView { status: SyncStatusName; health?: HealthName; description: string; tooltip: string; capabilities: string[] }
export interface ClusterView { reachable?: boolean; description: string; tooltip: string }

/** One resource row of an app: from the drift result when there is one, else from the render. */
export interface ResourceRow { id: ResourceId; key: string; origin?: Pick<Origin, 'file' | 'docIndex' | 'range'>; diff?: ResourceDiff }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function ago(iso: string | number | undefined, now = Date.now()): string {
  if (iso === undefined) return '';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return s < 5 ? 'just now' : `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}

export class Presenter implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly model: WorkspaceModel, readonly live: LiveState) {
    this.subs.push(model.onDidChange(() => this.emitter.fire()), live.onDidChange(() => this.emitter.fire()));
  }

  rows(app: GitOpsApp): ResourceRow[] {
    const d = this.live.diffOf(app);
    if (d && d.resources.length) return d.resources.map((r) => ({ id: r.id, key: r.key, origin: r.origin, diff: r }));
    return (this.model.renders.get(app.id)?.resources ?? []).map((r) => ({ id: r.id, key: resourceKey(r.id), origin: r.origin }));
  }

  app(app: GitOpsApp): AppView {
    const r = this.model.renders.get(app.id);
    const d = this.live.diffOf(app);
    const ctx = this.model.contextOf(app);
    const rel = (f?: string) => (f ? relative(this.model.root, f) : '');
    const src = app.sources.map((s) => `${s.renderer ?? 'remote'} \`${s.path ?? s.chart ?? s.repoURL ?? ''}\``).join(', ');
    const lines = [
      `**${app.name}** — ${app.kind}`,
      '',
      `- source: ${src || 'none'}`,
      `- destination: context \`${ctx ?? 'none'}\`${app.destination.namespace ? `, namespace \`${app.destination.namespace}\`` : ''} (${app.destination.resolution})`,
    ];
    if (app.declaredIn) lines.push(`- declared in \`${rel(app.declaredIn.file)}\``);
    if (app.automated) lines.push(`- automated sync${app.selfHeal ? ', self-heal' : ''}${app.autoPrune ? ', prune' : ''}`);
    const caps: string[] = [];
    if (this.model.trusted) caps.push('selectCluster');
    let status: SyncStatusName;
    let description: string;
    let health: HealthName | undefined;
    if (!r) {
      status = 'NotRendered';
      description = this.model.trusted ? 'rendering…' : 'not rendered (Restricted Mode)';
    } else if (!r.ok && r.problems.length > 0 && r.problems.every(isUnknownReason)) {
      // A chart or source that is not here (or not cached offline), a plugin rendered only in the
      // cluster: Unknown with the reason, not a failure.
      status = 'Unknown';
      description = `unknown · ${r.problems[0].message.replace(/^[^:]*: /, '').slice(0, 80)}`;
      lines.push('', ...r.problems.slice(0, 5).map((p) => `- $(info) ${p.message}`));
    } else if (!r.ok) {
      status = 'RenderFailed';
      description = `render failed · ${plural(r.problems.length, 'problem')}`;
      lines.push('', ...r.problems.slice(0, 5).map((p) => `- $(error) ${p.message}`));
    } else if (d) {
      status = d.summary.status;
      const c = d.summary.counts;
      const parts: string[] = [];
      if (status === 'Synced') parts.push(`${plural(d.resources.length, 'resource')} synced`);
      if (c.OutOfSync) parts.push(`${c.OutOfSync} out of sync`);
      if (c.Missing) parts.push(`${c.Missing} missing`);
      if (c.Extra) parts.push(`${c.Extra} extra`);
      if (c.Invalid) parts.push(`${c.Invalid} rejected by the API server`);
      if (c.Unknown) parts.push(`${c.Unknown} unknown`);
      const h = d.summary.health;
      health = h?.status as HealthName | undefined;
      if (health && status !== 'Unknown' && health !== 'Missing') parts.push(health);
      description = parts.join(' · ');
      const methods = [...new Set(d.resources.map((x) => x.method).filter((m) => m !== 'none'))];
      lines.push(`- drift: **${status}** (${Object.entries(c).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ') || 'no resources'}), ${methods.length ? `${methods.join(' + ')} diff` : 'no comparison'}, ${ago(d.computedAt)}`);
      if (h) lines.push(`- health: **${h.status}**${h.message ? ` — ${h.message}` : ''}`);
      for (const p of d.summary.problems.slice(0, 3)) lines.push(`- $(warning) ${p}`);
      if (status !== 'Unknown') caps.push('live');
      if (status === 'OutOfSync' || status === 'Missing' || status === 'Extra') caps.push('drifted');
    } else {
      status = ctx ? 'Unknown' : 'Rendered';
      description = `${plural(r.resources.length, 'resource')}${ctx ? '' : ' · no cluster'}`;
    }
    if (r?.ok) lines.push(`- rendered with ${r.renderer} in ${r.durationMs} ms${r.cached ? ' (cached)' : ''}`);
    for (const p of app.problems) lines.push(`- $(warning) ${p.message}`);
    return { status, health, description, tooltip: lines.join('\n'), capabilities: caps };
  }

  resource(app: GitOpsApp, row: ResourceRow): ResourceView {
    const rel = row.origin ? `${relative(this.model.root, row.origin.file)}:${row.origin.range.start.line + 1}` : 'not in Git';
    const lines = [`**${describeId(row.id)}**`, '', `- app: ${app.name}`, `- source: \`${rel}\``];
    const caps: string[] = row.origin ? ['hasSource'] : [];
    const d = row.diff;
    if (!d) return { status: 'Rendered', description: '', tooltip: lines.join('\n'), capabilities: caps };
    const h = d.health;
    lines.push(`- status: **${d.status}** (${d.method === 'none' ? 'not compared' : `${d.method} diff`})`);
    if (h) lines.push(`- health: **${h.status}**${h.message ? ` — ${h.message}` : ''}`);
    if (d.note) lines.push(`- ${d.note}`);
    for (const c of d.changes.slice(0, 8)) lines.push(`- \`${c.path}\`: Git \`${short(c.desired)}\` · live \`${short(c.live)}\`${c.manager ? ` · ${c.manager}` : ''}${c.time ? ` · ${ago(c.time)}` : ''}`);
    if (d.changes.length > 8) lines.push(`- … ${d.changes.length - 8} more`);
    if (d.status !== 'Missing' && d.status !== 'Unknown') caps.push('live');
    if (d.status === 'OutOfSync' || d.status === 'Missing') caps.push('drifted');
    if (d.status === 'OutOfSync') caps.push('fieldDrift');
    const description = d.status === 'OutOfSync' ? plural(d.changes.length, 'field') : d.status === 'Synced' ? h?.status ?? '' : d.status;
    return { status: d.status, health: h?.status as HealthName | undefined, description, tooltip: lines.join('\n'), capabilities: caps };
  }

  /** Short drift summary for the status bar. */
  driftSummary(app: GitOpsApp): string {
    const d = this.live.diffOf(app);
    if (!d) return '';
    const c = d.summary.counts;
    if (d.summary.status === 'Synced') return '$(pass) Synced';
    if (d.summary.status === 'Unknown') return '$(question) Unknown';
    if (d.summary.status === 'Invalid') return `$(error) ${c.Invalid} invalid`;
    return ['$(diff)', c.OutOfSync && `${c.OutOfSync} out of sync`, c.Missing && `${c.Missing} missing`, c.Extra && `${c.Extra} extra`].filter(Boolean).join(' ');
  }

  cluster(context: string | undefined): ClusterView {
    if (!context) return { description: 'apps without a cluster mapping', tooltip: 'These apps map to no kubeconfig context. Use **Select Cluster for App…**.' };
    const info = this.model.workspace?.kubeconfig.contexts.find((c) => c.name === context);
    if (!info) return { reachable: false, description: 'not in kubeconfig', tooltip: `Context \`${context}\` is not in the kubeconfig.` };
    const { state, reachability } = this.live.contextState(context);
    const status = state?.status;
    const { reachable, version, error: err } = reachability ?? {};
    const description = [version?.gitVersion, reachable === false ? 'unreachable' : status && status !== 'connected' ? status : undefined].filter(Boolean).join(' · ') || info.server;
    const lines = [`**${context}**`, '', `- server: ${info.server}`, `- user: ${info.user}`];
    if (info.namespace) lines.push(`- namespace: ${info.namespace}`);
    if (version) lines.push(`- Kubernetes ${version.gitVersion}`);
    if (status) lines.push(`- watch: ${status}, ${state!.scopes.length} kinds watched`);
    if (err && reachable === false) lines.push(`- $(error) ${err}`);
    return { reachable, description, tooltip: lines.join('\n') };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

export function short(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
