import type { GitOpsApp } from '../apps/types';
import type { ApiResourceInfo, ClusterClient, Discovery } from '../cluster';
import { resourceIdOf, type KubeObject, type ResourceId } from '../manifest';
import { APPLYSET_GROUP_KINDS, APPLYSET_NAMESPACES, parseGroupKinds, trackerFor, trackingSelector, type ApplySetParent } from '../diff/tracking';
import { mapLimit } from '../async';

export interface TrackedListing {
  /** Live top-level objects carrying this app's tracking mark. */
  items: KubeObject[];
  /** False when any kind that could hold members could not be listed. */
  complete: boolean;
  problems: string[];
}

/** Kinds that never hold app members and are large or volatile (Argo CD excludes them too). */
const NOISE = new Set(['/Event', 'events.k8s.io/Event', 'coordination.k8s.io/Lease', '/Endpoints', 'discovery.k8s.io/EndpointSlice', '/ComponentStatus', '/Binding']);

/**
 * The live objects this app tracks. Label tracking (Flux, Argo label mode, ApplySet) lists
 * with a selector; Argo's annotation needs a full listing. ApplySets list only the group-kinds
 * and namespaces the parent names (KEP-3659), plus the desired ones.
 */
export async function listTracked(client: ClusterClient, app: GitOpsApp, discovery: Discovery, opts: { applySet?: ApplySetParent; desired: ResourceId[]; signal?: AbortSignal; concurrency?: number }): Promise<TrackedListing> {
  const problems: string[] = discovery.problems.map((p) => `discovery incomplete: ${p}`);
  const selector = trackingSelector(app, opts.applySet);
  let kinds: ApiResourceInfo[];
  let namespaces: (string | undefined)[] = [undefined];
  const preferred = discovery.resources.filter((r) => r.preferred && r.verbs.includes('list') && !NOISE.has(`${r.group}/${r.kind}`));
  if (app.tracking === 'applyset' && opts.applySet) {
    let parent: KubeObject | null = null;
    try {
      parent = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: opts.applySet.namespace, name: opts.applySet.name }, { signal: opts.signal });
    } catch (e) {
      return { items: [], complete: false, problems: [...problems, `cannot read the ApplySet parent Secret ${opts.applySet.namespace}/${opts.applySet.name}: ${(e as Error).message}`] };
    }
    const gks = [...parseGroupKinds(parent?.metadata?.annotations?.[APPLYSET_GROUP_KINDS]), ...opts.desired];
    const want = new Set(gks.map((g) => `${g.group}/${g.kind}`));
    kinds = preferred.filter((r) => want.has(`${r.group}/${r.kind}`));
    const nsSet = new Set<string>([opts.applySet.namespace, ...(parent?.metadata?.annotations?.[APPLYSET_NAMESPACES] ?? '').split(',').filter(Boolean), ...opts.desired.map((d) => d.namespace).filter((n): n is string => !!n)]);
    namespaces = [...nsSet];
  } else kinds = preferred;
  const items: KubeObject[] = [];
  const jobs: { r: ApiResourceInfo; ns: string | undefined }[] = [];
  for (const r of kinds) {
    if (r.namespaced) for (const ns of namespaces) jobs.push({ r, ns });
    else jobs.push({ r, ns: undefined });
  }
  let complete = problems.length === 0;
  const tracker = trackerFor(app, opts.applySet);
  await mapLimit(jobs, opts.concurrency ?? 8, async ({ r, ns }) => {
    try {
      const list = await client.list({ group: r.group, version: r.version, kind: r.kind }, ns, selector, { signal: opts.signal });
      for (const o of list.items) if (tracker.tracks(o, resourceIdOf(o))) items.push(o);
    } catch (e) {
      complete = false;
      problems.push(`cannot list ${r.plural}${r.group ? '.' + r.group : ''}${ns ? ` in ${ns}` : ''}: ${(e as Error).message}`);
    }
  });
  return { items, complete, problems };
}
