import ignore, { type Ignore } from 'ignore';

/**
 * Ordered gitignore-style rules over paths relative to the repo root. A pattern read from a
 * file in a subfolder (a nested .gitignore or .sourceignore) only applies inside that folder,
 * as git and Flux scope them; it is rewritten to an equivalent root-relative pattern so one
 * ordered list decides, the last matching pattern winning.
 */
export class IgnoreRules {
  private readonly ig: Ignore = ignore({ allowRelativePaths: true });
  private count = 0;

  /** Adds patterns (gitignore syntax; `#` comments and blank lines skipped) scoped to `dir` ('' = root). */
  add(patterns: Iterable<string>, dir = ''): this {
    for (const raw of patterns) {
      const line = raw.replace(/\r$/, '');
      if (!line.trim() || line.startsWith('#')) continue;
      this.ig.add(dir ? scoped(line, dir) : line);
      this.count++;
    }
    return this;
  }

  /** Adds the lines of an ignore file found in `dir`. */
  addFile(text: string, dir = ''): this { return this.add(text.split('\n'), dir); }

  get size(): number { return this.count; }

  /** True when the repo-relative path (a folder ends with `/`) is ignored, by itself or a parent folder. */
  ignores(rel: string): boolean {
    return this.count > 0 && rel !== '' && this.ig.ignores(rel);
  }
}

/** A pattern of `dir/<ignore file>` as the same rule written at the root. */
function scoped(line: string, dir: string): string {
  const neg = line.startsWith('!');
  let p = neg ? line.slice(1) : line;
  const trailing = p.endsWith('/');
  const body = trailing ? p.slice(0, -1) : p;
  // A slash at the start or in the middle anchors a pattern to its folder; otherwise it matches at any depth below it.
  p = body.includes('/') ? `/${dir}/${body.replace(/^\//, '')}` : `/${dir}/**/${body}`;
  return `${neg ? '!' : ''}${p}${trailing ? '/' : ''}`;
}

/**
 * What Flux's source-controller leaves out of every artifact (fluxcd/pkg sourceignore:
 * ExcludeVCS, ExcludeExt, ExcludeCI, ExcludeExtra): nothing there is ever reconciled.
 */
export const FLUX_DEFAULT_IGNORES = [
  '.git/', '.gitignore', '.gitmodules', '.gitattributes',
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
];

/** Folders never part of the repo's GitOps content: dependencies, tool state, archives. */
export const DEFAULT_IGNORES = ['.git/', 'node_modules/', 'vendor/', '.terraform/', '.gitops-lens/', '.archive/', '.archived/'];
