/**
 * Normalization both sides go through before comparison (semantics.md): server-owned
 * metadata and status out, Secret stringData folded into data, Service port protocol
 * defaulted. Secret masking is separate (maskSecret) and applied to everything shown.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { KubeObject } from '../manifest';
import { splitApiVersion } from '../manifest';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

export function isSecret(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return o.kind === 'Secret' && splitApiVersion(o.apiVersion).group === '';
}

/** Secret `stringData` folded into `data` (base64), as the API server stores it. */
export function foldStringData(o: KubeObject): KubeObject {
  if (!isSecret(o) || !isPlainObject(o.stringData)) return o;
  const data: Record<string, unknown> = { ...(isPlainObject(o.data) ? o.data : {}) };
  for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  const { stringData: _s, ...rest } = o;
  return { ...rest, data } as KubeObject;
}

/**
 * The normalized form: only apiVersion, kind, name/namespace, labels, annotations (minus
 * last-applied) and the body; `status` only where the desired side sets it.
 */
export function normalizeObject(o: KubeObject, opts: { keepStatus?: boolean } = {}): KubeObject {
  const src = foldStringData(o);
  // apiVersion, kind, metadata first: the order people read manifests in.
  const out: Obj = { apiVersion: src.apiVersion, kind: src.kind, metadata: undefined };
  for (const [k, v] of Object.entries(src)) {
    if (k === 'metadata' || (k === 'status' && !opts.keepStatus)) continue;
    out[k] = deepClone(v);
  }
  const m = (src.metadata ?? {}) as Obj;
  const meta: Obj = {};
  if (m.name !== undefined) meta.name = m.name;
  if (m.namespace !== undefined) meta.namespace = m.namespace;
  if (isPlainObject(m.labels) && Object.keys(m.labels).length) meta.labels = { ...m.labels };
  if (isPlainObject(m.annotations)) {
    const { [LAST_APPLIED]: _la, ...ann } = m.annotations;
    if (Object.keys(ann).length) meta.annotations = ann;
  }
  out.metadata = meta;
  if (src.kind === 'Service' && splitApiVersion(src.apiVersion).group === '') defaultServiceProtocols(out);
  return out as KubeObject;
}

function defaultServiceProtocols(svc: Obj): void {
  const spec = svc.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.ports)) return;
  for (const p of spec.ports) if (isPlainObject(p) && p.protocol === undefined) p.protocol = 'TCP';
}

// A process-wide random key: masks are comparable within a run (same value, same mask) but
// cannot be reversed by hashing guesses of short secrets.
const MASK_KEY = randomBytes(32);

const MASKED = /^<secret sha256:[0-9a-f]{12}>$/;

export function maskValue(v: unknown): string {
  if (typeof v === 'string' && MASKED.test(v)) return v; // already masked: keep it comparable
  const h = createHmac('sha256', MASK_KEY).update(typeof v === 'string' ? v : JSON.stringify(v)).digest('hex').slice(0, 12);
  return `<secret sha256:${h}>`;
}

/** A copy of a Secret with every `data`/`stringData` value replaced by its mask; other kinds unchanged. */
export function maskSecret(o: KubeObject): KubeObject {
  if (!isSecret(o)) return o;
  const out: Obj = { ...o };
  for (const field of ['data', 'stringData'] as const) {
    const d = o[field];
    if (isPlainObject(d)) out[field] = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, maskValue(v)]));
  }
  return out as KubeObject;
}

const QUANTITY = /^([+-]?\d+(?:\.\d+)?)(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;
const SUFFIX: Record<string, number> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes quantity (`500m`, `1Gi`, `1e3`, `2`) as a number; undefined when it is not one. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return m[3] ? n * SUFFIX[m[3]] : n;
}

/** Field names under which values are quantities (resources, capacity, quotas). */
const QUANTITY_PARENTS = new Set(['requests', 'limits', 'capacity', 'allocatable', 'hard', 'used', 'overhead', 'storage']);

export function isQuantityPath(path: ReadonlyArray<string | number>): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  return (typeof parent === 'string' && QUANTITY_PARENTS.has(parent)) || last === 'storage' || last === 'sizeLimit';
}
