import type { KubeObject } from '../../manifest';
import type { JsonSchema, SchemaSource } from './types';

export interface CrdInfo { group: string; kind: string; plural: string; scope?: string; versions: Map<string, JsonSchema | undefined>; file?: string }

/** Group, kind, plural and per-version schemas of a CustomResourceDefinition object. */
export function crdInfo(obj: KubeObject, file?: string): CrdInfo | undefined {
  if (obj.kind !== 'CustomResourceDefinition') return undefined;
  const spec = obj.spec as Record<string, unknown> | undefined;
  const names = spec?.names as Record<string, unknown> | undefined;
  if (!spec || typeof spec.group !== 'string' || !names || typeof names.kind !== 'string') return undefined;
  const versions = new Map<string, JsonSchema | undefined>();
  const top = (spec.validation as Record<string, unknown> | undefined)?.openAPIV3Schema;
  for (const v of (Array.isArray(spec.versions) ? spec.versions : []) as Record<string, unknown>[]) {
    if (typeof v?.name !== 'string') continue;
    const s = (v.schema as Record<string, unknown> | undefined)?.openAPIV3Schema ?? top;
    versions.set(v.name, s && typeof s === 'object' ? toValidationSchema(s as JsonSchema, true) : undefined);
  }
  if (typeof spec.version === 'string' && !versions.has(spec.version)) versions.set(spec.version, top ? toValidationSchema(top as JsonSchema, true) : undefined);
  return { group: spec.group, kind: names.kind, plural: String(names.plural ?? names.kind.toLowerCase() + 's'), scope: spec.scope as string | undefined, versions, file };
}

const KEEP = ['type', 'enum', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'uniqueItems', 'multipleOf'];

/** A CRD structural schema as a strict validation schema (unknown fields fail unless preserved). */
export function toValidationSchema(s: JsonSchema, root = false): JsonSchema {
  const out: JsonSchema = {};
  if (s['x-kubernetes-int-or-string']) out.type = ['integer', 'string', 'null'];
  for (const k of KEEP) if (s[k] !== undefined && !(k === 'type' && out.type)) out[k] = s[k];
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  for (const comb of ['anyOf', 'oneOf', 'allOf'] as const) {
    // Structural schemas use these only for value validation; keep them shallow.
    if (Array.isArray(s[comb])) out[comb] = (s[comb] as JsonSchema[]).map((x) => toValidationSchema(x));
  }
  const props = s.properties as Record<string, JsonSchema> | undefined;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (props || root || embedded) {
    const p: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(props ?? {})) p[k] = toValidationSchema(v);
    if (root || embedded) {
      p.apiVersion ??= { type: 'string' };
      p.kind ??= { type: 'string' };
      p.metadata = { type: ['object', 'null'] };
    }
    out.properties = p;
  }
  if (Array.isArray(s.required) && s.required.length) out.required = s.required;
  if (s.items && typeof s.items === 'object') out.items = toValidationSchema(s.items as JsonSchema);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = toValidationSchema(s.additionalProperties as JsonSchema);
  else if (s.additionalProperties === true || preserve) { /* anything goes */ }
  else if (out.properties || (s.type === 'object')) out.additionalProperties = false;
  return out;
}

/** A schema source over CRDs (from the workspace or, via the cluster layer, from a cluster). */
export function crdSchemaSource(id: string, crds: Iterable<CrdInfo>): SchemaSource {
  const byKey = new Map<string, JsonSchema>();
  for (const c of crds) for (const [v, s] of c.versions) if (s) byKey.set(`${c.group}/${v}/${c.kind}`, s);
  const revision = fnv1a(JSON.stringify([...byKey]));
  return { id, revision, kindSchema: (g, v, k) => byKey.get(`${g}/${v}/${k}`) };
}

export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0).toString(16);
}
