import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../manifest';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * ApplicationSet `templatePatch` (applicationset/controllers/template applyTemplatePatch): the
 * rendered patch (YAML) strategic-merged onto the generated Application. Argo CD's Application
 * type declares no list merge keys, so the strategic merge is: maps merge key by key, lists and
 * scalars replace, `null` removes a key, and the `$patch: replace|delete` and `$retainKeys`
 * directives act on their map.
 */
export function applyTemplatePatch(app: KubeObject, patchText: string): KubeObject {
  let patch: unknown;
  try {
    patch = parseYaml(patchText);
  } catch (e) {
    throw new Error(`templatePatch is not YAML after rendering: ${(e as Error).message}`);
  }
  if (patch === null || patch === undefined) return app;
  if (!isMap(patch)) throw new Error('templatePatch must render to a map (fields of an Application)');
  return mergeMap(app as unknown as Json, patch) as unknown as KubeObject;
}

function mergeMap(base: Json, patch: Json): Json | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch' && k !== '$retainKeys'));
  if (directive === 'replace') return stripDirectives(rest) as Json;
  const out: Json = { ...base };
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  for (const [k, v] of Object.entries(rest)) {
    if (v === null) delete out[k];
    else if (isMap(v)) {
      const merged = mergeMap(isMap(out[k]) ? (out[k] as Json) : {}, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = stripDirectives(v);
  }
  return out;
}

/** A value set as a whole carries no directives (and no nulls inside maps, as a merge would drop them). */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== '$patch' && k !== '$retainKeys' && x !== null).map(([k, x]) => [k, stripDirectives(x)]));
}
