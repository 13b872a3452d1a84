// A real Kubernetes control plane for tests: etcd + kube-apiserver on loopback ports,
// started from binaries built by ensure-controlplane.sh (no controllers, no kubelet).
// Plain ESM so scripts/cluster/{up,down}.mjs and test/support/cluster.ts share one
// implementation.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Team namespace in which the `restricted` user may only read. */
export const RESTRICTED_NAMESPACE = 'team-a';

/**
 * Finds a repo file by walking up from this module: test files are bundled into out/,
 * so import.meta.url is not always scripts/cluster/.
 * @param {string} rel
 */
export function repoFile(rel) {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    if (existsSync(join(d, rel))) return join(d, rel);
    if (dirname(d) === d) break;
  }
  const fromCwd = join(process.cwd(), rel);
  if (existsSync(fromCwd)) return fromCwd;
  throw new Error(`cannot find ${rel} above ${fileURLToPath(import.meta.url)} or in ${process.cwd()}`);
}

/** @returns {Promise<{ kubeApiserver: string, etcd: string }>} paths, building on first use. */
export async function ensureControlPlaneBinaries() {
  let stdout;
  try {
    // A cold build takes many minutes; progress goes to our stderr.
    ({ stdout } = await runInherit('bash', [repoFile('scripts/cluster/ensure-controlplane.sh')]));
  } catch (e) {
    throw new Error(`ensure-controlplane.sh failed: ${/** @type {Error} */ (e).message}`);
  }
  const paths = Object.fromEntries(stdout.split('\n').filter((l) => l.includes('=')).map((l) => l.trim().split('=', 2)));
  if (!paths['kube-apiserver'] || !paths.etcd) throw new Error(`ensure-controlplane.sh printed no paths:\n${stdout}`);
  return { kubeApiserver: paths['kube-apiserver'], etcd: paths.etcd };
}

