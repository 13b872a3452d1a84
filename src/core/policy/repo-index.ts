import type { KubeObject, ManifestFile } from '../manifest';
import { isNamespacedKind } from '../manifest';
import { crdInfo, type CrdInfo } from './schema/crd';
import { fluxSourceKey } from './gitops/checks';

/** What one file contributes to the repo-wide lint context. */
export interface FileContribution {
  crds: CrdInfo[];
  fluxSources: string[];
  /** ValidatingAdmissionPolicy(Binding) objects and possible param objects, with where they are. */
  policyObjects: { object: KubeObject; file: string; docIndex: number }[];
  namespaces: KubeObject[];
  /** Objects that may serve as policy params: ConfigMaps and custom resources. */
  paramCandidates: KubeObject[];
  /** Documents whose contribution could not be read (a CRD schema that breaks the converter): reported on them. */
  failures: { docIndex: number; rule: string; error: unknown }[];
}

const POLICY_KINDS = new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);

export function contributionOf(file: ManifestFile): FileContribution {
  const c: FileContribution = { crds: [], fluxSources: [], policyObjects: [], namespaces: [], paramCandidates: [], failures: [] };
  for (const d of file.documents) {
    const o = d.object;
    if (!o) continue;
    if (o.kind === 'CustomResourceDefinition') {
      try { const info = crdInfo(o, file.file); if (info) c.crds.push(info); } catch (error) { c.failures.push({ docIndex: d.index, rule: 'schema (reading this CustomResourceDefinition)', error }); }
    }
    const fk = fluxSourceKey(o);
    if (fk) c.fluxSources.push(fk);
    if (POLICY_KINDS.has(o.kind) && o.apiVersion.startsWith('admissionregistration.k8s.io/')) c.policyObjects.push({ object: o, file: file.file, docIndex: d.index });
    if (o.kind === 'Namespace' && o.apiVersion === 'v1') c.namespaces.push(o);
    if ((o.kind === 'ConfigMap' && o.apiVersion === 'v1') || (d.id && d.id.group !== '' && isNamespacedKind(d.id.group, o.kind) === undefined && !fk)) c.paramCandidates.push(o);
  }
  return c;
}

/**
 * The repo-wide facts lint needs (CRDs, Flux sources, admission policies, namespaces),
 * kept per file so one edited file updates it without rescanning the repo.
 */
export class RepoIndex {
  private readonly byFile = new Map<string, FileContribution>();
  /** Bumped whenever a contribution changes; derived caches compare it. */
  version = 0;

  update(file: ManifestFile): boolean {
    const next = contributionOf(file);
    const prev = this.byFile.get(file.file);
    const empty = (c?: FileContribution) => !c || (c.crds.length + c.fluxSources.length + c.policyObjects.length + c.namespaces.length + c.paramCandidates.length + c.failures.length === 0);
    if (empty(prev) && empty(next)) { this.byFile.delete(file.file); return false; }
    if (prev && JSON.stringify(strip(prev)) === JSON.stringify(strip(next))) return false;
    if (empty(next)) this.byFile.delete(file.file); else this.byFile.set(file.file, next);
    this.version++;
    return true;
  }

  remove(path: string): boolean {
    if (!this.byFile.delete(path)) return false;
    this.version++;
    return true;
  }

  crds(): CrdInfo[] { return [...this.byFile.values()].flatMap((c) => c.crds); }
  fluxSources(): Set<string> { return new Set([...this.byFile.values()].flatMap((c) => c.fluxSources)); }
  policyObjects(): FileContribution['policyObjects'] { return [...this.byFile.values()].flatMap((c) => c.policyObjects); }
  namespaces(): KubeObject[] { return [...this.byFile.values()].flatMap((c) => c.namespaces); }
  paramCandidates(): KubeObject[] { return [...this.byFile.values()].flatMap((c) => c.paramCandidates); }
  failuresIn(file: string): FileContribution['failures'] { return this.byFile.get(file)?.failures ?? []; }
}

function strip(c: FileContribution) {
  return { crds: c.crds.map((x) => [x.group, x.kind, x.plural, [...x.versions]]), f: c.fluxSources, p: c.policyObjects.map((p) => [p.object, p.docIndex]), n: c.namespaces, pc: c.paramCandidates, e: c.failures.map((x) => [x.docIndex, x.rule, String(x.error)]) };
}
