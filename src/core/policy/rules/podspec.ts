import { valueAtPath, type JsonPath, type KubeObject } from '../../manifest';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface ContainerRef {
  container: Obj;
  path: JsonPath;
  /** containers, initContainers or ephemeralContainers. */
  list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

export interface PodSpecRef { spec: Obj; path: JsonPath; labelsPath?: JsonPath }

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController', 'PodTemplate']);

/** The pod spec of a Pod, of a controller's template, or of a CronJob's job template. */
export function podSpecOf(obj: KubeObject): PodSpecRef | undefined {
  const o = obj as Obj;
  if (obj.kind === 'Pod') return isObj(o.spec) ? { spec: o.spec, path: ['spec'] } : undefined;
  if (obj.kind === 'CronJob') {
    const t = dig(o, ['spec', 'jobTemplate', 'spec', 'template']);
    const s = isObj(t) ? t.spec : undefined;
    return isObj(s) ? { spec: s, path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] } : undefined;
  }
  if (obj.kind === 'PodTemplate') {
    const s = dig(o, ['template', 'spec']);
    return isObj(s) ? { spec: s, path: ['template', 'spec'] } : undefined;
  }
  if (TEMPLATE_KINDS.has(obj.kind)) {
    const s = dig(o, ['spec', 'template', 'spec']);
    return isObj(s) ? { spec: s, path: ['spec', 'template', 'spec'] } : undefined;
  }
  return undefined;
}

export function containersOf(ps: PodSpecRef): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    asArr(ps.spec[list]).forEach((c, i) => { if (isObj(c)) out.push({ container: c, path: [...ps.path, list, i], list }); });
  }
  return out;
}

/** The value at a path of a resource (the manifest model's valueAtPath). */
export const dig = valueAtPath;

export function containerName(c: ContainerRef): string {
  return typeof c.container.name === 'string' ? `container "${c.container.name}"` : `${c.list}[${String(c.path[c.path.length - 1])}]`;
}
