import type { RepoSnapshot } from '../repo';
import { obj, str } from './declare';
import type { RepoConfig } from './config';
import type { GitOpsApp } from './types';

/**
 * `kustomize.buildOptions` of an `argocd-cm` ConfigMap kept in the repository (Argo CD managing
 * itself), the options Argo CD passes to every `kustomize build`.
 */
export function argoKustomizeBuildOptions(repo: RepoSnapshot): string | undefined {
  for (const file of repo.files) {
    for (const doc of file.documents) {
      if (doc.kind !== 'resource' || doc.id?.kind !== 'ConfigMap' || doc.id.group !== '' || doc.id.name !== 'argocd-cm') continue;
      const v = str(obj(doc.object?.data)['kustomize.buildOptions']);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/**
 * `--enable-helm` for kustomize sources where it applies: Argo CD apps when argocd-cm (or
 * gitops-lens.yaml) says so, plain kustomize apps when gitops-lens.yaml says so. Flux's
 * kustomize-controller never inflates helmCharts, so Flux apps are left alone.
 */
export function applyKustomizeBuildOptions(apps: GitOpsApp[], repo: RepoSnapshot, config: RepoConfig): void {
  const enables = (o: string | undefined) => !!o && /(^|\s)--enable-helm(\s|=true|$)/.test(o);
  const forArgo = enables(config.kustomizeBuildOptions) || enables(argoKustomizeBuildOptions(repo));
  const forPlain = enables(config.kustomizeBuildOptions);
  for (const app of apps) {
    const on = app.kind === 'argo-application' ? forArgo : app.kind === 'kustomize' || app.kind === 'directory' ? forPlain : false;
    if (!on) continue;
    for (const s of app.sources) if (s.renderer === 'kustomize') s.kustomize = { images: [], ...s.kustomize, enableHelm: true };
  }
}
