/** Paths of external programs. Settings name them; the defaults are looked up on PATH. */
export interface Toolchain {
  kustomize?: string;
  helm?: string;
  kubectl?: string;
  timeoutMs?: number;
  /** False in an untrusted workspace: nothing is executed, only plain folders render. */
  trusted: boolean;
}

export const TOOL_SETTINGS = { kustomize: 'gitopsLens.kustomizePath', helm: 'gitopsLens.helmPath', kubectl: 'gitopsLens.kubectlPath' } as const;

/** Toolchain from the environment, for the CLI and tests. */
export function toolchainFromEnv(env: NodeJS.ProcessEnv): Toolchain {
  return {
    kustomize: env.GITOPS_LENS_KUSTOMIZE ?? env.GITOPS_LENS_TOOL_KUSTOMIZE,
    helm: env.GITOPS_LENS_HELM ?? env.GITOPS_LENS_TOOL_HELM,
    kubectl: env.GITOPS_LENS_KUBECTL,
    trusted: true,
  };
}
