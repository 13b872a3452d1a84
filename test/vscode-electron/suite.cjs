// Runs inside the desktop VS Code's extension host (extensionTestsPath): the real API, no mocks.
// Plain node:assert and a tiny runner, so no test framework has to be installed.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'gitops-lens.gitops-lens';

async function waitFor(fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${fn}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const tests = [
  ['activates on the workspace (workspaceContains kustomization.yaml)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'installed');
    await waitFor(() => ext.isActive);
  }],
  ['lists the kustomize app in the Apps view', async () => {
    const state = await waitFor(async () => { const s = await vscode.commands.executeCommand('gitopsLens._debug.state'); return s.phase === 'ready' && s.renders.length > 0 && s; });
    assert.deepEqual(state.apps.map((a) => a.id), ['kustomize/apps/web']);
    assert.equal(state.renders[0].resources, 1);
  }],
  ['reports policy findings at their lines and offers quick fixes', async () => {
    const file = path.join(process.env.GITOPS_LENS_TEST_WORKSPACE, 'apps/web/deployment.yaml');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const d = await waitFor(() => vscode.languages.getDiagnostics(doc.uri).find((x) => x.code && x.code.value === 'image-tag'));
    assert.equal(d.range.start.line, 15);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, d.range);
    assert.ok(actions.some((a) => /^Ignore image-tag/.test(a.title)));
  }],
  ['contributes its commands under the GitOps category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['gitopsLens.refresh', 'gitopsLens.previewSync', 'gitopsLens.syncApp', 'gitopsLens.compareWithLive', 'gitopsLens.revertDrift', 'gitopsLens.showLogs']) assert.ok(all.includes(c), c);
  }],
];

exports.run = async function run() {
  let failed = 0;
  for (const [name, fn] of tests) {
    const t = Date.now();
    try {
      await fn();
      console.log(`ok - ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      failed++;
      console.error(`not ok - ${name}\n${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${tests.length - failed}/${tests.length} passed`);
  if (failed) throw new Error(`${failed} of ${tests.length} VS Code tests failed`);
};
