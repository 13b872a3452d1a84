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

export interface PodSpecRef {
  spec: Obj;
  path: JsonPath;
  /** The pod's metadata (the template's for controllers): Pod Security reads its annotations. */
  meta: Obj;
  metaPath: JsonPath;
  /** A Pod itself, not a template: only Pods get the API server's pod-only defaults. */
  isPod: boolean;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController', 'PodTemplate']);

/** The pod spec of a Pod, of a controller's template, or of a CronJob's job template. */
export function podSpecOf(obj: KubeObject): PodSpecRef | undefined {
  const o = obj as Obj;
  if (obj.kind === 'Pod') return isObj(o.spec) ? { spec: o.spec, path: ['spec'], meta: objAt(o, ['metadata']), metaPath: ['metadata'], isPod: true } : undefined;
  const templatePath = obj.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : obj.kind === 'PodTemplate' ? ['template'] : TEMPLATE_KINDS.has(obj.kind) ? ['spec', 'template'] : undefined;
  if (!templatePath) return undefined;
  const t = dig(o, templatePath);
  const s = isObj(t) ? t.spec : undefined;
  return isObj(s) ? { spec: s, path: [...templatePath, 'spec'], meta: objAt(t as Obj, ['metadata']), metaPath: [...templatePath, 'metadata'], isPod: false } : undefined;
}

function objAt(o: Obj, path: JsonPath): Obj {
  const v = dig(o, path);
  return isObj(v) ? v : {};
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
