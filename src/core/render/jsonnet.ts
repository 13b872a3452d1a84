import { resolve } from 'node:path';
import { ExecError, run } from '../exec/program';
import type { JsonnetOptions } from '../apps/types';
import { isKubeObject, type KubeObject } from '../manifest';
import { toolHint, type Toolchain } from './toolchain';

/**
 * One `.jsonnet` file of an Argo CD directory source, evaluated as the repo-server does
 * (makeJsonnetVM): import paths are the app folder then each `libs` entry (relative to the
 * repository root); `tlas`/`extVars` as strings or code, `$ARGOCD_APP_*` expanded in their
 * values. The output is one object or an array of objects.
 */
export async function evaluateJsonnet(file: string, appDir: string, repoRoot: string, opts: JsonnetOptions | undefined, argoEnv: Record<string, string>, tools: Toolchain, signal?: AbortSignal): Promise<KubeObject[]> {
  const args: string[] = ['--jpath', appDir];
  for (const lib of opts?.libs ?? []) args.push('--jpath', resolve(repoRoot, lib));
  const expand = (v: string) => v.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => argoEnv[(a ?? b)!] ?? '');
  for (const t of opts?.tlas ?? []) args.push(t.code ? '--tla-code' : '--tla-str', `${t.name}=${expand(t.value)}`);
  for (const v of opts?.extVars ?? []) args.push(v.code ? '--ext-code' : '--ext-str', `${v.name}=${expand(v.value)}`);
  args.push(file);
  let stdout: string;
  try {
    ({ stdout } = await run(tools.jsonnet ?? 'jsonnet', args, { signal, timeoutMs: tools.timeoutMs ?? 120_000, hint: toolHint(tools, 'jsonnet'), cwd: appDir }));
  } catch (e) {
    if (e instanceof ExecError && e.code === 'failed') throw new ExecError(`failed to evaluate jsonnet ${file}: ${e.stderr.trim().split('\n').slice(0, 6).join('\n')}`, 'failed', e.stderr, e.exitCode);
    throw e;
  }
  const v: unknown = JSON.parse(stdout);
  const list = Array.isArray(v) ? v : [v];
  return list.filter(isKubeObject);
}
