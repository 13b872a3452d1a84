/** Paths of external programs. Settings name them; the defaults are looked up on PATH. */
export interface Toolchain {
  kustomize?: string;
  helm?: string;
  kubectl?: string;
  jsonnet?: string;
  timeoutMs?: number;
  /** Folder for fetched charts and clones (default: `$GITOPS_LENS_CACHE` or ~/.cache/gitops-lens). */
  cacheDir?: string;
  /**
   * The user's environment for programs that fetch (helm pull, git clone): their helm
   * repository and registry configuration and git credentials are used, never stored by us.
   */
  env?: NodeJS.ProcessEnv;
  /** Config management plugin name → command (argv) that renders it; from user settings only. */
  plugins?: Record<string, string[]>;
  /**
   * Time (ms since the epoch) of the user's last refresh request: remote sources that can
   * move (charts by range or newest, branches and tags) fetched before it are fetched again.
   * Unset: whatever is cached is used, offline.
   */
  refresh?: number;
  /** False in an untrusted workspace: nothing is executed, only plain folders render. */
  trusted: boolean;
  /** How the caller's user names each program's path, for "not found" errors (default: put it on PATH). */
  hints?: ToolHints;
}

export type ToolName = 'kustomize' | 'helm' | 'kubectl' | 'jsonnet' | 'plugins';
/**
 * The end of "<program> was not found. Install it or …" (for plugins: of "map it to a command …"):
 * a VS Code setting in the editor, an environment variable in a terminal.
 */
export type ToolHints = Record<ToolName, string>;

export const CLI_TOOL_HINTS: ToolHints = {
  kustomize: 'set GITOPS_LENS_KUSTOMIZE to its path', helm: 'set GITOPS_LENS_HELM to its path', kubectl: 'set GITOPS_LENS_KUBECTL to its path', jsonnet: 'set GITOPS_LENS_JSONNET to its path',
  plugins: 'with --plugin \'NAME=program arg\' or GITOPS_LENS_PLUGINS=\'{"NAME": ["program", "arg"]}\'',
};
export const EDITOR_TOOL_HINTS: ToolHints = {
  kustomize: 'set "gitopsLens.kustomizePath" to its path', helm: 'set "gitopsLens.helmPath" to its path', kubectl: 'set "gitopsLens.kubectlPath" to its path', jsonnet: 'set "gitopsLens.jsonnetPath" to its path',
  plugins: 'in the "gitopsLens.plugins" setting',
};
/** When the caller did not say who reads the message. */
const NEUTRAL_HINTS: ToolHints = { kustomize: 'put it on PATH', helm: 'put it on PATH', kubectl: 'put it on PATH', jsonnet: 'put it on PATH', plugins: 'in the "gitopsLens.plugins" setting (CLI: GITOPS_LENS_PLUGINS)' };

/** The hint for a missing program, as the caller's user would act on it. */
export function toolHint(tools: Toolchain, tool: ToolName): string {
  return (tools.hints ?? NEUTRAL_HINTS)[tool];
}

/** Toolchain from the environment, for the CLI and tests; "not found" errors name the environment variables. */
export function toolchainFromEnv(env: NodeJS.ProcessEnv): Toolchain {
  return {
    kustomize: env.GITOPS_LENS_KUSTOMIZE ?? env.GITOPS_LENS_TOOL_KUSTOMIZE,
    helm: env.GITOPS_LENS_HELM ?? env.GITOPS_LENS_TOOL_HELM,
    kubectl: env.GITOPS_LENS_KUBECTL,
    jsonnet: env.GITOPS_LENS_JSONNET ?? env.GITOPS_LENS_TOOL_JSONNET,
    env,
    plugins: pluginsFromEnv(env.GITOPS_LENS_PLUGINS),
    refresh: env.GITOPS_LENS_REFRESH && Number.isFinite(Number(env.GITOPS_LENS_REFRESH)) ? Number(env.GITOPS_LENS_REFRESH) : undefined,
    trusted: true,
    hints: CLI_TOOL_HINTS,
  };
}

/**
 * `GITOPS_LENS_PLUGINS`: a JSON object mapping a config management plugin name to the command
 * that renders it, e.g. `{"kustomize-build-with-helm": ["kustomize", "build", "--enable-helm", "."]}`.
 * Anything else is ignored (a plugin without a command is reported, not guessed).
 */
export function pluginsFromEnv(text: string | undefined): Record<string, string[]> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    return pluginCommands(v as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/** Keeps the entries whose command is a non-empty array of strings. */
export function pluginCommands(v: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, cmd] of Object.entries(v)) {
    if (Array.isArray(cmd) && cmd.length > 0 && cmd.every((x) => typeof x === 'string')) out[name] = cmd as string[];
  }
  return out;
}
