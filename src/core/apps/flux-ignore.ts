/**
 * Which files of a Git source are in the artifact source-controller builds (fluxcd/pkg
 * sourceignore + artifact/storage SourceIgnoreFilter): `.sourceignore` files (each one's
 * patterns relative to its folder) and the GitRepository's `spec.ignore`; when neither gives
 * a pattern, Flux's defaults apply (images and archives, CI configs, `.sops.yaml`,
 * `.goreleaser.yml`, `.flux.yaml`). VCS files are always out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];
const EXCLUDE_DEFAULT = ['*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip', '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml', '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml'];

const patterns = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));

/**
 * A test "is this repo file left out of the artifact?". `sourceignoreFiles` are the absolute
 * paths of the repo's `.sourceignore` files; `specIgnore` the GitRepository's `spec.ignore`.
 */
export function artifactExcludes(root: string, sourceignoreFiles: string[], specIgnore: string | undefined): (abs: string) => boolean {
  const scoped: { dir: string; ig: Ignore }[] = [];
  let any = false;
  for (const f of sourceignoreFiles) {
    let text = '';
    try { text = readFileSync(f, 'utf8'); } catch { continue; }
    const ps = patterns(text);
    if (ps.length === 0) continue;
    any = true;
    scoped.push({ dir: dirname(f), ig: ignore().add(ps) });
  }
  const top = ignore().add(EXCLUDE_VCS);
  const spec = specIgnore ? patterns(specIgnore) : [];
  if (spec.length) {
    any = true;
    top.add(spec);
  }
  if (!any) top.add(EXCLUDE_DEFAULT);
  return (abs: string) => {
    const rel = relative(root, abs).split(sep).join('/');
    if (!rel || rel.startsWith('..')) return false;
    if (top.ignores(rel)) return true;
    return scoped.some(({ dir, ig }) => {
      const r = relative(dir, abs).split(sep).join('/');
      return !r.startsWith('..') && r !== '' && ig.ignores(r);
    });
  };
}

/** `.sourceignore` files in the folders under `root` that hold manifests (and their parents). */
export function sourceignoreFiles(root: string, files: string[]): string[] {
  const dirs = new Set<string>([root]);
  for (const f of files) for (let d = dirname(f); d.startsWith(root + sep) && !dirs.has(d); d = dirname(d)) dirs.add(d);
  return [...dirs].map((d) => join(d, '.sourceignore')).filter((f) => existsSync(f));
}
