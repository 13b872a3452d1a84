import { parseAllDocuments } from 'yaml';
import { isKubeObject, type KubeObject } from '../manifest';
import type { RenderProblem } from './types';

/** Parses a renderer's YAML stream; `List` kinds are flattened as kubectl does. */
export function parseRenderedStream(text: string, what: string): { objects: KubeObject[]; problems: RenderProblem[] } {
  const objects: KubeObject[] = [];
  const problems: RenderProblem[] = [];
  const docs = parseAllDocuments(text);
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length) {
      problems.push({ message: `${what} produced invalid YAML: ${doc.errors[0].message.split('\n')[0]}`, code: 'invalid-output' });
      continue;
    }
    const v = doc.toJS({ maxAliasCount: 100 });
    if (v === null || v === undefined) continue;
    if (isKubeObject(v) && v.kind.endsWith('List') && Array.isArray((v as { items?: unknown }).items)) {
      for (const item of (v as unknown as { items: unknown[] }).items) if (isKubeObject(item)) objects.push(item);
    } else if (isKubeObject(v)) objects.push(v);
  }
  return { objects, problems };
}
