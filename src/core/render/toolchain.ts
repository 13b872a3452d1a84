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
}

export const TOOL_SETTINGS = { kustomize: 'gitopsLens.kustomizePath', helm: 'gitopsLens.helmPath', kubectl: 'gitopsLens.kubectlPath', jsonnet: 'gitopsLens.jsonnetPath', plugins: 'gitopsLens.plugins' } as const;

/** Toolchain from the environment, for the CLI and tests. */
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
