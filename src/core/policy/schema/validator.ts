import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { splitApiVersion, type KubeObject } from '../../manifest';
import { dig } from '../rules/podspec';
import type { SchemaError, SchemaResult, SchemaSource } from './types';
import { mapSchemaKeywords } from './walk';

/**
 * Strict validation of objects against the first source that knows their kind. Compiled
 * validators are cached per source revision and kind, so only the first object of a kind
 * pays for compilation.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false, addUsedSchema: false });
  /** null: the source does not know the kind; an Error: its schema does not compile (kept, so it is not compiled again per object). */
  private readonly compiled = new Map<string, ValidateFunction | null | Error>();
  private readonly registered = new Set<string>();

  constructor(private sources: SchemaSource[]) {}

  setSources(sources: SchemaSource[]): void { this.sources = sources; }

  validate(obj: KubeObject): SchemaResult {
    const { group, version } = splitApiVersion(obj.apiVersion);
    for (const src of this.sources) {
      const key = `${src.id}@${src.revision ?? ''}|${group}/${version}/${obj.kind}`;
      let fn = this.compiled.get(key);
      if (fn === undefined) {
        const schema = src.kindSchema(group, version, obj.kind);
        if (!schema) { this.compiled.set(key, null); continue; }
        try { fn = this.compile(src, schema, key); } catch (e) { fn = e as Error; }
        this.compiled.set(key, fn);
      }
      if (fn === null) continue;
      if (fn instanceof Error) throw fn;
      if (fn(obj)) return { known: true, source: src.id, errors: [] };
      return { known: true, source: src.id, errors: toErrors(fn.errors ?? [], obj) };
    }
    return { known: false, errors: [] };
  }

  private compile(src: SchemaSource, schema: Record<string, unknown>, key: string): ValidateFunction | null {
    const defsId = `${src.id}@${src.revision ?? ''}`;
    if (src.definitions && !this.registered.has(defsId)) {
      this.ajv.addSchema({ $id: src.id, definitions: src.definitions }, src.id);
      this.registered.add(defsId);
    }
    try {
      return this.ajv.compile(schema);
    } catch (e) {
      // A pattern Go accepts and JS does not, say: validate without the offending keywords.
      try { return this.ajv.compile(mapSchemaKeywords(schema, (k, v) => (k === 'pattern' ? undefined : v)) as Record<string, unknown>); } catch { throw new Error(`the schema of ${obj(key)} from ${src.id} cannot be compiled: ${(e as Error).message}`); }
    }
  }
}

/** `group/version/Kind` of a cache key. */
function obj(key: string): string { return key.slice(key.indexOf('|') + 1); }

function pointerToPath(p: string): (string | number)[] {
  if (!p) return [];
  return p.slice(1).split('/').map((s) => {
    const u = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(u) ? Number(u) : u;
  });
}

function toErrors(errs: ErrorObject[], obj: unknown): SchemaError[] {
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    // A Flux post-build variable (`replicas: ${REPLICAS}`) gets its type only after substitution.
    if ((e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'pattern' || e.keyword === 'format') && isPlaceholder(dig(obj, pointerToPath(e.instancePath)))) continue;
    const base = pointerToPath(e.instancePath);
    let path = base;
    let message: string;
    const where = base.length ? fmt(base) : 'the object';
    switch (e.keyword) {
      case 'additionalProperties': {
        const extra = String((e.params as { additionalProperty: string }).additionalProperty);
        path = [...base, extra];
        message = `unknown field "${fmt(path)}"; remove it or fix its spelling`;
        break;
      }
      case 'required': {
        const missing = String((e.params as { missingProperty: string }).missingProperty);
        path = [...base, missing];
        message = `missing required field "${missing}" in ${where}`;
        break;
      }
      case 'type': {
        const t = String((e.params as { type: string | string[] }).type).split(',').filter((x) => x !== 'null').join(' or ');
        message = `${where} must be ${t === 'integer,string' ? 'an integer or a string' : t}`;
        break;
      }
      case 'enum':
        message = `${where} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).filter((v) => v !== null).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      default:
        message = `${where} ${e.message ?? 'is invalid'}`;
    }
    const k = `${fmt(path)}|${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ path, message });
  }
  return out;
}

function isPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && /\$\{[_a-zA-Z][_a-zA-Z0-9]*(?:[:=-][^}]*)?\}/.test(v);
}

function fmt(path: (string | number)[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}
