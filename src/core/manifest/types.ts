/** Zero-based line and character, the convention of VS Code and LSP. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface SourceLocation { file: string; range: Range }

/** A Kubernetes object as plain JSON data. */
export type KubeObject = { apiVersion: string; kind: string; metadata?: ObjectMeta; [key: string]: unknown };
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** Identity of a resource: what pairs a desired object with a live one. */
export interface ResourceId {
  group: string; // '' for the core group
  version: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type JsonPath = ReadonlyArray<string | number>;

export interface ManifestProblem {
  message: string;
  range: Range;
  severity: 'error' | 'warning';
  code: string;
}

/** Why a document is or is not a resource. */
export type DocumentKind = 'resource' | 'empty' | 'non-kubernetes' | 'invalid';

export interface ManifestDocument {
  file: string;
  index: number;
  range: Range;
  kind: DocumentKind;
  object?: KubeObject;
  id?: ResourceId;
  problems: ManifestProblem[];
}

/** What a YAML file is for, decided from its place in the repo before its content. */
export type FileRole = 'manifests' | 'helm-template' | 'helm-values' | 'kustomize-patch' | 'kustomization' | 'other';

export interface ManifestFile {
  file: string;
  text: string;
  role: FileRole;
  documents: ManifestDocument[];
  /** Problems that are not tied to one document (e.g. a stream-level syntax error). */
  problems: ManifestProblem[];
}
