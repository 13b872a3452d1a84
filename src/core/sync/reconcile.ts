import type { GitOpsApp } from '../apps/types';
import type { ClusterClient } from '../cluster';
import { apiVersionOf, type KubeObject, type ResourceId } from '../manifest';

export const FLUX_RECONCILE_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';
export const ARGO_REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';
const RECONCILE_MANAGER = 'gitops-lens-reconcile';

export interface ReconcileRequest {
  ok: boolean;
  message: string;
  /** The controller object that was annotated. */
  target?: ResourceId;
  annotation?: { key: string; value: string };
}

/** The app object the controller watches in the cluster (Argo CD Application, Flux Kustomization/HelmRelease). */
export function controllerObjectOf(app: GitOpsApp): ResourceId | undefined {
  if (app.kind === 'argo-application') return { group: 'argoproj.io', version: '', kind: 'Application', namespace: app.namespace ?? 'argocd', name: app.name };
  if (app.kind === 'flux-kustomization') return { group: 'kustomize.toolkit.fluxcd.io', version: '', kind: 'Kustomization', namespace: app.namespace ?? 'flux-system', name: app.name };
  if (app.kind === 'flux-helmrelease') return { group: 'helm.toolkit.fluxcd.io', version: '', kind: 'HelmRelease', namespace: app.namespace ?? 'flux-system', name: app.name };
  return undefined;
}

/**
 * Asks the controller that owns the app to reconcile now, as `flux reconcile` and
 * `argocd app get --refresh` do: one annotation on its object, written with server-side
 * apply under a manager of its own so nothing else of the object changes.
 * `context` picks the cluster where the controller runs, when that differs from the app's.
 */
export async function requestReconcile(app: GitOpsApp, client: ClusterClient, opts: { hard?: boolean; now?: Date; signal?: AbortSignal } = {}): Promise<ReconcileRequest> {
  const target = controllerObjectOf(app);
  if (!target) return { ok: false, message: `${app.id} is not reconciled by a controller (it is a plain ${app.kind} app); sync it instead` };
  let live: KubeObject | null;
  try {
    live = await client.get(target, { signal: opts.signal });
  } catch (e) {
    return { ok: false, target, message: `cannot read ${target.kind} ${target.namespace}/${target.name} in context "${client.context}": ${(e as Error).message}` };
  }
  if (!live) return { ok: false, target, message: `${target.kind} ${target.namespace}/${target.name} does not exist in context "${client.context}": the controller does not know this app there` };
  const key = app.kind === 'argo-application' ? ARGO_REFRESH_ANNOTATION : FLUX_RECONCILE_ANNOTATION;
  const value = app.kind === 'argo-application' ? (opts.hard ? 'hard' : 'normal') : (opts.now ?? new Date()).toISOString();
  const patch: KubeObject = { apiVersion: live.apiVersion ?? apiVersionOf({ group: target.group, version: 'v1' }), kind: target.kind, metadata: { name: target.name, namespace: target.namespace, annotations: { [key]: value } } };
  try {
    await client.apply(patch, { fieldManager: RECONCILE_MANAGER, force: true, signal: opts.signal });
  } catch (e) {
    return { ok: false, target, message: `cannot annotate ${target.kind} ${target.namespace}/${target.name}: ${(e as Error).message}` };
  }
  return { ok: true, target, annotation: { key, value }, message: `asked ${app.kind === 'argo-application' ? 'Argo CD' : 'Flux'} to reconcile ${target.kind} ${target.namespace}/${target.name} (${key}=${value})` };
}
