// Types for controlplane.mjs (plain ESM so up.mjs/down.mjs run without a build).
export const RESTRICTED_NAMESPACE: string;
export function repoFile(rel: string): string;
export function ensureControlPlaneBinaries(): Promise<{ kubeApiserver: string; etcd: string }>;
export function apiRequest(
  server: string, ca: string | Buffer, token: string, method: string, path: string, body?: unknown,
): Promise<{ status: number; body: string }>;
export interface ControlPlane {
  server: string;
  kubeconfigPath: string;
  adminKubeconfig: string;
  restrictedKubeconfig: string;
  dir: string;
  caFile: string;
  tokens: { admin: string; restricted: string };
  pids(): { etcd?: number; apiserver?: number };
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}
export function startControlPlane(opts?: { name?: string; detached?: boolean; keepDir?: boolean }): Promise<ControlPlane>;
