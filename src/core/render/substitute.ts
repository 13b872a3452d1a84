import { parse, stringify } from 'yaml';
import type { KubeObject } from '../manifest';
import { envsubst, EnvsubstError } from './envsubst';

const DISABLE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';
// fluxcd/pkg/kustomize varsubRegex: `^[_[:alpha:]][_[:alpha:][:digit:]]*$` (ASCII classes).
const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export interface SubstituteOptions {
  /** `spec.postBuild.substituteStrategy: Always`: substitute even with no variables (for defaults). */
  always?: boolean;
}

/**
 * Flux post-build substitution of one built object, as kustomize-controller does it
 * (fluxcd/pkg/kustomize SubstituteVariables): skipped when the object's label or annotation
 * `kustomize.toolkit.fluxcd.io/substitute` is `disabled`, and when there are no variables
 * (unless `always`); otherwise the object's YAML runs through Flux's envsubst in non-strict
 * mode (unset = empty) and is read back, so `replicas: ${n}` becomes a number as in Flux.
 * Throws an Error with Flux's wording when the substitution fails.
 */
export function substituteVariables(obj: KubeObject, vars: Record<string, string>, opts: SubstituteOptions = {}): KubeObject {
  if (obj.metadata?.labels?.[DISABLE_KEY] === 'disabled' || obj.metadata?.annotations?.[DISABLE_KEY] === 'disabled') return obj;
  if (Object.keys(vars).length === 0 && !opts.always) return obj;
  for (const name of Object.keys(vars)) {
    if (!VAR_NAME.test(name)) throw new Error(`post build failed for '${obj.kind}/${obj.metadata?.name ?? ''}': envsubst error: '${name}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`);
  }
  const text = stringify(obj, { lineWidth: 0 });
  if (!text.includes('$')) return obj;
  try {
    return parse(envsubst(text, (n) => ({ value: vars[n] ?? '', exists: true }))) as KubeObject;
  } catch (e) {
    const why = e instanceof EnvsubstError ? `variable substitution failed: ${e.message}` : (e as Error).message;
    throw new Error(`post build failed for '${obj.kind}/${obj.metadata?.name ?? ''}': envsubst error: ${why}`);
  }
}
