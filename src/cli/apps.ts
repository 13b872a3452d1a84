import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadWorkspace, findApp } from '../core/workspace';
import { renderApp, toolchainFromEnv } from '../core/render';
import { describeId } from '../core/manifest';
import { maskSecret } from '../core/diff';
import { EXIT, err, out, table, where, type CliIO } from './io';

export async function runApps(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, kubeconfig: { type: 'string', multiple: true }, strict: { type: 'boolean' } } });
  const root = resolve(io.cwd, positionals[0] ?? '.');
  if (!isDirectory(root)) {
    err(io, `${root} is not a directory`);
    return EXIT.error;
  }
  const ws = await loadWorkspace(root, { kubeconfig: values.kubeconfig, env: io.env });
  const { apps, unsupported, config } = ws.discovery;
  // The listing worked: an app's problems (a missing path, an unknown source) are reported, not fatal.
  // --strict makes them fail the command, for CI jobs that gate on a clean app list.
  const failed = !!values.strict && apps.some((a) => a.problems.some((p) => p.severity === 'error'));
  if (values.json) {
    out(io, JSON.stringify({ root, apps, unsupported, configProblems: config.problems }, null, 2));
    return failed ? EXIT.error : EXIT.ok;
  }
  if (apps.length === 0) out(io, `no apps found in ${root}`);
  else {
    const rows = [['APP', 'KIND', 'SOURCE', 'RENDERER', 'DESTINATION', 'DISCOVERY']];
    for (const a of apps) {
      const src = a.sources.map((s) => (!s.local ? `${s.repoURL ?? '?'} (remote)` : s.ref && !s.path ? `$${s.ref} (ref)` : s.path ?? s.chart ?? '.')).join(', ');
      const dest = a.destination.context ? `${a.destination.context}${a.destination.namespace ? `/${a.destination.namespace}` : ''}` : `unresolved${a.destination.server ? ` (${a.destination.server})` : a.destination.name ? ` (${a.destination.name})` : ''}`;
      const errors = a.problems.filter((p) => p.severity === 'error').length;
      rows.push([a.id, a.kind, src || '-', [...new Set(a.sources.map((s) => s.renderer).filter(Boolean))].join(',') || '-', dest, errors ? `${errors} error(s)` : 'ok']);
    }
    out(io, table(rows));
  }
  for (const a of apps) for (const p of a.problems) out(io, `${p.file ? `${where(io, p.file, p.range)}: ` : ''}${p.severity}: ${a.id}: ${p.message}`);
  for (const u of unsupported) out(io, `${where(io, u.declaredIn.file, u.declaredIn.range)}: warning: ${u.what}: ${u.reason}`);
  for (const p of [...config.problems, ...ws.kubeconfig.problems]) out(io, `warning: ${p}`);
  return failed ? EXIT.error : EXIT.ok;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function runRender(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, yaml: { type: 'boolean' }, dir: { type: 'string' } } });
  if (!positionals[0]) {
    err(io, 'usage: gitops-lens render <app> [--json|--yaml] [--dir DIR]');
    return EXIT.error;
  }
  const dir = resolve(io.cwd, values.dir ?? '.');
  if (!isDirectory(dir)) {
    err(io, `${dir} is not a directory`);
    return EXIT.error;
  }
  const ws = await loadWorkspace(dir, { env: io.env });
  const app = findApp(ws.discovery.apps, positionals[0]);
  if ('error' in app) {
    err(io, app.error);
    return EXIT.error;
  }
  const result = await renderApp(app, ws.repo, toolchainFromEnv(io.env));
  for (const p of result.problems) err(io, `${p.file ? where(io, p.file, p.range) + ': ' : ''}${p.message}`);
  if (!result.ok) return EXIT.error;
  // Secret values are never printed in clear, not even those committed to Git.
  const shown = result.resources.map((r) => ({ ...r, object: maskValues(maskSecret(r.object), result.maskValues ?? []) }));
  if (values.json) out(io, JSON.stringify(shown, null, 2));
  else {
    // YAML (the default): each document headed by its identity and origin as a comment.
    out(io, shown.map((r) => `# ${describeId(r.id)}${r.origin ? ` from ${where(io, r.origin.file, r.origin.range)}` : ''}\n${stringify(r.object, { lineWidth: 0 })}`).join('---\n'));
  }
  return EXIT.ok;
}

/** Every string holding a value substituted from a Secret, with that value masked. */
function maskValues<T>(v: T, secrets: string[]): T {
  if (secrets.length === 0) return v;
  if (typeof v === 'string') return secrets.reduce((s, x) => s.split(x).join('*** (from a Secret)'), v as string) as T;
  if (Array.isArray(v)) return v.map((x) => maskValues(x, secrets)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskValues(x, secrets)])) as T;
  return v;
}
