#!/usr/bin/env node
// Stops the control plane started by up.mjs and removes its dir and state file:
//   node scripts/cluster/down.mjs --state <file.json>
import { existsSync, readFileSync, rmSync } from 'node:fs';

// Last --state wins, so `npm run cluster:up -- --state x` overrides the npm script's default.
const i = process.argv.lastIndexOf('--state');
const stateFile = i > 0 ? process.argv[i + 1] : undefined;
if (!stateFile) { console.error('usage: down.mjs --state <file.json>'); process.exit(2); }
if (!existsSync(stateFile)) { console.error(`no state file ${stateFile}: nothing to stop`); process.exit(0); }

const state = JSON.parse(readFileSync(stateFile, 'utf8'));
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
// apiserver first so it does not log etcd connection errors while shutting down.
for (const pid of [state.pids?.apiserver, state.pids?.etcd].filter(Boolean)) {
  try { process.kill(pid, 'SIGTERM'); } catch { continue; }
  const deadline = Date.now() + 10000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}
if (state.dir) rmSync(state.dir, { recursive: true, force: true });
rmSync(stateFile, { force: true });
console.error(`stopped test control plane ${state.server}`);
