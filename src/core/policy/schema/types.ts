/** A JSON schema as plain data (the subset Kubernetes uses). */
export type JsonSchema = Record<string, unknown>;

/**
 * A source of schemas: the built-in bundle, the CRDs of the workspace, or (supplied by the
 * cluster layer) the live cluster's OpenAPI and CRDs. Sources are asked in order; the first
 * that knows a kind wins.
 */
export interface SchemaSource {
  /** Stable and unique; becomes the ajv id of the shared definitions. */
  id: string;
  /** Shared definitions that kind schemas reference as `#/definitions/<name>`. */
  definitions?: Record<string, JsonSchema>;
  /** The schema of one kind, or undefined when this source does not know it. */
  kindSchema(group: string, version: string, kind: string): JsonSchema | undefined;
  /** Changes whenever the source's content changes (cache key for compiled validators). */
  revision?: string;
}

export interface SchemaError {
  /** Path of the failing field (for a missing field: the field that should be there). */
  path: (string | number)[];
  /** How many leading segments exist in the object (the parent of a missing field). */
  message: string;
}

export interface SchemaResult { known: boolean; source?: string; errors: SchemaError[] }
