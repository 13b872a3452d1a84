// Drift in the manifest: a status marker on each resource's first line (gutter icon +
// after-line text); each drifted field on the line that writes its value in Git — the patch,
// the values key, the substitution — highlighted with `live: 5 · kubectl-scale · 3 min ago`
// and a hover with the chain of places that set it; the lines it overrides (a base's value)
// or passes through (a Helm template line, a `${var}`) say so; a CodeLens row per resource,
// Explorer badges per file.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import type { GitOpsApp } from '../core/apps';
import type { DriftStatus, FieldChange, ResourceDiff } from '../core/diff';
import { describeProvenance, type FieldProvenance } from '../core/render/provenance';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';
import { ago, short } from './presenter';
import { diffsInFile, fieldsInFile, type ResourceRef } from './resolve';

const STATUS_COLOR: Record<DriftStatus, string> = {
  Synced: 'gitopsLens.syncedForeground',
  OutOfSync: 'gitopsLens.outOfSyncForeground',
  Missing: 'gitopsLens.missingForeground',
  Extra: 'gitopsLens.extraForeground',
  Invalid: 'errorForeground',
  Unknown: 'gitopsLens.unknownForeground',
};

const STATUS_TEXT: Record<DriftStatus, string> = { Synced: 'Synced', OutOfSync: 'OutOfSync', Missing: 'Missing in cluster', Extra: 'Extra', Invalid: 'Invalid', Unknown: 'Unknown' };

/**
 * What an editor shows (read by the E2E debug command): resource markers, drifted fields on
 * the line that writes them, lines whose value is overridden (`shadowed`) or that a value
 * passes through (`via`: a template line, a substituted `${var}`).
 */
export interface ShownDecoration { kind: 'resource' | 'field' | 'shadowed' | 'via'; line: number; text: string; status?: DriftStatus; hover?: string }

export class DriftDecorations implements vscode.Disposable {
  private readonly markers: Record<DriftStatus, vscode.TextEditorDecorationType>;
  private readonly field: vscode.TextEditorDecorationType;
  private readonly note: vscode.TextEditorDecorationType;
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
    this.markers = { Synced: marker('Synced'), OutOfSync: marker('OutOfSync'), Missing: marker('Missing'), Extra: marker('Extra'), Invalid: marker('Invalid'), Unknown: marker('Unknown') };
    this.field = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('gitopsLens.driftedLineBackground'),
      overviewRulerColor: new vscode.ThemeColor(STATUS_COLOR.OutOfSync),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { color: new vscode.ThemeColor('gitopsLens.driftHintForeground'), margin: '0 0 0 2em' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    // A line that is not the one in effect: muted text after it, no background.
    this.note = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
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
    const file = doc.uri.fsPath;
    const found = enabled ? diffsInFile(this.model, this.live, file) : [];
    const byStatus: Record<DriftStatus, vscode.DecorationOptions[]> = { Synced: [], OutOfSync: [], Missing: [], Extra: [], Invalid: [], Unknown: [] };
    const fields: vscode.DecorationOptions[] = [];
    const notes: vscode.DecorationOptions[] = [];
    const shown: ShownDecoration[] = [];
    const now = Date.now();
    const rel = (f: string) => relative(this.model.root, f);
    for (const { app, diff } of found) {
      const line = diff.origin!.range.start.line;
      if (line >= doc.lineCount) continue;
      const text = markerText(diff);
      const hover = resourceHover(diff, app.id, this.model.contextOf(app));
      byStatus[diff.status].push({ range: endOfLine(doc, line), hoverMessage: hover, renderOptions: { after: { contentText: text } } });
      shown.push({ kind: 'resource', line, text, status: diff.status });
    }
    const taken = new Set<number>();
    for (const { app, diff, change: c } of enabled ? fieldsInFile(this.model, this.live, file) : []) {
      const line = c.range!.start.line;
      if (line >= doc.lineCount) continue;
      taken.add(line);
      const hint = fieldHint(c, now);
      const md = fieldHover(c, { appId: app.id, key: diff.key, path: c.path }, now, rel);
      fields.push({ range: endOfLine(doc, line), hoverMessage: md, renderOptions: { after: { contentText: hint } } });
      shown.push({ kind: 'field', line, text: hint, hover: md.value });
    }
    for (const { app, diff, change: c, line, kind } of enabled ? notedLines(this.model, this.live, file) : []) {
      if (line >= doc.lineCount || taken.has(line)) continue;
      taken.add(line);
      const text = noteText(c, kind, rel);
      const md = fieldHover(c, { appId: app.id, key: diff.key, path: c.path }, now, rel);
      notes.push({ range: endOfLine(doc, line), hoverMessage: md, renderOptions: { after: { contentText: text } } });
      shown.push({ kind, line, text, hover: md.value });
    }
    for (const s of Object.keys(byStatus) as DriftStatus[]) editor.setDecorations(this.markers[s], byStatus[s]);
    editor.setDecorations(this.field, fields);
    editor.setDecorations(this.note, notes);
    this.shown.set(doc.uri.toString(), { at: Date.now(), items: shown });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const d of Object.values(this.markers)) d.dispose();
    this.field.dispose();
    this.note.dispose();
  }
}

