#!/usr/bin/env node
// Starts a detached test control plane shared by a whole test run and writes its state:
//   node scripts/cluster/up.mjs --state <file.json>
// Tests find it through GITOPS_LENS_SHARED_CLUSTER=<file.json>; stop it with down.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startControlPlane } from './controlplane.mjs';

// Last --state wins, so `npm run cluster:up -- --state x` overrides the npm script's default.
const i = process.argv.lastIndexOf('--state');
const stateFile = i > 0 ? process.argv[i + 1] : undefined;
if (!stateFile) { console.error('usage: up.mjs --state <file.json>'); process.exit(2); }

const t0 = Date.now();
// keepDir: down.mjs removes it; logs stay readable if a test run dies.
const cp = await startControlPlane({ name: 'shared', detached: true, keepDir: true });
const state = {
  server: cp.server, kubeconfigPath: cp.kubeconfigPath, adminKubeconfig: cp.adminKubeconfig,
  restrictedKubeconfig: cp.restrictedKubeconfig, dir: cp.dir, pids: cp.pids(),
};
mkdirSync(dirname(resolve(stateFile)), { recursive: true });
writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');
console.error(`test control plane ${cp.server} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (logs in ${cp.dir})`);
console.error(`use it from tests: export GITOPS_LENS_SHARED_CLUSTER=${resolve(stateFile)}`);
console.log(cp.kubeconfigPath);
// Detached children are unref'd, so this process exits and leaves them running.
