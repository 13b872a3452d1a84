// YAML text builders for test fixtures and the bench corpus. They return text (not objects)
// because tests compute expected lines/columns from the text: every option adds lines in one
// fixed place, so callers can reason about where an anchor lands.

/** `key: value` lines at `indent` spaces; values are written as given (quote them yourself). */
export function yamlMap(entries: Record<string, string | number>, indent: number): string {
  const pad = ' '.repeat(indent);
  return Object.entries(entries).map(([k, v]) => `${pad}${k}: ${v}\n`).join('');
}

export interface DeploymentOptions {
  name: string;
  namespace?: string;
  /** metadata.labels; none when absent. */
  labels?: Record<string, string>;
  /** Raw lines at the end of metadata (2-space indent, each ending in "\n"). */
  meta?: string;
  /** Written as given: a number, a Helm expression or a `${var}` for Flux substitution. */
  replicas?: number | string;
  /** spec.selector.matchLabels and the pod template's labels; default `{app: name}`. */
  selector?: Record<string, string>;
  /** Raw lines of the pod spec before `containers:` (6-space indent). */
  pod?: string;
  /** The one container's name; default `name`. */
  container?: string;
  image: string;
  /** Raw lines of the container after `image:` (10-space indent). */
  containerExtra?: string;
}

/**
 * apiVersion, kind, metadata (name, namespace, labels, meta), spec (replicas, selector,
 * template with the selector's labels, pod extras, one container: name, image, extras).
 */
export function deployment(o: DeploymentOptions): string {
  const selector = o.selector ?? { app: o.name };
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
${o.namespace ? `  namespace: ${o.namespace}\n` : ''}${o.labels ? `  labels:\n${yamlMap(o.labels, 4)}` : ''}${o.meta ?? ''}spec:
  replicas: ${o.replicas ?? 1}
  selector:
    matchLabels:
${yamlMap(selector, 6)}  template:
    metadata:
      labels:
${yamlMap(selector, 8)}    spec:
${o.pod ?? ''}      containers:
        - name: ${o.container ?? o.name}
          image: ${o.image}
${o.containerExtra ?? ''}`;
}

export interface ServiceOptions {
  name: string;
  namespace?: string;
  /** spec.selector; default `{app: name}`. */
  selector?: Record<string, string>;
  port: number | string;
  /** A named port: `- name: …` then `port:`. */
  portName?: string;
  targetPort?: number | string;
}

/** A Service with one port. */
export function service(o: ServiceOptions): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${o.name}
${o.namespace ? `  namespace: ${o.namespace}\n` : ''}spec:
  selector:
${yamlMap(o.selector ?? { app: o.name }, 4)}  ports:
${o.portName ? `    - name: ${o.portName}\n      port: ${o.port}\n` : `    - port: ${o.port}\n`}${o.targetPort !== undefined ? `      targetPort: ${o.targetPort}\n` : ''}`;
}

/** A ConfigMap; `data` values are written as given, or raw `data` lines (2-space indent). */
export function configMap(name: string, o: { namespace?: string; data?: Record<string, string | number> | string } = {}): string {
  const data = o.data === undefined ? '' : `data:\n${typeof o.data === 'string' ? o.data : yamlMap(o.data, 2)}`;
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${o.namespace ? `  namespace: ${o.namespace}\n` : ''}${data}`;
}

/** A kustomize Kustomization: fields in this order, lists as `- item` lines. */
export function kustomization(o: { namePrefix?: string; namespace?: string; resources: string[]; patches?: string[]; rest?: string }): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
${o.namePrefix ? `namePrefix: ${o.namePrefix}\n` : ''}${o.namespace ? `namespace: ${o.namespace}\n` : ''}resources:
${o.resources.map((r) => `  - ${r}\n`).join('')}${o.patches ? `patches:\n${o.patches.map((p) => `  - path: ${p}\n`).join('')}` : ''}${o.rest ?? ''}`;
}

/** A strategic-merge patch setting a Deployment's replicas. */
export function replicasPatch(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
`;
}

export interface ArgoApplicationOptions {
  name: string;
  /** The Application's own namespace; default argocd. */
  namespace?: string;
  project?: string;
  repoURL: string;
  targetRevision?: string;
  path: string;
  /** destination.server, or destination.name when `destinationName` is set instead. */
  server?: string;
  destinationName?: string;
  destinationNamespace: string;
  /** Raw lines appended after the destination (2-space indent for spec fields). */
  extra?: string;
}

/** An Argo CD Application with one source and a destination. */
export function argoApplication(o: ArgoApplicationOptions): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${o.name}
  namespace: ${o.namespace ?? 'argocd'}
spec:
${o.project ? `  project: ${o.project}\n` : ''}  source:
    repoURL: ${o.repoURL}
${o.targetRevision ? `    targetRevision: ${o.targetRevision}\n` : ''}    path: ${o.path}
  destination:
${o.destinationName !== undefined ? `    name: ${o.destinationName}` : `    server: ${o.server}`}
    namespace: ${o.destinationNamespace}
${o.extra ?? ''}`;
}

/** Container lines (10-space indent): HTTP liveness/readiness probes on port `http`, requests 100m/128Mi. */
export const PROBES_AND_REQUESTS = `          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
`;

/** A Secret with `stringData` (values written as given). */
export function secret(name: string, o: { type?: string; stringData: Record<string, string> }): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
${o.type ? `type: ${o.type}\n` : ''}stringData:
${yamlMap(o.stringData, 2)}`;
}

/**
 * A namespaced CRD named `<plural>.<group>` with one served, stored version v1.
 * `names` is the inside of the flow map (`kind: Widget, plural: widgets`); `versionExtra` raw
 * lines of the version before `schema:` (6-space indent); `schema` raw lines under
 * `openAPIV3Schema` after `type: object` (10-space indent).
 */
export function crd(o: { group: string; plural: string; names: string; versionExtra?: string; schema: string }): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${o.plural}.${o.group}
spec:
  group: ${o.group}
  scope: Namespaced
  names: {${o.names}}
  versions:
    - name: v1
      served: true
      storage: true
${o.versionExtra ?? ''}      schema:
        openAPIV3Schema:
          type: object
${o.schema}`;
}

/**
 * A `Widget` CRD of `group` whose schema types `spec.size` as an integer, and a Widget that
 * breaks it twice: `size: big` (wrong type, line 7) and `colour: red` (unknown field, line 8).
 */
export function widgetCrd(group: string): { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> } {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${group}` },
    spec: {
      group, scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  };
}

export function invalidWidget(group: string): string {
  return `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: default\nspec:\n  size: big\n  colour: red\n`;
}
