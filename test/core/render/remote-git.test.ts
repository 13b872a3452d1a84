// Argo CD apps whose source (or `$values` ref) is another Git repository, served for real on
// 127.0.0.1 by git's smart-HTTP backend behind basic auth. The clone goes into our cache with
// the user's own git credentials (a credential helper in their git config, GIT_ASKPASS),
// which are never stored by us; offline or without credentials the app is Unknown with the
// reason; a pushed commit is seen only after a refresh. Oracles: the files of a clone the
// test makes itself, and helm template with the values file from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { discoverApps, type GitOpsApp } from '../../../src/core/apps';
import { renderApp, type RenderResult, type Toolchain } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import type { KubeObject } from '../../../src/core/manifest';
import { serveGitRepos, type GitServer } from '../../support/git-server';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { removeTemp, tempDir } from '../../support/temp';
import { toolPath } from '../../support/tools';

const exec = promisify(execFile);
const AUTH = { username: 'fleet', password: 'pl4tform-s3cret' };
const GIT_ID = { GIT_AUTHOR_NAME: 'Platform', GIT_AUTHOR_EMAIL: 'platform@example.com', GIT_COMMITTER_NAME: 'Platform', GIT_COMMITTER_EMAIL: 'platform@example.com' };

const guestbook = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
  labels:
    app: guestbook-ui
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: guestbook-ui
  template:
    metadata:
      labels:
        app: guestbook-ui
    spec:
      containers:
        - name: guestbook-ui
          image: gcr.io/heptio-images/ks-guestbook-demo:0.2
          ports:
            - containerPort: 80
`;
const guestbookService = `apiVersion: v1
kind: Service
metadata:
  name: guestbook-ui
spec:
  ports:
    - port: 80
      targetPort: 80
  selector:
    app: guestbook-ui
`;

const webChart: Record<string, string> = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.3.0\n',
  'charts/web/values.yaml': 'replicaCount: 1\nimage: nginx:1.27\n',
  'charts/web/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
`,
};

