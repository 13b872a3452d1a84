// Generated pods for the Pod Security agreement test: a restricted-compliant base pod and,
// per control of k8s.io/pod-security-admission, mutations that flip each field between
// allowed and forbidden values (every one a valid pod, so the API server judges it by Pod
// Security admission and not by validation), plus seeded pairs of mutations.
type Obj = Record<string, any>;

export interface PodCase {
  name: string;
  pod: Obj;
  /** Only as a Pod (not wrapped into a Deployment/CronJob): ephemeral containers, defaulting probes. */
  podOnly?: boolean;
  /** Ephemeral containers are added through the pods/ephemeralcontainers subresource of a live base pod. */
  ephemeral?: Obj[];
}

const IMAGE = 'registry.example.com/app:1.0';
const compliantSc = () => ({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });

export function basePod(opts: { init?: boolean } = {}): Obj {
  const spec: Obj = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: IMAGE, securityContext: compliantSc() }],
  };
  if (opts.init) spec.initContainers = [{ name: 'init', image: IMAGE, securityContext: compliantSc() }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}

type Mutation = { name: string; group: string; init?: boolean; apply: (p: Obj) => void; podOnly?: boolean; noCombine?: boolean };

const app = (p: Obj) => p.spec.containers[0];
const init = (p: Obj) => p.spec.initContainers[0];
const sc = (c: Obj) => (c.securityContext ??= {});
const podSc = (p: Obj) => (p.spec.securityContext ??= {});
const ann = (p: Obj) => (p.metadata.annotations ??= {});

function m(group: string, name: string, apply: (p: Obj) => void, extra: Partial<Mutation> = {}): Mutation {
  return { group, name: `${group}/${name}`, apply, ...extra };
}

/** Every container gets its own seccomp profile so the pod-level field (and its annotation twin) can go. */
function seccompPerContainer(p: Obj) {
  delete podSc(p).seccompProfile;
  for (const c of [...p.spec.containers, ...(p.spec.initContainers ?? [])]) sc(c).seccompProfile = { type: 'RuntimeDefault' };
}

