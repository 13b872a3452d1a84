// Pod Security Standards, restricted level: k8s.io/pod-security-admission v0.37
// policy/check_*.go. The restricted level also runs every baseline control that no
// restricted check overrides (see evaluate.ts).
import { asArr, isObj } from '../podspec';
import { BASELINE_CAPABILITIES, CAPABILITIES_BASELINE_ID, explicitlyBadSeccomp, HOST_PATH_VOLUMES_ID, PROC_MOUNT_ID, procMountUnmasked, SECCOMP_BASELINE_ID, validSeccompType } from './baseline';
import { containerLabel, fail, inUserNamespace, isSet, isWindows, quoteOne, type CheckPod, type Control, type FieldViolation } from './control';

/** From v1.25 on, Windows pods (`spec.os.name: windows`) are exempt from a Linux-only check. */
const exemptWindows = (check: CheckPod): CheckPod => (pod) => (isWindows(pod) ? undefined : check(pod));
/** From v1.35 on, pods in a user namespace (`hostUsers: false`) are exempt from a root check. */
const exemptUserNamespace = (check: CheckPod): CheckPod => (pod) => (inUserNamespace(pod) ? undefined : check(pod));

const allowPrivilegeEscalationCheck: CheckPod = (pod) => fail('allowPrivilegeEscalation != false', pod.containers
  .filter((c) => c.sc.allowPrivilegeEscalation !== false)
  .map((c): FieldViolation => ({
    ruleId: 'privilege-escalation', path: [...c.scPath, 'allowPrivilegeEscalation'],
    detail: `${containerLabel(c)} must set securityContext.allowPrivilegeEscalation=false`,
    // A privileged container cannot set it to false (the API server rejects that pair).
    set: c.sc.privileged === true ? undefined : { path: [...c.scPath, 'allowPrivilegeEscalation'], value: false, title: 'Set allowPrivilegeEscalation: false' },
  })));
const allowPrivilegeEscalation: Control = {
  id: 'allowPrivilegeEscalation', level: 'restricted',
  versions: [{ min: 8, check: allowPrivilegeEscalationCheck }, { min: 25, check: exemptWindows(allowPrivilegeEscalationCheck) }],
};

const capabilitiesRestrictedCheck: CheckPod = (pod) => {
  const fields: FieldViolation[] = [];
  for (const c of pod.containers) {
    const caps = c.sc.capabilities;
    const dropPath = [...c.scPath, 'capabilities', 'drop'];
    // Exactly "ALL": Kubernetes does not fold case or strip CAP_.
    if (!isObj(caps) || !asArr(caps.drop).some((d) => d === 'ALL')) {
      fields.push({ ruleId: 'drop-capabilities', path: dropPath, detail: `${containerLabel(c)} must set securityContext.capabilities.drop=["ALL"]`, set: { path: dropPath, value: ['ALL'], title: 'Drop ALL capabilities' } });
    }
    if (!isObj(caps)) continue;
    asArr(caps.add).forEach((cap, i) => {
      const name = String(cap);
      if (name === 'NET_BIND_SERVICE') return;
      fields.push({ ruleId: BASELINE_CAPABILITIES.has(name) ? 'added-capabilities' : 'dangerous-capabilities', path: [...c.scPath, 'capabilities', 'add', i], detail: `${containerLabel(c)} must not include ${quoteOne(name)} in securityContext.capabilities.add (only "NET_BIND_SERVICE" may be added)` });
    });
  }
  return fail('unrestricted capabilities', fields);
};
const capabilitiesRestricted: Control = {
  id: 'capabilities_restricted', level: 'restricted',
  versions: [
    { min: 22, check: capabilitiesRestrictedCheck, overrides: [CAPABILITIES_BASELINE_ID] },
    { min: 25, check: exemptWindows(capabilitiesRestrictedCheck), overrides: [CAPABILITIES_BASELINE_ID] },
  ],
};

const ALLOWED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
// In the admission library's order: the first one a volume sets names its type.
const RESTRICTED_VOLUME_SOURCES = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];

