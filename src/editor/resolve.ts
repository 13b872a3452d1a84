// Which app/resource a command is about: a CodeLens/hover argument, a tree node, the
// cursor in the active editor, or the user's pick.
import * as vscode from 'vscode';
import type { GitOpsApp } from '../core/apps';
import type { FieldChange, ResourceDiff } from '../core/diff';
import { describeId } from '../core/manifest';
import type { LiveState } from './live';
import type { WorkspaceModel } from './model';
import type { AppsNode } from './views/apps';

/** What CodeLens rows, hovers and tree nodes pass to resource commands. */
export interface ResourceRef { appId: string; key: string; path?: string }

export interface ResolvedResource { app: GitOpsApp; diff: ResourceDiff; path?: string }

export function isResourceRef(v: unknown): v is ResourceRef {
  return !!v && typeof v === 'object' && typeof (v as ResourceRef).appId === 'string' && typeof (v as ResourceRef).key === 'string';
}

/** Every drift result whose Git origin is in `file`. */
export function diffsInFile(model: WorkspaceModel, live: LiveState, file: string): ResolvedResource[] {
  const out: ResolvedResource[] = [];
  for (const app of model.apps) {
    for (const diff of live.diffOf(app)?.resources ?? []) if (diff.origin?.file === file) out.push({ app, diff });
  }
  return out;
}

/** Every drifted field whose value is written in `file` (the patch, values key or substitution that sets it). */
export function fieldsInFile(model: WorkspaceModel, live: LiveState, file: string): (ResolvedResource & { change: FieldChange })[] {
  const out: (ResolvedResource & { change: FieldChange })[] = [];
  for (const app of model.apps) {
    for (const diff of live.diffOf(app)?.resources ?? []) {
      for (const change of diff.changes) if (change.file === file && change.range) out.push({ app, diff, change, path: change.path });
    }
  }
  return out;
}

export async function resolveResource(model: WorkspaceModel, live: LiveState, arg: unknown, placeHolder: string, filter: (d: ResourceDiff) => boolean = () => true): Promise<ResolvedResource | undefined> {
  if (isResourceRef(arg)) {
    const app = model.apps.find((a) => a.id === arg.appId);
    const diff = app && live.diffOf(app)?.resources.find((r) => r.key === arg.key);
    return app && diff ? { app, diff, path: arg.path } : undefined;
  }
  if (arg && typeof arg === 'object' && (arg as AppsNode).kind === 'resource') {
    const n = arg as AppsNode & { kind: 'resource' };
    const diff = n.row.diff ?? live.diffOf(n.app)?.resources.find((r) => r.key === n.row.key);
    return diff ? { app: n.app, diff } : undefined;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && !arg) {
    const line = editor.selection.active.line;
    // A drifted field written on this line (wherever its resource is declared).
    const field = fieldsInFile(model, live, editor.document.uri.fsPath).find((r) => filter(r.diff) && r.change.range!.start.line === line);
    if (field) return { app: field.app, diff: field.diff, path: field.change.path };
    const here = diffsInFile(model, live, editor.document.uri.fsPath).filter((r) => filter(r.diff));
    const at = here.find((r) => r.diff.origin && r.diff.origin.range.start.line <= line && line <= r.diff.origin.range.end.line);
    if (at) return at;
  }
  const all = model.apps.flatMap((app) => (live.diffOf(app)?.resources ?? []).filter(filter).map((diff) => ({ app, diff })));
  if (!all.length) {
    void vscode.window.showInformationMessage('GitOps Lens: no matching resources (is the cluster reachable and the app rendered?).');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(all.map((r) => ({ label: describeId(r.diff.id), description: `${r.diff.status} · ${r.app.name}`, r })), { placeHolder, matchOnDescription: true });
  return pick?.r;
}

/** An app from a tree node, an app id (command links), or by asking. */
export async function resolveApp(model: WorkspaceModel, arg: unknown, placeHolder = 'App'): Promise<GitOpsApp | undefined> {
  if (arg && typeof arg === 'object' && 'kind' in arg) {
    const n = arg as AppsNode;
    if (n.kind === 'app' || n.kind === 'resource') return n.app;
  }
  if (typeof arg === 'string') return model.apps.find((a) => a.id === arg);
  const active = vscode.window.activeTextEditor?.document.uri.fsPath;
  const ofFile = active ? model.appsOfFile(active) : [];
  const candidates = ofFile.length === 1 ? ofFile : model.apps;
  if (candidates.length === 1 && ofFile.length === 1) return candidates[0];
  if (!candidates.length) {
    void vscode.window.showInformationMessage('GitOps Lens: no apps found in this workspace.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((a) => ({ label: a.name, description: model.contextOf(a) ?? 'no cluster', detail: a.id, app: a })),
    { placeHolder, matchOnDetail: true },
  );
  return pick?.app;
}
