/**
 * SOPS-encrypted manifests. A document whose top level has a `sops` mapping with a `mac` is
 * encrypted (what sops writes and what kustomize-controller's decryptor looks for): its
 * `ENC[…]` values are ciphertext, the `sops` key is metadata Flux drops before applying.
 */
import type { KubeObject } from '../manifest';

const ENC = /^ENC\[[A-Z0-9_]+,data:/;

export function isSopsEncrypted(o: unknown): boolean {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const meta = (o as Record<string, unknown>).sops;
  return !!meta && typeof meta === 'object' && !Array.isArray(meta) && typeof (meta as Record<string, unknown>).mac === 'string';
}

export function isCiphertext(v: unknown): boolean {
  return typeof v === 'string' && ENC.test(v);
}

/** The object without its `sops` metadata (what schemas and policies should see). */
export function withoutSopsMetadata<T extends object>(o: T): T {
  if (!isSopsEncrypted(o)) return o;
  const { sops: _drop, ...rest } = o as Record<string, unknown>;
  void _drop;
  return rest as T;
}

/**
 * The object as it can be compared without the key: `sops` metadata dropped and every
 * `ENC[…]` value removed (its path listed), so drift compares only what is readable.
 */
export function withoutCiphertext(o: KubeObject): { object: KubeObject; encrypted: string[] } {
  const encrypted: string[] = [];
  const walk = (v: unknown, path: string[]): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)])).filter((x) => x !== DROP);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x, [...path, k]);
        if (w !== DROP) out[k] = w;
      }
      return out;
    }
    if (isCiphertext(v)) {
      encrypted.push(path.join('.'));
      return DROP;
    }
    return v;
  };
  const object = walk(withoutSopsMetadata(o), []) as KubeObject;
  return { object, encrypted };
}

const DROP = Symbol('encrypted');