function application(name: string, spec: string): string {
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n${spec}  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n`;
}

const objectsOf = (text: string): KubeObject[] => parseAllDocuments(text).map((d) => d.toJS() as KubeObject).filter((o) => o && typeof o === 'object' && o.kind);
const byKey = (list: KubeObject[]) => [...list].sort((a, b) => `${a.kind}/${a.metadata?.name}`.localeCompare(`${b.kind}/${b.metadata?.name}`));
const replicas = (res: RenderResult) => (res.resources.find((x) => x.id.kind === 'Deployment')!.object.spec as { replicas: number }).replicas;

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe('Argo CD apps from another Git repository (smart HTTP with basic auth on 127.0.0.1)', () => {
  let served: string;
  let work: string;
  let userHome: string;
  let emptyHome: string;
  let oracleDir: string;
  let cacheDir: string;
  let server: GitServer;
  let platform: FixtureRepo;
  let fleet: FixtureRepo;
  let repo: RepoSnapshot;
  let apps: GitOpsApp[];
  let tools: Toolchain;
  let firstCommit: string;
  let remote: string;

  /** The user's machine: their git config names a credential helper that knows the server. */
  const userEnv = (home: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
    delete env.GIT_CONFIG_GLOBAL;
    delete env.GIT_ASKPASS;
    delete env.SSH_ASKPASS;
    return env;
  };
  const app = (name: string) => {
    const a = apps.find((x) => x.name === name);
    assert.ok(a, `no app ${name} among ${apps.map((x) => x.name).join(', ')}`);
    return a;
  };
  const ok = (res: RenderResult) => assert.equal(res.ok, true, res.problems.map((p) => `${p.code}: ${p.message}`).join('\n'));
  /** The test's own clone (credentials in the URL), as the oracle of what the branch holds. */
  const oracleClone = async (ref: string) => {
    const dir = join(oracleDir, `clone-${ref}-${Date.now()}`);
    await exec('git', ['clone', '-q', '--branch', ref, remote.replace('http://', `http://${AUTH.username}:${AUTH.password}@`), dir]);
    return dir;
  };
  const push = (replicaCount: number, message: string) => {
    writeFileSync(join(work, 'apps/guestbook/deployment.yaml'), guestbook(replicaCount));
    execFileSync('git', ['-C', work, 'commit', '-qam', message], { env: { ...process.env, ...GIT_ID } });
    execFileSync('git', ['-C', work, 'push', '-q', join(served, 'platform.git'), 'main']);
  };

  before(async () => {
    served = tempDir('gitops-lens-gitserve-');
    userHome = tempDir('gitops-lens-githome-');
    emptyHome = tempDir('gitops-lens-gitnohome-');
    oracleDir = tempDir('gitops-lens-gitoracle-');
    cacheDir = tempDir('gitops-lens-gitcache-');
    server = await serveGitRepos(served, AUTH);
    remote = `${server.url}/platform.git`;
    platform = makeRepo('platform', {
      'apps/guestbook/deployment.yaml': guestbook(1),
      'apps/guestbook/service.yaml': guestbookService,
      'apps/guestbook/README.md': '# guestbook\n',
      'values/web.yaml': 'replicaCount: 4\nimage: nginx:1.27-alpine\n',
    });
    execFileSync('git', ['clone', '-q', '--bare', platform.root, join(served, 'platform.git')]);
    firstCommit = execFileSync('git', ['-C', platform.root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    work = platform.root; // the platform team's working copy; pushes go to the served bare repo
    const credentials = join(userHome, '.git-credentials');
    writeFileSync(credentials, `http://${AUTH.username}:${AUTH.password}@127.0.0.1:${new URL(server.url).port}\n`, { mode: 0o600 });
    writeFileSync(join(userHome, '.gitconfig'), `[credential "${server.url}"]\n\thelper = store --file=${credentials}\n`);
    const self = 'https://github.com/example/fleet.git';
    fleet = makeRepo('fleet', {
      'apps/guestbook.yaml': application('guestbook', `  source:\n    repoURL: ${remote}\n    targetRevision: main\n    path: apps/guestbook\n`),
      'apps/guestbook-pinned.yaml': application('guestbook-pinned', `  source:\n    repoURL: ${remote}\n    targetRevision: ${firstCommit}\n    path: apps/guestbook\n`),
      'apps/guestbook-release.yaml': application('guestbook-release', `  source:\n    repoURL: ${remote}\n    targetRevision: release-1.0\n    path: apps/guestbook\n`),
      'apps/web.yaml': application('web', `  sources:\n    - repoURL: ${self}\n      targetRevision: main\n      path: charts/web\n      helm:\n        valueFiles:\n          - $platform/values/web.yaml\n    - repoURL: ${remote}\n      targetRevision: main\n      ref: platform\n`),
      ...webChart,
    });
    repo = await loadRepo(fleet.root);
    apps = discoverApps(repo, []).apps;
    tools = { ...(await realTools()), cacheDir, env: userEnv(userHome) };
  });
  after(async () => {
    await server?.stop();
    platform?.cleanup();
    fleet?.cleanup();
    for (const d of [served, userHome, emptyHome, oracleDir, cacheDir]) if (d) removeTemp(d);
  });

  test('without the user\'s credentials: Unknown with git\'s reason, no prompt, nothing cached', async () => {
    const before = server.requests;
    const res = await renderApp(app('guestbook'), repo, { ...tools, env: userEnv(emptyHome) });
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources, []);
    assert.equal(res.problems.length, 1);
    assert.equal(res.problems[0].code, 'source-unavailable');
    assert.match(res.problems[0].message, new RegExp(`^guestbook: ${remote.replace(/\./g, '\\.')} at main could not be cloned: .*terminal prompts disabled`));
    assert.equal(res.problems[0].file, fleet.path('apps/guestbook.yaml'));
    assert.ok(server.requests > before, 'git asked the server');
    assert.equal(server.served, 0, 'and was refused');
  });

  test('with the credential helper of the user\'s git config: cloned into the cache, rendered as the branch holds the files', async () => {
    const res = await renderApp(app('guestbook'), repo, tools);
    ok(res);
    const clone = await oracleClone('main');
    const expected = ['deployment.yaml', 'service.yaml'].flatMap((f) => objectsOf(readFileSync(join(clone, 'apps/guestbook', f), 'utf8')));
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(expected));
    assert.equal(replicas(res), 1);
    // Files of another repository cannot be edited here: resources point at the Application.
    assert.ok(res.resources.every((x) => x.origin?.file === fleet.path('apps/guestbook.yaml')));
    assert.deepEqual(res.inputs, [fleet.path('apps/guestbook.yaml')]);
    // The credentials stay where the user keeps them: nothing in our cache holds the password.
    assert.deepEqual(filesContaining(cacheDir, AUTH.password), []);
  });

  test('a $values file from the other repository: as helm template renders the chart with it', async () => {
    const res = await renderApp(app('web'), repo, tools);
    ok(res);
    const clone = await oracleClone('main');
    const { stdout } = await exec(await toolPath('helm'), ['template', 'web', fleet.path('charts/web'), '--namespace', 'web', '--include-crds', '-f', join(clone, 'values/web.yaml')]);
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(objectsOf(stdout)));
    assert.equal(replicas(res), 4);
  });

  test('GIT_ASKPASS of the user\'s environment answers the server (a program simple-git would otherwise strip)', async () => {
    const askpass = join(userHome, 'askpass.sh');
    writeFileSync(askpass, `#!/bin/sh\ncase "$1" in Username*) echo ${AUTH.username};; *) echo ${AUTH.password};; esac\n`);
    chmodSync(askpass, 0o700);
    const env = { ...userEnv(emptyHome), GIT_ASKPASS: askpass };
    const fresh = tempDir('gitops-lens-gitcache2-');
    try {
      const res = await renderApp(app('guestbook'), repo, { ...tools, env, cacheDir: fresh });
      ok(res);
      assert.equal(replicas(res), 1);
      assert.deepEqual(filesContaining(fresh, AUTH.password), []);
    } finally {
      removeTemp(fresh);
    }
  });

  test('a pushed commit: the cached clone is used (no request) until a refresh, which picks the new commit up once', async () => {
    const first = await renderApp(app('guestbook'), repo, tools);
    ok(first);
    push(3, 'scale guestbook to 3');
    const before = server.requests;
    const cached = await renderApp(app('guestbook'), repo, tools);
    ok(cached);
    assert.equal(replicas(cached), 1, 'the cached commit until asked to refresh');
    assert.equal(server.requests, before, 'no request without a refresh');
    const refreshed = { ...tools, refresh: Date.now() };
    const res = await renderApp(app('guestbook'), repo, refreshed);
    ok(res);
    const clone = await oracleClone('main');
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(['deployment.yaml', 'service.yaml'].flatMap((f) => objectsOf(readFileSync(join(clone, 'apps/guestbook', f), 'utf8')))));
    assert.equal(replicas(res), 3);
    assert.notEqual(res.inputHash, first.inputHash, 'a new commit is a new render');
    const after = server.requests;
    ok(await renderApp(app('guestbook'), repo, refreshed));
    assert.equal(server.requests, after, 'fetched once per refresh request');
  });

  test('a commit-pinned revision is fetched by its commit and does not move, even on refresh', async () => {
    const res = await renderApp(app('guestbook-pinned'), repo, { ...tools, refresh: Date.now() });
    ok(res);
    assert.equal(replicas(res), 1);
    const before = server.requests;
    ok(await renderApp(app('guestbook-pinned'), repo, { ...tools, refresh: Date.now() }));
    assert.equal(server.requests, before, 'a commit never needs fetching again');
  });

  test('offline: cached sources still render; an uncached revision, or a refresh, is Unknown with the reason', async () => {
    await server.stop();
    for (const name of ['guestbook', 'guestbook-pinned', 'web']) ok(await renderApp(app(name), repo, tools));
    const uncached = await renderApp(app('guestbook-release'), repo, tools);
    assert.equal(uncached.ok, false);
    assert.deepEqual(uncached.resources, []);
    assert.equal(uncached.problems.length, 1);
    assert.equal(uncached.problems[0].code, 'source-unavailable');
    assert.match(uncached.problems[0].message, new RegExp(`^guestbook-release: ${remote.replace(/\./g, '\\.')} at release-1\\.0 could not be cloned: .*(Could not connect|Failed to connect|Connection refused)`, 'i'));
    const refresh = await renderApp(app('guestbook'), repo, { ...tools, refresh: Date.now() });
    assert.equal(refresh.ok, false);
    assert.equal(refresh.problems[0].code, 'source-unavailable');
    assert.match(refresh.problems[0].message, /could not be cloned: .*\(the copy cached at [0-9a-f]{12} is not used: a refresh was asked\)$/);
    // And the cached copy is still there for the next render without a refresh.
    assert.equal(replicas(await renderApp(app('guestbook'), repo, tools)), 3);
  });

  test('nothing is written into either repository', async () => {
    for (const r of [fleet, platform]) {
      const { stdout } = await exec('git', ['-C', r.root, 'status', '--porcelain', '--ignored']);
      assert.equal(stdout, '');
    }
  });
});
