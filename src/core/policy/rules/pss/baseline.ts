// Pod Security Standards, baseline level: k8s.io/pod-security-admission v0.37
// policy/check_*.go, control by control (ids, versions and allowed values as there).
import { asArr, dig, isObj } from '../podspec';
import { containerLabel, fail, inUserNamespace, isSet, quoteOne, type CheckPod, type Control, type FieldViolation, type PodView } from './control';

const one = (check: CheckPod): Control['versions'] => [{ min: 0, check }];

const hostNamespaces: Control = {
  id: 'hostNamespaces', level: 'baseline',
  versions: one((pod) => fail('host namespaces', ['hostNetwork', 'hostPID', 'hostIPC']
    .filter((k) => pod.spec[k] === true)
    .map((k) => ({ ruleId: 'host-namespaces', path: [...pod.ref.path, k], detail: `${k}=true` })))),
};

const privileged: Control = {
  id: 'privileged', level: 'baseline',
  versions: one((pod) => fail('privileged', pod.containers
    .filter((c) => c.sc.privileged === true)
    .map((c) => ({ ruleId: 'privileged', path: [...c.scPath, 'privileged'], detail: `${containerLabel(c)} must not set securityContext.privileged=true` })))),
};

export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Capabilities are compared exactly, as Kubernetes does: `chown` and `CAP_CHOWN` are not `CHOWN`. */
const capabilitiesBaseline: Control = {
  id: 'capabilities_baseline', level: 'baseline',
  versions: one((pod) => {
    const fields: FieldViolation[] = [];
    for (const c of pod.containers) {
      asArr(dig(c.sc, ['capabilities', 'add'])).forEach((cap, i) => {
        if (!BASELINE_CAPABILITIES.has(String(cap))) fields.push({ ruleId: 'dangerous-capabilities', path: [...c.scPath, 'capabilities', 'add', i], detail: `${containerLabel(c)} must not include ${quoteOne(String(cap))} in securityContext.capabilities.add` });
      });
    }
    return fail('non-default capabilities', fields);
  }),
};

const hostPathVolumes: Control = {
  id: 'hostPathVolumes', level: 'baseline',
  versions: one((pod) => {
    const fields: FieldViolation[] = [];
    asArr(pod.spec.volumes).forEach((v, i) => {
      if (isObj(v) && isSet(v.hostPath)) fields.push({ ruleId: 'host-path', path: [...pod.ref.path, 'volumes', i, 'hostPath'], detail: `volume ${quoteOne(String(v.name ?? ''))} is a hostPath volume` });
    });
    return fail('hostPath volumes', fields);
  }),
};

/**
 * For a Pod (not a template) with hostNetwork, the API server defaults each container
 * port's hostPort to its containerPort before admission, so those ports count too.
 */
const hostPorts: Control = {
  id: 'hostPorts', level: 'baseline',
  versions: one((pod) => {
    const fields: FieldViolation[] = [];
    const defaulted = pod.ref.isPod && pod.spec.hostNetwork === true;
    for (const c of pod.containers) {
      asArr(c.ref.container.ports).forEach((p, i) => {
        if (!isObj(p)) return;
        const explicit = isSet(p.hostPort) && p.hostPort !== 0;
        if (explicit) fields.push({ ruleId: 'host-port', path: [...c.ref.path, 'ports', i, 'hostPort'], detail: `${containerLabel(c)} uses hostPort ${String(p.hostPort)}` });
        else if (defaulted && c.ref.list !== 'ephemeralContainers' && isSet(p.containerPort) && p.containerPort !== 0) {
          fields.push({ ruleId: 'host-port', path: [...c.ref.path, 'ports', i, 'containerPort'], detail: `${containerLabel(c)} uses hostPort ${String(p.containerPort)} (with hostNetwork the API server sets hostPort to containerPort)` });
        }
      });
    }
    return fail('hostPort', fields);
  }),
};

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
const allowedAppArmorAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

