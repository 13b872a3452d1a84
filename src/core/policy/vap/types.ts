import type { JsonPath, KubeObject } from '../../manifest';
import type { Severity } from '../types';

/** A problem of a policy itself (a CEL compile error, a missing param kind), at its field. */
export interface PolicyProblem { file: string; docIndex: number; path: JsonPath; message: string; policy: string; severity: Severity; /** Offset of a syntax error inside the expression. */ offset?: number }

/** One failed validation of an object. */
export interface PolicyViolation {
  policy: string;
  binding?: string;
  severity: Severity;
  message: string;
  /** Best guess of the field the expression tests (first `object.x.y` it reads). */
  path: JsonPath;
  /** Evaluation failed (runtime error, authorizer use) rather than the object failing. */
  error?: boolean;
}

export interface PolicyInput {
  object: KubeObject;
  /** The same object at the base Git revision: UPDATE semantics when given. */
  oldObject?: KubeObject;
  /** The object's Namespace when the repo defines it. */
  namespaceObject?: KubeObject;
}
