// Policy diagnostics: the core Linter on the in-memory documents (debounced, as you type),
// on every YAML file of the workspace, and on each app's rendered output. Quick fixes and
// "ignore with reason" come from the findings' fix data.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import { parseManifestFile, type ManifestFile } from '../core/manifest';
import { remotesFromGitConfig } from '../core/git/config';
import { Linter, type SchemaSource, lintRepository, lintScopeOf, loadLintConfig, mergeFindings, RULE_BY_ID, type Finding } from '../core/policy';
import { loadRepo, roleOf, type RepoFiles, type RepoFile } from '../core/repo';
import { toRange, toSeverity } from './convert';
import type { Log } from './log';
import type { WorkspaceModel } from './model';

export const RULE_SCHEME = 'gitops-lens-rule';
const TYPING_DEBOUNCE_MS = 250;
/** Lint in slices of this many ms, yielding in between, so the extension host stays responsive. */
const SLICE_MS = 15;

export class LintService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('gitops-lens');
  private linter?: Linter;
  /** Findings by file, raw and rendered, as last published: code actions read them. */
  private readonly findings = new Map<string, Finding[]>();
  private readonly rendered = new Map<string, Finding[]>();
  private readonly typing = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  /** Schemas of connected clusters' CRDs, one source per context (asked before the workspace's). */
  private readonly clusterSchemas = new Map<string, SchemaSource>();
  lastRunMs?: number;
  private readonly published = new vscode.EventEmitter<void>();
  /** Fires after findings were published (other diagnostics dedupe against them). */
  readonly onDidPublish = this.published.event;

  constructor(private readonly model: WorkspaceModel, private readonly log: Log) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => this.documentChanged(d, 0)),
      model.onDidChange((c) => { if (c.renders) void this.lintWorkspace('workspace loaded'); }),
    );
  }

  private ownsDocument(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme !== 'file' || doc.languageId !== 'yaml') return false;
    const rel = relative(this.model.root, doc.uri.fsPath);
    return !rel.startsWith('..') && !rel.startsWith('/');
  }

  private documentChanged(doc: vscode.TextDocument, delay = TYPING_DEBOUNCE_MS): void {
    if (!this.ownsDocument(doc) || !this.model.settings.lintOnType && delay > 0) return;
    const key = doc.uri.fsPath;
    clearTimeout(this.typing.get(key));
    this.typing.set(key, setTimeout(() => {
      this.typing.delete(key);
      this.lintDocument(doc);
    }, delay));
  }

  /** A document's text as a manifest file, its role from the core classifier and the loaded repo's layout. */
  private parse(path: string, text: string): ManifestFile {
    const layout = this.model.workspace?.repo ?? { chartDirs: new Set<string>(), patchFiles: new Set<string>() };
    return parseManifestFile(path, text, roleOf(path, layout, text));
  }

  /** Lints one document's current text; re-lints the rest when a repo-wide fact (CRD, policy) changed. */
  lintDocument(doc: vscode.TextDocument): void {
    const linter = this.ensureLinter();
    const repo = this.model.workspace?.repo;
    // Out of scope (ignored, outside the repo's Flux source, lint.skip): the same files the CLI leaves out.
    if (repo && !lintScopeOf(repo, linter)(doc.uri.fsPath)) { this.publish(doc.uri.fsPath, []); return; }
    const file = this.parse(doc.uri.fsPath, doc.getText());
    // Rendered findings were computed from the saved file; with unsaved edits their positions are stale.
    if (doc.isDirty) this.rendered.delete(file.file);
    const repoWide = linter.updateFile(file);
    this.publish(file.file, linter.lintFile(file));
    if (repoWide) {
      this.log.info(`${relative(this.model.root, file.file)} changed repo-wide lint facts (CRDs, policies): re-linting the workspace`);
      void this.lintWorkspace('policies or CRDs changed');
    }
  }

  /** (Re)builds the linter: settings, trust and gitops-lens.yaml are its inputs. */
  private ensureLinter(): Linter {
    if (this.linter) return this.linter;
    const root = this.model.root;
    const { config, problems } = loadLintConfig(root);
    for (const p of problems) this.log.warn(p.message);
    const remotes = this.model.workspace?.repo.remotes ?? remotesFromGitConfig(root);
    this.linter = new Linter({ root, preset: config.preset ?? this.model.settings.lintPreset, config, repoURLs: remotes, fixes: true, schemaSources: [...this.clusterSchemas.values()] });
    for (const p of this.linter.problems) this.log.warn(`lint: ${p}`);
    return this.linter;
  }

  /** The CRD schemas a connected context serves (undefined: forget them); re-lints when they changed. */
  setClusterSchemas(context: string, source: SchemaSource | undefined): void {
    if (source) this.clusterSchemas.set(context, source);
    else if (!this.clusterSchemas.delete(context)) return;
    this.linter?.setSchemaSources([...this.clusterSchemas.values()]);
    void this.lintWorkspace(source ? `CRD schemas of context ${context}` : `context ${context} disconnected`);
  }

  reset(): void {
    this.linter = undefined;
  }

  /**
   * Lints every YAML file of the workspace (open documents with their unsaved text), then,
   * when trusted, each app's rendered output. Cancels a run in progress.
   */
  async lintWorkspace(reason: string): Promise<{ files: number; findings: number }> {
    const gen = ++this.generation;
    const started = Date.now();
    this.reset();
    const linter = this.ensureLinter();
    const repo = await this.repoFiles();
    if (gen !== this.generation) return { files: 0, findings: 0 };
    let sliceStart = Date.now();
    // The core's one lint of a repository (the CLI runs the same), sliced so the extension host stays responsive.
    const result = await lintRepository(linter, {
      repo,
      renders: this.model.trusted ? [...this.model.renders].filter(([, r]) => r.ok).map(([appId, r]) => ({ appId, resources: r.resources })) : [],
      checkpoint: async () => {
        if (Date.now() - sliceStart <= SLICE_MS) return gen === this.generation;
        await new Promise((r) => setImmediate(r));
        sliceStart = Date.now();
        return gen === this.generation;
      },
    });
    if (result.cancelled || gen !== this.generation) return { files: 0, findings: 0 };
    const known = new Set(repo.files.map((f) => f.file));
    this.rendered.clear();
    for (const [file, f] of result.byFile) if (known.has(file) && f.rendered.length) this.rendered.set(file, f.rendered);
    this.collection.clear();
    this.findings.clear();
    let count = 0;
    for (const [file, f] of result.byFile) if (known.has(file)) count += this.publish(file, f.raw);
    this.lastRunMs = Date.now() - started;
    this.log.info(`lint (${reason}): ${result.files} files, ${count} findings, ${this.lastRunMs} ms${this.model.trusted ? '' : ' (Restricted Mode: raw files only)'}`);
    return { files: result.files, findings: count };
  }

  /**
   * The repo's files as the core lists them (git in a trusted workspace, a walk honouring
   * .gitignore in Restricted Mode, where nothing runs), open documents with their unsaved text.
   */
  private async repoFiles(): Promise<RepoFiles<RepoFile>> {
    const repo = this.model.workspace?.repo ?? await loadRepo(this.model.root, { noExec: !this.model.trusted });
    const open = new Map(vscode.workspace.textDocuments.filter((d) => this.ownsDocument(d)).map((d) => [d.uri.fsPath, d]));
    if (open.size === 0) return repo;
    return { ...repo, files: repo.files.map((f) => { const d = open.get(f.file); return d ? this.parse(f.file, d.getText()) : f; }) };
  }

  private publish(file: string, raw: Finding[]): number {
    const all = mergeFindings(raw, this.rendered.get(file) ?? []);
    this.findings.set(file, all);
    this.collection.set(vscode.Uri.file(file), all.map(toDiagnostic));
    this.published.fire();
    return all.length;
  }

  /** True when a finding of this file starts where `pos` is (a render problem saying the same is then noise). */
  hasFindingAt(file: string, pos: vscode.Position): boolean {
    return !!this.findings.get(file)?.some((f) => f.range.start.line === pos.line && f.range.start.character === pos.character);
  }

  /** The finding behind a diagnostic this service published. */
  findingFor(uri: vscode.Uri, d: vscode.Diagnostic): Finding | undefined {
    const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
    return this.findings.get(uri.fsPath)?.find((f) => f.ruleId === code && f.message === d.message && toRange(f.range).isEqual(d.range));
  }

  dispose(): void {
    for (const t of this.typing.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.published.dispose();
    this.collection.dispose();
  }
}

