// Paths of the real CLI tools (built from Go modules by scripts/tools/ensure-tools.sh and
// cached under ~/.cache/gitops-lens). scripts/test.mjs already ran the script and passes
// GITOPS_LENS_TOOL_<NAME>; otherwise the script runs once per process (instant when cached).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoFile } from '../../scripts/cluster/controlplane.mjs';

export type ToolName = 'helm' | 'kustomize' | 'kubeconform' | 'kube-linter' | 'sops' | 'age' | 'age-keygen' | 'flux-envsubst' | 'registry' | 'jsonnet';

const run = promisify(execFile);
const cache = new Map<ToolName, Promise<string>>();

export function toolPath(name: ToolName): Promise<string> {
  let p = cache.get(name);
  if (!p) {
    p = resolveTool(name);
    cache.set(name, p);
    p.catch(() => cache.delete(name)); // let a later call retry after a failure
  }
  return p;
}

async function resolveTool(name: ToolName): Promise<string> {
  const fromEnv = process.env[`GITOPS_LENS_TOOL_${name.replace(/-/g, '_').toUpperCase()}`];
  if (fromEnv) return fromEnv;
  let stdout: string;
  try {
    // A cold build of helm takes minutes: no timeout, generous buffer for go's output.
    ({ stdout } = await run('bash', [repoFile('scripts/tools/ensure-tools.sh'), name], { maxBuffer: 16 << 20 }));
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`ensure-tools.sh ${name} failed: ${err.stderr?.trim() || err.message}`);
  }
  const line = stdout.split('\n').find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`ensure-tools.sh printed no path for ${name}:\n${stdout}`);
  return line.slice(name.length + 1).trim();
}
