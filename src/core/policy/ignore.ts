import type { KubeObject, ManifestFile } from '../manifest';

export const IGNORE_ANNOTATION = 'ignore-check.gitops-lens.dev/';
export const DIRECTIVE = 'gitops-lens-ignore';

/** kube-linter check → our rule. */
export const KUBE_LINTER_CHECKS: Readonly<Record<string, string>> = {
  'privileged-container': 'privileged', 'host-network': 'host-namespaces', 'host-pid': 'host-namespaces', 'host-ipc': 'host-namespaces',
  'docker-sock': 'sensitive-host-mount', 'sensitive-host-mounts': 'sensitive-host-mount', 'unsafe-proc-mount': 'unsafe-proc-mount',
  'unsafe-sysctls': 'unsafe-sysctls', 'latest-tag': 'image-tag', 'mismatching-selector': 'selector-mismatch',
  'liveness-port': 'probe-port', 'readiness-port': 'probe-port', 'startup-port': 'probe-port', 'host-port': 'host-port',
  'privilege-escalation-container': 'privilege-escalation', 'run-as-non-root': 'run-as-non-root', 'drop-net-raw-capability': 'drop-capabilities',
  'no-read-only-root-fs': 'read-only-root-fs', 'unset-cpu-requirements': 'cpu-requests', 'unset-memory-requirements': 'memory-limits',
  'no-liveness-probe': 'liveness-probe', 'no-readiness-probe': 'readiness-probe', 'env-var-secret': 'secret-literal-env',
  'duplicate-env-var': 'duplicate-env', 'pdb-max-unavailable': 'pdb-blocks-eviction', 'pdb-min-available': 'pdb-blocks-eviction',
  'wildcard-in-rules': 'rbac-wildcard', 'cluster-admin-role-binding': 'cluster-admin-binding', 'use-namespace': 'default-namespace',
  'dangling-service': 'dangling-service', 'no-extensions-v1beta': 'deprecated-api', 'minimum-three-replicas': 'replicas',
};

/** Polaris check → our rule (annotation `polaris.fairwinds.com/<check>-exempt: "true"`). */
export const POLARIS_CHECKS: Readonly<Record<string, string>> = {
  hostIPCSet: 'host-namespaces', hostPIDSet: 'host-namespaces', hostNetworkSet: 'host-namespaces', hostProcess: 'host-process',
  hostPathSet: 'host-path', hostPortSet: 'host-port', privilegeEscalationAllowed: 'privilege-escalation', runAsRootAllowed: 'run-as-non-root',
  runAsPrivileged: 'privileged', notReadOnlyRootFilesystem: 'read-only-root-fs', dangerousCapabilities: 'dangerous-capabilities',
  insecureCapabilities: 'drop-capabilities', cpuRequestsMissing: 'cpu-requests', cpuLimitsMissing: 'cpu-limits',
  memoryRequestsMissing: 'memory-requests', memoryLimitsMissing: 'memory-limits', livenessProbeMissing: 'liveness-probe',
  readinessProbeMissing: 'readiness-probe', tagNotSpecified: 'image-tag', sensitiveContainerEnvVar: 'secret-literal-env',
  automountServiceAccountToken: 'automount-sa-token', deploymentMissingReplicas: 'replicas', procMount: 'unsafe-proc-mount',
  clusterrolebindingClusterAdmin: 'cluster-admin-binding', rolebindingClusterAdminClusterRole: 'cluster-admin-binding',
  clusterrolePodExecAttach: 'rbac-wildcard',
};

/** Rules an object's annotations silence (ours and the counterparts'). */
export function ignoredByAnnotations(obj: KubeObject): Set<string> | undefined {
  const ann = obj.metadata?.annotations;
  if (!ann || typeof ann !== 'object') return undefined;
  let out: Set<string> | undefined;
  const add = (r: string | undefined) => { if (r) (out ??= new Set()).add(r); };
  for (const [k, v] of Object.entries(ann)) {
    if (k.startsWith(IGNORE_ANNOTATION)) add(k.slice(IGNORE_ANNOTATION.length));
    else if (k.startsWith('ignore-check.kube-linter.io/')) add(KUBE_LINTER_CHECKS[k.slice('ignore-check.kube-linter.io/'.length)]);
    else if (k.startsWith('polaris.fairwinds.com/') && k.endsWith('-exempt') && String(v).toLowerCase() === 'true') {
      add(POLARIS_CHECKS[k.slice('polaris.fairwinds.com/'.length, -'-exempt'.length)]);
    }
  }
  return out;
}

/** A comment directive and the lines (zero-based, inclusive) it covers. */
export interface IgnoreDirective { rules: string[]; reason?: string; line: number; from: number; to: number; scope: 'document' | 'block' }

/**
 * `# gitops-lens-ignore <rule>[,<rule>] -- <reason>` silences its rules on the next field
 * and everything nested under it, or on the whole document when it precedes the
 * document's first line.
 */
export function parseDirectives(file: ManifestFile): IgnoreDirective[] {
  const text = file.text;
  if (!text.includes(DIRECTIVE)) return [];
  const lines = text.split('\n');
  const out: IgnoreDirective[] = [];
  const docStarts = new Map(file.documents.map((d) => [d.range.start.line, d.range.end.line]));
  const re = new RegExp(`^\\s*#\\s*${DIRECTIVE}\\s+([\\w.,/ -]+?)\\s*(?:--\\s*(.*))?$`);
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (!m) continue;
    const rules = m[1].split(/[,\s]+/).filter(Boolean);
    let n = i + 1;
    while (n < lines.length && (/^\s*(#.*)?$/.test(lines[n]) || /^---\s*$/.test(lines[n]))) n++;
    if (n >= lines.length) continue;
    const docEnd = docStarts.get(n);
    if (docEnd !== undefined) { out.push({ rules, reason: m[2]?.trim() || undefined, line: i, from: n, to: docEnd, scope: 'document' }); continue; }
    const indent = indentOf(lines[n]);
    let end = n;
    for (let j = n + 1; j < lines.length; j++) {
      if (/^\s*(#.*)?$/.test(lines[j])) continue;
      if (indentOf(lines[j]) <= indent || /^(---|\.\.\.)/.test(lines[j])) break;
      end = j;
    }
    out.push({ rules, reason: m[2]?.trim() || undefined, line: i, from: n, to: end, scope: 'block' });
  }
  return out;
}

function indentOf(line: string): number {
  let i = 0;
  while (line[i] === ' ') i++;
  // `- key:` items: the item's content indentation decides what is nested under it.
  return i;
}

export function directiveSilences(dirs: IgnoreDirective[], ruleId: string, line: number): boolean {
  for (const d of dirs) if (line >= d.from && line <= d.to && (d.rules.includes(ruleId) || d.rules.includes('all'))) return true;
  return false;
}
