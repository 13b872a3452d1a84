// The workspace model: one object that loads the repo through the core, keeps the latest
// results, and tells observers (views, diagnostics, decorations) when they changed. Like
// the git extension's Repository: UI classes observe it; nothing polls.
import * as vscode from 'vscode';
import { dirname, basename } from 'node:path';
import type { GitOpsApp } from '../core/apps';
import { RenderCache, renderApp, type RenderResult } from '../core/render';
import { setGitBinary } from '../core/git/client';
import { headCommit } from '../core/git/repo';
import { loadDesired } from '../core/sync';
import { loadWorkspace, type Workspace } from '../core/workspace';
import { errorMessage, type Log } from './log';
import { readSettings, type Settings } from './settings';

export type ModelPhase = 'idle' | 'loading' | 'ready' | 'failed';

export interface ModelChange {
  /** What changed, so observers can skip work: the app list, renders, live state. */
  readonly apps: boolean;
  readonly renders: boolean;
}

const APP_CONTEXTS_KEY = 'gitopsLens.appContexts';
const DEBOUNCE_MS = 300;

export class WorkspaceModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ModelChange>();
  readonly onDidChange = this.changeEmitter.event;

  phase: ModelPhase = 'idle';
  workspace?: Workspace;
  error?: string;
  readonly renders = new Map<string, RenderResult>();
  settings: Settings;
  lastLoadMs?: number;

  private readonly cache = new RenderCache();
  private headRenders: { commit?: string; renders: Map<string, RenderResult> } = { renders: new Map() };
  private readonly disposables: vscode.Disposable[] = [];
  private kubeconfigWatchers: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private abort?: AbortController;
  /** Time of the last "Refresh Remote Charts and Git Sources" (see Toolchain.refresh). */
  private remoteRefresh?: number;
  private readonly changedFiles = new Set<string>();

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly state: vscode.Memento,
    private readonly log: Log,
  ) {
    this.settings = readSettings(vscode.workspace.isTrusted);
    setGitBinary(this.settings.gitPath);
    const watch = (glob: string) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
      w.onDidChange((u) => this.fileChanged(u), null, this.disposables);
      w.onDidCreate((u) => this.fileChanged(u), null, this.disposables);
      w.onDidDelete((u) => this.fileChanged(u), null, this.disposables);
      this.disposables.push(w);
    };
    watch('**/*.{yaml,yml}');
    watch('**/Kustomization');
    // A commit moves HEAD: the desired state (with desiredState HEAD) and sync labels change.
    watch('.git/{HEAD,refs/heads/**}');
  }

  get root(): string { return this.folder.uri.fsPath; }
  get trusted(): boolean { return vscode.workspace.isTrusted; }
  get apps(): GitOpsApp[] { return this.workspace?.discovery.apps ?? []; }

  /** The context an app talks to: the user's choice for this workspace, else what discovery resolved. */
  contextOf(app: GitOpsApp): string | undefined {
    return this.state.get<Record<string, string>>(APP_CONTEXTS_KEY, {})[app.id] ?? app.destination.context;
  }

  /** Stores the choice in workspace state only; the kubeconfig is never modified. */
  async chooseContext(appId: string, context: string | undefined): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(APP_CONTEXTS_KEY, {}) };
    if (context) all[appId] = context;
    else delete all[appId];
    await this.state.update(APP_CONTEXTS_KEY, all);
    this.changeEmitter.fire({ apps: true, renders: false });
  }

  /** Apps whose render read this file, or whose declaration is in it. */
  appsOfFile(file: string): GitOpsApp[] {
    return this.apps.filter((a) => a.declaredIn?.file === file || this.renders.get(a.id)?.inputs.includes(file) || this.renders.get(a.id)?.resources.some((r) => r.origin?.file === file));
  }

  /** The files whose commits make up an app's history: what its render read, and its declaration. */
  inputsOf(app: GitOpsApp): string[] {
    return [...(this.renders.get(app.id)?.inputs ?? []), ...(app.declaredIn ? [app.declaredIn.file] : [])];
  }

  /** Schedules a reload after a quiet period; bursts of file events collapse into one. */
  scheduleRefresh(reason: string, delay = DEBOUNCE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(reason), delay);
  }

  /**
   * Fetches remote charts (ranges, newest) and other repositories' branches and tags again,
   * then reloads; until the next such request the cached copies are used, offline too.
   */
  refreshRemoteSources(): Promise<void> {
    this.remoteRefresh = Date.now();
    this.headRenders = { renders: new Map() }; // renders at HEAD read the remote sources too
    return this.refresh('refresh of remote charts and Git sources');
  }

  /** Reloads now (or right after a load in progress). Resolves when the model is current. */
  refresh(reason: string): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.running) {
      this.again = true;
      this.abort?.abort();
      return this.running;
    }
    this.running = this.load(reason).finally(() => {
      this.running = undefined;
      if (this.again) { this.again = false; void this.refresh('changes during the last load'); }
    });
    return this.running;
  }

  private fileChanged(uri: vscode.Uri): void {
    if (uri.path.includes('/.git/')) {
      if (this.settings.desiredState === 'HEAD') this.scheduleRefresh('HEAD moved');
      return;
    }
    this.changedFiles.add(uri.fsPath);
    this.scheduleRefresh(`file ${vscode.workspace.asRelativePath(uri)} changed`);
  }

  private async load(reason: string): Promise<void> {
    this.settings = readSettings(this.trusted, this.remoteRefresh);
    setGitBinary(this.settings.gitPath);
    const started = Date.now();
    const abort = new AbortController();
    this.abort = abort;
    this.phase = 'loading';
    for (const f of this.changedFiles) this.cache.invalidate(f);
    this.changedFiles.clear();
    this.log.info(`load (${reason}), ${this.trusted ? 'trusted' : 'Restricted Mode'}`);
    if (!this.trusted) {
      // Restricted Mode: apps are read from the files alone — no git (a repo's git config can
      // run programs), no renderers, no cluster.
      this.renders.clear();
      try {
        this.workspace = await this.log.timed(`read apps without executing anything ${this.root}`, () => loadWorkspace(this.root, { kubeconfig: this.settings.kubeconfig, noExec: true }));
        this.error = undefined;
      } catch (e) {
        this.workspace = undefined;
        this.error = (e as Error).message;
      }
      this.phase = 'ready';
      this.changeEmitter.fire({ apps: true, renders: true });
      return;
    }
    try {
      const ws = await this.log.timed(`loadWorkspace ${this.root}`, () => loadWorkspace(this.root, { kubeconfig: this.settings.kubeconfig }));
      const before = new Set(this.apps.map((a) => a.id));
      this.workspace = ws;
      this.error = undefined;
      this.watchKubeconfig(ws.kubeconfig.files);
      this.log.info(`${ws.repo.files.length} YAML files, ${ws.discovery.apps.length} apps, ${ws.kubeconfig.contexts.length} kubeconfig contexts (${ws.kubeconfig.files.join(', ') || 'no kubeconfig'})`);
      for (const p of ws.kubeconfig.problems) this.log.warn(p);
      const appsChanged = before.size !== ws.discovery.apps.length || ws.discovery.apps.some((a) => !before.has(a.id));
      this.changeEmitter.fire({ apps: true, renders: false });
      for (const id of [...this.renders.keys()]) if (!ws.discovery.apps.some((a) => a.id === id)) this.renders.delete(id);
      await this.renderAll(ws, abort.signal);
      this.phase = 'ready';
      this.lastLoadMs = Date.now() - started;
      this.log.info(`workspace ready in ${this.lastLoadMs} ms${appsChanged ? ' (app list changed)' : ''}`);
    } catch (e) {
      this.phase = 'failed';
      this.error = errorMessage(e);
      this.log.error(`loading ${this.root} failed: ${this.error}`);
    }
    this.changeEmitter.fire({ apps: false, renders: true });
  }

  /**
   * Renders every app, two at a time (each may run kustomize or helm): the working tree, or
   * with `desiredState: HEAD` the committed state (exported by the core, cached per commit).
   */
  private async renderAll(ws: Workspace, signal: AbortSignal): Promise<void> {
    const queue = [...ws.discovery.apps];
    const head = this.settings.desiredState === 'HEAD' ? await headCommit(this.root) : undefined;
    if (head !== this.headRenders.commit) this.headRenders = { commit: head, renders: new Map() };
    const renderOne = async (app: GitOpsApp): Promise<RenderResult> => {
      if (!head) return renderApp(app, ws.repo, this.settings.toolchain, { cache: this.cache, signal });
      const hit = this.headRenders.renders.get(app.id);
      if (hit) return hit;
      try {
        const d = await this.log.timed(`render ${app.id} at HEAD ${head.slice(0, 8)}`, () => loadDesired(this.root, app.id, { revision: 'HEAD', kubeconfig: this.settings.kubeconfig, tools: this.settings.toolchain, signal }));
        this.headRenders.renders.set(app.id, d.render);
        return d.render;
      } catch (e) {
        // Not in HEAD yet (a new, uncommitted app): its working tree is all there is.
        this.log.warn(`${app.id} at HEAD: ${errorMessage(e)}; using the working tree`);
        return renderApp(app, ws.repo, this.settings.toolchain, { cache: this.cache, signal });
      }
    };
    const worker = async () => {
      for (let app = queue.shift(); app && !signal.aborted; app = queue.shift()) {
        const r = await renderOne(app);
        if (signal.aborted) return;
        this.renders.set(app.id, r);
        if (!r.cached) this.log.info(`render ${app.id} (${r.renderer}): ${r.resources.length} resources, ${r.problems.length} problems, ${r.durationMs} ms`);
        for (const p of r.problems) this.log.warn(`render ${app.id}: ${p.message}`);
      }
    };
    await Promise.all([worker(), worker()]);
  }

  private watchKubeconfig(files: string[]): void {
    for (const d of this.kubeconfigWatchers) d.dispose();
    this.kubeconfigWatchers = files.map((f) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(f)), basename(f)));
      const fire = () => this.scheduleRefresh(`kubeconfig ${f} changed`);
      w.onDidChange(fire);
      w.onDidCreate(fire);
      w.onDidDelete(fire);
      return w;
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort();
    for (const d of [...this.disposables, ...this.kubeconfigWatchers]) d.dispose();
    this.changeEmitter.dispose();
  }
}
