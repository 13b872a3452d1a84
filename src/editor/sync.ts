// Preview Sync, Sync App, Sync Resource: the core plans (dry-run on the server), the editor
// shows the plan (multi-diff editor + a modal listing creates/updates/prunes), and only
// after the user confirms does the core execute it, under a cancellable progress.
import * as vscode from 'vscode';
import type { GitOpsApp } from '../core/apps';
import { journalPath } from '../core/journal';
import { describeId } from '../core/manifest';
import { executeSync, loadDesired, planSync, type SyncPlan, type SyncResult, type SyncTask } from '../core/sync';
import { normalizedView, toYaml } from '../core/diff';
import type { CommandSpec } from './commandTable';
import type { LiveState } from './live';
import type { Log } from './log';
import type { WorkspaceModel } from './model';

export const PLAN_SCHEME = 'gitops-lens-plan';

/** Plans shown in diff editors, by id, so their documents stay readable while open. */
export class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly plans = new Map<string, SyncPlan>();
  private seq = 0;

  add(plan: SyncPlan): string {
    const id = String(++this.seq);
    this.plans.set(id, plan);
    if (this.plans.size > 20) this.plans.delete(this.plans.keys().next().value!);
    return id;
  }

  uri(planId: string, t: SyncTask, side: 'live' | 'desired'): vscode.Uri {
    return vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${side}/${t.id.kind}/${t.id.namespace ?? '_cluster'}/${t.id.name}.yaml`, query: new URLSearchParams({ plan: planId, key: t.key, side }).toString() });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const t = this.plans.get(q.get('plan') ?? '')?.tasks.find((x) => x.key === q.get('key'));
    if (!t) return '# this plan is no longer available; preview again\n';
    const o = q.get('side') === 'live' ? t.live ?? undefined : t.desired;
    return o ? toYaml(normalizedView(o)) : '';
  }
}

const ACTION_LABEL: Record<SyncTask['action'], string> = { create: 'create', configure: 'update', unchanged: 'unchanged', prune: 'prune', skip: 'skip' };

/** The confirmation text: every create, update and prune, and what blocks or warns. */
export function describePlan(plan: SyncPlan): string {
  const lines: string[] = [`${plan.revision.label} → context ${plan.context} (${plan.server})`, ''];
  for (const action of ['create', 'configure', 'prune', 'skip'] as const) {
    const tasks = plan.tasks.filter((t) => t.action === action);
    if (!tasks.length) continue;
    lines.push(`${ACTION_LABEL[action]} (${tasks.length}):`);
    for (const t of tasks.slice(0, 12)) lines.push(`  ${action === 'create' ? '+' : action === 'prune' ? '−' : action === 'skip' ? '·' : '~'} ${describeId(t.id)}${t.changes.length ? ` (${t.changes.slice(0, 3).join(', ')}${t.changes.length > 3 ? ', …' : ''})` : ''}${t.reason ? ` — ${t.reason}` : ''}`);
    if (tasks.length > 12) lines.push(`  … ${tasks.length - 12} more`);
  }
  if (plan.summary.unchanged) lines.push(`unchanged: ${plan.summary.unchanged}`);
  for (const p of plan.problems) lines.push('', `${p.severity === 'error' ? 'Error' : p.severity === 'warning' ? 'Warning' : 'Note'}: ${p.message}`);
  return lines.join('\n');
}

export class SyncCommands {
  readonly docs = new PlanDocuments();
  constructor(private readonly model: WorkspaceModel, private readonly live: LiveState, private readonly log: Log) {}

  private session(app: GitOpsApp) {
    const ctx = this.model.contextOf(app);
    if (!ctx) throw new Error(`${app.name} maps to no cluster: use "Select Cluster for App…"`);
    const s = this.live.session(ctx);
    if (!s) throw new Error(`context ${ctx} is not usable (see the GitOps Lens log)`);
    return s;
  }

  private client(app: GitOpsApp) { return this.session(app).client; }

  /** Plans a sync of the app (or of some of its resources), with progress and cancellation. */
  async plan(app: GitOpsApp, only?: string[], revision?: string): Promise<SyncPlan | undefined> {
    const client = this.client(app);
    const rev = revision ?? (this.model.settings.desiredState === 'HEAD' ? 'HEAD' : undefined);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GitOps: planning ${app.name} against ${client.context}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      progress.report({ message: `rendering ${rev ?? 'the working tree'}…` });
      const desired = await this.log.timed(`loadDesired ${app.id} (${rev ?? 'working tree'})`, () => loadDesired(this.model.root, app.id, { revision: rev ?? { workingTree: true }, kubeconfig: this.model.settings.kubeconfig, tools: this.model.settings.toolchain, signal: abort.signal }));
      if (abort.signal.aborted) return undefined;
      progress.report({ message: 'dry-run on the server…' });
      return this.log.timed(`plan ${app.id}${only ? ` (${only.join(', ')})` : ''}`, () => planSync(desired, client, { prune: app.autoPrune && !only, only, signal: abort.signal }), client.context);
    });
  }

  /** Asks before anything is written; resolves the sync options the user chose, or undefined. */
  async confirm(plan: SyncPlan, verb = 'Sync'): Promise<{ force: boolean; allowUncommitted: boolean } | undefined> {
    const writes = plan.summary.create + plan.summary.configure + plan.summary.prune;
    const blocking = plan.problems.filter((p) => p.severity === 'error');
    if (!plan.ok || blocking.length) {
      void vscode.window.showErrorMessage(`GitOps Lens: ${plan.appName} cannot be synced: ${blocking[0]?.message ?? 'the plan has problems'}`, { modal: true, detail: describePlan(plan) });
      return undefined;
    }
    if (writes === 0) {
      void vscode.window.showInformationMessage(`GitOps Lens: ${plan.appName} is already in sync with ${plan.revision.label} on ${plan.context}; nothing to write.`);
      return undefined;
    }
    const buttons: string[] = [plan.controller ? `${verb} Anyway (Force)` : verb];
    const detail = `${describePlan(plan)}${plan.revision.uncommitted ? '\n\nThe desired state includes uncommitted changes; the journal records that.' : ''}`;
    const pick = await vscode.window.showWarningMessage(`${verb} ${plan.appName}: ${plan.summary.create} create, ${plan.summary.configure} update, ${plan.summary.prune} prune?`, { modal: true, detail }, ...buttons);
    if (!pick) return undefined;
    return { force: !!plan.controller, allowUncommitted: plan.revision.uncommitted };
  }

  /** Executes a confirmed plan under a cancellable progress; ends in a short notification. */
  async execute(plan: SyncPlan, opts: { force: boolean; allowUncommitted: boolean }, app: GitOpsApp, journalType: 'sync' | 'reapply' | 'rollback' = 'sync', warnings: string[] = []): Promise<SyncResult> {
    const { client, cache } = this.session(app);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GitOps: syncing ${plan.appName} to ${plan.context}`, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const total = plan.tasks.filter((t) => t.action !== 'unchanged' && t.action !== 'skip').length || 1;
      return this.log.timed(`sync ${plan.appId} (${journalType})`, () => executeSync(plan, client, {
        force: opts.force, allowUncommitted: opts.allowUncommitted, signal: abort.signal, journal: journalPath(plan.repoRoot), journalType, warnings, cache,
        onEvent: (e) => {
          if (e.type === 'task-done') {
            progress.report({ increment: 100 / total, message: `${e.result.status} ${e.result.key}` });
            this.log.info(`  ${e.result.action} ${e.result.key}: ${e.result.status}${e.result.message ? ` — ${e.result.message}` : ''} (${e.result.durationMs} ms)`);
          } else if (e.type === 'wave-wait') progress.report({ message: `waiting for wave ${e.wave} to become healthy (${e.pending.length} pending)` });
          else if (e.type === 'lock-wait') progress.report({ message: `waiting for another sync (${e.holder})` });
        },
      }), plan.context);
    });
    const counts = ['applied', 'pruned', 'unchanged', 'failed'].map((s) => [s, result.results.filter((r) => r.status === s).length] as const).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ');
    // The core's message already counts the tasks; ours only stands in when it has none.
    const text = `${plan.appName} → ${plan.context}: ${result.outcome} — ${result.message || counts || 'nothing to do'} (${(result.durationMs / 1000).toFixed(1)} s)`;
    for (const w of result.warnings) this.log.warn(`sync ${plan.appId}: ${w}`);
    for (const e of result.errors) this.log.error(`sync ${plan.appId}: ${e}`);
    const show = result.outcome === 'succeeded' ? vscode.window.showInformationMessage : result.outcome === 'cancelled' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    void show(`GitOps Lens: ${text}`, 'Show Details', 'Sync History').then((a) => {
      if (a === 'Show Details') this.log.show();
      if (a === 'Sync History') void vscode.commands.executeCommand('gitopsLens.showSyncHistory');
    });
    return result;
  }

  /** Opens every change of a plan in the native multi-diff editor (live ↔ desired). */
  async showPlan(plan: SyncPlan): Promise<void> {
    const id = this.docs.add(plan);
    const changed = plan.tasks.filter((t) => t.action === 'create' || t.action === 'configure' || t.action === 'prune');
    const resources = changed.map((t) => [vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${describeId(t.id)}` }), t.action === 'create' ? undefined : this.docs.uri(id, t, 'live'), t.action === 'prune' ? undefined : this.docs.uri(id, t, 'desired')]);
    await vscode.commands.executeCommand('vscode.changes', `Preview Sync: ${plan.appName} → ${plan.context} (${plan.revision.label})`, resources);
  }

  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this.docs);
  }

  commands(): CommandSpec[] {
    return [
      {
        id: 'gitopsLens.previewSync', writes: true, needsTrust: true, target: 'app', placeHolder: 'Preview the sync of which app?',
        run: async (app) => {
          const plan = await this.plan(app);
          if (!plan) return undefined;
          if (plan.tasks.some((t) => t.action === 'create' || t.action === 'configure' || t.action === 'prune')) await this.showPlan(plan);
          const ok = await this.confirm(plan);
          return ok ? this.execute(plan, ok, app) : undefined;
        },
      },
      {
        id: 'gitopsLens.syncApp', writes: true, needsTrust: true, target: 'app', placeHolder: 'Sync which app?',
        run: async (app) => {
          const plan = await this.plan(app);
          const ok = plan && (await this.confirm(plan));
          return plan && ok ? this.execute(plan, ok, app) : undefined;
        },
      },
      {
        id: 'gitopsLens.syncResource', writes: true, needsTrust: true, target: 'resource', placeHolder: 'Sync which resource?', filter: (d) => d.status === 'OutOfSync' || d.status === 'Missing',
        run: async (r) => {
          const plan = await this.plan(r.app, [r.diff.key]);
          const ok = plan && (await this.confirm(plan, 'Sync Resource'));
          return plan && ok ? this.execute(plan, ok, r.app) : undefined;
        },
      },
    ];
  }
}