const appArmorProfile: Control = {
  id: 'appArmorProfile', level: 'baseline',
  versions: one((pod) => {
    const fields: FieldViolation[] = [];
    const values = new Set<string>();
    const profileType = (sc: Record<string, unknown>) => (isObj(sc.appArmorProfile) ? sc.appArmorProfile.type : undefined);
    if (isSet(pod.sc.appArmorProfile) && !allowedAppArmorType(profileType(pod.sc))) {
      const t = String(profileType(pod.sc) ?? '');
      values.add(t);
      fields.push({ ruleId: 'apparmor-profile', path: [...pod.ref.path, 'securityContext', 'appArmorProfile', 'type'], detail: `pod must not set AppArmor profile type to ${quoteOne(t)}` });
    }
    for (const c of pod.containers) {
      if (!isSet(c.sc.appArmorProfile) || allowedAppArmorType(profileType(c.sc))) continue;
      const t = String(profileType(c.sc) ?? '');
      values.add(t);
      fields.push({ ruleId: 'apparmor-profile', path: [...c.scPath, 'appArmorProfile', 'type'], detail: `${containerLabel(c)} must not set AppArmor profile type to ${quoteOne(t)}` });
    }
    for (const [k, v] of Object.entries(pod.annotations)) {
      if (!k.startsWith(APPARMOR_ANNOTATION) || allowedAppArmorAnnotation(String(v ?? ''))) continue;
      values.add(`${k}=${quoteOne(String(v))}`);
      fields.push({ ruleId: 'apparmor-profile', path: [...pod.ref.metaPath, 'annotations', k], detail: `annotation ${k}=${quoteOne(String(v))} is forbidden` });
    }
    return fail(values.size === 1 ? 'forbidden AppArmor profile' : 'forbidden AppArmor profiles', fields);
  }),
};

const seLinuxTypes = (extra: string[]) => new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', ...extra]);
function seLinuxCheck(allowed: ReadonlySet<string>): CheckPod {
  return (pod) => {
    const fields: FieldViolation[] = [];
    const check = (opts: unknown, path: (string | number)[], who: string) => {
      if (!isObj(opts)) return;
      const type = String(opts.type ?? '');
      if (!allowed.has(type)) fields.push({ ruleId: 'selinux-options', path: [...path, 'type'], detail: `${who} sets forbidden seLinuxOptions type ${quoteOne(type)}` });
      if (String(opts.user ?? '') !== '') fields.push({ ruleId: 'selinux-options', path: [...path, 'user'], detail: `${who} sets seLinuxOptions.user, which may not be set` });
      if (String(opts.role ?? '') !== '') fields.push({ ruleId: 'selinux-options', path: [...path, 'role'], detail: `${who} sets seLinuxOptions.role, which may not be set` });
    };
    check(pod.sc.seLinuxOptions, [...pod.ref.path, 'securityContext', 'seLinuxOptions'], 'pod');
    for (const c of pod.containers) check(c.sc.seLinuxOptions, [...c.scPath, 'seLinuxOptions'], containerLabel(c));
    return fail('seLinuxOptions', fields);
  };
}
const seLinuxOptions: Control = {
  id: 'seLinuxOptions', level: 'baseline',
  versions: [{ min: 0, check: seLinuxCheck(seLinuxTypes([])) }, { min: 31, check: seLinuxCheck(seLinuxTypes(['container_engine_t'])) }],
};

/** Any procMount other than Default (the admission library's procMount_1_0). */
export const procMountUnmasked: CheckPod = (pod) => fail('procMount', pod.containers
  .filter((c) => isSet(c.sc.procMount) && c.sc.procMount !== 'Default')
  .map((c) => ({ ruleId: 'unsafe-proc-mount', path: [...c.scPath, 'procMount'], detail: `${containerLabel(c)} must not set securityContext.procMount to ${quoteOne(String(c.sc.procMount))}` })));

const procMount: Control = {
  id: 'procMount', level: 'baseline',
  versions: [{ min: 0, check: procMountUnmasked }, { min: 35, check: (pod) => (inUserNamespace(pod) ? undefined : procMountUnmasked(pod)) }],
};

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';
const validSeccompAnnotation = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
export const validSeccompType = (t: unknown) => t === 'Localhost' || t === 'RuntimeDefault';

/** Before v1.19 the seccomp profile lived in (alpha) annotations. */
const seccompAnnotations: CheckPod = (pod) => {
  const fields: FieldViolation[] = [];
  const check = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(pod.annotations, key)) return;
    const v = String(pod.annotations[key] ?? '');
    if (!validSeccompAnnotation(v)) fields.push({ ruleId: 'seccomp-unconfined', path: [...pod.ref.metaPath, 'annotations', key], detail: `forbidden annotation ${key}=${quoteOne(v)}` });
  };
  check(SECCOMP_POD_ANNOTATION);
  for (const c of pod.containers) check(SECCOMP_CONTAINER_ANNOTATION + c.name);
  return fail('seccompProfile', fields);
};

