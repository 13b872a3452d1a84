import { diffValues, normalizedView, unifiedDiff } from '../diff';
import { describeId, formatJsonPath, type KubeObject, type ResourceId } from '../manifest';
import { placeResource, scopeForRender } from '../placement';
import type { RenderedResource } from '../render/types';
import { DesiredStateError, loadDesired, type DesiredOptions } from './desired';
import type { DesiredState, RevisionInfo } from './types';

export interface ResourceRevisionDiff {
  key: string;
  id: ResourceId;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: string[];
  diff: string;
  /** Where the resource is in the repo at `to` (or at `from` when removed). */
  source?: { file: string; line: number };
}

export interface RevisionSide {
  revision?: RevisionInfo;
  /** Why this side has no resources (app absent at that revision, render failure). */
  problems: string[];
}

export interface RevisionDiff {
  appId: string;
  from: RevisionSide;
  to: RevisionSide;
  resources: ResourceRevisionDiff[];
  summary: { added: number; removed: number; changed: number; unchanged: number };
  /** False when either side could not be rendered. */
  ok: boolean;
}

/**
 * What the rendered manifests of an app look like between two revisions — what a pull
 * request will change — with no cluster involved. Each revision is exported and rendered on
 * its own; resources are paired by identity.
 */
export async function revisionDiff(root: string, appRef: string, from: string, to: string, opts: Omit<DesiredOptions, 'revision'> & { context?: number } = {}): Promise<RevisionDiff> {
  const load = async (rev: string): Promise<{ state?: DesiredState; side: RevisionSide }> => {
    try {
      const state = await loadDesired(root, appRef, { ...opts, revision: rev });
      return { state, side: { revision: state.revision, problems: state.render.ok ? [] : state.render.problems.map((p) => p.message) } };
    } catch (e) {
      if (e instanceof DesiredStateError) return { side: { problems: [e.message] } };
      throw e;
    }
  };
  const [a, b] = await Promise.all([load(from), load(to)]);
  const appId = b.state?.app.id ?? a.state?.app.id ?? appRef;
  // An app that does not exist at one side is empty there (created or deleted by the change).
  const absent = (x: typeof a) => !x.state && x.side.problems.some((p) => /no app/.test(p));
  const ok = (!!a.state?.render.ok || absent(a)) && (!!b.state?.render.ok || absent(b)) && !(absent(a) && absent(b));
  const left = index(a.state);
  const right = index(b.state);
  const resources: ResourceRevisionDiff[] = [];
  for (const key of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const l = left.get(key);
    const r = right.get(key);
    const before = normalizedView(l?.object);
    const after = normalizedView(r?.object);
    const changes = before && after ? diffValues(after, before).map((c) => formatJsonPath(c.path)) : [];
    const status = !l ? 'added' : !r ? 'removed' : changes.length ? 'changed' : 'unchanged';
    const at = r ?? l!;
    resources.push({
      key, id: at.id, status, changes: status === 'changed' ? changes : [],
      diff: status === 'unchanged' ? '' : unifiedDiff({ id: at.id, live: before, desired: after }, { oldLabel: l ? `${from} ${describeId(l.id)}` : '/dev/null', newLabel: r ? `${to} ${describeId(r.id)}` : '/dev/null', context: opts.context }),
      source: at.origin ? { file: at.origin.file, line: at.origin.range.start.line + 1 } : undefined,
    });
  }
  const summary = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const r of resources) summary[r.status]++;
  return { appId, from: a.side, to: b.side, resources, summary, ok };
}

function index(state: DesiredState | undefined): Map<string, RenderedResource & { object: KubeObject }> {
  const m = new Map<string, RenderedResource>();
  if (!state?.render.ok) return m;
  // No cluster here: the kind's scope comes from the render's CRDs and the built-in table.
  const scope = scopeForRender(state.render, { contextNamespace: state.contextNamespace });
  for (const r of state.render.resources) {
    const p = placeResource(r.id, state.app, scope);
    m.set(p.key, { ...r, id: p.id });
  }
  return m;
}
