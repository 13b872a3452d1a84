import { parse, stringify } from 'yaml';
import type { KubeObject } from '../manifest';

// `$${var}` is Flux's escape for a literal `${var}`.
const VAR = /\$(\$?)\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([^}]*))?\}/g;

/**
 * Flux post-build substitution: `${var}`, `${var:=default}`, `${var:-default}` over the YAML
 * text of each object, so `replicas: ${n}` becomes a number as Flux would make it. Quotes
 * written around `"${n}"` in the source do not survive a kustomize build, so they do not keep
 * the value a string in Flux either (fluxcd/flux2#4154); we follow Flux.
 */
export function substituteVariables(obj: KubeObject, vars: Record<string, string>): KubeObject {
  if (obj.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/substitute'] === 'disabled') return obj;
  const text = stringify(obj, { lineWidth: 0 });
  if (!text.includes('${')) return obj;
  const out = text.replace(VAR, (whole: string, escaped: string, name: string, op: string | undefined, def: string | undefined) => {
    if (escaped) return whole.slice(1);
    const v = vars[name];
    if (op === ':=' || op === ':-') return v === undefined || v === '' ? def ?? '' : v;
    if (op === '=' || op === '-') return v === undefined ? def ?? '' : v;
    return v ?? '';
  });
  return parse(out) as KubeObject;
}
