#!/usr/bin/env node
// `npm run test:vscode`: the editor suite in a desktop VS Code through @vscode/test-electron,
// for machines that have one. VSCODE_EXECUTABLE names the binary (e.g. /usr/share/code/code,
// "/Applications/Visual Studio Code.app/Contents/MacOS/Electron"); without it
// @vscode/test-electron downloads VS Code, which needs access to update.code.visualstudio.com.
// CI on this project's machines uses the code-server E2E tests instead (npm test -- e2e).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
if (!existsSync(path.join(root, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first (npm run test:vscode does)');
  process.exit(2);
}
const executable = process.env.VSCODE_EXECUTABLE;
if (executable && !existsSync(executable)) {
  console.error(`VSCODE_EXECUTABLE=${executable} does not exist`);
  process.exit(2);
}
if (!executable) console.error('VSCODE_EXECUTABLE is not set: @vscode/test-electron will try to download VS Code');

// A small GitOps repo: one kustomize app with a deliberate finding.
const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-lens-vscode-'));
const write = async (rel, text) => {
  await fs.mkdir(path.dirname(path.join(workspace, rel)), { recursive: true });
  await fs.writeFile(path.join(workspace, rel), text);
};
await write('apps/web/kustomization.yaml', 'resources:\n  - deployment.yaml\n');
await write('apps/web/deployment.yaml', [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  replicas: 2',
  '  selector:', '    matchLabels: { app: web }', '  template:', '    metadata:', '      labels: { app: web }', '    spec:',
  '      containers:', '        - name: web', '          image: nginx:latest', '',
].join('\n'));
for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.email=t@example.com', '-c', 'user.name=test', 'commit', '-qm', 'fixture']]) {
  execFileSync('git', ['-C', workspace, ...args]);
}

const { runTests } = await import('@vscode/test-electron');
let code = 0;
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(here, 'suite.cjs'),
    launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${path.join(workspace, '..', `${path.basename(workspace)}-profile`)}`],
    extensionTestsEnv: { GITOPS_LENS_E2E_BRIDGE: 'test-electron', GITOPS_LENS_TEST_WORKSPACE: workspace, KUBECONFIG: path.join(workspace, 'no-kubeconfig') },
  });
} catch (e) {
  console.error(`VS Code tests failed: ${e instanceof Error ? e.message : e}`);
  code = 1;
} finally {
  await fs.rm(workspace, { recursive: true, force: true });
  await fs.rm(`${workspace}-profile`, { recursive: true, force: true }).catch(() => undefined);
}
process.exit(code);
