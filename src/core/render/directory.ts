import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { parseManifestFile } from '../manifest';
import type { DirectoryOptions } from '../apps/types';
import type { RenderedResource, RenderProblem } from './types';
import { KUSTOMIZATION_FILES } from '../repo';

export interface DirectoryListing { files: string[]; kustomizeDirs: string[] }

/** Manifest files of a plain folder (recursing if asked); sub-folders with a kustomization are kustomize roots. */
export async function listDirectory(dir: string, opts: DirectoryOptions = { recurse: false }): Promise<DirectoryListing> {
  const include = opts.include ? picomatch(opts.include.replace(/^\{(.*)\}$/, '{$1}'), { basename: false, dot: true }) : undefined;
  const exclude = opts.exclude ? picomatch(opts.exclude, { dot: true }) : undefined;
  const out: DirectoryListing = { files: [], kustomizeDirs: [] };
  async function walk(d: string, top: boolean): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true });
    if (!top && entries.some((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name))) {
      out.kustomizeDirs.push(d);
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (opts.recurse && !e.name.startsWith('.')) await walk(p, false);
        continue;
      }
      if (!/\.(ya?ml|json)$/i.test(e.name) || KUSTOMIZATION_FILES.includes(e.name)) continue;
      const rel = relative(dir, p);
      if (include && !include(rel) && !include(e.name)) continue;
      if (exclude && (exclude(rel) || exclude(e.name))) continue;
      out.files.push(p);
    }
  }
  await walk(dir, true);
  return out;
}

/** Reads the listed files; every resource's origin is its own document. */
export async function renderFiles(files: string[], overrides?: Map<string, string>): Promise<{ resources: RenderedResource[]; problems: RenderProblem[] }> {
  const resources: RenderedResource[] = [];
  const problems: RenderProblem[] = [];
  for (const file of files) {
    const text = overrides?.get(file) ?? (await readFile(file, 'utf8'));
    let parsed;
    if (file.endsWith('.json')) {
      try {
        const v = JSON.parse(text);
        parsed = parseManifestFile(file, JSON.stringify(v, null, 2));
      } catch (e) {
        problems.push({ message: `${file}: ${(e as Error).message}`, file, code: 'yaml' });
        continue;
      }
    } else parsed = parseManifestFile(file, text);
    for (const doc of parsed.documents) {
      if (doc.kind === 'invalid') {
        for (const p of doc.problems.filter((x) => x.severity === 'error')) problems.push({ message: p.message, file, range: p.range, code: 'yaml' });
      }
      if (doc.kind !== 'resource' || !doc.object || !doc.id) continue;
      resources.push({ object: doc.object, id: doc.id, origin: { file, docIndex: doc.index, range: doc.range, via: 'file' } });
    }
  }
  return { resources, problems };
}
