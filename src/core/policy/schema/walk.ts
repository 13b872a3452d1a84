import type { JsonSchema } from './types';

// Keywords whose value maps names to subschemas: the names are data (a field may be called
// `$ref`, `pattern` or `enum`, as JSONSchemaProps' own fields are), not keywords.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
// Keywords whose value is an instance value, never a schema.
const LITERALS = new Set(['enum', 'const', 'default', 'example', 'examples', 'required']);

/**
 * A copy of a JSON schema where `keyword(name, value)` replaced every keyword of every
 * (sub)schema, inner ones first; returning undefined drops the keyword.
 */
export function mapSchemaKeywords(s: unknown, keyword: (name: string, value: unknown) => unknown): unknown {
  if (Array.isArray(s)) return s.map((x) => mapSchemaKeywords(x, keyword));
  if (!s || typeof s !== 'object') return s;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    const inner = LITERALS.has(k) ? v
      : SCHEMA_MAPS.has(k) && v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, mapSchemaKeywords(sub, keyword)]))
      : mapSchemaKeywords(v, keyword);
    const mapped = keyword(k, inner);
    if (mapped !== undefined) out[k] = mapped;
  }
  return out;
}
