// The real tools (helm, kustomize, kubeconform, ...) built by ensure-tools.sh reach the tests,
// benchmarks and `npm start` as GITOPS_LENS_TOOL_<NAME>=<path>, so no process builds them again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `GITOPS_LENS_TOOL_KUBE_LINTER` for `kube-linter`. */
export function toolEnvName(name) {
  return `GITOPS_LENS_TOOL_${name.replace(/-/g, '_').toUpperCase()}`;
}

/** The variables for the `name=/path` lines that ensure-tools.sh prints. */
export function toolEnvFrom(stdout) {
  const env = {};
  for (const line of stdout.split('\n')) {
    const m = /^([a-z-]+)=(\/.+)$/.exec(line.trim());
    if (m) env[toolEnvName(m[1])] = m[2];
  }
  return env;
}

/** Runs ensure-tools.sh (instant when cached) and returns its output and the variables. */
export function ensureTools(root) {
  const script = join(root, 'scripts/tools/ensure-tools.sh');
  if (!existsSync(script)) return { stdout: '', env: {} };
  const stdout = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return { stdout, env: toolEnvFrom(stdout) };
}
