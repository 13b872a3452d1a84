import type { JsonPath, Range } from '../../manifest';

/**
 * What kind of place wrote a value. Kustomize: the resource's own document, a patch (file or
 * inline in a kustomization), a kustomization field (replicas, images, namespace, prefix,
 * labels, generator literals), a generator's input file. Helm: the chart's values.yaml, a
 * value file, the Argo CD Application's values / valuesObject / parameters, the HelmRelease's
 * values or a valuesFrom object, a template line. Flux: a postBuild.substitute entry or a
 * substituteFrom object's key.
 */
export type WriterRole =
  | 'resource' | 'patch' | 'kustomization' | 'generator-file'
  | 'chart-values' | 'value-file' | 'argo-values' | 'argo-values-object' | 'argo-parameter' | 'argo-kustomize'
  | 'helmrelease-values' | 'values-from' | 'template'
  | 'flux-substitute' | 'substitute-from' | 'flux-kustomization';

/**
 * A place in the repo that holds (part of) a rendered value: a scalar in a YAML file, a
 * scalar inside a YAML block string (an inline patch, Argo `helm.values`), a `KEY=value` line,
 * a whole generator file, or a literal on a Helm template line.
 */
export interface ValuePlace {
  file: string;
  /** Offsets of the scalar's source text (quotes included) in the file. */
  start: number;
  end: number;
  /** The range of those offsets (zero-based lines, as VS Code counts). */
  range: Range;
  /** The value written there (for a substring place: the whole scalar). */
  value: string | number;
  style: 'plain' | 'double' | 'single' | 'raw';
  /** Document and path of the scalar (inside a block string: the block's path). */
  docIndex?: number;
  path?: JsonPath;
  /** Inside a YAML block string: the scalar's path in that YAML. */
  inner?: JsonPath;
  /** Only part of the scalar reaches the rendered value: `value.slice(index, index + length)`. */
  part?: { index: number; length: number };
}

/** One writer of a field's value: where, what it wrote, and what kind of place it is. */
export interface Writer {
  role: WriterRole;
  /** Short words for people: `patch`, `valuesObject replicaCount`, `postBuild.substitute replicas`. */
  label: string;
  file: string;
  range: Range;
  /** The value this place writes (the whole rendered value, or its part for a composed value). */
  value: unknown;
  /** A Helm values path (`image.tag`) when the place is a values source. */
  valuesPath?: string;
  /** Set when the place can be edited in place (a scalar the tracer proved reaches the field). */
  place?: ValuePlace;
}

/**
 * The rendered field's value as text assembled from parts: literal text and places (e.g.
 * `{{ .Values.image.repository }}:{{ .Values.image.tag }}` → [place, ":", place]).
 */
export type ComposedPart = { text: string } | { writer: number };

/**
 * Where a rendered field's value comes from. `chain` lists the places that set it, last
 * writer first (the one in effect), then the ones it overrides. A composed value lists its
 * parts; a value computed by a template function names the template line and the values it
 * reads instead of a wrong single place.
 */
export interface FieldProvenance {
  path: JsonPath;
  value: unknown;
  chain: Writer[];
  /** The writers of a composed string value (chain holds them, in this order). */
  composed?: ComposedPart[];
  /** The value is computed: by a template function on this line, from these values paths. */
  computed?: { file: string; range: Range; from: string[] };
  /** Where the value was substituted into (a `${var}` of Flux post-build substitution) or templated (a Helm template line). */
  via?: { role: 'template' | 'substituted'; file: string; range: Range; text: string };
  /** How the first writer was found: proved by re-rendering with the real tool, or read from the files alone. */
  method: 'traced' | 'static';
}
