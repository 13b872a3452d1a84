import { relative, resolve } from 'node:path';
import type { RenderedResource } from '../core/render/types';
import { remotesFromGitConfig } from '../core/git/config';
import { atLeast, findYamlFiles, Linter, lintPaths, lintRendered, loadLintConfig, mergeFindings, readManifestFile, type Finding, type Preset, type Severity } from '../core/policy';
import type { ManifestFile } from '../core/manifest';
import { toSarif } from './lint-sarif';
import { liveSchemaSources } from './lint-live';
import type { CliIO } from './dispatch';

/** Supplied by the caller (apps + render) to lint one app's rendered output: `--app NAME`. */
export type RenderAppHook = (name: string, root: string) => Promise<{ appId: string; resources: RenderedResource[]; files: string[] } | { error: string }>;

export interface LintHooks { renderApp?: RenderAppHook; version?: string }

const USAGE = `usage: gitops-lens lint [paths...] [--app NAME] [--format text|json|sarif] [--preset default|baseline|restricted]
                        [--fail-on error|warning|info] [--k8s-version X] [--root DIR]
                        [--context NAME]  also validate custom resources against that cluster's CRDs`;

/**
 * `gitops-lens lint`: lints the YAML under the paths (default: the repo root), or one app's
 * rendered output with `--app`. Exit 0 clean, 1 findings at or above --fail-on, 2 usage or
 * internal error.
 */
export async function runLint(args: string[], io: CliIO, hooks: LintHooks = {}): Promise<number> {
  const paths: string[] = [];
  let format = 'text', preset: Preset | undefined, failOn: Severity = 'error', k8sVersion: string | undefined, app: string | undefined, root = io.cwd, context: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = () => { const v = args[++i]; if (v === undefined) throw new UsageError(`${a} needs a value`); return v; };
    try {
      if (a === '--format') format = val();
      else if (a === '--preset') preset = val() as Preset;
      else if (a === '--fail-on') failOn = val() as Severity;
      else if (a === '--k8s-version') k8sVersion = val();
      else if (a === '--app') app = val();
      else if (a === '--context') context = val();
      else if (a === '--root') root = resolve(io.cwd, val());
      else if (a === '-h' || a === '--help') { io.stdout.write(USAGE + '\n'); return 0; }
      else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
      else paths.push(a);
    } catch (e) { io.stderr.write(`gitops-lens lint: ${(e as Error).message}\n${USAGE}\n`); return 2; }
  }
  const bad = (what: string, v: string, ok: string[]) => ok.includes(v) ? undefined : `${what} must be one of ${ok.join(', ')} (got ${v})`;
  const err = bad('--format', format, ['text', 'json', 'sarif']) ?? (preset ? bad('--preset', preset, ['default', 'baseline', 'restricted']) : undefined) ?? bad('--fail-on', failOn, ['error', 'warning', 'info']) ?? (k8sVersion && !/^v?1\.\d+(\.\d+)?$/.test(k8sVersion) ? `--k8s-version must look like 1.34 (got ${k8sVersion})` : undefined);
  if (err) { io.stderr.write(`gitops-lens lint: ${err}\n${USAGE}\n`); return 2; }
  if (app && !hooks.renderApp) { io.stderr.write('gitops-lens lint: --app is not available in this build (no app renderer)\n'); return 2; }

  const { config, problems } = loadLintConfig(root);
  for (const p of problems) io.stderr.write(`gitops-lens lint: ${p.message}\n`);
  const live = context ? await liveSchemaSources(context, io.env) : undefined;
  if (live?.note) io.stderr.write(`gitops-lens lint: ${live.note}\n`);
  const linter = new Linter({ root, preset, k8sVersion, config, repoURLs: remotesFromGitConfig(root), fixes: format === 'json', schemaSources: live?.sources });
  for (const p of linter.problems) io.stderr.write(`gitops-lens lint: ${p}\n`);

  // The whole repo feeds the context (CRDs, policies, Flux sources); only the given paths are reported.
  const all = findYamlFiles(root, [], config.skip);
  const files = new Map<string, ManifestFile>();
  const load = (p: string) => { let f = files.get(p); if (!f) { f = readManifestFile(p); files.set(p, f); linter.updateFile(f); } return f; };
  let findings: Finding[] = [];
  let fileCount = all.length;
  if (app) {
    for (const p of all) load(p);
    const unknownKinds = new Set<string>();
    const r = await hooks.renderApp!(app, root);
    if ('error' in r) { io.stderr.write(`gitops-lens lint: ${r.error}\n`); return 2; }
    const raw = r.files.flatMap((p) => (/\.ya?ml$/.test(p) ? linter.lintFile(load(p), { unknownKinds }) : []));
    findings = mergeFindings(raw, lintRendered(linter, r.resources, { appId: r.appId, fileFor: (p) => { try { return load(p); } catch { return undefined; } } }));
  } else {
    const targets = new Set(paths.length ? findYamlFiles(root, paths.map((p) => resolve(io.cwd, p)), config.skip) : all);
    if (paths.length && targets.size === 0) { io.stderr.write(`gitops-lens lint: no YAML files under ${paths.join(', ')}\n`); return 2; }
    const r = lintPaths(linter, [...new Set([...all, ...targets])], (p) => targets.has(p));
    findings = r.findings;
    fileCount = r.files;
  }

  if (format === 'json') io.stdout.write(JSON.stringify({ findings: findings.map((f) => ({ ...f, file: relative(root, f.file) || f.file })) }, null, 2) + '\n');
  else if (format === 'sarif') io.stdout.write(JSON.stringify(toSarif(findings, root, hooks.version ?? '0.1.0'), null, 2) + '\n');
  else {
    for (const f of findings) io.stdout.write(`${relative(io.cwd, f.file) || f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.ruleId} ${f.message}\n`);
    const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
    io.stderr.write(`${fileCount} files, ${n('error')} errors, ${n('warning')} warnings, ${n('info')} infos\n`);
  }
  return atLeast(findings, failOn).length > 0 ? 1 : 0;
}

class UsageError extends Error {}
