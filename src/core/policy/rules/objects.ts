import { isSopsEncrypted } from '../../sops';
import type { KubeObject } from '../../manifest';
import type { RawFinding } from '../types';
import { asArr, dig, isObj, type Obj } from './podspec';
import { isSecretReference } from '../secrets';

/** Rules on non-workload objects: PDB, RBAC, Secrets, namespace. */
export function checkObjects(obj: KubeObject): RawFinding[] {
  const out: RawFinding[] = [];
  const o = obj as Obj;
  if (obj.metadata?.namespace === 'default') out.push({ ruleId: 'default-namespace', path: ['metadata', 'namespace'], message: 'the object is in namespace default; use a dedicated namespace' });
  switch (obj.kind) {
    case 'PodDisruptionBudget': {
      const spec = isObj(o.spec) ? o.spec : {};
      if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%') out.push({ ruleId: 'pdb-blocks-eviction', path: ['spec', 'maxUnavailable'], message: 'maxUnavailable 0 never allows an eviction and blocks node drains; allow at least 1' });
      if (spec.minAvailable === '100%') out.push({ ruleId: 'pdb-blocks-eviction', path: ['spec', 'minAvailable'], message: 'minAvailable 100% never allows an eviction and blocks node drains; lower it' });
      break;
    }
    case 'Role': case 'ClusterRole':
      asArr(o.rules).forEach((r, i) => {
        if (!isObj(r)) return;
        for (const field of ['apiGroups', 'resources', 'verbs']) {
          const idx = asArr(r[field]).indexOf('*');
          if (idx >= 0) out.push({ ruleId: 'rbac-wildcard', path: ['rules', i, field, idx], message: `rules[${i}].${field} contains "*"; list the ${field} explicitly` });
        }
      });
      break;
    case 'RoleBinding': case 'ClusterRoleBinding':
      if (dig(o, ['roleRef', 'name']) === 'cluster-admin' && dig(o, ['roleRef', 'kind']) !== 'Role') out.push({ ruleId: 'cluster-admin-binding', path: ['roleRef', 'name'], message: 'this binding grants cluster-admin; bind a narrower role' });
      break;
    case 'Secret':
      // A SOPS-encrypted Secret is the encrypted form; values that are references are resolved at deploy time.
      if (obj.apiVersion === 'v1' && !isSopsEncrypted(obj)) {
        for (const field of ['data', 'stringData']) {
          const values = isObj(o[field]) ? (o[field] as Obj) : {};
          const plain = Object.keys(values).filter((k) => !isSecretReference(values[k], field === 'data'));
          if (plain.length > 0) out.push({ ruleId: 'plaintext-secret', path: [field], message: `Secret ${obj.metadata?.name ?? ''} has ${field} committed to Git in plain text (${plain.slice(0, 5).join(', ')}${plain.length > 5 ? ', ...' : ''}); use a SealedSecret, SOPS, an ExternalSecret or a reference such as op:// or \${VAR}` });
        }
      }
      break;
  }
  return out;
}

/** PDB vs the replicas of the workloads it selects (needs the other objects of the app). */
export function checkPdbAgainst(pdb: KubeObject, workloads: KubeObject[], selectorMatches: (sel: unknown, labels: unknown) => boolean): RawFinding[] {
  const min = dig(pdb, ['spec', 'minAvailable']);
  if (typeof min !== 'number') return [];
  const sel = dig(pdb, ['spec', 'selector']);
  for (const w of workloads) {
    if (w.metadata?.namespace !== pdb.metadata?.namespace) continue;
    const replicas = dig(w, ['spec', 'replicas']);
    const r = typeof replicas === 'number' ? replicas : 1;
    if (selectorMatches(sel, dig(w, ['spec', 'template', 'metadata', 'labels'])) && min >= r) {
      return [{ ruleId: 'pdb-blocks-eviction', path: ['spec', 'minAvailable'], message: `minAvailable ${min} ≥ ${r} replicas of ${w.kind} ${w.metadata?.name ?? ''}: no pod can ever be evicted; lower minAvailable or raise replicas` }];
    }
  }
  return [];
}
