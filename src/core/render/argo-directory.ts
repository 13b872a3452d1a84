import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { DirectoryOptions } from '../apps/types';

/** Files an Argo CD directory source reads: manifests (YAML/JSON) and `.jsonnet` programs. */
export interface ArgoDirectoryListing { manifests: string[]; jsonnet: string[] }

const MANIFEST = /\.(yaml|yml|json|jsonnet)$/;
const SKIP_MARKER = '+argocd:skip-file-rendering';

/**
 * The repo-server's findManifests walk: the folder (and every sub-folder with `recurse`),
 * files by extension, `include`/`exclude` globs matched against the path relative to the
 * app folder. Sub-folders holding a kustomization are not built: Argo CD reads their files
 * like any other.
 */
export async function listArgoDirectory(dir: string, opts: DirectoryOptions = { recurse: false }): Promise<ArgoDirectoryListing> {
  const include = opts.include ? argoGlob(opts.include) : undefined;
  const exclude = opts.exclude ? argoGlob(opts.exclude) : undefined;
  const out: ArgoDirectoryListing = { manifests: [], jsonnet: [] };
  async function walk(d: string): Promise<void> {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (opts.recurse && e.name !== '.git') await walk(p);
        continue;
      }
      if (!e.isFile() || !MANIFEST.test(e.name)) continue;
      const rel = relative(dir, p).split(sep).join('/');
      if (exclude?.test(rel)) continue;
      if (include && !include.test(rel)) continue;
      if ((await readFile(p, 'utf8')).includes(SKIP_MARKER)) continue;
      (e.name.endsWith('.jsonnet') ? out.jsonnet : out.manifests).push(p);
    }
  }
  await walk(dir);
  return out;
}

/**
 * Argo CD's util/glob (gobwas/glob compiled without separators): `*` and `**` match any
 * characters including `/`, `?` one character, `[abc]`/`[!abc]` classes, `{a,b}` alternatives.
 */
export function argoGlob(pattern: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === '*') {
      while (pattern[i + 1] === '*') i++;
      re += '.*';
    } else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        const neg = body.startsWith('!');
        if (neg) body = body.slice(1);
        re += `[${neg ? '^' : ''}${body.replace(/\\/g, '\\\\').replace(/\^/g, '\\^')}]`;
        i = end;
      }
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
