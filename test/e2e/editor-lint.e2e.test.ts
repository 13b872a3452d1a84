// Policy findings in the real VS Code: the Problems panel lists them on the right lines,
// a quick fix from the lightbulb removes one, typing re-lints the in-memory document, and
// a CEL compile error in an admission policy is a diagnostic on its expression.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { clusterClientFromFile } from '../../src/core/cluster';
import { sharedTestCluster } from '../support/cluster';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { activationTimes, diagnostics, extensionDir, readOurLog, waitReady, webRepo } from '../editor/e2e-support';
import { invalidWidget, widgetCrd } from '../support/manifests';

const POLICY = [
  'apiVersion: admissionregistration.k8s.io/v1',
  'kind: ValidatingAdmissionPolicy',
  'metadata:',
  '  name: replicas-limit',
  'spec:',
  '  matchConstraints:',
  '    resourceRules:',
  '      - apiGroups: [apps]',
  '        apiVersions: [v1]',
  '        operations: [CREATE, UPDATE]',
  '        resources: [deployments]',
  '  validations:',
  '    - expression: "object.spec.replicas <= 1"',
  '      message: at most one replica',
  '    - expression: "object.spec.replicas >>> 2"',
  '      message: broken on purpose',
  '---',
  'apiVersion: admissionregistration.k8s.io/v1',
  'kind: ValidatingAdmissionPolicyBinding',
  'metadata:',
  '  name: replicas-limit',
  'spec:',
  '  policyName: replicas-limit',
  '  validationActions: [Deny]',
  '',
].join('\n');

