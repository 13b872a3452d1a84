// Writes kubeconform-readable JSON schemas (one self-contained file per kind, named as
// kubeconform's default template expects) from the same bundle GitOps Lens validates with,
// so both tools check the same Kubernetes 1.34 OpenAPI v3 spec.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

interface Bundle { kinds: Record<string, string>; defs: Record<string, Record<string, unknown>> }

export function writeKubeconformSchemas(bundlePath: string, outDir: string): number {
  const b = JSON.parse(gunzipSync(readFileSync(bundlePath)).toString('utf8')) as Bundle;
  mkdirSync(outDir, { recursive: true });
  const refsOf = (s: unknown, acc: Set<string>) => {
    if (Array.isArray(s)) { for (const x of s) refsOf(x, acc); return; }
    if (!s || typeof s !== 'object') return;
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string' && !acc.has(v)) { acc.add(v); refsOf(b.defs[v], acc); }
      else if (k !== 'enum') refsOf(v, acc);
    }
  };
  const rewrite = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(rewrite);
    if (!s || typeof s !== 'object') return s;
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === '$ref' ? `#/definitions/${String(v)}` : k === 'enum' ? v : rewrite(v)]));
  };
  let n = 0;
  for (const [gvk, name] of Object.entries(b.kinds)) {
    const [group, version, kind] = gvk.split('/');
    const acc = new Set<string>([name]);
    refsOf(b.defs[name], acc);
    const definitions = Object.fromEntries([...acc].map((d) => [d, rewrite(b.defs[d])]));
    // kubeconform's default file name: <kind>-<first group label>-<version>.json, core: <kind>-<version>.json
    const suffix = group ? `-${group.split('.')[0]}-${version}` : `-${version}`;
    writeFileSync(join(outDir, `${kind.toLowerCase()}${suffix}.json`), JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $ref: `#/definitions/${name}`, definitions }));
    n++;
  }
  return n;
}
