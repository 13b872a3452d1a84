// CustomResourceDefinitions written the way projects ship them (printer columns, status
// subresource, defaults, enums, patterns, CEL rules, int-or-string, and fields whose names are
// JSON-schema keywords: `pattern`, `default`, `type`, `items`, `$ref`-free as Kubernetes requires).

/** The smallest CRD the API server accepts (15 lines). */
export function minimalCrd(group: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
`;
}

/** A route-matching CRD like the ones ingress controllers ship; several field names are schema keywords. */
export function routeCrd(group: string): string {
  return `---
# Source: routes/crds/routes.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: routes.${group}
  annotations:
    controller-gen.kubebuilder.io/version: v0.16.4
  labels:
    app.kubernetes.io/name: routes
spec:
  group: ${group}
  names:
    kind: Route
    listKind: RouteList
    plural: routes
    singular: route
    shortNames: [rt]
    categories: [all]
  scope: Namespaced
  versions:
    - name: v1beta1
      served: true
      storage: false
      deprecated: true
      deprecationWarning: ${group}/v1beta1 Route is deprecated; use v1
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
    - name: v1
      served: true
      storage: true
      additionalPrinterColumns:
        - name: Host
          type: string
          jsonPath: .spec.host
        - name: Ready
          type: string
          jsonPath: .status.conditions[?(@.type=="Ready")].status
        - name: Age
          type: date
          jsonPath: .metadata.creationTimestamp
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
      schema:
        openAPIV3Schema:
          description: Route sends matching requests to a backend.
          type: object
          required: [spec]
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [host, rules]
              x-kubernetes-validations:
                - rule: "self.replicas <= 10"
                  message: at most 10 replicas
              properties:
                host:
                  type: string
                  pattern: '^[a-z0-9.-]+$'
                  maxLength: 253
                replicas:
                  type: integer
                  format: int32
                  minimum: 0
                  default: 1
                port:
                  x-kubernetes-int-or-string: true
                  anyOf:
                    - type: integer
                    - type: string
                rules:
                  type: array
                  maxItems: 16
                  items:
                    type: object
                    required: [pattern]
                    properties:
                      pattern:
                        description: The path pattern (a field called "pattern").
                        type: string
                      type:
                        description: How the pattern matches (a field called "type").
                        type: string
                        enum: [Exact, Prefix, Regex]
                        default: Prefix
                      default:
                        description: Whether this is the fallback rule (a field called "default").
                        type: boolean
                      items:
                        description: Extra headers (a field called "items").
                        type: object
                        additionalProperties: {type: string}
                  x-kubernetes-list-type: atomic
                tls:
                  type: object
                  nullable: true
                  properties:
                    secretName: {type: string}
                  x-kubernetes-map-type: atomic
            status:
              type: object
              properties:
                replicas: {type: integer}
                conditions:
                  type: array
                  items:
                    type: object
                    required: [type, status]
                    properties:
                      type: {type: string}
                      status: {type: string, enum: ["True", "False", Unknown]}
                      lastTransitionTime: {type: string, format: date-time}
                      message: {type: string}
                  x-kubernetes-list-map-keys: [type]
                  x-kubernetes-list-type: map
`;
}

/**
 * A CRD bundle of several MB, as operators ship them (one file, `---` separated, every field
 * described): `count` CRDs of `group`, each with a spec of nested sections of described fields.
 */
export function crdBundle(group: string, count: number): string {
  const field = (name: string, i: number) => [
    `                    ${name}:`,
    `                      description: |-`,
    `                        ${name} configures part ${i} of the component. When it is not set the controller`,
    `                        uses the value of the parent section; see the operator documentation for details`,
    `                        on precedence, defaults and how changes roll out to running instances.`,
    `                      type: ${['string', 'integer', 'boolean'][i % 3]}`,
  ].join('\n');
  const section = (s: number) => [
    `                section${s}:`,
    `                  description: Section ${s} groups related settings of the component.`,
    `                  type: object`,
    `                  properties:`,
    ...Array.from({ length: 40 }, (_, i) => field(`setting${s}x${i}`, i)),
  ].join('\n');
  const one = (n: number) => `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: components${n}.${group}
  annotations:
    controller-gen.kubebuilder.io/version: v0.16.4
spec:
  group: ${group}
  names:
    kind: Component${n}
    listKind: Component${n}List
    plural: components${n}
    singular: component${n}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
          description: Component${n} is one component managed by the operator.
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              properties:
${Array.from({ length: 12 }, (_, s) => section(s)).join('\n')}
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;
  return Array.from({ length: count }, (_, n) => one(n)).join('');
}
