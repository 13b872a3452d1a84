import type { KubeObject } from '../../manifest';
import type { RawFinding } from '../types';
import { asArr, containerName, containersOf, dig, isObj, podSpecOf, type Obj } from './podspec';

export interface WorkloadOptions { imageRegistries?: string[] }

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key)/i;
const RESOURCES_SKELETON = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } };

/** Image, resources, probes, env and selector rules of workloads. */
export function checkWorkload(obj: KubeObject, opts: WorkloadOptions): RawFinding[] {
  const ps = podSpecOf(obj);
  if (!ps) return [];
  const out: RawFinding[] = [];
  const o = obj as Obj;
  const spec = ps.spec;
  if (spec.automountServiceAccountToken !== false) {
    out.push({ ruleId: 'automount-sa-token', path: [...ps.path, 'automountServiceAccountToken'], message: 'the service-account token is mounted into the pod; set automountServiceAccountToken: false unless it calls the Kubernetes API', set: { path: [...ps.path, 'automountServiceAccountToken'], value: false, title: 'Set automountServiceAccountToken: false' } });
  }
  if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(obj.kind)) {
    const r = dig(o, ['spec', 'replicas']);
    if (typeof r !== 'number' || r < 2) out.push({ ruleId: 'replicas', path: ['spec', 'replicas'], message: `${obj.kind} runs ${typeof r === 'number' ? r : 1} replica; set spec.replicas to 2 or more` });
  }
  checkSelector(obj, out);
  for (const c of containersOf(ps)) {
    const ct = c.container;
    const who = containerName(c);
    const image = ct.image;
    if (typeof image === 'string') {
      const tag = imageTag(image);
      if (!image.includes('@') && (tag === undefined || tag === 'latest')) {
        out.push({ ruleId: 'image-tag', path: [...c.path, 'image'], message: `${who} image "${image}" ${tag ? 'uses :latest' : 'has no tag'}; pin a version tag or a digest` });
      }
      if (opts.imageRegistries?.length && !opts.imageRegistries.some((r) => image.startsWith(r.endsWith('/') ? r : `${r}/`))) {
        out.push({ ruleId: 'image-registry', path: [...c.path, 'image'], message: `${who} image "${image}" is not from an allowed registry (${opts.imageRegistries.join(', ')})` });
      }
    }
    const declared = new Set(asArr(ct.ports).map((p) => (isObj(p) ? p.name : undefined)).filter((n): n is string => typeof n === 'string'));
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const pr = ct[probe];
      if (!isObj(pr)) continue;
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const port = dig(pr, [handler, 'port']);
        if (typeof port === 'string' && !/^\d+$/.test(port) && !declared.has(port)) {
          out.push({ ruleId: 'probe-port', path: [...c.path, probe, handler, 'port'], message: `${who} ${probe} uses port "${port}", which the container does not declare in ports; add it or use the port number` });
        }
      }
    }
    if (c.list === 'ephemeralContainers') continue;
    const res = isObj(ct.resources) ? ct.resources : undefined;
    const resPath = [...c.path, 'resources'];
    const resFix = (sub: string[], value: string, title: string) => res ? { path: [...resPath, ...sub], value, title } : { path: resPath, value: RESOURCES_SKELETON, title: 'Add a resources skeleton' };
    if (dig(res, ['requests', 'cpu']) === undefined) out.push({ ruleId: 'cpu-requests', path: [...resPath, 'requests', 'cpu'], message: `${who} has no CPU request; set resources.requests.cpu`, set: resFix(['requests', 'cpu'], '100m', 'Set resources.requests.cpu: 100m') });
    if (dig(res, ['requests', 'memory']) === undefined) out.push({ ruleId: 'memory-requests', path: [...resPath, 'requests', 'memory'], message: `${who} has no memory request; set resources.requests.memory`, set: resFix(['requests', 'memory'], '128Mi', 'Set resources.requests.memory: 128Mi') });
    if (dig(res, ['limits', 'memory']) === undefined) out.push({ ruleId: 'memory-limits', path: [...resPath, 'limits', 'memory'], message: `${who} has no memory limit; set resources.limits.memory`, set: resFix(['limits', 'memory'], '128Mi', 'Set resources.limits.memory: 128Mi') });
    if (dig(res, ['limits', 'cpu']) === undefined) out.push({ ruleId: 'cpu-limits', path: [...resPath, 'limits', 'cpu'], message: `${who} has no CPU limit; set resources.limits.cpu` });
    if (c.list === 'containers' && obj.kind !== 'Job' && obj.kind !== 'CronJob') {
      if (!isObj(ct.livenessProbe)) out.push({ ruleId: 'liveness-probe', path: [...c.path, 'livenessProbe'], message: `${who} has no livenessProbe; add one so a hung container is restarted` });
      if (!isObj(ct.readinessProbe)) out.push({ ruleId: 'readiness-probe', path: [...c.path, 'readinessProbe'], message: `${who} has no readinessProbe; add one so traffic only reaches ready pods` });
    }
    const seen = new Map<string, number>();
    asArr(ct.env).forEach((e, i) => {
      if (!isObj(e) || typeof e.name !== 'string') return;
      if (seen.has(e.name)) out.push({ ruleId: 'duplicate-env', path: [...c.path, 'env', i, 'name'], message: `${who} sets env ${e.name} twice (first at env[${seen.get(e.name)}]); remove one` });
      else seen.set(e.name, i);
      if (typeof e.value === 'string' && e.value !== '' && SECRET_NAME.test(e.name)) {
        out.push({ ruleId: 'secret-literal-env', path: [...c.path, 'env', i, 'value'], message: `${who} env ${e.name} holds a secret-looking literal; move it to a Secret and use valueFrom.secretKeyRef` });
      }
    });
  }
  return out;
}

/** The tag of an image reference, if any (a registry port is not a tag). */
export function imageTag(image: string): string | undefined {
  const ref = image.split('@')[0];
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : ref.slice(colon + 1);
}

function checkSelector(obj: KubeObject, out: RawFinding[]): void {
  if (!['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(obj.kind)) return;
  const sel = dig(obj, ['spec', 'selector']);
  const labels = dig(obj, ['spec', 'template', 'metadata', 'labels']);
  const lbl: Obj = isObj(labels) ? labels : {};
  if (!isObj(sel)) return;
  const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) {
    if (lbl[k] !== v) out.push({ ruleId: 'selector-mismatch', path: ['spec', 'selector', 'matchLabels', k], message: `selector ${k}=${String(v)} does not match the template label ${k}=${lbl[k] === undefined ? '(missing)' : String(lbl[k])}; make spec.template.metadata.labels carry it` });
  }
  asArr(sel.matchExpressions).forEach((e, i) => {
    if (!isObj(e) || !matchExpression(e, lbl)) out.push({ ruleId: 'selector-mismatch', path: ['spec', 'selector', 'matchExpressions', i], message: 'selector expression does not match the template labels; adjust spec.template.metadata.labels' });
  });
}

export function matchExpression(e: Obj, labels: Obj): boolean {
  const key = String(e.key);
  const vals = asArr(e.values).map(String);
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (e.operator) {
    case 'In': return has && vals.includes(String(labels[key]));
    case 'NotIn': return !has || !vals.includes(String(labels[key]));
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    default: return false;
  }
}

/** Label selector (matchLabels + matchExpressions) against labels. */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isObj(sel)) return true;
  const lbl: Obj = isObj(labels) ? labels : {};
  const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (lbl[k] !== v) return false;
  return asArr(sel.matchExpressions).every((e) => isObj(e) && matchExpression(e, lbl));
}
