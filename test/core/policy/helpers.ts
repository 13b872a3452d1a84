import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { tempDir } from '../../support/temp';
import { deployment, PROBES_AND_REQUESTS } from '../../support/manifests';
import { Linter, loadLintConfig, type Finding, type LintOptions } from '../../../src/core/policy';
import { parseManifestFile, type ManifestFile } from '../../../src/core/manifest';
import { KUSTOMIZATION_FILES, patchFilesOf, roleOf } from '../../../src/core/repo';

/** A temp repo with the given files (path → content). */
export function makeRepo(files: Record<string, string>): string {
  const root = tempDir('gitops-lens-policy-');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** Lints every YAML file of a repo (the whole repo feeds the context) and returns the findings of `only` (or all). */
export function lintRepo(files: Record<string, string>, opts: LintOptions = {}, only?: string): { root: string; findings: Finding[]; linter: Linter } {
  const root = makeRepo(files);
  const linter = new Linter({ root, fixes: true, config: loadLintConfig(root).config, ...opts });
  const parsed = readRepoFiles(root);
  for (const f of parsed) linter.updateFile(f);
  const findings = parsed.filter((f) => !only || f.file === join(root, only)).flatMap((f) => linter.lintFile(f));
  return { root, findings, linter };
}

/** Every YAML file under `root`, parsed with the role the core classifier gives it in that repo. */
export function readRepoFiles(root: string): ManifestFile[] {
  const paths: string[] = [];
  const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = join(d, e.name); if (e.isDirectory()) { if (e.name !== '.git') walk(p); } else if (/\.ya?ml$/.test(e.name)) paths.push(p); } };
  walk(root);
  const texts = new Map(paths.sort().map((p) => [p, readFileSync(p, 'utf8')]));
  const layout = { chartDirs: new Set(paths.filter((p) => basename(p) === 'Chart.yaml').map(dirname)), patchFiles: new Set<string>() };
  for (const [p, t] of texts) if (KUSTOMIZATION_FILES.includes(basename(p))) for (const f of patchFilesOf(t, dirname(p))) layout.patchFiles.add(f);
  return [...texts].map(([p, t]) => parseManifestFile(p, t, roleOf(p, layout, t)));
}

/** One file read from disk and parsed as a manifest file (its role from its name and text alone). */
export function readManifestFile(path: string, text = readFileSync(path, 'utf8')): ManifestFile {
  return parseManifestFile(path, text, roleOf(path, { chartDirs: new Set(), patchFiles: new Set() }, text));
}

/** Zero-based position of the n-th occurrence of `needle` in `text`. */
export function posOf(text: string, needle: string, nth = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) { idx = text.indexOf(needle, idx + 1); assert.ok(idx >= 0, `fixture lacks "${needle}"`); }
  const before = text.slice(0, idx);
  return { line: before.split('\n').length - 1, character: idx - (before.lastIndexOf('\n') + 1) };
}

export function only(findings: Finding[], ruleId: string): Finding[] { return findings.filter((f) => f.ruleId === ruleId); }

/** Asserts exactly one finding of `ruleId`, at the position of `anchor` in `text`, with `severity`. */
export function expectAt(findings: Finding[], ruleId: string, file: string, text: string, anchor: string, severity: string, nth = 0): Finding {
  const fs = only(findings, ruleId);
  assert.equal(fs.length, 1, `expected one ${ruleId}, got ${JSON.stringify(fs.map((f) => [f.range.start, f.message]))}`);
  const f = fs[0];
  assert.equal(f.severity, severity);
  assert.equal(f.file, file);
  assert.deepEqual(f.range.start, posOf(text, anchor, nth), `${ruleId} at ${JSON.stringify(f.range.start)}: ${f.message}`);
  return f;
}

/** A Deployment that passes every default rule; `patch` edits its container/pod spec text. */
export function goodDeployment(opts: { name?: string; container?: string; pod?: string; meta?: string; image?: string } = {}): string {
  return deployment({
    name: opts.name ?? 'web', namespace: 'shop', meta: opts.meta, replicas: 2, selector: { app: 'web' }, container: 'app',
    image: opts.image ?? 'registry.example.com/web:1.2.3',
    pod: `      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
${opts.pod ?? ''}`,
    containerExtra: `          ports:
            - name: http
              containerPort: 8080
${PROBES_AND_REQUESTS}            limits:
              cpu: 500m
              memory: 128Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
${opts.container ?? ''}`,
  });
}
