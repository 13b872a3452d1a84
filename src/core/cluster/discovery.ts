/** What the API server serves: groups, versions, resources, scope and verbs. Plain data. */
import type { Transport } from './transport';
import { isClusterError } from './errors';

export interface ApiResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name used in URLs (`deployments`). */
  plural: string;
  namespaced: boolean;
  verbs: string[];
  /** True for the group's preferred version. */
  preferred: boolean;
  /** Subresources served for this resource (`status`, `scale`, ...). */
  subresources: string[];
}

export interface Discovery {
  resources: ApiResourceInfo[];
  /** Group-versions that could not be read (e.g. an aggregated API that is down). Listing is partial then. */
  problems: string[];
  fetchedAt: number;
}

interface ApiResourceList { groupVersion: string; resources: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }
interface ApiGroupList { groups: { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[] }

/** Reads discovery with the classic endpoints (/api, /apis, one list per group-version, fetched in parallel). */
export async function fetchDiscovery(t: Transport): Promise<Discovery> {
  const core = await t.json<{ versions: string[] }>({ method: 'GET', path: '/api', describe: { verb: 'discover', what: 'core API versions' } });
  const groups = await t.json<ApiGroupList>({ method: 'GET', path: '/apis', describe: { verb: 'discover', what: 'API groups' } });
  const targets: { group: string; version: string; path: string; preferred: boolean }[] = [];
  core.versions.forEach((v, i) => targets.push({ group: '', version: v, path: `/api/${v}`, preferred: i === 0 }));
  for (const g of groups.groups) {
    const pref = g.preferredVersion?.version ?? g.versions[0]?.version;
    for (const v of g.versions) targets.push({ group: g.name, version: v.version, path: `/apis/${v.groupVersion}`, preferred: v.version === pref });
  }
  const resources: ApiResourceInfo[] = [];
  const problems: string[] = [];
  await Promise.all(targets.map(async (tg) => {
    try {
      const list = await t.json<ApiResourceList>({ method: 'GET', path: tg.path, describe: { verb: 'discover', what: `resources of ${tg.group || 'core'}/${tg.version}` } });
      const subs = new Map<string, string[]>();
      for (const r of list.resources) {
        const slash = r.name.indexOf('/');
        if (slash > 0) subs.set(r.name.slice(0, slash), [...(subs.get(r.name.slice(0, slash)) ?? []), r.name.slice(slash + 1)]);
      }
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        resources.push({ group: tg.group, version: tg.version, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [], preferred: tg.preferred, subresources: subs.get(r.name) ?? [] });
      }
    } catch (e) {
      problems.push(isClusterError(e) ? e.message : `discovery of ${tg.path} failed: ${(e as Error).message}`);
    }
  }));
  resources.sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind) || Number(b.preferred) - Number(a.preferred));
  return { resources, problems, fetchedAt: Date.now() };
}

/** The resource serving a group/kind: the given version if served, else the preferred one. */
export function findResource(d: Discovery, group: string, kind: string, version?: string): ApiResourceInfo | undefined {
  let fallback: ApiResourceInfo | undefined;
  for (const r of d.resources) {
    if (r.group !== group || r.kind !== kind) continue;
    if (version && r.version === version) return r;
    if (!fallback || (r.preferred && !fallback.preferred)) fallback = r;
  }
  return fallback;
}
