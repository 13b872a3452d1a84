import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of a folder, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Patch files named by a kustomization: they are fragments, not resources. */
export function patchFilesOf(kustomizationText: string, dir: string): string[] {
  let k: Record<string, unknown>;
  try {
    k = parseYaml(kustomizationText) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (!k || typeof k !== 'object') return [];
  const out: string[] = [];
  const asFile = (p: unknown) => typeof p === 'string' && !p.includes('\n') && out.push(resolve(dir, p));
  for (const p of (k.patchesStrategicMerge as unknown[]) ?? []) asFile(p);
  for (const key of ['patches', 'patchesJson6902']) {
    for (const p of (k[key] as { path?: unknown }[]) ?? []) if (p && typeof p === 'object') asFile(p.path);
  }
  return out;
}

const patchCache = new Map<string, { mtimeMs: number; patches: Set<string> }>();

/**
 * True when a kustomization in this file's folder or one of the few folders above names it
 * as a patch. Read from disk, cached by the kustomization's modification time.
 */
export function isKustomizePatch(file: string, levels = 3): boolean {
  let d = dirname(file);
  for (let i = 0; i < levels; i++) {
    for (const k of KUSTOMIZATION_FILES) {
      const kfile = join(d, k);
      if (!existsSync(kfile)) continue;
      let mtimeMs = 0;
      try { mtimeMs = statSync(kfile).mtimeMs; } catch { continue; }
      let entry = patchCache.get(kfile);
      if (!entry || entry.mtimeMs !== mtimeMs) {
        let text = '';
        try { text = readFileSync(kfile, 'utf8'); } catch { /* unreadable: no patches */ }
        entry = { mtimeMs, patches: new Set(patchFilesOf(text, d)) };
        patchCache.set(kfile, entry);
      }
      if (entry.patches.has(file)) return true;
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return false;
}