describe('editor: policy diagnostics in a real VS Code', { timeout: 10 * 60_000 }, () => {
  let vs: VSCodeSession;
  let repo: string;
  let deployment: string;

  before(async () => {
    repo = await webRepo({
      'policies/replicas.yaml': POLICY,
      // A kustomization naming a file that does not exist: a render problem at that entry.
      'apps/broken/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - service.yaml\n  - missing.yaml\n',
      'apps/broken/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\n  namespace: shop\nspec:\n  ports: [{ port: 80 }]\n',
    });
    deployment = path.join(repo, 'apps/web/deployment.yaml');
    vs = await launchVSCode({ workspace: repo, extensionDir: extensionDir(), bridge: true, trust: true, env: { KUBECONFIG: path.join(repo, 'no-kubeconfig') } });
    await waitReady(vs);
  });
  after(async () => {
    await vs?.close();
    if (repo) await fs.rm(repo, { recursive: true, force: true });
  });

  it('activates on workspaceContains and reports its activation cost', async () => {
    const t = await activationTimes(vs);
    console.log(`[perf] activation: activate() ${t.activateMs} ms; exthost _doActivateExtension → "activated" log line ${t.logToActivatedMs} ms; event ${t.event}`);
    assert.match(t.event ?? '', /workspaceContains/);
    assert.ok(t.activateMs !== undefined && t.activateMs < 500, `activate() took ${t.activateMs} ms`);
  });

  it('shows findings at their exact lines in the Problems panel, with rule links', async () => {
    await vs.openFile('apps/web/deployment.yaml');
    const diags = await vs.waitFor<{ line: number; col: number; code: string }[]>(
      'const d = vscode.languages.getDiagnostics(vscode.Uri.file(args)); return d.some((x) => x.code?.value === "image-tag") && d.map((x) => ({ line: x.range.start.line + 1, col: x.range.start.character + 1, code: x.code.value, target: x.code.target.toString() }));',
      deployment, 30_000);
    const at = (code: string) => diags.find((d) => d.code === code);
    assert.deepEqual([at('image-tag')?.line, at('image-tag')?.col], [17, 11], 'image-tag on the image value');
    assert.equal(at('policy.replicas-limit')?.line, 8, 'the repo\'s CEL policy flags replicas: 2 on the replicas line');
    assert.ok(diags.every((d) => (d as unknown as { target: string }).target.startsWith('gitops-lens-rule:')), 'every finding links to its rule');

    await vs.executeCommand('workbench.actions.view.problems');
    await vs.waitForText('.markers-panel .monaco-tl-row', /uses :latest/, 15_000);
    await vs.waitForText('.markers-panel .monaco-tl-row', /\[Ln 17, Col 11\]/, 15_000);
    await vs.screenshot('editor-problems');
  });

  it('applies a quick fix from the lightbulb and the finding goes away', async () => {
    const before = await diagnostics(vs, deployment);
    const target = before.find((d) => d.code === 'automount-sa-token') ?? before.find((d) => d.code === 'privilege-escalation');
    assert.ok(target, `a fixable finding: ${JSON.stringify(before.map((d) => d.code))}`);
    const fixes = await vs.vscode<string[]>(
      'const uri = vscode.Uri.file(args.file); const d = vscode.languages.getDiagnostics(uri).find((x) => x.code.value === args.code); const acts = await vscode.commands.executeCommand("vscode.executeCodeActionProvider", uri, d.range, vscode.CodeActionKind.QuickFix.value); return acts.map((a) => a.title);',
      { file: deployment, code: target.code });
    assert.ok(fixes.some((t) => t.startsWith(`Ignore ${target.code}`) && t.endsWith('…')), `ignore-with-reason offered: ${fixes}`);
    const fix = fixes.find((t) => !t.startsWith('Ignore'));
    assert.ok(fix, `a value fix offered: ${fixes}`);
    // Through the UI: cursor on the finding, Ctrl+. opens the lightbulb menu, pick the fix.
    await vs.vscode('const e = vscode.window.activeTextEditor; const p = new vscode.Position(args.line - 1, args.col - 1); e.selection = new vscode.Selection(p, p); e.revealRange(new vscode.Range(p, p));', target);
    await vs.vscode('await vscode.window.showTextDocument(vscode.window.activeTextEditor.document); vscode.commands.executeCommand("editor.action.quickFix"); return true');
    const item = vs.page.locator('.action-widget .monaco-list-row').filter({ hasText: fix });
    await item.first().waitFor({ state: 'visible', timeout: 15_000 }).catch(async (e) => { await vs.screenshot('editor-quickfix-menu-missing'); throw e; });
    await vs.screenshot('editor-quickfix-menu');
    await item.first().click();
    await vs.waitFor('return !vscode.languages.getDiagnostics(vscode.Uri.file(args.file)).some((d) => d.code.value === args.code)', { file: deployment, code: target.code }, 15_000);
    const text = await vs.vscode<string>('return vscode.window.activeTextEditor.document.getText()');
    assert.notEqual(text, await fs.readFile(deployment, 'utf8'), 'fixed in the editor (unsaved), lint ran on the in-memory text');
    await vs.screenshot('editor-quickfix-applied');
  });

  it('re-lints as you type (debounced, on the unsaved document)', async () => {
    await vs.vscode('const e = vscode.window.activeTextEditor; const line = e.document.lineAt(16); await e.edit((b) => b.replace(line.range, "          image: nginx:1.27.3"));');
    await vs.waitFor('return !vscode.languages.getDiagnostics(vscode.Uri.file(args)).some((d) => d.code.value === "image-tag")', deployment, 10_000);
  });

  it('reports a render problem at the kustomization entry that caused it', async () => {
    const file = path.join(repo, 'apps/broken/kustomization.yaml');
    // The render problem (missing-path) and the lint finding (kustomize-missing-file) meet on one line.
    await vs.waitFor('return vscode.languages.getDiagnostics(vscode.Uri.file(args)).some((x) => x.code?.value === "kustomize-missing-file");', file, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const d = await vs.waitFor<{ line: number; message: string; source: string }>(
      'const d = vscode.languages.getDiagnostics(vscode.Uri.file(args)).find((x) => /missing\\.yaml/.test(x.message)); return d && { line: d.range.start.line + 1, message: d.message, source: d.source };',
      file, 30_000);
    assert.equal(d.line, 5, `on "- missing.yaml": ${d.message}`);
    const all = await diagnostics(vs, file);
    assert.equal(all.filter((x) => x.line === 5).length, 1, `one diagnostic for the missing entry, not lint + render repeating it: ${JSON.stringify(all)}`);
    assert.match(d.source, /GitOps Lens/);
  });

  it('reports a CEL compile error on the expression', async () => {
    const file = path.join(repo, 'policies/replicas.yaml');
    await vs.openFile('policies/replicas.yaml');
    const d = await vs.waitFor<{ line: number; message: string }>(
      'const d = vscode.languages.getDiagnostics(vscode.Uri.file(args)).find((x) => /compile/i.test(x.message)); return d && { line: d.range.start.line + 1, message: d.message };',
      file, 20_000);
    assert.equal(d.line, 15, `on the broken expression: ${d.message}`);
    await vs.screenshot('editor-cel-error');
  });

  it('validates a custom resource against the CRD schema of the connected cluster', async () => {
    const cluster = await sharedTestCluster();
    const group = `e2elint${randomBytes(3).toString('hex')}.example.com`;
    const client = clusterClientFromFile(cluster.adminKubeconfig);
    const widget = invalidWidget(group);
    let live: VSCodeSession | undefined;
    let liveRepo: string | undefined;
    try {
      // The CRD lives only in the cluster, not in the repo.
      await client.apply(widgetCrd(group), { force: true });
      liveRepo = await webRepo({ 'crs/widget.yaml': widget });
      const file = path.join(liveRepo, 'crs/widget.yaml');
      live = await launchVSCode({ workspace: liveRepo, extensionDir: extensionDir(), bridge: true, trust: true, env: { KUBECONFIG: cluster.kubeconfigPath } });
      await waitReady(live);
      await live.openFile('crs/widget.yaml');
      const schema = await live.waitFor<{ line: number; message: string }[]>(
        'const d = vscode.languages.getDiagnostics(vscode.Uri.file(args)).filter((x) => x.code?.value === "schema").map((x) => ({ line: x.range.start.line + 1, message: x.message })); return d.length >= 2 && d;',
        file, 60_000).catch(async (e) => { throw new Error(`${(e as Error).message}\ndiagnostics: ${JSON.stringify(await diagnostics(live!, file))}\nlog: ${(await readOurLog(live!)).slice(-3000)}`); });
      const size = schema.find((d) => d.line === 7);
      const colour = schema.find((d) => d.line === 8);
      assert.ok(size && /integer/.test(size.message), `wrong type on the size: line: ${JSON.stringify(schema)}`);
      assert.ok(colour && /unknown field "spec\.colour"/.test(colour.message), `unknown field on the colour: line: ${JSON.stringify(schema)}`);
      assert.ok(!(await diagnostics(live, file)).some((d) => d.code === 'unknown-schema'), 'the cluster CRD gives Widget a schema');
      assert.match(await readOurLog(live), /context admin: \d+ CRD schemas? used for validation/);
    } finally {
      await live?.close();
      if (liveRepo) await fs.rm(liveRepo, { recursive: true, force: true });
      await client.delete({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` }).catch(() => undefined);
      client.close();
    }
  });
});
