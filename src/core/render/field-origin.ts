import { locatePath, valueAtPath, type JsonPath, type ManifestFile, type Range } from '../manifest';
import { documentValueOf } from '../manifest/parse';
import { isKustomizePatch } from '../repo/roles';
import type { RenderedResource } from './types';

export interface FieldLocation { file: string; range: Range; exact: boolean }

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function mapping(file: ManifestFile, index: number): Record<string, unknown> | undefined {
  const v = file.documents[index]?.object ?? documentValueOf(file, index);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Where in Git a rendered field's value is written. Usually the resource's own document; when
 * a kustomize patch sets the field (the document says 1, the patch 3, the output 3), the patch
 * is where the value comes from and where a user must edit it.
 */
export function locateField(r: RenderedResource, path: JsonPath, inputs: readonly string[], fileFor: (path: string) => ManifestFile | undefined): FieldLocation | undefined {
  if (!r.origin) return undefined;
  const want = valueAtPath(r.object, path);
  const file = fileFor(r.origin.file);
  const own = file ? locatePath(file, r.origin.docIndex, path) : undefined;
  if (own?.exact && (want === undefined || same(valueAtPath(mapping(file!, r.origin.docIndex), path), want))) return { file: r.origin.file, range: own.range, exact: true };
  if (want !== undefined) {
    const name = String(r.object.metadata?.name ?? '');
    for (const input of inputs) {
      if (input === r.origin.file || !/\.ya?ml$/.test(input) || !isKustomizePatch(input)) continue;
      const patch = fileFor(input);
      if (!patch) continue;
      for (let i = 0; i < patch.documents.length; i++) {
        const v = mapping(patch, i);
        if (!v || v.kind !== r.object.kind) continue;
        // The patch names the resource before any namePrefix/nameSuffix.
        const pname = String((v.metadata as { name?: unknown } | undefined)?.name ?? '');
        if (pname && pname !== name && !name.includes(pname)) continue;
        if (!same(valueAtPath(v, path), want)) continue;
        const loc = locatePath(patch, i, path);
        if (loc?.exact) return { file: input, range: loc.range, exact: true };
      }
    }
  }
  return own && file ? { file: r.origin.file, range: own.range, exact: own.exact } : undefined;
}