export function ruleUri(ruleId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${ruleId}.md` });
}

function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, toSeverity(f.severity));
  d.source = f.rendered ? `GitOps Lens (rendered ${f.rendered.appId ?? ''})`.replace(' )', ')') : 'GitOps Lens';
  d.code = { value: f.ruleId, target: ruleUri(f.ruleId.startsWith('policy.') ? 'policy' : f.ruleId) };
  return d;
}

/** Read-only Markdown page per rule: what the Problems panel's rule link opens. */
export class RuleDocs implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    if (id === 'policy') return '# ValidatingAdmissionPolicy of this repository\n\nThe finding comes from a `ValidatingAdmissionPolicy` declared in this repository (CEL), evaluated against the manifest as the API server would. Open the policy to see its expression and message.\n';
    const r = RULE_BY_ID.get(id);
    if (!r) return `# ${id}\n\nNo documentation for this rule.\n`;
    return [`# ${r.title} (\`${r.id}\`)`, '', r.help, '', `- default severity: ${r.severity}${r.pss === 'baseline' ? ' (error under the `baseline` and `restricted` presets)' : r.pss ? ' (error under the `restricted` preset)' : ''}`, r.counterparts ? `- similar checks elsewhere: ${r.counterparts}` : '', '', `Silence one occurrence with \`# gitops-lens-ignore ${r.id} -- <reason>\` on the line above, or configure \`lint.rules.${r.id}\` in gitops-lens.yaml.`, ''].join('\n');
  }
}

