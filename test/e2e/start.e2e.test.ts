// `npm start`'s path, headless: scripts/vscode/start.mjs --once starts its own test control
// plane, applies examples/gitops-repo's apps with our CLI, drifts two Deployments with
// kubectl, opens code-server with the extension and saves a screenshot. With --keep-cluster
// the control plane outlives the script, so this test can check the cluster afterwards.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findRepoRoot } from '../../scripts/vscode/code-server.mjs';
import { tempDir } from '../support/temp';

interface StartResult {
  url: string;
  workspace: string;
  kubeconfig: string | null;
  clusterState: string | null;
  applied: string[];
  failed: string[];
  drift: { what: string; namespace: string; kind: string; name: string; field: string; value: string | number }[];
  timingsMs: Record<string, number>;
  screenshot?: string;
}

const ROOT = findRepoRoot();
const EXAMPLE = path.join(ROOT, 'examples', 'gitops-repo');
const KUBECTL = process.env.GITOPS_LENS_TOOL_KUBECTL ?? 'kubectl';

function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout));
  });
}

describe('npm start (scripts/vscode/start.mjs --once)', { timeout: 5 * 60_000, skip: (await fs.stat(EXAMPLE).catch(() => undefined)) ? false : 'examples/gitops-repo is missing' }, () => {
  let code: number | null;
  let stderr = '';
  let result: StartResult | undefined;

  before(async () => {
    const t0 = Date.now();
    let stdout = '';
    code = await new Promise<number | null>((resolve) => {
      // Port 0: any free port, so a developer's `npm start` on 8080 does not matter.
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts/vscode/start.mjs'), '--once', '--keep-cluster', '--port', '0'], {
        cwd: ROOT,
        // Its temporary files (code-server's IPC sockets among them) go to a short folder of
        // this test, removed at its end; the kept cluster's folder is removed in after().
        env: { ...process.env, TMPDIR: tempDir('vs-') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (c) => resolve(c));
    });
    const line = stdout.split('\n').find((l) => l.startsWith('GITOPS_LENS_START '));
    if (line) result = JSON.parse(line.slice('GITOPS_LENS_START '.length)) as StartResult;
    console.log(`[perf] start.mjs --once: ${Date.now() - t0} ms; steps ${JSON.stringify(result?.timingsMs)}`);
    for (const l of stderr.split('\n')) if (/^\[gitops-lens start\] (\w[\w-]*( FAILED)?:|ready|WARNING)/.test(l)) console.log(l);
  });

  after(async () => {
    if (result?.clusterState) {
      await new Promise((resolve) => spawn(process.execPath, [path.join(ROOT, 'scripts/cluster/down.mjs'), '--state', result!.clusterState!], { stdio: 'inherit' }).on('exit', resolve));
      await fs.rm(path.dirname(result.clusterState), { recursive: true, force: true });
    }
  });

  it('exits 0 and prints the URL, the kubeconfig and a kept cluster in its GITOPS_LENS_START line', () => {
    assert.equal(code, 0, `exit ${code}\n${stderr.slice(-4000)}`);
    assert.ok(result, `no GITOPS_LENS_START line\n${stderr.slice(-4000)}`);
    assert.match(result.url, /^http:\/\/127\.0\.0\.1:\d+\/\?folder=/);
    assert.ok(result.kubeconfig, 'a kubeconfig');
    assert.ok(result.clusterState, '--keep-cluster names the state file');
    for (const step of ['tools', 'cluster', 'workspace', 'apply', 'drift', 'editor']) {
      assert.match(stderr, new RegExp(`^\\[gitops-lens start\\] ${step}: .* \\(\\d+\\.\\ds\\)$`, 'm'), `one timed line for ${step}`);
    }
  });

  it('applied every example app with the CLI: namespaces, Deployments and the admission policy exist', async () => {
    assert.ok(result?.kubeconfig);
    assert.deepEqual(result.failed, []);
    assert.deepEqual([...result.applied].sort(), ['argocd/argocd/hello', 'argocd/argocd/shop', 'flux/flux/ks/flux-system/blog', 'kustomize/platform']);
    const namespaces = (await kubectl(result.kubeconfig, 'get', 'namespaces', '-o', 'name')).split('\n');
    for (const ns of ['namespace/shop', 'namespace/hello', 'namespace/blog']) assert.ok(namespaces.includes(ns), `${ns} in ${namespaces.join(' ')}`);
    for (const [ns, name] of [['shop', 'frontend'], ['hello', 'hello'], ['blog', 'blog']]) {
      const d = JSON.parse(await kubectl(result.kubeconfig, 'get', '-n', ns, 'deployment', name, '-o', 'json', '--show-managed-fields'));
      assert.ok(d.metadata.managedFields.some((m: { manager: string; operation: string }) => m.operation === 'Apply'), `${ns}/${name} was server-side applied`);
    }
    await kubectl(result.kubeconfig, 'get', 'validatingadmissionpolicy', 'require-team-label');
  });

  it('introduced drift: frontend runs 5 replicas live while Git says 3, hello a different image', async () => {
    assert.ok(result?.kubeconfig);
    const frontend = JSON.parse(await kubectl(result.kubeconfig, 'get', '-n', 'shop', 'deployment', 'frontend', '-o', 'json', '--show-managed-fields'));
    assert.equal(frontend.spec.replicas, 5);
    const gitReplicas = await fs.readFile(path.join(EXAMPLE, 'apps/shop/overlays/prod/replicas.yaml'), 'utf8');
    assert.match(gitReplicas, /replicas: 3\b/, 'Git says 3');
    // The replicas now belong to kubectl's scale subresource update, not to our apply.
    type Managed = { manager: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } };
    const owners = (frontend.metadata.managedFields as Managed[]).filter((m) => m.fieldsV1?.['f:spec']?.['f:replicas']);
    assert.ok(owners.length > 0 && owners.every((m) => !/gitops-lens/.test(m.manager)), JSON.stringify(owners.map((m) => m.manager)));
    const hello = JSON.parse(await kubectl(result.kubeconfig, 'get', '-n', 'hello', 'deployment', 'hello', '-o', 'json'));
    assert.equal(hello.spec.template.spec.containers[0].image, 'hashicorp/http-echo:1.0.1');
    assert.match(await fs.readFile(path.join(EXAMPLE, 'charts/hello/values.yaml'), 'utf8'), /tag: "1\.0\.0"/);
  });

  it('opened the workspace in code-server, saw the drift in the editor and saved a screenshot', async () => {
    assert.ok(result?.screenshot);
    // out/e2e/start.png (or $GITOPS_LENS_E2E_ARTIFACTS), next to the other scenarios' screenshots.
    assert.equal(path.basename(result.screenshot), 'start.png');
    const st = await fs.stat(result.screenshot);
    assert.ok(st.size > 10_000, `screenshot ${st.size} bytes`);
    assert.match(stderr, /once: extension activated/);
    assert.match(stderr, /once: the editor shows the drift/);
  });
});
