import { relative, sep } from 'node:path';
import { RULES, RULE_BY_ID, type Finding, type RuleMeta } from '../core/policy';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export interface SarifLog { runs: { results: unknown[]; [key: string]: unknown }[]; [key: string]: unknown }

/** SARIF 2.1.0 log of findings: real regions (1-based), rule metadata and help. */
export function toSarif(findings: Finding[], root: string, toolVersion: string): SarifLog {
  const used = new Map<string, RuleMeta>();
  for (const f of findings) if (!used.has(f.ruleId)) used.set(f.ruleId, RULE_BY_ID.get(f.ruleId) ?? { id: f.ruleId, severity: 'error', title: f.ruleId.startsWith('policy.') ? `Admission policy ${f.ruleId.slice(7)}` : f.ruleId, help: 'A ValidatingAdmissionPolicy of this repository rejects the object.' });
  const rules = [...RULES.filter((r) => used.has(r.id)), ...[...used.values()].filter((r) => !RULE_BY_ID.has(r.id))];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: {
        name: 'gitops-lens', version: toolVersion, informationUri: 'https://github.com/gitops-lens/gitops-lens',
        rules: rules.map((r) => ({
          id: r.id, name: r.title.replace(/[^A-Za-z0-9]+/g, ''), shortDescription: { text: r.title }, fullDescription: { text: r.help },
          help: { text: `${r.help}${r.counterparts ? ` (counterparts: ${r.counterparts})` : ''}\nSilence one finding with the comment \`# gitops-lens-ignore ${r.id} -- <reason>\` on the line before, or the annotation ignore-check.gitops-lens.dev/${r.id}.` },
          defaultConfiguration: { level: r.severity === 'off' ? 'none' : LEVEL[r.severity], enabled: r.severity !== 'off' },
          properties: { tags: ['kubernetes', 'gitops'] },
        })),
      } },
      originalUriBaseIds: { SRCROOT: { uri: 'file://' + root.split(sep).join('/').replace(/\/?$/, '/') } },
      results: findings.map((f) => ({
        ruleId: f.ruleId, ruleIndex: index.get(f.ruleId), level: LEVEL[f.severity], message: { text: f.message },
        locations: [{ physicalLocation: {
          artifactLocation: { uri: relative(root, f.file).split(sep).join('/') || f.file, uriBaseId: 'SRCROOT' },
          region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: Math.max(f.range.end.character + 1, f.range.end.line === f.range.start.line ? f.range.start.character + 2 : 1) },
        }, ...(f.jsonPath ? { logicalLocations: [{ fullyQualifiedName: f.jsonPath, kind: 'member' }] } : {}) }],
        partialFingerprints: { 'gitopsLens/v1': `${f.ruleId}|${relative(root, f.file)}|${f.jsonPath ?? ''}|${f.resource ? `${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}` : ''}` },
      })),
    }],
  };
}
