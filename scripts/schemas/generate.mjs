// Builds the compact schema bundle GitOps Lens validates against from the Kubernetes
// OpenAPI v3 spec of a pinned release (api/openapi-spec/v3 in the k8s.io/kubernetes Go
// module, fetched through the Go module proxy: no other network needed).
//   node scripts/schemas/generate.mjs [--version v1.34.2] [--spec-dir DIR] [--out schemas/]
// Output: schemas/k8s-<minor>.json.gz =
//   { version, source, kinds: { "<group>/<version>/<Kind>": "<def>" }, defs: { "<def>": schema } }
// Each schema keeps only what strict validation needs: type (null allowed, as the API
// server treats an explicit null as absent), properties, required, items,
// additionalProperties (false unless the spec keeps unknown fields), enum, $ref.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const version = opt('--version', 'v1.34.2');
const outDir = opt('--out', new URL('../../schemas/', import.meta.url).pathname);
let specDir = opt('--spec-dir');
if (!specDir) {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } }));
  if (info.Error) throw new Error(info.Error);
  specDir = join(info.Dir, 'api/openapi-spec/v3');
}

const REF = '#/components/schemas/';
const defs = {};
const kinds = {};

function compact(s) {
  if (!s || typeof s !== 'object') return {};
  if (s.$ref) return { $ref: short(s.$ref) };
  if (s.allOf && s.allOf.length === 1 && s.allOf[0].$ref) return { $ref: short(s.allOf[0].$ref) };
  const out = {};
  if (s.format === 'int-or-string' || s['x-kubernetes-int-or-string']) out.type = ['integer', 'string', 'null'];
  else if (s.oneOf && s.oneOf.every((o) => o.type && Object.keys(o).length === 1)) out.type = [...new Set([...s.oneOf.map((o) => o.type), 'null'])];
  else if (s.type) out.type = [s.type, 'null'];
  if (Array.isArray(s.enum)) out.enum = s.enum.includes(null) ? s.enum : [...s.enum, null];
  if (s.properties) {
    out.properties = {};
    for (const [k, v] of Object.entries(s.properties)) out.properties[k] = compact(v);
    if (s.required?.length) out.required = s.required;
    if (!s['x-kubernetes-preserve-unknown-fields'] && !s.additionalProperties) out.additionalProperties = false;
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = compact(s.additionalProperties);
  if (s.items) out.items = compact(s.items);
  return out;
}
function short(ref) { return ref.startsWith(REF) ? ref.slice(REF.length) : ref; }

const files = readdirSync(specDir).filter((f) => f.endsWith('.json')).sort();
for (const f of files) {
  const spec = JSON.parse(readFileSync(join(specDir, f), 'utf8'));
  for (const [name, s] of Object.entries(spec.components?.schemas ?? {})) {
    if (!defs[name]) defs[name] = compact(s);
    if (name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.') || name.endsWith('List')) continue;
    for (const gvk of s['x-kubernetes-group-version-kind'] ?? []) {
      // Only kinds served at their own group's endpoint (meta types list every group).
      kinds[`${gvk.group}/${gvk.version}/${gvk.kind}`] ??= name;
    }
  }
}
const bundle = { version, source: `k8s.io/kubernetes@${version} api/openapi-spec/v3`, kinds, defs };
mkdirSync(outDir, { recursive: true });
const minor = version.replace(/^v/, '').split('.').slice(0, 2).join('.');
const out = join(outDir, `k8s-${minor}.json.gz`);
const gz = gzipSync(JSON.stringify(bundle), { level: 9 });
writeFileSync(out, gz);
console.log(`${out}: ${Object.keys(kinds).length} kinds, ${Object.keys(defs).length} definitions, ${gz.length} bytes`);