const restrictedVolumes: Control = {
  id: 'restrictedVolumes', level: 'restricted',
  versions: [{
    min: 0,
    overrides: [HOST_PATH_VOLUMES_ID],
    check: (pod) => {
      const fields: FieldViolation[] = [];
      asArr(pod.spec.volumes).forEach((v, i) => {
        if (!isObj(v) || ALLOWED_VOLUME_SOURCES.some((k) => isSet(v[k]))) return;
        const type = RESTRICTED_VOLUME_SOURCES.find((k) => isSet(v[k]));
        // A volume that names no source at all is defaulted to emptyDir by the API server.
        if (!type) return;
        fields.push({ ruleId: type === 'hostPath' ? 'host-path' : 'restricted-volumes', path: [...pod.ref.path, 'volumes', i, type], detail: `volume ${quoteOne(String(v.name ?? ''))} uses restricted volume type ${quoteOne(type)}` });
      });
      return fail('restricted volume types', fields);
    },
  }],
};

const runAsNonRootCheck: CheckPod = (pod) => {
  const fields: FieldViolation[] = [];
  const podSetting = pod.sc.runAsNonRoot;
  if (podSetting === false) fields.push({ ruleId: 'run-as-non-root', path: [...pod.ref.path, 'securityContext', 'runAsNonRoot'], detail: 'pod must not set securityContext.runAsNonRoot=false' });
  for (const c of pod.containers) {
    const path = [...c.scPath, 'runAsNonRoot'];
    if (isSet(c.sc.runAsNonRoot)) {
      if (c.sc.runAsNonRoot !== true) fields.push({ ruleId: 'run-as-non-root', path, detail: `${containerLabel(c)} must not set securityContext.runAsNonRoot=false` });
    } else if (podSetting !== true) {
      fields.push({ ruleId: 'run-as-non-root', path, detail: `pod or ${containerLabel(c)} must set securityContext.runAsNonRoot=true`, set: { path, value: true, title: 'Set runAsNonRoot: true' } });
    }
  }
  return fail('runAsNonRoot != true', fields);
};
const runAsNonRoot: Control = {
  id: 'runAsNonRoot', level: 'restricted',
  versions: [{ min: 0, check: runAsNonRootCheck }, { min: 35, check: exemptUserNamespace(runAsNonRootCheck) }],
};

const runAsUserCheck: CheckPod = (pod) => {
  const fields: FieldViolation[] = [];
  if (pod.sc.runAsUser === 0) fields.push({ ruleId: 'run-as-non-root', path: [...pod.ref.path, 'securityContext', 'runAsUser'], detail: 'pod must not set runAsUser=0' });
  for (const c of pod.containers) {
    if (c.sc.runAsUser === 0) fields.push({ ruleId: 'run-as-non-root', path: [...c.scPath, 'runAsUser'], detail: `${containerLabel(c)} must not set runAsUser=0` });
  }
  return fail('runAsUser=0', fields);
};
const runAsUser: Control = {
  id: 'runAsUser', level: 'restricted',
  versions: [{ min: 23, check: runAsUserCheck }, { min: 35, check: exemptUserNamespace(runAsUserCheck) }],
};

const seccompRestrictedCheck: CheckPod = (pod) => {
  const fields = explicitlyBadSeccomp(pod);
  const podType = isObj(pod.sc.seccompProfile) ? pod.sc.seccompProfile.type : undefined;
  const podSet = isSet(pod.sc.seccompProfile) && validSeccompType(podType);
  if (!podSet) {
    for (const c of pod.containers) {
      if (isSet(c.sc.seccompProfile)) continue;
      const path = [...c.scPath, 'seccompProfile', 'type'];
      fields.push({ ruleId: 'seccomp', path, detail: `pod or ${containerLabel(c)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`, set: { path, value: 'RuntimeDefault', title: 'Set seccompProfile.type: RuntimeDefault' } });
    }
  }
  return fail('seccompProfile', fields);
};
const seccompProfileRestricted: Control = {
  id: 'seccompProfile_restricted', level: 'restricted',
  versions: [
    { min: 19, check: seccompRestrictedCheck, overrides: [SECCOMP_BASELINE_ID] },
    { min: 25, check: exemptWindows(seccompRestrictedCheck), overrides: [SECCOMP_BASELINE_ID] },
  ],
};

/** From v1.35 baseline allows any procMount in a user namespace; restricted keeps the unconditional check. */
const procMountRestricted: Control = {
  id: 'procMount_restricted', level: 'restricted',
  versions: [{ min: 35, check: procMountUnmasked, overrides: [PROC_MOUNT_ID] }],
};

export const RESTRICTED_CONTROLS: readonly Control[] = [
  allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted, procMountRestricted,
];
