/**
 * SOPS-encrypted objects in a render: decrypted in memory when the caller asks (drift) and the
 * user's sops and keys can, else left without their ciphertext fields so nothing compares,
 * shows or applies `ENC[…]` values. Flux drops the `sops` metadata either way.
 */
import { decryptFile, isSopsEncrypted, withoutCiphertext, withoutSopsMetadata, type SopsOptions } from '../sops';
import type { KubeObject } from '../manifest';
import type { RenderedResource } from './types';

export async function openSops(resources: RenderedResource[], decrypt: SopsOptions | undefined): Promise<RenderedResource[]> {
  if (!resources.some((r) => isSopsEncrypted(r.object))) return resources;
  const files = new Map<string, Promise<KubeObject[] | undefined>>();
  const plainOf = (file: string) => {
    let p = files.get(file);
    if (!p) {
      // A file that cannot be decrypted (no key) is compared without its secret values.
      p = decryptFile(file, decrypt).catch(() => undefined);
      files.set(file, p);
    }
    return p;
  };
  return Promise.all(resources.map(async (r) => {
    if (!isSopsEncrypted(r.object)) return r;
    const docs = decrypt && r.origin ? (await plainOf(r.origin.file)) ?? [] : [];
    const sameKind = docs.filter((o) => o.kind === r.object.kind);
    // Same name, else the only object of that kind in the file (kustomize may have prefixed the name).
    const plain = sameKind.find((o) => o.metadata?.name === r.object.metadata?.name) ?? (sameKind.length === 1 ? sameKind[0] : undefined);
    if (plain) {
      // Encrypted fields take the decrypted values; what kustomize changed (namespace, labels) stays.
      const object: KubeObject = { ...withoutSopsMetadata(r.object) };
      for (const [k, v] of Object.entries(plain)) if (!['apiVersion', 'kind', 'metadata', 'sops'].includes(k)) (object as Record<string, unknown>)[k] = v;
      return { ...r, object };
    }
    const { object, encrypted } = withoutCiphertext(r.object);
    return { ...r, object, encrypted };
  }));
}
