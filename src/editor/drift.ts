// Drift in the manifest: a status marker on each resource's first line (gutter icon +
// after-line text), each drifted field's line highlighted with `live: 5 · kubectl-scale ·
// 3 min ago` and a hover, a CodeLens row per resource, Explorer badges per file.
import * as vscode from 'vscode';
import type { DriftStatus, FieldChange, ResourceDiff } from '../core/diff';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';
import { ago, short } from './presenter';
import { diffsInFile, type ResourceRef } from './resolve';

const STATUS_COLOR: Record<DriftStatus, string> = {
  Synced: 'gitopsLens.syncedForeground',
  OutOfSync: 'gitopsLens.outOfSyncForeground',
  Missing: 'gitopsLens.missingForeground',
  Extra: 'gitopsLens.extraForeground',
  Unknown: 'gitopsLens.unknownForeground',
};

const STATUS_TEXT: Record<DriftStatus, string> = { Synced: 'Synced', OutOfSync: 'OutOfSync', Missing: 'Missing in cluster', Extra: 'Extra', Unknown: 'Unknown' };

export interface ShownDecoration { kind: 'resource' | 'field'; line: number; text: string; status?: DriftStatus; hover?: string }

export class DriftDecorations implements vscode.Disposable {
  private readonly markers: Record<DriftStatus, vscode.TextEditorDecorationType>;
  private readonly field: vscode.TextEditorDecorationType;
  private readonly subs: vscode.Disposable[] = [];
  /** What each editor shows, by document URI: read by the E2E debug command. */
  readonly shown = new Map<string, { at: number; items: ShownDecoration[] }>();

  constructor(private readonly model: WorkspaceModel, private readonly live: LiveState, media: vscode.Uri) {
    const marker = (s: DriftStatus) => vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(media, `status-${s.toLowerCase()}.svg`),
      gutterIconSize: '70%',
      after: { color: new vscode.ThemeColor(STATUS_COLOR[s]), margin: '0 0 0 2em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.markers = { Synced: marker('Synced'), OutOfSync: marker('OutOfSync'), Missing: marker('Missing'), Extra: marker('Extra'), Unknown: marker('Unknown') };
    this.field = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('gitopsLens.driftedLineBackground'),
      overviewRulerColor: new vscode.ThemeColor(STATUS_COLOR.OutOfSync),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { color: new vscode.ThemeColor('gitopsLens.driftHintForeground'), margin: '0 0 0 2em' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.subs.push(
      live.onDidChange(() => this.refresh()),
      model.onDidChange(() => this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('gitopsLens.decorations') && this.refresh()),
    );
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor);
  }

  private apply(editor: vscode.TextEditor): void {
    const doc = editor.document;
    if (doc.uri.scheme !== 'file') return;
    const enabled = this.model.settings.driftDecorations;
    const found = enabled ? diffsInFile(this.model, this.live, doc.uri.fsPath) : [];
    const byStatus: Record<DriftStatus, vscode.DecorationOptions[]> = { Synced: [], OutOfSync: [], Missing: [], Extra: [], Unknown: [] };
    const fields: vscode.DecorationOptions[] = [];
    const shown: ShownDecoration[] = [];
    const now = Date.now();
    for (const { app, diff } of found) {
      const line = diff.origin!.range.start.line;
      if (line >= doc.lineCount) continue;
      const text = markerText(diff);
      const hover = resourceHover(diff, app.id, this.model.contextOf(app));
      byStatus[diff.status].push({ range: endOfLine(doc, line), hoverMessage: hover, renderOptions: { after: { contentText: text } } });
      shown.push({ kind: 'resource', line, text, status: diff.status });
      for (const c of diff.changes) {
        if (c.file !== doc.uri.fsPath || !c.range || c.range.start.line >= doc.lineCount) continue;
        const hint = fieldHint(c, now);
        const md = fieldHover(c, { appId: app.id, key: diff.key, path: c.path }, now);
        fields.push({ range: endOfLine(doc, c.range.start.line), hoverMessage: md, renderOptions: { after: { contentText: hint } } });
        shown.push({ kind: 'field', line: c.range.start.line, text: hint, hover: md.value });
      }
    }
    for (const s of Object.keys(byStatus) as DriftStatus[]) editor.setDecorations(this.markers[s], byStatus[s]);
    editor.setDecorations(this.field, fields);
    this.shown.set(doc.uri.toString(), { at: Date.now(), items: shown });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const d of Object.values(this.markers)) d.dispose();
    this.field.dispose();
  }
}

function endOfLine(doc: vscode.TextDocument, line: number): vscode.Range {
  const l = doc.lineAt(line);
  return new vscode.Range(line, l.range.end.character, line, l.range.end.character);
}

export function markerText(d: ResourceDiff): string {
  if (d.status === 'OutOfSync') return `● OutOfSync · ${d.changes.length} field${d.changes.length === 1 ? '' : 's'} differ`;
  if (d.status === 'Unknown') return `● Unknown${d.note ? ` · ${d.note.split('\n')[0].slice(0, 80)}` : ''}`;
  return `● ${STATUS_TEXT[d.status]}`;
}

