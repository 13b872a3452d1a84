// The shape of a Pod Security Standards control, after k8s.io/pod-security-admission
// policy/checks.go: a control has a level and a list of versioned checks; the check that
// applies to version v1.N is the last one whose minimum version is <= N.
import type { JsonPath } from '../../../manifest';
import type { RawFinding } from '../../types';
import { containersOf, isObj, type ContainerRef, type Obj, type PodSpecRef } from '../podspec';

export type PssLevel = 'baseline' | 'restricted';

/** One failing field: a control reports one per field so each lands on its own line. */
export interface FieldViolation {
  /** Our rule id for this field (users configure and ignore rules, not controls). */
  ruleId: string;
  path: JsonPath;
  /** The field-level part of the API server's forbidden detail, e.g. `container "app" must not set securityContext.privileged=true`. */
  detail: string;
  set?: RawFinding['set'];
}

/** A failed control: the API server's forbidden reason and the fields that fail it. */
export interface ControlFailure { reason: string; fields: FieldViolation[] }

export type CheckPod = (pod: PodView) => ControlFailure | undefined;

export interface VersionedCheck {
  /** Minor version of Kubernetes 1.x from which this check applies. */
  min: number;
  check: CheckPod;
  /** Baseline controls this restricted check replaces at the restricted level. */
  overrides?: string[];
}

export interface Control { id: string; level: PssLevel; versions: VersionedCheck[] }

/** A pod spec as Pod Security admission sees it. */
export interface PodView {
  ref: PodSpecRef;
  spec: Obj;
  /** The pod-level securityContext ({} when unset). */
  sc: Obj;
  annotations: Obj;
  /** Init containers, containers, ephemeral containers (the admission library's visiting order). */
  containers: ContainerView[];
}

export interface ContainerView {
  ref: ContainerRef;
  name: string;
  /** The container's securityContext ({} when unset) and whether it is set at all. */
  sc: Obj;
  hasSc: boolean;
  scPath: JsonPath;
}

const ORDER = { initContainers: 0, containers: 1, ephemeralContainers: 2 } as const;

export function podView(ref: PodSpecRef): PodView {
  const containers = containersOf(ref)
    .sort((a, b) => ORDER[a.list] - ORDER[b.list])
    .map((c): ContainerView => ({
      ref: c,
      name: typeof c.container.name === 'string' ? c.container.name : '',
      sc: isObj(c.container.securityContext) ? c.container.securityContext : {},
      hasSc: isObj(c.container.securityContext),
      scPath: [...c.path, 'securityContext'],
    }));
  return {
    ref,
    spec: ref.spec,
    sc: isObj(ref.spec.securityContext) ? ref.spec.securityContext : {},
    annotations: isObj(ref.meta.annotations) ? ref.meta.annotations : {},
    containers,
  };
}

/** A Go pointer field is non-nil: present and not null. */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** `"a", "b"` as the admission library quotes lists. */
export const joinQuote = (items: readonly string[]): string => (items.length ? `"${items.join('", "')}"` : '');

export const quoteOne = (s: string): string => JSON.stringify(s);

export const containerLabel = (c: ContainerView): string => `container ${quoteOne(c.name)}`;

/** Windows pods are exempt from the Linux-only restricted checks from v1.25 on. */
export const isWindows = (pod: PodView): boolean => isObj(pod.spec.os) && pod.spec.os.name === 'windows';

/** `hostUsers: false`: the pod runs in a user namespace, which relaxes some checks from v1.35 on. */
export const inUserNamespace = (pod: PodView): boolean => pod.spec.hostUsers === false;

export function fail(reason: string, fields: FieldViolation[]): ControlFailure | undefined {
  return fields.length ? { reason, fields } : undefined;
}
