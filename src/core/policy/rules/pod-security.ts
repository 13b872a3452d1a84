import type { KubeObject } from '../../manifest';
import type { Preset, RawFinding } from '../types';
import { asArr, containerName, containersOf, isObj, podSpecOf, type Obj } from './podspec';
import { evaluatePodSecurity, type PssLevel, type PssViolation } from './pss/evaluate';

const SENSITIVE_PATHS = ['/', '/etc', '/proc', '/sys', '/boot', '/root', '/var/run', '/run', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/var/log', '/dev'];
const RUNTIME_SOCKETS = /(docker|containerd|crio|cri-dockerd|podman)\.sock$/;

export interface PodSecurityOptions {
  preset: Preset;
  /** Kubernetes minor version whose Pod Security Standards apply (already clamped to the newest known). */
  minor: number;
}

/**
 * Pod Security Standards exactly as the admission controller checks them, plus the
 * security rules Kubernetes does not enforce (sensitive host mounts, read-only root).
 * Under `restricted` the pod is evaluated at the restricted level; otherwise at baseline,
 * and the restricted-only failures are added capped at warning, so under `baseline` the
 * errors are exactly what a baseline namespace rejects.
 */
export function checkPodSecurity(obj: KubeObject, opts: PodSecurityOptions): RawFinding[] {
  const ps = podSpecOf(obj);
  if (!ps) return [];
  const out: RawFinding[] = [];
  const version = `v1.${opts.minor}`;
  const push = (v: PssViolation, level: PssLevel, capped: boolean) => out.push({
    ruleId: v.ruleId, path: v.path, set: v.set,
    message: `${v.reason}: ${v.detail} (Pod Security ${level}:${version})`,
    ...(capped ? { maxSeverity: 'warning' as const } : {}),
  });
  if (opts.preset === 'restricted') {
    for (const v of evaluatePodSecurity(ps, 'restricted', opts.minor)) push(v, 'restricted', false);
  } else {
    const baseline = evaluatePodSecurity(ps, 'baseline', opts.minor);
    const seen = new Set(baseline.map((v) => v.path.join('\u0000')));
    for (const v of baseline) push(v, 'baseline', false);
    for (const v of evaluatePodSecurity(ps, 'restricted', opts.minor)) if (!seen.has(v.path.join('\u0000'))) push(v, 'restricted', true);
  }
  asArr(ps.spec.volumes).forEach((v, i) => {
    if (!isObj(v) || !isObj(v.hostPath)) return;
    const hp = String(v.hostPath.path ?? '');
    const norm = hp.length > 1 ? hp.replace(/\/+$/, '') : hp;
    if (RUNTIME_SOCKETS.test(norm) || SENSITIVE_PATHS.includes(norm)) out.push({ ruleId: 'sensitive-host-mount', path: [...ps.path, 'volumes', i, 'hostPath', 'path'], message: `hostPath ${hp} gives the pod control over the node; do not mount it` });
  });
  // Windows pods cannot set readOnlyRootFilesystem (the API server rejects it).
  const windows = isObj(ps.spec.os) && ps.spec.os.name === 'windows';
  for (const c of containersOf(ps)) {
    if (windows || c.list === 'ephemeralContainers') continue;
    const sc: Obj = isObj(c.container.securityContext) ? c.container.securityContext : {};
    const path = [...c.path, 'securityContext', 'readOnlyRootFilesystem'];
    if (sc.readOnlyRootFilesystem !== true) {
      out.push({ ruleId: 'read-only-root-fs', path, message: `${containerName(c)} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true`, set: { path, value: true, title: 'Set readOnlyRootFilesystem: true' } });
    }
  }
  return out;
}