function endOfLine(doc: vscode.TextDocument, line: number): vscode.Range {
  const l = doc.lineAt(line);
  return new vscode.Range(line, l.range.end.character, line, l.range.end.character);
}

export function markerText(d: ResourceDiff): string {
  if (d.status === 'OutOfSync') return `● OutOfSync · ${d.changes.length} field${d.changes.length === 1 ? '' : 's'} differ`;
  if (d.status === 'Unknown') return `● Unknown${d.note ? ` · ${d.note.split('\n')[0].slice(0, 80)}` : ''}`;
  if (d.status === 'Invalid') return `● Invalid · ${(d.invalid?.[0]?.message ?? d.note ?? 'rejected by the API server').split('\n')[0].slice(0, 100)}`;
  return `● ${STATUS_TEXT[d.status]}`;
}

export function fieldHint(c: FieldChange, now = Date.now()): string {
  return [`live: ${short(c.live)}`, c.manager, c.time ? ago(c.time, now) : undefined].filter(Boolean).join(' · ');
}

function commandLink(title: string, command: string, arg: unknown): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([arg]))})`;
}

const TRUSTED_COMMANDS = ['gitopsLens.compareWithLive', 'gitopsLens.revertDrift', 'gitopsLens.adoptLiveValue', 'gitopsLens.syncResource', 'gitopsLens.openLiveResource'];

/** Where the desired value is set, as one sentence: "3 from overlays/prod/replicas.yaml:6 (patch), overriding 1 in …". */
export function provenanceText(p: FieldProvenance | undefined, rel: (f: string) => string): string {
  return p ? describeProvenance(p, rel) : '';
}

function fieldHover(c: FieldChange, ref: ResourceRef, now: number, rel: (f: string) => string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
  md.appendMarkdown(`**\`${c.path}\`** drifted from Git\n\n| | value |\n|---|---|\n| Git | \`${short(c.desired)}\` |\n| live | \`${short(c.live)}\` |\n\n`);
  const chain = provenanceText(c.provenance, rel);
  if (chain) md.appendMarkdown(`Git's value: ${escapeMd(chain)}${c.provenance?.method === 'static' ? ' (read from the files, not confirmed by a render)' : ''}.\n\n`);
  if (c.manager) md.appendMarkdown(`Changed by **${c.manager}**${c.operation ? ` (${c.operation})` : ''}${c.time ? `, ${ago(c.time, now)} (${c.time})` : ''}.\n\n`);
  md.appendMarkdown([commandLink('Diff with live', 'gitopsLens.compareWithLive', ref), commandLink('Revert drift', 'gitopsLens.revertDrift', ref), commandLink('Adopt live value', 'gitopsLens.adoptLiveValue', ref)].join(' · '));
  return md;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_[\]<>]/g, (m) => `\\${m}`);
}

/** The text after a line that holds an overridden value or one the value passes through. */
export function noteText(c: FieldChange, kind: 'shadowed' | 'via', rel: (f: string) => string): string {
  const at = c.file && c.range ? `${rel(c.file)}:${c.range.start.line + 1}` : 'another file';
  if (kind === 'shadowed') return `overridden: ${c.path} = ${short(c.desired)} from ${at} · live: ${short(c.live)}`;
  return `${c.path} = ${short(c.desired)} from ${at} · live: ${short(c.live)}`;
}

/** Lines of this file that hold an overridden value of a drifted field, or the template/`${var}` it passes through. */
function notedLines(model: WorkspaceModel, live: LiveState, file: string): { app: GitOpsApp; diff: ResourceDiff; change: FieldChange; line: number; kind: 'shadowed' | 'via' }[] {
  const out: { app: GitOpsApp; diff: ResourceDiff; change: FieldChange; line: number; kind: 'shadowed' | 'via' }[] = [];
  for (const app of model.apps) {
    for (const diff of live.diffOf(app)?.resources ?? []) {
      for (const change of diff.changes) {
        const p = change.provenance;
        if (!p) continue;
        for (const w of p.chain) if (w.file === file && !(change.file === file && change.range?.start.line === w.range.start.line)) out.push({ app, diff, change, line: w.range.start.line, kind: p.composed ? 'via' : 'shadowed' });
        if (p.via?.file === file) out.push({ app, diff, change, line: p.via.range.start.line, kind: 'via' });
        if (p.computed?.file === file && change.file !== file) out.push({ app, diff, change, line: p.computed.range.start.line, kind: 'via' });
      }
    }
  }
  return out;
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
    // A file that writes a drifted value (a patch, a values file) counts too.
    for (const f of fieldsInFile(this.model, this.live, file)) if (!drifted.some((d) => d.diff === f.diff)) drifted.push(f);
    if (!drifted.length) return undefined;
    return new vscode.FileDecoration('≠', `GitOps: ${drifted.length} resource${drifted.length === 1 ? '' : 's'} differ from the cluster`, new vscode.ThemeColor(STATUS_COLOR.OutOfSync));
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
