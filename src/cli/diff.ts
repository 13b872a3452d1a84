// gitops-lens diff <app|--all> [--context NAME] [--json] [--dir DIR] [--kubeconfig FILE]
// A normalized unified diff per drifted resource and a summary; exit 0 no drift, 1 drift,
// 2 error (an app that could not be rendered or compared, as `kubectl diff` does).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadWorkspace, findApp } from '../core/workspace';
import { renderApp, toolchainFromEnv } from '../core/render';
import type { GitOpsApp } from '../core/apps';
import { createClusterClient, LiveCache, isClusterError, type ClusterClient } from '../core/cluster';
import { DriftEngine, unifiedDiff, type AppDiff, type ResourceDiff } from '../core/diff';
import { describeId } from '../core/manifest';
import { EXIT, err, out, table, where, type CliIO } from './io';

const USAGE = 'usage: gitops-lens diff <app|--all> [--context NAME] [--json] [--dir DIR] [--kubeconfig FILE]';

interface Engine { client: ClusterClient; cache: LiveCache; engine: DriftEngine }

function fmt(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export async function runDiff(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { all: { type: 'boolean' }, context: { type: 'string' }, json: { type: 'boolean' }, dir: { type: 'string' }, kubeconfig: { type: 'string', multiple: true } },
  });
  if (!values.all && positionals.length === 0) { err(io, USAGE); return EXIT.error; }
  const ws = await loadWorkspace(resolve(io.cwd, values.dir ?? '.'), { kubeconfig: values.kubeconfig, env: io.env });
  let apps: GitOpsApp[];
  if (values.all) apps = ws.discovery.apps.filter((a) => a.sources.some((s) => s.local));
  else {
    apps = [];
    for (const ref of positionals) {
      const a = findApp(ws.discovery.apps, ref);
      if ('error' in a) { err(io, a.error); return EXIT.error; }
      apps.push(a);
    }
  }
  if (apps.length === 0) { err(io, `no local apps found in ${ws.repo.root}`); return EXIT.error; }

  const engines = new Map<string, Engine>();
  const engineFor = (context: string): Engine => {
    let e = engines.get(context);
    if (!e) {
      const client = createClusterClient(ws.kubeconfig, context);
      const cache = new LiveCache(client);
      e = { client, cache, engine: new DriftEngine({ client, cache, fileFor: (p) => ws.repo.byPath.get(p) }) };
      engines.set(context, e);
    }
    return e;
  };
  const tools = toolchainFromEnv(io.env);
  const results: { app: GitOpsApp; diff?: AppDiff; error?: string; engine?: Engine }[] = [];
  try {
    for (const app of apps) {
      const context = values.context ?? app.destination.context;
      if (!context) {
        results.push({ app, error: `${app.id}: no kubeconfig context for its destination (${app.destination.server ?? app.destination.name ?? 'none'}); pass --context or map it in gitops-lens.yaml` });
        continue;
      }
      let e: Engine;
      try { e = engineFor(context); } catch (x) { results.push({ app, error: `${app.id}: ${(x as Error).message}` }); continue; }
      const render = await renderApp(app, ws.repo, tools);
      if (!render.ok) {
        results.push({ app, error: `${app.id}: render failed: ${render.problems.map((p) => `${p.file ? where(io, p.file, p.range) + ': ' : ''}${p.message}`).join('; ')}` });
        continue;
      }
      try {
        results.push({ app, diff: await e.engine.diffApp(app, render), engine: e });
      } catch (x) {
        results.push({ app, error: `${app.id}: ${isClusterError(x) ? x.message : (x as Error).message}` });
      }
    }
  } finally {
    for (const e of engines.values()) { e.cache.close(); e.client.close(); }
  }

  const drifted = (r: ResourceDiff) => r.status !== 'Synced' && !r.ignoredExtraneous;
  if (values.json) {
    out(io, JSON.stringify({
      apps: results.map((r) => ({
        app: r.app.id, error: r.error, context: r.diff?.context, summary: r.diff?.summary,
        resources: r.diff?.resources.map((res) => ({ ...res, unified: drifted(res) && r.engine ? unifiedDiff(r.engine.engine.pairOf(r.app.id, res.key) ?? { id: res.id }) : undefined })),
      })),
    }, null, 2));
  } else {
    for (const r of results) {
      if (r.error) { err(io, r.error); continue; }
      const d = r.diff!;
      for (const res of d.resources.filter(drifted)) {
        const pair = r.engine!.engine.pairOf(r.app.id, res.key);
        out(io, `# ${describeId(res.id)}: ${res.status}${res.method !== 'none' ? ` (${res.method} diff)` : ''}${res.note ? ` — ${res.note}` : ''}`);
        for (const c of res.changes) {
          out(io, `#   ${c.path}: ${fmt(c.live)} → ${fmt(c.desired)}${c.manager ? `  (live value by ${c.manager}${c.time ? ` at ${c.time}` : ''})` : ''}${c.file ? `  ${where(io, c.file, c.range)}` : ''}`);
        }
        const text = pair ? unifiedDiff(pair) : '';
        if (text) out(io, text);
      }
    }
    const rows = [['APP', 'CONTEXT', 'STATUS', 'SYNCED', 'OUTOFSYNC', 'MISSING', 'EXTRA', 'UNKNOWN']];
    for (const r of results) {
      const s = r.diff?.summary;
      rows.push([r.app.id, r.diff?.context ?? '-', s?.status ?? 'Error', ...(['Synced', 'OutOfSync', 'Missing', 'Extra', 'Unknown'] as const).map((k) => String(s?.counts[k] ?? '-'))]);
    }
    out(io, table(rows));
    for (const r of results) for (const p of r.diff?.summary.problems ?? []) out(io, `warning: ${r.app.id}: ${p}`);
  }
  if (results.some((r) => r.error || r.diff?.summary.status === 'Unknown')) return EXIT.error;
  return results.some((r) => r.diff?.summary.status === 'OutOfSync') ? EXIT.findings : EXIT.ok;
}