export function fieldHint(c: FieldChange, now = Date.now()): string {
  return [`live: ${short(c.live)}`, c.manager, c.time ? ago(c.time, now) : undefined].filter(Boolean).join(' · ');
}

function commandLink(title: string, command: string, arg: unknown): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([arg]))})`;
}

const TRUSTED_COMMANDS = ['gitopsLens.compareWithLive', 'gitopsLens.revertDrift', 'gitopsLens.adoptLiveValue', 'gitopsLens.syncResource', 'gitopsLens.openLiveResource'];

function fieldHover(c: FieldChange, ref: ResourceRef, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
  md.appendMarkdown(`**\`${c.path}\`** drifted from Git\n\n| | value |\n|---|---|\n| Git | \`${short(c.desired)}\` |\n| live | \`${short(c.live)}\` |\n\n`);
  if (c.manager) md.appendMarkdown(`Changed by **${c.manager}**${c.operation ? ` (${c.operation})` : ''}${c.time ? `, ${ago(c.time, now)} (${c.time})` : ''}.\n\n`);
  md.appendMarkdown([commandLink('Diff with live', 'gitopsLens.compareWithLive', ref), commandLink('Revert drift', 'gitopsLens.revertDrift', ref), commandLink('Adopt live value', 'gitopsLens.adoptLiveValue', ref)].join(' · '));
  return md;
}

function resourceHover(d: ResourceDiff, appId: string, context: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
  md.appendMarkdown(`$(server-environment) **${d.status}** in \`${context ?? 'no cluster'}\` (${d.method === 'none' ? 'not compared' : `${d.method} diff`})\n\n`);
  if (d.note) md.appendMarkdown(`${d.note}\n\n`);
  const ref: ResourceRef = { appId, key: d.key };
  md.appendMarkdown([commandLink('Diff with live', 'gitopsLens.compareWithLive', ref), commandLink('Open live', 'gitopsLens.openLiveResource', ref)].join(' · '));
  return md;
}

/** status · Diff with live · Sync · Revert above each resource. */
export class DriftCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel, private readonly live: LiveState, private readonly actions: () => { sync: boolean; revert: boolean }) {
    this.sub = live.onDidChange(() => this.emitter.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.model.settings.codeLens) return [];
    const out: vscode.CodeLens[] = [];
    const can = this.actions();
    for (const { app, diff } of diffsInFile(this.model, this.live, doc.uri.fsPath)) {
      const line = diff.origin!.range.start.line;
      if (line >= doc.lineCount) continue;
      const range = new vscode.Range(line, 0, line, 0);
      const ref: ResourceRef = { appId: app.id, key: diff.key };
      const icon = diff.status === 'Synced' ? '$(pass)' : diff.status === 'Unknown' ? '$(question)' : '$(diff)';
      out.push(new vscode.CodeLens(range, { title: `${icon} ${diff.status}${diff.status === 'OutOfSync' ? ` (${diff.changes.length})` : ''} · ${this.model.contextOf(app) ?? ''}`, command: 'gitopsLens.compareWithLive', arguments: [ref], tooltip: diff.note ?? `${diff.status} (${diff.method} diff)` }));
      if (diff.status === 'Unknown') continue;
      out.push(new vscode.CodeLens(range, { title: 'Diff with live', command: 'gitopsLens.compareWithLive', arguments: [ref] }));
      if (can.sync && diff.status !== 'Synced') out.push(new vscode.CodeLens(range, { title: 'Sync', command: 'gitopsLens.syncResource', arguments: [ref] }));
      if (can.revert && diff.status === 'OutOfSync') out.push(new vscode.CodeLens(range, { title: 'Revert', command: 'gitopsLens.revertDrift', arguments: [ref] }));
    }
    return out;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

/** Explorer badges: files holding drifted resources, or sources of apps that fail to render. */
export class DriftFileDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly model: WorkspaceModel, private readonly live: LiveState) {
    this.subs = [live.onDidChange(() => this.emitter.fire(undefined)), model.onDidChange(() => this.emitter.fire(undefined))];
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file' || !this.model.settings.fileDecorations) return undefined;
    const file = uri.fsPath;
    for (const app of this.model.apps) {
      const r = this.model.renders.get(app.id);
      if (r && !r.ok && (app.declaredIn?.file === file || r.problems.some((p) => p.file === file))) {
        return new vscode.FileDecoration('!', `GitOps: app ${app.name} fails to render`, new vscode.ThemeColor('errorForeground'));
      }
    }
    const here = diffsInFile(this.model, this.live, file);
    const drifted = here.filter((r) => r.diff.status === 'OutOfSync' || r.diff.status === 'Missing');
    if (!drifted.length) return undefined;
    return new vscode.FileDecoration('≠', `GitOps: ${drifted.length} resource${drifted.length === 1 ? '' : 's'} differ from the cluster`, new vscode.ThemeColor(STATUS_COLOR.OutOfSync));
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
