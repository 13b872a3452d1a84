/**
 * Extra (semantics.md): a live object this app tracks — its mark, top-level — at a key Git
 * no longer has. Drift reports them, plan turns them into prune tasks; both decide here.
 */
import { resourceIdOf, resourceKey, type KubeObject, type ResourceId } from '../manifest';
import type { Tracker } from './tracking';

export interface ExtraObject { object: KubeObject; id: ResourceId; key: string }

export function findExtra(live: Iterable<KubeObject>, desiredKeys: ReadonlySet<string>, tracker: Tracker): ExtraObject[] {
  const out: ExtraObject[] = [];
  for (const object of live) {
    const id = resourceIdOf(object);
    const key = resourceKey(id);
    if (!desiredKeys.has(key) && tracker.tracks(object, id)) out.push({ object, id, key });
  }
  return out;
}