/** Quick fixes from the finding's fix data; "ignore" fixes ask for the reason first. */
export class LintCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly lint: LintService) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const d of ctx.diagnostics) {
      const f = this.lint.findingFor(doc.uri, d);
      if (!f?.fixes) continue;
      for (const fix of f.fixes) {
        // Several findings can carry the same fix (e.g. one resources skeleton for cpu and memory).
        const key = JSON.stringify([fix.title, fix.edits]);
        if (seen.has(key)) continue;
        seen.add(key);
        const ignore = fix.edits.some((e) => e.newText.includes('gitops-lens-ignore'));
        const action = new vscode.CodeAction(ignore ? `${fix.title}…` : fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        if (ignore) {
          action.command = { command: 'gitopsLens.ignoreWithReason', title: fix.title, arguments: [doc.uri, fix.edits.map((e) => ({ range: toRange(e.range), newText: e.newText })), f.ruleId] };
        } else {
          const edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
          action.edit = edit;
          action.isPreferred = true;
        }
        out.push(action);
      }
    }
    return out;
  }
}

export function registerLint(model: WorkspaceModel, log: Log): { service: LintService; disposables: vscode.Disposable[] } {
  const service = new LintService(model, log);
  return {
    service,
    disposables: [
      service,
      vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, new RuleDocs()),
      vscode.languages.registerCodeActionsProvider({ language: 'yaml', scheme: 'file' }, new LintCodeActions(service), { providedCodeActionKinds: LintCodeActions.kinds }),
      vscode.commands.registerCommand('gitopsLens.lintWorkspace', () =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'GitOps: linting' }, async () => {
          const r = await service.lintWorkspace('Lint Workspace command');
          void vscode.window.showInformationMessage(`GitOps Lens: ${r.findings} finding${r.findings === 1 ? '' : 's'} in ${r.files} files.`, 'Show Problems').then((a) => a && vscode.commands.executeCommand('workbench.actions.view.problems'));
          return r;
        })),
      vscode.commands.registerCommand('gitopsLens.ignoreWithReason', async (uri: vscode.Uri, edits: { range: vscode.Range; newText: string }[], ruleId: string) => {
        const reason = await vscode.window.showInputBox({ title: `Ignore ${ruleId} here`, prompt: 'Why is this finding acceptable? The reason is written next to the ignore comment.', placeHolder: 'e.g. the chart needs host networking for the CNI', validateInput: (v) => (v.trim() ? undefined : 'A reason is required') });
        if (!reason) return;
        const edit = new vscode.WorkspaceEdit();
        for (const e of edits) edit.replace(uri, e.range, e.newText.replace('TODO: reason', reason.trim().replace(/\n/g, ' ')));
        await vscode.workspace.applyEdit(edit);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('gitopsLens.lint')) void service.lintWorkspace('lint settings changed'); }),
    ],
  };
}
