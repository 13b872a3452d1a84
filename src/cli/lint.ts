import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { RenderedResource } from '../core/render/types';
import { allFindings, atLeast, Linter, lintRepository, loadLintConfig, type Finding, type Preset, type Severity } from '../core/policy';
import { gitTopLevel, scanRepo, type RepoFile, type RepoFiles } from '../core/repo';
import { toSarif } from './lint-sarif';
import { liveSchemaSources } from './lint-live';
import { ChunkedWriter, writeJsonWithArray } from './stream';
import { commandUsage } from './usage';
import type { CliIO } from './dispatch';

/** Supplied by the caller (apps + render) to lint one app's rendered output: `--app NAME`. */
export type RenderAppHook = (name: string, root: string) => Promise<{ appId: string; resources: RenderedResource[]; files: string[]; repo: RepoFiles<RepoFile> } | { error: string }>;

export interface LintHooks { renderApp?: RenderAppHook; version?: string }

const LINT_USAGE = commandUsage('lint');

/**
 * `gitops-lens lint`: lints the YAML under the paths (default: the working directory), or one
 * app's rendered output with `--app`. Exit 0 clean, 1 findings at or above --fail-on, 2 usage
 * or internal error.
 */
export async function runLint(args: string[], io: CliIO, hooks: LintHooks = {}): Promise<number> {
  const paths: string[] = [];
  let format = 'text', preset: Preset | undefined, failOn: Severity = 'error', k8sVersion: string | undefined, app: string | undefined, rootArg: string | undefined, context: string | undefined;
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
      else if (a === '--root') rootArg = resolve(io.cwd, val());
      else if (a === '-h' || a === '--help') { io.stdout.write(LINT_USAGE + '\n'); return 0; }
      else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
      else paths.push(resolve(io.cwd, a));
    } catch (e) { io.stderr.write(`gitops-lens lint: ${(e as Error).message}\n${LINT_USAGE}\n`); return 2; }
  }
  const bad = (what: string, v: string, ok: string[]) => ok.includes(v) ? undefined : `${what} must be one of ${ok.join(', ')} (got ${v})`;
  const err = bad('--format', format, ['text', 'json', 'sarif']) ?? (preset ? bad('--preset', preset, ['default', 'baseline', 'restricted']) : undefined) ?? bad('--fail-on', failOn, ['error', 'warning', 'info']) ?? (k8sVersion && !/^v?1\.\d+(\.\d+)?$/.test(k8sVersion) ? `--k8s-version must look like 1.34 (got ${k8sVersion})` : undefined);
  if (err) { io.stderr.write(`gitops-lens lint: ${err}\n${LINT_USAGE}\n`); return 2; }
  if (app && !hooks.renderApp) { io.stderr.write('gitops-lens lint: --app is not available in this build (no app renderer)\n'); return 2; }
  const missing = paths.find((p) => !existsSync(p));
  if (missing) { io.stderr.write(`gitops-lens lint: ${relative(io.cwd, missing) || missing} does not exist\n`); return 2; }

  const root = rootArg ?? repositoryRoot(paths[0] ?? io.cwd, io.cwd);
  const outside = paths.find((p) => !inside(p, root));
  if (outside) { io.stderr.write(`gitops-lens lint: ${outside} is not in the repository ${root}; lint each repository on its own (or pass --root)\n`); return 2; }
  const { config, problems } = loadLintConfig(root);
  for (const p of problems) io.stderr.write(`gitops-lens lint: ${p.message}\n`);
  const live = context ? await liveSchemaSources(context, io.env) : undefined;
  if (live?.note) io.stderr.write(`gitops-lens lint: ${live.note}\n`);

  let repo: RepoFiles<RepoFile>;
  let report: (p: string) => boolean;
  let renders: { appId: string; resources: RenderedResource[] }[] = [];
  if (app) {
    const r = await hooks.renderApp!(app, root);
    if ('error' in r) { io.stderr.write(`gitops-lens lint: ${r.error}\n`); return 2; }
    repo = r.repo;
    const inputs = new Set(r.files);
    report = (p) => inputs.has(p);
    renders = [{ appId: r.appId, resources: r.resources }];
  } else {
    repo = await scanRepo(root);
    // No paths: the working directory when it is inside the repository, else all of it.
    const under = paths.length ? paths : inside(io.cwd, root) ? [io.cwd] : [root];
    report = (p) => under.some((u) => inside(p, u));
    if (paths.length && !repo.files.some((f) => report(f.file))) { io.stderr.write(`gitops-lens lint: no YAML files under ${paths.map((p) => relative(io.cwd, p) || '.').join(', ')}\n`); return 2; }
  }
  const linter = new Linter({ root, preset, k8sVersion, config, repoURLs: repo.remotes, fixes: format === 'json', schemaSources: live?.sources });
  for (const p of linter.problems) io.stderr.write(`gitops-lens lint: ${p}\n`);
  const result = await lintRepository(linter, { repo, report, renders });
  const findings = allFindings(result);

  if (format === 'json') {
    await writeJsonWithArray(io.stdout, (items) => ({ findings: items }), findings.map((f) => ({ ...f, file: relative(root, f.file) || f.file })));
  } else if (format === 'sarif') {
    const log = toSarif(findings, root, hooks.version ?? '0.1.0');
    const [run] = log.runs;
    await writeJsonWithArray(io.stdout, (items) => ({ ...log, runs: [{ ...run, results: items }] }), run.results);
  } else {
    const w = new ChunkedWriter(io.stdout);
    for (const f of findings) await w.write(`${relative(io.cwd, f.file) || f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.ruleId} ${f.message}\n`);
    await w.flush();
    const n = (s: Severity) => findings.filter((f: Finding) => f.severity === s).length;
    io.stderr.write(`${result.files} files, ${n('error')} errors, ${n('warning')} warnings, ${n('info')} infos\n`);
  }
  return atLeast(findings, failOn).length > 0 ? 1 : 0;
}

/**
 * The repository a path belongs to: its Git top level. Outside Git, the working directory
 * when the path is inside it (the old behaviour), else the path's own folder.
 */
function repositoryRoot(path: string, cwd: string): string {
  const top = gitTopLevel(path);
  if (top) return top;
  if (inside(path, cwd)) return cwd;
  return statSync(path).isDirectory() ? path : dirname(path);
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

class UsageError extends Error {}