const MUTATIONS: Mutation[] = [
  m('hostNamespaces', 'hostNetwork', (p) => { p.spec.hostNetwork = true; }),
  m('hostNamespaces', 'hostNetwork-false', (p) => { p.spec.hostNetwork = false; }),
  m('hostNamespaces', 'hostPID', (p) => { p.spec.hostPID = true; }),
  m('hostNamespaces', 'hostIPC', (p) => { p.spec.hostIPC = true; }),
  m('hostNamespaces', 'hostNetwork-with-port', (p) => { p.spec.hostNetwork = true; app(p).ports = [{ containerPort: 8080 }]; }),

  m('privileged', 'app', (p) => { sc(app(p)).privileged = true; sc(app(p)).allowPrivilegeEscalation = true; }),
  m('privileged', 'init', (p) => { sc(init(p)).privileged = true; sc(init(p)).allowPrivilegeEscalation = true; }, { init: true }),
  m('privileged', 'false', (p) => { sc(app(p)).privileged = false; }),

  m('capabilities', 'add-SYS_ADMIN', (p) => { sc(app(p)).capabilities.add = ['SYS_ADMIN']; }),
  m('capabilities', 'add-NET_RAW', (p) => { sc(app(p)).capabilities.add = ['NET_RAW']; }),
  m('capabilities', 'add-lowercase-chown', (p) => { sc(app(p)).capabilities.add = ['chown']; }),
  m('capabilities', 'add-CAP_CHOWN', (p) => { sc(app(p)).capabilities.add = ['CAP_CHOWN']; }),
  m('capabilities', 'add-CHOWN', (p) => { sc(app(p)).capabilities.add = ['CHOWN']; }),
  m('capabilities', 'add-NET_BIND_SERVICE', (p) => { sc(app(p)).capabilities.add = ['NET_BIND_SERVICE']; }),
  m('capabilities', 'add-AUDIT_WRITE-SYS_TIME', (p) => { sc(app(p)).capabilities.add = ['AUDIT_WRITE', 'SYS_TIME']; }),
  m('capabilities', 'drop-lowercase-all', (p) => { sc(app(p)).capabilities.drop = ['all']; }),
  m('capabilities', 'drop-NET_RAW', (p) => { sc(app(p)).capabilities.drop = ['NET_RAW']; }),
  m('capabilities', 'drop-empty', (p) => { sc(app(p)).capabilities.drop = []; }),
  m('capabilities', 'empty-object', (p) => { sc(app(p)).capabilities = {}; }),
  m('capabilities', 'unset', (p) => { delete sc(app(p)).capabilities; }),
  m('capabilities', 'init-add-SYS_ADMIN', (p) => { sc(init(p)).capabilities.add = ['SYS_ADMIN']; }, { init: true }),
  m('capabilities', 'no-securityContext', (p) => { delete app(p).securityContext; }),

  m('hostPath', 'volume', (p) => { p.spec.volumes = [{ name: 'data', hostPath: { path: '/data', type: 'DirectoryOrCreate' } }]; }),
  m('hostPort', 'set', (p) => { app(p).ports = [{ containerPort: 80, hostPort: 80 }]; }),
  m('hostPort', 'zero', (p) => { app(p).ports = [{ containerPort: 80, hostPort: 0 }]; }),
  m('hostPort', 'init', (p) => { init(p).ports = [{ containerPort: 81, hostPort: 81 }]; }, { init: true }),

  m('appArmor', 'pod-Unconfined', (p) => { podSc(p).appArmorProfile = { type: 'Unconfined' }; }),
  m('appArmor', 'pod-RuntimeDefault', (p) => { podSc(p).appArmorProfile = { type: 'RuntimeDefault' }; }),
  m('appArmor', 'pod-Localhost', (p) => { podSc(p).appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-apparmor-example' }; }),
  m('appArmor', 'app-Unconfined', (p) => { sc(app(p)).appArmorProfile = { type: 'Unconfined' }; }),
  m('appArmor', 'init-Unconfined', (p) => { sc(init(p)).appArmorProfile = { type: 'Unconfined' }; }, { init: true }),
  m('appArmor', 'annotation-unconfined', (p) => { ann(p)['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined'; }),
  m('appArmor', 'annotation-runtime-default', (p) => { ann(p)['container.apparmor.security.beta.kubernetes.io/app'] = 'runtime/default'; }),
  m('appArmor', 'annotation-localhost', (p) => { ann(p)['container.apparmor.security.beta.kubernetes.io/app'] = 'localhost/k8s-apparmor-example'; }),

  m('seLinux', 'pod-spc_t', (p) => { podSc(p).seLinuxOptions = { type: 'spc_t' }; }),
  m('seLinux', 'app-container_engine_t', (p) => { sc(app(p)).seLinuxOptions = { type: 'container_engine_t' }; }),
  m('seLinux', 'app-container_kvm_t', (p) => { sc(app(p)).seLinuxOptions = { type: 'container_kvm_t' }; }),
  m('seLinux', 'app-user', (p) => { sc(app(p)).seLinuxOptions = { user: 'system_u' }; }),
  m('seLinux', 'app-role', (p) => { sc(app(p)).seLinuxOptions = { role: 'system_r' }; }),
  m('seLinux', 'app-level-only', (p) => { sc(app(p)).seLinuxOptions = { level: 's0:c123,c456' }; }),
  m('seLinux', 'init-spc_t', (p) => { sc(init(p)).seLinuxOptions = { type: 'spc_t' }; }, { init: true }),

  // Unmasked needs a user namespace (validation), which excludes host namespaces.
  m('procMount', 'Unmasked-userns', (p) => { p.spec.hostUsers = false; sc(app(p)).procMount = 'Unmasked'; }, { noCombine: true }),
  m('procMount', 'init-Unmasked-userns', (p) => { p.spec.hostUsers = false; sc(init(p)).procMount = 'Unmasked'; }, { init: true, noCombine: true }),
  m('procMount', 'Default', (p) => { sc(app(p)).procMount = 'Default'; }),

  m('seccomp', 'pod-Unconfined', (p) => { podSc(p).seccompProfile = { type: 'Unconfined' }; }),
  m('seccomp', 'pod-Localhost', (p) => { podSc(p).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/audit.json' }; }),
  m('seccomp', 'app-Unconfined', (p) => { sc(app(p)).seccompProfile = { type: 'Unconfined' }; }),
  m('seccomp', 'init-Unconfined', (p) => { sc(init(p)).seccompProfile = { type: 'Unconfined' }; }, { init: true }),
  m('seccomp', 'pod-unset', (p) => { delete podSc(p).seccompProfile; }),
  m('seccomp', 'pod-unset-containers-set', seccompPerContainer, { init: true }),
  m('seccomp', 'pod-unset-only-app-set', (p) => { delete podSc(p).seccompProfile; sc(app(p)).seccompProfile = { type: 'RuntimeDefault' }; }, { init: true }),
  m('seccomp', 'annotation-pod-unconfined', (p) => { seccompPerContainer(p); ann(p)['seccomp.security.alpha.kubernetes.io/pod'] = 'unconfined'; }),
  m('seccomp', 'annotation-pod-docker-default', (p) => { seccompPerContainer(p); ann(p)['seccomp.security.alpha.kubernetes.io/pod'] = 'docker/default'; }),
  m('seccomp', 'annotation-app-unconfined', (p) => { seccompPerContainer(p); delete sc(app(p)).seccompProfile; ann(p)['container.seccomp.security.alpha.kubernetes.io/app'] = 'unconfined'; }),
  m('seccomp', 'annotation-app-localhost', (p) => { seccompPerContainer(p); delete sc(app(p)).seccompProfile; ann(p)['container.seccomp.security.alpha.kubernetes.io/app'] = 'localhost/profiles/audit.json'; }),

  ...[['kernel.shm_rmid_forced', '1'], ['net.ipv4.ip_local_reserved_ports', '30000-30100'], ['net.ipv4.tcp_keepalive_time', '600'],
    ['net.ipv4.tcp_fin_timeout', '30'], ['net.ipv4.tcp_rmem', '4096 87380 6291456'], ['net.ipv4.tcp_slow_start_after_idle', '0'],
    ['kernel.msgmax', '65536'], ['net.core.somaxconn', '1024']]
    .map(([name, value]) => m('sysctls', name, (p) => { podSc(p).sysctls = [{ name, value }]; }, { noCombine: true })),

  m('hostProcess', 'pod', (p) => { p.spec.hostNetwork = true; podSc(p).windowsOptions = { hostProcess: true }; }, { noCombine: true }),
  m('hostProcess', 'app', (p) => { p.spec.hostNetwork = true; sc(app(p)).windowsOptions = { hostProcess: true }; }, { noCombine: true }),

  m('probeHost', 'liveness-httpGet', (p) => { app(p).livenessProbe = { httpGet: { port: 8080, host: '10.0.0.1' } }; }),
  m('probeHost', 'readiness-tcpSocket', (p) => { app(p).readinessProbe = { tcpSocket: { port: 8080, host: 'db.example.com' } }; }),
  m('probeHost', 'startup-empty-host', (p) => { app(p).startupProbe = { httpGet: { port: 8080, host: '' } }; }),
  m('probeHost', 'liveness-no-host', (p) => { app(p).livenessProbe = { httpGet: { port: 8080, path: '/healthz' } }; }),
  m('probeHost', 'postStart-httpGet', (p) => { app(p).lifecycle = { postStart: { httpGet: { port: 8080, host: '10.0.0.2' } } }; }),
  m('probeHost', 'preStop-tcpSocket', (p) => { app(p).lifecycle = { preStop: { tcpSocket: { port: 8080, host: '10.0.0.3' } } }; }),

  m('allowPrivilegeEscalation', 'unset', (p) => { delete sc(app(p)).allowPrivilegeEscalation; }),
  m('allowPrivilegeEscalation', 'true', (p) => { sc(app(p)).allowPrivilegeEscalation = true; }),
  m('allowPrivilegeEscalation', 'init-unset', (p) => { delete sc(init(p)).allowPrivilegeEscalation; }, { init: true }),

  ...[['configMap', { name: 'cm' }], ['secret', { secretName: 's' }], ['emptyDir', {}], ['persistentVolumeClaim', { claimName: 'c' }],
    ['projected', { sources: [{ configMap: { name: 'cm' } }] }], ['downwardAPI', { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] }],
    ['csi', { driver: 'csi.example.com' }], ['ephemeral', { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } }],
    ['nfs', { server: 'nfs.example.com', path: '/exports' }], ['gitRepo', { repository: 'https://example.com/repo.git' }],
    ['cephfs', { monitors: ['10.0.0.9:6789'] }], ['iscsi', { targetPortal: '10.0.0.8:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 }]]
    .map(([type, src]) => m('volumes', type as string, (p) => { p.spec.volumes = [{ name: 'v', [type as string]: src }]; })),
  m('volumes', 'no-source', (p) => { p.spec.volumes = [{ name: 'v' }]; }),

  m('runAsNonRoot', 'pod-false', (p) => { podSc(p).runAsNonRoot = false; }),
  m('runAsNonRoot', 'pod-unset', (p) => { delete podSc(p).runAsNonRoot; }),
  m('runAsNonRoot', 'pod-unset-containers-true', (p) => { delete podSc(p).runAsNonRoot; for (const c of [...p.spec.containers, ...(p.spec.initContainers ?? [])]) sc(c).runAsNonRoot = true; }, { init: true }),
  m('runAsNonRoot', 'pod-unset-only-app-true', (p) => { delete podSc(p).runAsNonRoot; sc(app(p)).runAsNonRoot = true; }, { init: true }),
  m('runAsNonRoot', 'app-false', (p) => { sc(app(p)).runAsNonRoot = false; }),
  m('runAsNonRoot', 'userns-unset', (p) => { p.spec.hostUsers = false; delete podSc(p).runAsNonRoot; }, { noCombine: true }),

  m('runAsUser', 'pod-0', (p) => { podSc(p).runAsUser = 0; }),
  m('runAsUser', 'app-0', (p) => { sc(app(p)).runAsUser = 0; }),
  m('runAsUser', 'app-1000', (p) => { sc(app(p)).runAsUser = 1000; }),
  m('runAsUser', 'init-0', (p) => { sc(init(p)).runAsUser = 0; }, { init: true }),
];

/** A Windows pod may not set the Linux-only fields at all (validation). */
function windowsPod(extra: (p: Obj) => void): Obj {
  const p = basePod();
  p.spec.os = { name: 'windows' };
  p.spec.securityContext = { runAsNonRoot: true };
  delete app(p).securityContext;
  extra(p);
  return p;
}

const WINDOWS: PodCase[] = [
  { name: 'windows/base', pod: windowsPod(() => undefined) },
  { name: 'windows/runAsNonRoot-unset', pod: windowsPod((p) => { delete p.spec.securityContext.runAsNonRoot; }) },
  { name: 'windows/runAsUserName', pod: windowsPod((p) => { app(p).securityContext = { windowsOptions: { runAsUserName: 'ContainerUser' } }; }) },
  { name: 'windows/hostProcess', pod: windowsPod((p) => { p.spec.hostNetwork = true; p.spec.securityContext.windowsOptions = { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' }; }) },
];

/** Ephemeral containers, added to a live restricted-compliant pod. */
const EPHEMERAL: { name: string; container: Obj }[] = [
  { name: 'compliant', container: { securityContext: compliantSc() } },
  { name: 'no-securityContext', container: {} },
  { name: 'privileged', container: { securityContext: { privileged: true } } },
  { name: 'add-SYS_ADMIN', container: { securityContext: { ...compliantSc(), capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } } },
  { name: 'runAsUser-0', container: { securityContext: { ...compliantSc(), runAsUser: 0 } } },
  { name: 'seccomp-Unconfined', container: { securityContext: { ...compliantSc(), seccompProfile: { type: 'Unconfined' } } } },
  { name: 'runAsNonRoot-false', container: { securityContext: { ...compliantSc(), runAsNonRoot: false } } },
];

/** Small deterministic PRNG (mulberry32) so the combined cases are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function build(muts: Mutation[]): Obj {
  const p = basePod({ init: muts.some((x) => x.init) });
  for (const x of muts) x.apply(p);
  return p;
}

export function podCases(combined = 60): PodCase[] {
  const out: PodCase[] = [{ name: 'base', pod: basePod() }, { name: 'base-with-init', pod: basePod({ init: true }) }];
  for (const x of MUTATIONS) out.push({ name: x.name, pod: build([x]), podOnly: x.podOnly });
  out.push(...WINDOWS);
  const rnd = prng(1337);
  const combinable = MUTATIONS.filter((x) => !x.noCombine);
  const seen = new Set<string>();
  while (seen.size < combined) {
    const a = combinable[Math.floor(rnd() * combinable.length)];
    const b = combinable[Math.floor(rnd() * combinable.length)];
    if (a.group === b.group || seen.has(`${a.name}+${b.name}`) || seen.has(`${b.name}+${a.name}`)) continue;
    seen.add(`${a.name}+${b.name}`);
    out.push({ name: `${a.name}+${b.name}`, pod: build([a, b]) });
  }
  for (const e of EPHEMERAL) {
    const container = { name: 'debug', image: IMAGE, targetContainerName: 'app', ...e.container };
    const pod = basePod();
    pod.spec.ephemeralContainers = [container];
    out.push({ name: `ephemeral/${e.name}`, pod, podOnly: true, ephemeral: [container] });
  }
  return out;
}

/** The pod's spec as a Deployment's or CronJob's template (Pod Security warns on those). */
export function asController(kind: 'Deployment' | 'CronJob', name: string, pod: Obj): Obj {
  const template = { metadata: { labels: { app: name }, ...(pod.metadata.annotations ? { annotations: pod.metadata.annotations } : {}) }, spec: pod.spec };
  if (kind === 'Deployment') return { apiVersion: 'apps/v1', kind, metadata: { name }, spec: { selector: { matchLabels: { app: name } }, template } };
  return { apiVersion: 'batch/v1', kind, metadata: { name }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...pod.spec, restartPolicy: 'OnFailure' } } } } } };
}