/** Fields that explicitly set a seccomp type other than RuntimeDefault or Localhost (shared with restricted). */
export function explicitlyBadSeccomp(pod: PodView): FieldViolation[] {
  const fields: FieldViolation[] = [];
  const type = (sc: Record<string, unknown>) => (isObj(sc.seccompProfile) ? sc.seccompProfile.type : undefined);
  if (isSet(pod.sc.seccompProfile) && !validSeccompType(type(pod.sc))) {
    fields.push({ ruleId: 'seccomp-unconfined', path: [...pod.ref.path, 'securityContext', 'seccompProfile', 'type'], detail: `pod must not set securityContext.seccompProfile.type to ${quoteOne(String(type(pod.sc) ?? ''))}` });
  }
  for (const c of pod.containers) {
    if (isSet(c.sc.seccompProfile) && !validSeccompType(type(c.sc))) {
      fields.push({ ruleId: 'seccomp-unconfined', path: [...c.scPath, 'seccompProfile', 'type'], detail: `${containerLabel(c)} must not set securityContext.seccompProfile.type to ${quoteOne(String(type(c.sc) ?? ''))}` });
    }
  }
  return fields;
}

export const SECCOMP_BASELINE_ID = 'seccompProfile_baseline';
const seccompProfileBaseline: Control = {
  id: SECCOMP_BASELINE_ID, level: 'baseline',
  versions: [{ min: 0, check: seccompAnnotations }, { min: 19, check: (pod) => fail('seccompProfile', explicitlyBadSeccomp(pod)) }],
};

// The safe sysctls grow by version (policy/check_sysctls.go).
const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];
function sysctlCheck(minor: number, names: string[]): { min: number; check: CheckPod } {
  const allowed = new Set(names);
  return {
    min: minor,
    check: (pod) => {
      const fields: FieldViolation[] = [];
      asArr(pod.sc.sysctls).forEach((s, i) => {
        const name = isObj(s) ? String(s.name ?? '') : '';
        if (!allowed.has(name)) fields.push({ ruleId: 'unsafe-sysctls', path: [...pod.ref.path, 'securityContext', 'sysctls', i, 'name'], detail: `sysctl ${name} is not in the safe set` });
      });
      return fail('forbidden sysctls', fields);
    },
  };
}
const sysctls: Control = {
  id: 'sysctls', level: 'baseline',
  versions: [sysctlCheck(0, SYSCTLS_1_0), sysctlCheck(27, SYSCTLS_1_27), sysctlCheck(29, SYSCTLS_1_29), sysctlCheck(32, SYSCTLS_1_32), sysctlCheck(37, SYSCTLS_1_37)],
};

const windowsHostProcess: Control = {
  id: 'windowsHostProcess', level: 'baseline',
  versions: one((pod) => {
    const fields: FieldViolation[] = [];
    if (dig(pod.sc, ['windowsOptions', 'hostProcess']) === true) fields.push({ ruleId: 'host-process', path: [...pod.ref.path, 'securityContext', 'windowsOptions', 'hostProcess'], detail: 'pod must not set securityContext.windowsOptions.hostProcess=true' });
    for (const c of pod.containers) {
      if (dig(c.sc, ['windowsOptions', 'hostProcess']) === true) fields.push({ ruleId: 'host-process', path: [...c.scPath, 'windowsOptions', 'hostProcess'], detail: `${containerLabel(c)} must not set securityContext.windowsOptions.hostProcess=true` });
    }
    return fail('hostProcess', fields);
  }),
};

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HANDLERS = ['httpGet', 'tcpSocket'];
const hostProbesAndHostLifecycle: Control = {
  id: 'hostProbesAndHostLifecycle', level: 'baseline',
  versions: [{
    min: 34,
    check: (pod) => {
      const fields: FieldViolation[] = [];
      for (const c of pod.containers) {
        const ct = c.ref.container;
        const where = [...PROBES.map((p) => [p]), ['lifecycle', 'postStart'], ['lifecycle', 'preStop']];
        for (const w of where) {
          for (const h of HANDLERS) {
            const host = dig(ct, [...w, h, 'host']);
            if (isSet(host) && host !== '') fields.push({ ruleId: 'probe-host', path: [...c.ref.path, ...w, h, 'host'], detail: `${containerLabel(c)} uses probe or lifecycle host ${quoteOne(String(host))}` });
          }
        }
      }
      return fail('probe or lifecycle host', fields);
    },
  }],
};

export const HOST_PATH_VOLUMES_ID = hostPathVolumes.id;
export const CAPABILITIES_BASELINE_ID = capabilitiesBaseline.id;
export const PROC_MOUNT_ID = procMount.id;

export const BASELINE_CONTROLS: readonly Control[] = [
  hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmorProfile,
  seLinuxOptions, procMount, seccompProfileBaseline, sysctls, windowsHostProcess, hostProbesAndHostLifecycle,
];
