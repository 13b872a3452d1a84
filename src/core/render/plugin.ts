import { run } from '../exec/program';
import type { AppSource, GitOpsApp, PluginOptions } from '../apps/types';
import type { KubeObject } from '../manifest';
import { parseRenderedStream } from './documents';
import { toolHint, type Toolchain } from './toolchain';
import type { RenderProblem } from './types';

/** A plugin app that is not rendered here: the reason is shown, nothing runs in its place. */
export class NotRenderedError extends Error {
  readonly code = 'not-rendered';
}

/**
 * Argo CD config management plugin (`source.plugin`): the command the user mapped to the
 * plugin name in their own settings runs in the source folder with the environment Argo CD's
 * repo-server gives a plugin (ARGOCD_APP_*, ARGOCD_ENV_*, ARGOCD_APP_PARAMETERS, PARAM_*) and
 * prints the manifests. Without a mapping nothing runs — never plain kustomize instead.
 */
export async function renderPlugin(dir: string, src: AppSource, app: GitOpsApp, tools: Toolchain, signal?: AbortSignal): Promise<{ objects: KubeObject[]; problems: RenderProblem[] }> {
  const plugin = src.plugin!;
  if (!plugin.name) throw new NotRenderedError(`${app.name}: rendered in the cluster by the config management plugin Argo CD picks by discovery; not rendered here. Name the plugin (source.plugin.name) and map it to a command ${toolHint(tools, 'plugins')} to render it here.`);
  const command = tools.plugins?.[plugin.name];
  if (!command) throw new NotRenderedError(`${app.name}: rendered by plugin ${plugin.name} in the cluster; not rendered here. To render it here, map "${plugin.name}" to a command ${toolHint(tools, 'plugins').replaceAll('NAME', plugin.name)}.`);
  const [program, ...args] = command;
  const { stdout } = await run(program, args, { cwd: dir, env: { ...(tools.env ?? process.env), ...pluginEnv(plugin, src, app) }, signal, timeoutMs: tools.timeoutMs ?? 120_000, hint: `map the plugin to another command ${toolHint(tools, 'plugins')}` });
  return parseRenderedStream(stdout, `plugin ${plugin.name}`);
}

/** The variables Argo CD's repo-server sets for a plugin (reposerver newEnv + getPluginParamEnvs). */
export function pluginEnv(plugin: PluginOptions, src: AppSource, app: GitOpsApp): Record<string, string> {
  const base: Record<string, string> = {
    ARGOCD_APP_NAME: app.name,
    ARGOCD_APP_NAMESPACE: app.destination.namespace ?? '',
    ARGOCD_APP_SOURCE_REPO_URL: src.repoURL ?? '',
    ARGOCD_APP_SOURCE_PATH: src.path ?? '',
    ARGOCD_APP_SOURCE_TARGET_REVISION: src.targetRevision ?? '',
  };
  const env = { ...base };
  // `$VAR` / `${VAR}` in a plugin env value expand from the Argo variables above.
  const expand = (v: string) => v.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => base[(a ?? b)!] ?? '');
  for (const e of plugin.env) env[`ARGOCD_ENV_${e.name}`] = expand(e.value);
  env.ARGOCD_APP_PARAMETERS = JSON.stringify(plugin.parameters);
  const escaped = (n: string) => n.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  for (const p of plugin.parameters) {
    const name = `PARAM_${escaped(String(p.name ?? ''))}`;
    if (typeof p.string === 'string') env[name] = p.string;
    if (p.map && typeof p.map === 'object') for (const [k, v] of Object.entries(p.map)) env[`${name}_${escaped(k)}`] = String(v);
    if (Array.isArray(p.array)) p.array.forEach((v, i) => (env[`${name}_${i}`] = String(v)));
  }
  return env;
}
