// A Git change in the editor: the core's plan shown as a native diff (multi-diff for several
// files) and a modal naming every file, other apps and the base; only on confirmation is that
// same plan written, and the notification afterwards offers Undo.
import * as vscode from 'vscode';
import { describeGitPlan, executeGitPlan, undoGitChange, type GitChangePlan, type GitChangeResult } from '../core/revert';
import { errorMessage, type Log } from './log';

export const GIT_PLAN_SCHEME = 'gitops-lens-git';

/** Before/after contents of planned files, by plan id, for the diff editors. */
class PlanContents implements vscode.TextDocumentContentProvider {
  private readonly plans = new Map<string, GitChangePlan>();
  private seq = 0;

  add(plan: GitChangePlan): string {
    const id = String(++this.seq);
    this.plans.set(id, plan);
    if (this.plans.size > 10) this.plans.delete(this.plans.keys().next().value!);
    return id;
  }

  uri(id: string, path: string, side: 'before' | 'after'): vscode.Uri {
    return vscode.Uri.from({ scheme: GIT_PLAN_SCHEME, path: `/${side}/${path}`, query: new URLSearchParams({ plan: id, side, path }).toString() });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const f = this.plans.get(q.get('plan') ?? '')?.files.find((x) => x.path === q.get('path'));
    const bytes = q.get('side') === 'before' ? f?.before : f?.after;
    return bytes ? bytes.toString('utf8') : '';
  }
}

export class GitPlanUI {
  private readonly contents = new PlanContents();
  /** `afterUndo` reloads after an Undo (the command table reloads after the write itself). */
  constructor(private readonly log: Log, private readonly afterUndo: () => void) {}

  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(GIT_PLAN_SCHEME, this.contents);
  }

  /** Opens the plan's files: one native diff, or the multi-diff editor for several. */
  async show(plan: GitChangePlan): Promise<void> {
    const id = this.contents.add(plan);
    const base = plan.base === 'HEAD' ? `HEAD ${plan.head.slice(0, 8)}` : 'working tree';
    const pairs = plan.files.map((f) => ({
      file: vscode.Uri.joinPath(vscode.Uri.file(plan.repoRoot), f.path),
      before: f.before === null ? undefined : this.contents.uri(id, f.path, 'before'),
      after: f.after === null ? undefined : this.contents.uri(id, f.path, 'after'),
    }));
    if (pairs.length === 1 && pairs[0].before && pairs[0].after) {
      await vscode.commands.executeCommand('vscode.diff', pairs[0].before, pairs[0].after, `${plan.files[0].path} (${base} ↔ after: ${plan.title})`, { preview: true });
      return;
    }
    await vscode.commands.executeCommand('vscode.changes', `${plan.title} (${base} ↔ after)`, pairs.map((p) => [p.file, p.before, p.after]));
  }

  /**
   * Shows the plan, asks, and writes exactly it. A refused plan is shown with its reason and
   * nothing is written; a plan that empties the app needs a second confirmation naming the counts.
   */
  async confirmAndWrite(plan: GitChangePlan, verb = plan.commitMessage ? 'Commit' : 'Write'): Promise<GitChangeResult | undefined> {
    const detail = describeGitPlan(plan);
    if (plan.refusal) {
      void vscode.window.showErrorMessage(`GitOps Lens: refused — ${plan.refusal}`, { modal: true, detail });
      return { ok: false, message: plan.refusal };
    }
    if (plan.files.length) await this.show(plan);
    const pick = await vscode.window.showWarningMessage(`${plan.title}: ${plan.files.length} file(s)?`, { modal: true, detail }, verb);
    if (pick !== verb) return undefined;
    let confirmEmpty: number | undefined;
    if (plan.empties) {
      const button = `Delete ${plan.empties.resources} Resources`;
      const again = await vscode.window.showWarningMessage(
        `This leaves ${plan.appId} with no resources: ${plan.empties.resources} resource(s) and ${plan.empties.files} file(s) are deleted. Continue?`,
        { modal: true, detail: 'A sync after this commit would delete them from the cluster (with prune).' }, button);
      if (again !== button) return undefined;
      confirmEmpty = plan.empties.resources;
    }
    const r = await this.log.timed(`git write: ${plan.title}`, () => executeGitPlan(plan, { confirmEmpty }));
    if (!r.ok) {
      void vscode.window.showErrorMessage(`GitOps Lens: nothing written — ${r.message}`);
      return r;
    }
    this.log.info(`${plan.title}: ${r.message}`);
    void vscode.window.showInformationMessage(`GitOps Lens: ${r.message}`, 'Undo').then(async (a) => {
      if (a !== 'Undo') return;
      try {
        const u = await undoGitChange(r.undo);
        this.log.info(`undo ${plan.title}: ${u.message}`);
        (u.ok ? vscode.window.showInformationMessage : vscode.window.showErrorMessage)(`GitOps Lens: ${u.message}`);
        if (u.ok) this.afterUndo();
      } catch (e) {
        void vscode.window.showErrorMessage(`GitOps Lens: undo failed: ${errorMessage(e)}`);
      }
    });
    return r;
  }
}
