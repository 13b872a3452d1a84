import { isScalar, visit, YAMLParseError, type Document, type Node as YamlNode } from 'yaml';

/**
 * Duplicate-key errors in linear time. `yaml`'s own `uniqueKeys` check compares every key with
 * every other, which takes minutes on a map of 100,000 keys; this reports the same error
 * (code, message, position) with one Set per map.
 */
export function checkUniqueKeys(doc: Document.Parsed): void {
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const k = pair.key as YamlNode | null;
        // Non-scalar keys are vanishingly rare in manifests; compare them by their source text.
        const id = isScalar(k) ? (typeof k.value === 'object' && k.value !== null ? String(k.value) : k.value) : k ? `\u0000${String(k)}` : null;
        if (seen.has(id)) {
          const r = k?.range ?? map.range ?? [0, 0, 0];
          doc.errors.push(new YAMLParseError([r[0], r[1]], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else seen.add(id);
      }
    },
  });
}
