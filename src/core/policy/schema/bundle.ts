import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { JsonSchema, SchemaSource } from './types';
import { mapSchemaKeywords } from './walk';

interface Bundle { version: string; source: string; kinds: Record<string, string>; defs: Record<string, JsonSchema> }

export const DEFAULT_K8S_VERSION = '1.34';
const cache = new Map<string, SchemaSource | undefined>();

/** Folders searched for `k8s-<minor>.json.gz`: $GITOPS_LENS_SCHEMAS, then up from the program and the cwd. */
export function schemaDirs(): string[] {
  const out: string[] = [];
  if (process.env.GITOPS_LENS_SCHEMAS) out.push(process.env.GITOPS_LENS_SCHEMAS);
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()];
  for (const s of starts) {
    let d = s;
    for (let i = 0; d && i < 8; i++) {
      const cand = join(d, 'schemas');
      if (existsSync(cand) && !out.includes(cand)) { out.push(cand); break; }
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  return out;
}

/** Minor versions (`1.34`) for which a bundle ships. */
export function availableVersions(): string[] {
  const set = new Set<string>();
  for (const d of schemaDirs()) for (const f of readdirSync(d)) { const m = /^k8s-(\d+\.\d+)\.json\.gz$/.exec(f); if (m) set.add(m[1]); }
  return [...set].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/** The closest shipped version at or below `want` (else the lowest above). */
export function pickVersion(want: string): string | undefined {
  const avail = availableVersions();
  const minor = (v: string) => Number(v.replace(/^v/, '').split('.')[1] ?? NaN);
  const w = minor(want);
  const below = avail.filter((v) => minor(v) <= w);
  return below.length ? below[below.length - 1] : avail[0];
}

/** The built-in schemas of a Kubernetes minor version, or undefined when none ships. */
export function builtinSchemas(version: string = DEFAULT_K8S_VERSION): SchemaSource | undefined {
  const v = version.replace(/^v/, '').split('.').slice(0, 2).join('.');
  if (cache.has(v)) return cache.get(v);
  let src: SchemaSource | undefined;
  for (const d of schemaDirs()) {
    const p = join(d, `k8s-${v}.json.gz`);
    if (!existsSync(p)) continue;
    const b = JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')) as Bundle;
    const definitions: Record<string, JsonSchema> = {};
    for (const [name, s] of Object.entries(b.defs)) definitions[name] = mapSchemaKeywords(s, (k, v) => (k === '$ref' && typeof v === 'string' ? `#/definitions/${v}` : v)) as JsonSchema;
    const id = `k8s-${v}`;
    src = {
      id,
      definitions,
      revision: b.version,
      kindSchema(group, version, kind) {
        const name = b.kinds[`${group}/${version}/${kind}`];
        return name ? { $ref: `${id}#/definitions/${name}` } : undefined;
      },
    };
    break;
  }
  cache.set(v, src);
  return src;
}
