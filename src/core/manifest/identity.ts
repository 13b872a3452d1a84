import type { KubeObject, ResourceId } from './types';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(id: Pick<ResourceId, 'group' | 'version'>): string {
  return id.group ? `${id.group}/${id.version}` : id.version;
}

/**
 * Built-in kinds that are cluster-scoped. Used when no discovery is at hand (offline lint,
 * rendering); the cluster layer answers from discovery instead.
 */
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest', 'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', 'resource.k8s.io/DeviceClass',
]);

/** True/false for known kinds, undefined when only discovery (or a CRD) can tell. */
export function isNamespacedKind(group: string, kind: string): boolean | undefined {
  if (CLUSTER_SCOPED.has(`${group}/${kind}`)) return false;
  if (group === '' || group.endsWith('.k8s.io') || ['apps', 'batch', 'autoscaling', 'policy'].includes(group)) return true;
  return undefined;
}

/** Identity of an object as written; the namespace is left empty where the file leaves it. */
export function resourceIdOf(obj: KubeObject): ResourceId {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const meta = obj.metadata ?? {};
  const id: ResourceId = { group, version, kind: obj.kind, name: String(meta.name ?? meta.generateName ?? '') };
  if (meta.namespace) id.namespace = String(meta.namespace);
  return id;
}

/** A stable key for pairing: version is left out, as an object is the same across versions. */
export function resourceKey(id: Pick<ResourceId, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${id.group}/${id.kind}/${id.namespace ?? ''}/${id.name}`;
}

export function describeId(id: ResourceId): string {
  const gk = id.group ? `${id.kind}.${id.group}` : id.kind;
  return id.namespace ? `${gk} ${id.namespace}/${id.name}` : `${gk} ${id.name}`;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && v.apiVersion !== '' && typeof v.kind === 'string' && v.kind !== '';
}
