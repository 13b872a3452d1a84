// SOPS with age (issue 11, defect 8): real sops and age-keygen (built from their Go modules),
// a key made in the test, a Secret encrypted as home-lab fleets do. Encrypted files are not
// plaintext secrets nor schema errors; renders carry no ciphertext and no `sops` metadata;
// with the key, decryption happens in memory only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { discoverApps, type GitOpsApp } from '../../../src/core/apps';
import { renderApp, type Toolchain } from '../../../src/core/render';
import { loadRepo } from '../../../src/core/repo';
import { runCliCaptured } from '../../support/cli';
import { homeLabFiles } from '../../support/flux-fleets';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { tempDir } from '../../support/temp';
import { toolPath } from '../../support/tools';

const PLAINTEXT = 'hunter2-correct-horse';
const SECRET = `---
apiVersion: v1
kind: Secret
metadata:
  name: atuin-secret
type: Opaque
stringData:
  ATUIN_DB_PASSWORD: ${PLAINTEXT}
  ATUIN_DB_USER: atuin
`;

let tools: Toolchain;
let sops: string;
let keyDir: string;
let keyFile: string;
let r: FixtureRepo;
const appId = 'flux/kubernetes/flux/cluster/ks/default/atuin';

/** Every file below `dir` that holds the plaintext. */
function plaintextFilesIn(dir: string): string[] {
  const hits: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else if (st.isFile() && readFileSync(p, 'utf8').includes(PLAINTEXT)) hits.push(p);
  };
  walk(dir);
  return hits;
}

before(async () => {
  tools = await realTools();
  sops = await toolPath('sops');
  const keygen = await toolPath('age-keygen');
  keyDir = tempDir('gitops-lens-age-');
  keyFile = join(keyDir, 'keys.txt');
  execFileSync(keygen, ['-o', keyFile], { stdio: 'pipe' });
  const recipient = execFileSync(keygen, ['-y', keyFile], { encoding: 'utf8' }).trim();
  const files = homeLabFiles([{ ns: 'default', app: 'atuin' }]);
  files['.sops.yaml'] = files['.sops.yaml'].replace('age1examplerecipient', recipient);
  files['kubernetes/apps/default/atuin/app/secret.sops.yaml'] = SECRET;
  files['kubernetes/apps/default/atuin/app/kustomization.yaml'] += '  - ./secret.sops.yaml\n';
  r = makeRepo('home-ops-sops', files);
  execFileSync(sops, ['--encrypt', '--in-place', 'kubernetes/apps/default/atuin/app/secret.sops.yaml'], { cwd: r.root, stdio: 'pipe', env: { ...process.env, SOPS_AGE_KEY_FILE: keyFile } });
});
after(() => {
  r?.cleanup();
  rmSync(keyDir, { recursive: true, force: true });
});

async function atuin(): Promise<{ app: GitOpsApp; repo: Awaited<ReturnType<typeof loadRepo>> }> {
  const repo = await loadRepo(r.root);
  const app = discoverApps(repo).apps.find((a) => a.id === appId);
  assert.ok(app);
  return { app, repo };
}

describe('SOPS-encrypted Secret in a home-lab fleet', () => {
  test('the file in Git is really encrypted by sops (ciphertext and sops metadata)', () => {
    const text = r.read('kubernetes/apps/default/atuin/app/secret.sops.yaml');
    assert.ok(!text.includes(PLAINTEXT));
    assert.match(text, /ATUIN_DB_PASSWORD: ENC\[AES256_GCM,data:/);
    assert.match(text, /^sops:\n/m);
  });

  test('defect 8: lint reports neither plaintext-secret nor a schema error for `sops`', async () => {
    const run = await runCliCaptured(['lint', '--format', 'json', r.path('kubernetes/apps/default/atuin/app/secret.sops.yaml')], { cwd: r.root });
    const findings = JSON.parse(run.stdout) as { ruleId: string; message: string }[] | { findings: { ruleId: string; message: string }[] };
    const list = Array.isArray(findings) ? findings : findings.findings;
    assert.deepEqual(list.filter((f) => f.ruleId === 'plaintext-secret' || f.ruleId === 'schema').map((f) => `${f.ruleId}: ${f.message}`), []);
  });

  test('render without a key: no ciphertext, no sops metadata, the encrypted fields listed as not compared', async () => {
    const { app, repo } = await atuin();
    const res = await renderApp(app, repo, tools);
    assert.deepEqual(res.problems, []);
    const s = res.resources.find((x) => x.id.kind === 'Secret');
    assert.ok(s);
    assert.equal(s.id.namespace, 'default');
    const text = JSON.stringify(s.object);
    assert.ok(!text.includes('ENC['), text);
    assert.equal((s.object as Record<string, unknown>).sops, undefined);
    assert.deepEqual(s.encrypted?.sort(), ['stringData.ATUIN_DB_PASSWORD', 'stringData.ATUIN_DB_USER']);
  });

  test('with sops and the age key: decrypted in memory for drift, never written to disk', async () => {
    const { app, repo } = await atuin();
    // Every temporary file of the render goes to a folder of its own, looked through afterwards.
    const scratch = tempDir('gitops-lens-scratch-');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const res = await renderApp(app, repo, tools, { decryptSops: { program: sops, env: { ...process.env, SOPS_AGE_KEY_FILE: keyFile } } });
      assert.deepEqual(res.problems, []);
      const s = res.resources.find((x) => x.id.kind === 'Secret');
      assert.deepEqual((s?.object as Record<string, unknown>).stringData, { ATUIN_DB_PASSWORD: PLAINTEXT, ATUIN_DB_USER: 'atuin' }, 'the values encrypted above');
      assert.equal(s?.encrypted, undefined);
      assert.deepEqual(plaintextFilesIn(scratch), [], 'no plaintext in any temporary file');
      assert.deepEqual(plaintextFilesIn(r.root).filter((f) => !f.includes('/.git/')), [], 'nor in the repo');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('a wrong key is not an error on the app: the values are just not compared', async () => {
    const { app, repo } = await atuin();
    const res = await renderApp(app, repo, tools, { decryptSops: { program: sops, env: { ...process.env, SOPS_AGE_KEY_FILE: join(keyDir, 'missing.txt') } } });
    assert.equal(res.ok, true);
    assert.deepEqual(res.resources.find((x) => x.id.kind === 'Secret')?.encrypted?.length, 2);
  });

  test('gitops-lens render shows no secret value', async () => {
    const run = await runCliCaptured(['render', appId], { cwd: r.root });
    assert.equal(run.code, 0, run.output);
    assert.ok(!run.output.includes(PLAINTEXT));
    assert.ok(!run.output.includes('ENC['));
  });
});
