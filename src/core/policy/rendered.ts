import { describeId, parseManifestFile, resourceKey, type KubeObject, type ManifestDocument, type ManifestFile } from '../manifest';
import type { RenderedResource } from '../render/types';
import type { Linter } from './engine';
import { sortFindings } from './engine';
import { parseDirectives, type IgnoreDirective } from './ignore';
import { checkPdbAgainst } from './rules/objects';
import { dig, isObj, podSpecOf } from './rules/podspec';
import { selectorMatches } from './rules/workload';
import type { Finding, RawFinding } from './types';

export interface RenderedLintOptions {
  appId?: string;
  /** The parsed source file an origin points at (the editor's open document or a fresh read). */
  fileFor(path: string): ManifestFile | undefined;
  /** The object at the base Git revision. */
  oldObject?: (r: RenderedResource) => KubeObject | undefined;
}

/**
 * Lints an app's rendered output and reports each finding at the source it came from: the
 * exact field when the origin document has it, else the origin document. Also runs the
 * checks that need the whole app: duplicate identities, dangling Services, PDBs vs replicas.
 */
export function lintRendered(linter: Linter, resources: RenderedResource[], opts: RenderedLintOptions): Finding[] {
  const out: Finding[] = [];
  const unknownKinds = new Set<string>();
  const directives = new Map<string, IgnoreDirective[]>();
  const placeholder = new Map<string, { file: ManifestFile; doc: ManifestDocument }>();
  const where = (r: RenderedResource) => {
    const file = r.origin ? opts.fileFor(r.origin.file) : undefined;
    const doc = file && r.origin ? file.documents[r.origin.docIndex] : undefined;
    if (file && doc) {
      if (!directives.has(file.file)) directives.set(file.file, parseDirectives(file));
      return { file, doc, dirs: directives.get(file.file)! };
    }
    // No source to point at: report against the app itself.
    const name = `(rendered ${opts.appId ?? 'app'})`;
    let p = placeholder.get(name);
    if (!p) { const f = parseManifestFile(name, ''); p = { file: f, doc: { file: name, index: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, kind: 'resource', problems: [] } }; placeholder.set(name, p); }
    return { file: p.file, doc: { ...p.doc, id: r.id }, dirs: [] as IgnoreDirective[] };
  };
  const seen = new Map<string, RenderedResource>();
  const workloads = resources.filter((r) => podSpecOf(r.object));
  for (const r of resources) {
    const w = where(r);
    const rendered = { appId: opts.appId, via: r.origin?.via ?? 'none' };
    linter.lintObject(out, r.object, w.file, w.doc, w.dirs, unknownKinds, opts.oldObject?.(r), rendered);
    const extra: RawFinding[] = [];
    const key = resourceKey(r.id);
    const first = seen.get(key);
    if (first) extra.push({ ruleId: 'duplicate-resource', path: ['metadata', 'name'], message: `${describeId(r.id)} is rendered twice in app ${opts.appId ?? ''}${first.origin ? ` (also from ${first.origin.file}:${first.origin.range.start.line + 1})` : ''}; remove one` });
    else seen.set(key, r);
    if (r.object.kind === 'Service' && r.object.apiVersion === 'v1') {
      const sel = dig(r.object, ['spec', 'selector']);
      if (isObj(sel) && Object.keys(sel).length > 0 && !workloads.some((wl) => wl.object.metadata?.namespace === r.object.metadata?.namespace && selectorMatches({ matchLabels: sel }, podLabels(wl.object)))) {
        extra.push({ ruleId: 'dangling-service', path: ['spec', 'selector'], message: `Service selector ${Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(',')} matches no workload of this app; fix the selector or the pod labels` });
      }
    }
    if (r.object.kind === 'PodDisruptionBudget') extra.push(...checkPdbAgainst(r.object, workloads.map((x) => x.object), selectorMatches));
    for (const e of extra) linter.emit(out, e, w.file, w.doc, w.dirs, r.object, undefined, rendered);
  }
  return sortFindings(out);
}

function podLabels(obj: KubeObject): unknown {
  return obj.kind === 'Pod' ? obj.metadata?.labels : obj.kind === 'CronJob' ? dig(obj, ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels']) : dig(obj, ['spec', 'template', 'metadata', 'labels']);
}

/** Raw and rendered findings together, a finding both report counted once (the raw one wins). */
export function mergeFindings(raw: Finding[], rendered: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.ruleId}|${f.file}|${f.jsonPath ?? ''}|${f.message}`;
  const pos = (f: Finding) => `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
  const seen = new Set<string>();
  for (const f of raw) { seen.add(key(f)); seen.add(pos(f)); }
  const out = [...raw];
  for (const f of rendered) {
    if (seen.has(key(f)) || seen.has(pos(f))) continue;
    seen.add(key(f)); seen.add(pos(f));
    out.push(f);
  }
  return sortFindings(out);
}
