/** Resource (plural) names of built-in kinds, as admission rules name them. */
const PLURALS: Record<string, string> = {
  Pod: 'pods', Service: 'services', ConfigMap: 'configmaps', Secret: 'secrets', Namespace: 'namespaces', Node: 'nodes',
  ServiceAccount: 'serviceaccounts', PersistentVolume: 'persistentvolumes', PersistentVolumeClaim: 'persistentvolumeclaims',
  Endpoints: 'endpoints', Event: 'events', LimitRange: 'limitranges', ResourceQuota: 'resourcequotas', PodTemplate: 'podtemplates',
  ReplicationController: 'replicationcontrollers', Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets', ControllerRevision: 'controllerrevisions', Job: 'jobs', CronJob: 'cronjobs',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers', Ingress: 'ingresses', IngressClass: 'ingressclasses', NetworkPolicy: 'networkpolicies',
  PodDisruptionBudget: 'poddisruptionbudgets', Role: 'roles', ClusterRole: 'clusterroles', RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings', StorageClass: 'storageclasses', CSIDriver: 'csidrivers', CSINode: 'csinodes',
  VolumeAttachment: 'volumeattachments', PriorityClass: 'priorityclasses', RuntimeClass: 'runtimeclasses', Lease: 'leases',
  EndpointSlice: 'endpointslices', CustomResourceDefinition: 'customresourcedefinitions', APIService: 'apiservices',
  MutatingWebhookConfiguration: 'mutatingwebhookconfigurations', ValidatingWebhookConfiguration: 'validatingwebhookconfigurations',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicies', ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybindings',
  CertificateSigningRequest: 'certificatesigningrequests', FlowSchema: 'flowschemas', PriorityLevelConfiguration: 'prioritylevelconfigurations',
};

/** The plural of a kind: CRD `spec.names.plural` first, then the built-in table, then English rules. */
export function pluralOf(group: string, kind: string, crdPlurals: ReadonlyMap<string, string>): string {
  const crd = crdPlurals.get(`${group}/${kind}`);
  if (crd) return crd;
  const known = PLURALS[kind];
  if (known) return known;
  const l = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(l)) return `${l}es`;
  if (/[^aeiou]y$/.test(l)) return `${l.slice(0, -1)}ies`;
  return `${l}s`;
}
