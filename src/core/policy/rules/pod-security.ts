import type { KubeObject } from '../../manifest';
import type { RawFinding } from '../types';
import { asArr, containerName, containersOf, dig, isObj, podSpecOf, type Obj } from './podspec';

// Pod Security Standards, baseline profile.
const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SENSITIVE_PATHS = ['/', '/etc', '/proc', '/sys', '/boot', '/root', '/var/run', '/run', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/var/log', '/dev'];
const RUNTIME_SOCKETS = /(docker|containerd|crio|cri-dockerd|podman)\.sock$/;

/** Security rules on the pod spec and its containers. */
export function checkPodSecurity(obj: KubeObject): RawFinding[] {
  const ps = podSpecOf(obj);
  if (!ps) return [];
  const out: RawFinding[] = [];
  const p = ps.path;
  const spec = ps.spec;
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[ns] === true) out.push({ ruleId: 'host-namespaces', path: [...p, ns], message: `${ns}: true shares the node's namespace with the pod; remove ${ns} or set it to false` });
  }
  const podSc = isObj(spec.securityContext) ? spec.securityContext : {};
  if (dig(podSc, ['windowsOptions', 'hostProcess']) === true) out.push({ ruleId: 'host-process', path: [...p, 'securityContext', 'windowsOptions', 'hostProcess'], message: 'hostProcess: true runs the pod as a Windows host process; remove it' });
  asArr(podSc.sysctls).forEach((s, i) => {
    const name = isObj(s) ? s.name : undefined;
    if (typeof name === 'string' && !SAFE_SYSCTLS.has(name)) out.push({ ruleId: 'unsafe-sysctls', path: [...p, 'securityContext', 'sysctls', i, 'name'], message: `sysctl ${name} is not in the safe set; remove it or allow it on the node (--allowed-unsafe-sysctls)` });
  });
  asArr(spec.volumes).forEach((v, i) => {
    if (!isObj(v) || !isObj(v.hostPath)) return;
    const hp = String(v.hostPath.path ?? '');
    const norm = hp.length > 1 ? hp.replace(/\/+$/, '') : hp;
    if (RUNTIME_SOCKETS.test(norm) || SENSITIVE_PATHS.includes(norm)) out.push({ ruleId: 'sensitive-host-mount', path: [...p, 'volumes', i, 'hostPath', 'path'], message: `hostPath ${hp} gives the pod control over the node; do not mount it` });
    out.push({ ruleId: 'host-path', path: [...p, 'volumes', i, 'hostPath'], message: `volume "${String(v.name ?? i)}" mounts hostPath ${hp}; use a PersistentVolumeClaim, emptyDir or configMap instead` });
  });
  const podSeccomp = dig(podSc, ['seccompProfile', 'type']);
  const podNonRoot = podSc.runAsNonRoot === true;
  if (podSc.runAsUser === 0) out.push({ ruleId: 'run-as-non-root', path: [...p, 'securityContext', 'runAsUser'], message: 'runAsUser: 0 runs as root; use a non-zero user id' });
  for (const c of containersOf(ps)) {
    const sc: Obj = isObj(c.container.securityContext) ? c.container.securityContext : {};
    const scPath = [...c.path, 'securityContext'];
    const who = containerName(c);
    if (sc.privileged === true) out.push({ ruleId: 'privileged', path: [...scPath, 'privileged'], message: `${who} is privileged; remove privileged: true` });
    if (dig(sc, ['windowsOptions', 'hostProcess']) === true) out.push({ ruleId: 'host-process', path: [...scPath, 'windowsOptions', 'hostProcess'], message: `${who} is a Windows host process; remove hostProcess: true` });
    if (sc.procMount === 'Unmasked') out.push({ ruleId: 'unsafe-proc-mount', path: [...scPath, 'procMount'], message: `${who} has procMount: Unmasked; use Default` });
    const caps = isObj(sc.capabilities) ? sc.capabilities : {};
    asArr(caps.add).forEach((cap, i) => {
      const name = String(cap).toUpperCase().replace(/^CAP_/, '');
      if (!BASELINE_CAPS.has(name)) out.push({ ruleId: 'dangerous-capabilities', path: [...scPath, 'capabilities', 'add', i], message: `${who} adds capability ${String(cap)}, outside the Pod Security baseline; remove it` });
    });
    const drop = asArr(caps.drop).map((d) => String(d).toUpperCase());
    if (!drop.includes('ALL')) {
      out.push({ ruleId: 'drop-capabilities', path: [...scPath, 'capabilities', 'drop'], message: `${who} does not drop ALL capabilities; set securityContext.capabilities.drop: [ALL]`, set: { path: [...scPath, 'capabilities', 'drop'], value: ['ALL'], title: 'Drop ALL capabilities' } });
    }
    if (c.list === 'ephemeralContainers') continue;
    if (sc.allowPrivilegeEscalation !== false && sc.privileged !== true) {
      out.push({ ruleId: 'privilege-escalation', path: [...scPath, 'allowPrivilegeEscalation'], message: `${who} allows privilege escalation; set securityContext.allowPrivilegeEscalation: false`, set: { path: [...scPath, 'allowPrivilegeEscalation'], value: false, title: 'Set allowPrivilegeEscalation: false' } });
    }
    if (sc.runAsUser === 0) out.push({ ruleId: 'run-as-non-root', path: [...scPath, 'runAsUser'], message: `${who} runs as user 0; use a non-zero runAsUser` });
    else if (sc.runAsNonRoot !== true && !(podNonRoot && sc.runAsNonRoot === undefined)) {
      out.push({ ruleId: 'run-as-non-root', path: [...scPath, 'runAsNonRoot'], message: `${who} may run as root; set securityContext.runAsNonRoot: true`, set: { path: [...scPath, 'runAsNonRoot'], value: true, title: 'Set runAsNonRoot: true' } });
    }
    const cSeccomp = dig(sc, ['seccompProfile', 'type']) ?? podSeccomp;
    if (cSeccomp !== 'RuntimeDefault' && cSeccomp !== 'Localhost') {
      out.push({ ruleId: 'seccomp', path: [...scPath, 'seccompProfile', 'type'], message: `${who} has no RuntimeDefault or Localhost seccomp profile; set securityContext.seccompProfile.type: RuntimeDefault`, set: { path: [...scPath, 'seccompProfile', 'type'], value: 'RuntimeDefault', title: 'Set seccompProfile.type: RuntimeDefault' } });
    }
    if (sc.readOnlyRootFilesystem !== true) {
      out.push({ ruleId: 'read-only-root-fs', path: [...scPath, 'readOnlyRootFilesystem'], message: `${who} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true`, set: { path: [...scPath, 'readOnlyRootFilesystem'], value: true, title: 'Set readOnlyRootFilesystem: true' } });
    }
  }
  return out;
}
