// Real Kubernetes API servers for tests (etcd + kube-apiserver, no controllers).
// The implementation lives in scripts/cluster/controlplane.mjs, shared with cluster:up.
//
//   const c = await sharedTestCluster();      // the run's shared cluster, or a private one
//   const kc = loadKubeConfig(c.adminKubeconfig);
//   if (!c.restrictedKubeconfig) t.skip(c.restrictedSkipReason);
//
//   const own = await startTestCluster();     // private: may stop/start its API server
//   try { ... await own.stopApiServer(); ... await own.startApiServer(); } finally { await own.stop(); }
import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { RESTRICTED_NAMESPACE, startControlPlane } from '../../scripts/cluster/controlplane.mjs';

export { RESTRICTED_NAMESPACE };

export interface TestCluster {
  server: string;
  /** Contexts `admin` (current) and `restricted`. */
  kubeconfigPath: string;
  adminKubeconfig: string;
  /** Can only get/list/watch in namespace team-a. */
  restrictedKubeconfig: string;
  /** Certs, etcd data, kubeconfigs, etcd.log and kube-apiserver.log. */
  dir: string;
  /** Stops kube-apiserver only; etcd (and so all data) stays. */
  stopApiServer(): Promise<void>;
  /** Restarts kube-apiserver on the same port against the same etcd; resolves at /readyz. */
  startApiServer(): Promise<void>;
  /** Stops both processes and removes dir. */
  stop(): Promise<void>;
}

/** Starts a private control plane; its processes die with this process at the latest. */
export async function startTestCluster(opts?: { name?: string }): Promise<TestCluster> {
  const cp = await startControlPlane({ name: opts?.name ?? 'test' });
  return {
    server: cp.server,
    kubeconfigPath: cp.kubeconfigPath,
    adminKubeconfig: cp.adminKubeconfig,
    restrictedKubeconfig: cp.restrictedKubeconfig,
    dir: cp.dir,
    stopApiServer: cp.stopApiServer,
    startApiServer: cp.startApiServer,
    stop: cp.stop,
  };
}

/** A cluster many tests share: never stop it or its API server from a test. */
export interface SharedCluster {
  /** external: GITOPS_LENS_TEST_KUBECONFIG; shared: cluster:up state; private: started here. */
  kind: 'external' | 'shared' | 'private';
  server: string;
  kubeconfigPath: string;
  adminKubeconfig: string;
  /** undefined on an external cluster: tests that need it skip with restrictedSkipReason. */
  restrictedKubeconfig: string | undefined;
  restrictedSkipReason: string | undefined;
}

let shared: Promise<SharedCluster> | undefined;

/**
 * The cluster for this test process, chosen in this order:
 *  1. GITOPS_LENS_TEST_KUBECONFIG: your own cluster (its current context is admin);
 *  2. GITOPS_LENS_SHARED_CLUSTER: state file of `npm run cluster:up` (set by scripts/test.mjs);
 *  3. otherwise a private control plane, started once per process.
 */
export function sharedTestCluster(): Promise<SharedCluster> {
  shared ??= resolveShared();
  return shared;
}

async function resolveShared(): Promise<SharedCluster> {
  const external = process.env.GITOPS_LENS_TEST_KUBECONFIG;
  if (external) {
    const kc = loadKubeConfig(external);
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error(`GITOPS_LENS_TEST_KUBECONFIG=${external}: current context has no cluster`);
    return {
      kind: 'external', server, kubeconfigPath: external, adminKubeconfig: external,
      restrictedKubeconfig: undefined,
      restrictedSkipReason: 'needs the restricted test user, which only exists on the built-in test control plane (GITOPS_LENS_TEST_KUBECONFIG is set)',
    };
  }
  const stateFile = process.env.GITOPS_LENS_SHARED_CLUSTER;
  if (stateFile && existsSync(stateFile)) {
    const s = JSON.parse(readFileSync(stateFile, 'utf8')) as Omit<SharedCluster, 'kind' | 'restrictedSkipReason'>;
    return { kind: 'shared', ...pick(s), restrictedSkipReason: undefined };
  }
  const c = await startTestCluster({ name: 'private' });
  return { kind: 'private', ...pick(c), restrictedSkipReason: undefined };
}

function pick(c: { server: string; kubeconfigPath: string; adminKubeconfig: string; restrictedKubeconfig: string | undefined }) {
  return { server: c.server, kubeconfigPath: c.kubeconfigPath, adminKubeconfig: c.adminKubeconfig, restrictedKubeconfig: c.restrictedKubeconfig };
}

/** A client-node KubeConfig for a kubeconfig file, optionally switched to a context. */
export function loadKubeConfig(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  return kc;
}
