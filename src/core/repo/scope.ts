import { parseAllDocuments } from 'yaml';
import { normalizeGitUrl } from '../git/url';
import { FLUX_DEFAULT_IGNORES, IgnoreRules } from './ignore';

/**
 * The part of the repository lint judges: what the repo's own Flux sources deliver. Flux
 * leaves out its default exclusions (CI folders, `.sops.yaml`, ...), the patterns of every
 * `.sourceignore` and a GitRepository's `spec.ignore` — a home-lab fleet's `/*` + `!/kubernetes`
 * keeps Ansible, docs and machine configs out. A path delivered by no source of this repo is
 * not deployed, so it is not linted. App discovery still reads every file: a source declared
 * outside that view is still a real object.
 */
export interface SourceScope {
  /** `namespace/name` of the GitRepositories of this repo whose ignore rules apply (empty: Flux's defaults only). */
  sources: string[];
  /** True when no source delivers this repo-relative path. */
  excludes(rel: string): boolean;
}

export interface ScopeInput {
  /** Repo-relative path and text of the YAML files (only those declaring a GitRepository are read). */
  yaml: Iterable<{ rel: string; text: string }>;
  /** Repo-relative path and text of every `.sourceignore`. */
  sourceIgnores: Iterable<{ rel: string; text: string }>;
  /** Normalized URLs naming this repository. */
  remotes: string[];
}

const GIT_REPOSITORY = /^kind:\s*["']?GitRepository\b/m;

export function sourceScope(input: ScopeInput): SourceScope {
  const base = () => {
    const r = new IgnoreRules().add(FLUX_DEFAULT_IGNORES);
    for (const f of input.sourceIgnores) r.addFile(f.text, f.rel.includes('/') ? f.rel.slice(0, f.rel.lastIndexOf('/')) : '');
    return r;
  };
  const remotes = new Set(input.remotes);
  const perSource: { name: string; rules: IgnoreRules }[] = [];
  for (const f of input.yaml) {
    if (!GIT_REPOSITORY.test(f.text)) continue;
    for (const src of gitRepositories(f.text)) {
      if (!src.url || !remotes.has(normalizeGitUrl(src.url))) continue;
      const rules = base();
      if (src.ignore) rules.addFile(src.ignore);
      perSource.push({ name: src.name, rules });
    }
  }
  const defaults = perSource.length ? undefined : base();
  return {
    sources: perSource.map((s) => s.name),
    excludes: (rel) => (defaults ? defaults.ignores(rel) : perSource.every((s) => s.rules.ignores(rel))),
  };
}

function gitRepositories(text: string): { name: string; url?: string; ignore?: string }[] {
  const out: { name: string; url?: string; ignore?: string }[] = [];
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  for (const d of Array.isArray(docs) ? docs : []) {
    if (d.errors.length) continue;
    let o: unknown;
    try { o = d.toJS({ maxAliasCount: 100 }); } catch { continue; }
    const obj = o as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { url?: unknown; ignore?: unknown } } | null;
    if (!obj || obj.kind !== 'GitRepository' || typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith('source.toolkit.fluxcd.io/')) continue;
    out.push({
      name: `${String(obj.metadata?.namespace ?? 'flux-system')}/${String(obj.metadata?.name ?? '')}`,
      url: typeof obj.spec?.url === 'string' ? obj.spec.url : undefined,
      ignore: typeof obj.spec?.ignore === 'string' ? obj.spec.ignore : undefined,
    });
  }
  return out;
}