/** execFile, but stderr streams to ours so long builds show progress. */
function runInherit(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve({ stdout }) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** Free loopback ports: all listeners are open at once so the ports differ. */
async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => /** @type {net.AddressInfo} */ (s.address()).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** CA, serving cert for 127.0.0.1/localhost, and the service-account signing key. */
async function writeCerts(dir) {
  const p = (f) => join(dir, f);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'),
    '-days', '3650', '-subj', '/CN=gitops-lens-test-ca']);
  writeFileSync(p('serving.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('serving.key'), '-out', p('serving.csr'),
    '-subj', '/CN=kube-apiserver']);
  await run('openssl', ['x509', '-req', '-in', p('serving.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-out', p('serving.crt'), '-days', '3650', '-extfile', p('serving.ext')]);
  await run('openssl', ['genrsa', '-out', p('sa.key'), '2048']);
  await run('openssl', ['rsa', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')]);
}

function kubeconfigYaml({ name, server, caData, users }) {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', `- name: ${name}`, '  cluster:',
    `    server: ${server}`, `    certificate-authority-data: ${caData}`, 'contexts:'];
  for (const u of users) lines.push(`- name: ${u.name}`, '  context:', `    cluster: ${name}`, `    user: ${u.name}`);
  lines.push(`current-context: ${users[0].name}`, 'users:');
  for (const u of users) lines.push(`- name: ${u.name}`, '  user:', `    token: ${u.token}`);
  return lines.join('\n') + '\n';
}

/**
 * Minimal HTTPS JSON request against the API server (no client library needed here).
 * @returns {Promise<{ status: number, body: string }>}
 */
export function apiRequest(server, ca, token, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, server), {
      method, ca, timeout: 5000,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function httpGet(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { timeout: 2000 }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    }).on('error', reject).on('timeout', function () { this.destroy(new Error('timeout')); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function logTail(file, lines = 40) {
  try { return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/**
 * A started child process whose output goes to a log file in the cluster dir.
 * detached children get their own process group and survive this process (cluster:up).
 */
function startProcess(bin, args, logFile, detached) {
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached });
  closeSync(fd);
  // Never keep the event loop alive: a test process must exit when its tests are done
  // even if a cluster was not stopped (the exit hook below then kills the children).
  child.unref();
  child.exitInfo = null;
  child.on('exit', (code, signal) => { child.exitInfo = { code, signal }; });
  return child;
}

/** Polls check() until it returns true; fails early if the child died, with its log tail. */
async function waitFor(what, child, logFile, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitInfo) {
      throw new Error(`${what} exited (${JSON.stringify(child.exitInfo)}) before becoming ready; tail of ${logFile}:\n${logTail(logFile)}`);
    }
    try { if (await check()) return; } catch (e) { last = String(/** @type {Error} */ (e).message ?? e); }
    await sleep(200);
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000}s (${last}); tail of ${logFile}:\n${logTail(logFile)}`);
}

async function stopProcess(child, graceMs = 10000) {
  if (!child || child.exitInfo || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Every live in-process (non-detached) child, killed when this process goes away. */
const live = new Set();
/** Dirs of in-process clusters not stopped yet, removed on exit. */
const liveDirs = new Set();
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } }
    for (const d of liveDirs) { try { rmSync(d, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ } }
  };
  process.on('exit', killAll);
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    const onSignal = () => {
      killAll();
      // Re-raise with the default action so the exit status still says "killed by signal",
      // unless someone else handles the signal too: then exiting is their call.
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/**
 * @typedef {object} ControlPlane
 * @property {string} server                https://127.0.0.1:<port>
 * @property {string} kubeconfigPath        contexts `admin` (current) and `restricted`
 * @property {string} adminKubeconfig
 * @property {string} restrictedKubeconfig
 * @property {string} dir                   certs, data, kubeconfigs and *.log files
 * @property {string} caFile
 * @property {{ admin: string, restricted: string }} tokens
 * @property {() => { etcd?: number, apiserver?: number }} pids
 * @property {() => Promise<void>} stopApiServer   etcd keeps running, so data survives
 * @property {() => Promise<void>} startApiServer  same port, same args, same etcd
 * @property {() => Promise<void>} stop            kills both and removes dir
 */

/**
 * Starts etcd and kube-apiserver, waits for /readyz, sets up namespace team-a and RBAC
 * for the `restricted` user, writes kubeconfigs.
 * @param {{ name?: string, detached?: boolean, keepDir?: boolean }} [opts]
 *   detached: children outlive this process (for cluster:up); keepDir: don't delete dir on stop.
 * @returns {Promise<ControlPlane>}
 */
export async function startControlPlane(opts = {}) {
  const name = opts.name ?? 'test';
  const detached = !!opts.detached;
  const bins = await ensureControlPlaneBinaries();
  const dir = mkdtempSync(join(tmpdir(), `gitops-lens-${name.replace(/[^a-z0-9-]/gi, '-')}-`));
  const p = (f) => join(dir, f);
  await writeCerts(dir);
  const tokens = { admin: randomBytes(16).toString('hex'), restricted: randomBytes(16).toString('hex') };
  // token,user,uid,"groups": restricted has no groups; everyone gets system:authenticated.
  writeFileSync(p('tokens.csv'), `${tokens.admin},admin,admin,"system:masters"\n${tokens.restricted},restricted,restricted\n`);
  mkdirSync(p('etcd-data'));

  const [etcdPort, peerPort, apiPort] = await freePorts(3);
  const server = `https://127.0.0.1:${apiPort}`;
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const ca = readFileSync(p('ca.crt'));
  if (!detached) installExitHooks();

  const etcdArgs = ['--name=default', `--data-dir=${p('etcd-data')}`,
    `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync', // test data: skip fsync, much faster on slow disks
    '--log-level=warn'];
  const apiArgs = [
    `--etcd-servers=${etcdUrl}`, `--secure-port=${apiPort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--cert-dir=${p('apiserver-certs')}`, `--tls-cert-file=${p('serving.crt')}`, `--tls-private-key-file=${p('serving.key')}`,
    `--client-ca-file=${p('ca.crt')}`, `--token-auth-file=${p('tokens.csv')}`,
    '--authorization-mode=RBAC', '--service-cluster-ip-range=10.0.0.0/24', '--allow-privileged=true',
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${p('sa.pub')}`, `--service-account-signing-key-file=${p('sa.key')}`,
    // No controller-manager: the ServiceAccount admission plugin would reject pods because
    // no "default" ServiceAccount is ever created.
    '--disable-admission-plugins=ServiceAccount',
    '--enable-priority-and-fairness=false',
    // A loopback advertise address is invalid in Endpoints; nothing needs the kubernetes Service here.
    '--endpoint-reconciler-type=none',
    '--v=1'];

  /** @type {any} */ let etcd;
  /** @type {any} */ let apiserver;
  const track = (c) => { if (!detached) { live.add(c); c.on('exit', () => live.delete(c)); } return c; };

  const startApiServer = async () => {
    if (apiserver && !apiserver.exitInfo) return;
    apiserver = track(startProcess(bins.kubeApiserver, apiArgs, p('kube-apiserver.log'), detached));
    await waitFor('kube-apiserver', apiserver, p('kube-apiserver.log'), 120000, async () =>
      (await apiRequest(server, ca, tokens.admin, 'GET', '/readyz')).status === 200);
  };
  if (!detached && !opts.keepDir) liveDirs.add(dir);
  const stop = async () => {
    await stopProcess(apiserver);
    await stopProcess(etcd);
    liveDirs.delete(dir);
    if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    etcd = track(startProcess(bins.etcd, etcdArgs, p('etcd.log'), detached));
    await waitFor('etcd', etcd, p('etcd.log'), 30000, async () => {
      const r = await httpGet(`${etcdUrl}/health`);
      return r.status === 200 && JSON.parse(r.body).health === 'true';
    });
    await startApiServer();
    await setupRbac(server, ca, tokens);
  } catch (e) {
    await stopProcess(apiserver, 2000).catch(() => {});
    await stopProcess(etcd, 2000).catch(() => {});
    liveDirs.delete(dir); // kept so the logs named in the error can be read
    throw e;
  }

  const caData = ca.toString('base64');
  const cluster = `gitops-lens-${name}`;
  const users = [{ name: 'admin', token: tokens.admin }, { name: 'restricted', token: tokens.restricted }];
  writeFileSync(p('kubeconfig'), kubeconfigYaml({ name: cluster, server, caData, users }), { mode: 0o600 });
  writeFileSync(p('admin.kubeconfig'), kubeconfigYaml({ name: cluster, server, caData, users: [users[0]] }), { mode: 0o600 });
  writeFileSync(p('restricted.kubeconfig'), kubeconfigYaml({ name: cluster, server, caData, users: [users[1]] }), { mode: 0o600 });

  return {
    server, dir, tokens, caFile: p('ca.crt'),
    kubeconfigPath: p('kubeconfig'), adminKubeconfig: p('admin.kubeconfig'), restrictedKubeconfig: p('restricted.kubeconfig'),
    pids: () => ({ etcd: etcd?.pid, apiserver: apiserver?.pid }),
    stopApiServer: () => stopProcess(apiserver),
    startApiServer,
    stop,
  };
}

/** Namespace team-a; `restricted` may get/list/watch everything there and nothing else. */
async function setupRbac(server, ca, tokens) {
  const ns = RESTRICTED_NAMESPACE;
  const objects = [
    ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }],
    [`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read-only', namespace: ns },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    }],
    [`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'restricted-read-only', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-only' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'restricted' }],
    }],
  ];
  for (const [path, obj] of objects) {
    const r = await apiRequest(server, ca, tokens.admin, 'POST', path, obj);
    if (r.status !== 201 && r.status !== 409) throw new Error(`creating ${path}: HTTP ${r.status} ${r.body}`);
  }
  // The RBAC authorizer reads through an informer: wait until the binding is in effect so
  // the first test does not race it.
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if ((await apiRequest(server, ca, tokens.restricted, 'GET', `/api/v1/namespaces/${ns}/configmaps`)).status === 200) return;
    await sleep(100);
  }
  throw new Error('RoleBinding for restricted user did not take effect within 15s');
}
