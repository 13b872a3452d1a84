import { parse, stringify } from 'yaml';
import type { KubeObject } from '../manifest';

const VAR = /\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([^}]*))?\}/g;

/**
 * Flux post-build substitution: `${var}`, `${var:=default}`, `${var:-default}` over the YAML
 * text of each object, so `replicas: ${n}` becomes a number as Flux would make it.
 */
export function substituteVariables(obj: KubeObject, vars: Record<string, string>): KubeObject {
  if (obj.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/substitute'] === 'disabled') return obj;
  const text = stringify(obj, { lineWidth: 0 });
  if (!text.includes('${')) return obj;
  const out = text.replace(VAR, (_m, name: string, op: string | undefined, def: string | undefined) => {
    const v = vars[name];
    if (op === ':=' || op === ':-') return v === undefined || v === '' ? def ?? '' : v;
    if (op === '=' || op === '-') return v === undefined ? def ?? '' : v;
    return v ?? '';
  });
  return parse(out) as KubeObject;
}
