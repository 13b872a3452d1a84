// gitops-lens diff <app|--all> [--context NAME] [--json] [--dir DIR] [--kubeconfig FILE]
// A normalized unified diff per drifted resource, health, and a summary; exit 0 no drift,
// 1 drift, 2 error (an app that could not be rendered or compared, as `kubectl diff` does).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadWorkspace, findApp } from '../core/workspace';
import { renderApp, toolchainFromEnv } from '../core/render';
import { describeProvenance, explainFields } from '../core/render/provenance';
import type { GitOpsApp } from '../core/apps';
import { isClusterError } from '../core/cluster';
import { unifiedDiff, type AppDiff, type ResourceDiff } from '../core/diff';
import { ClusterSession } from '../core/session';
import { describeId } from '../core/manifest';
import type { Health } from '../core/health';
import { EXIT, err, out, table, where, type CliIO } from './io';

const USAGE = 'usage: gitops-lens diff <app|--all> [--context NAME] [--json] [--dir DIR] [--kubeconfig FILE]';

function healthText(h: Health): string {
  return `${h.status}${h.message ? ` (${h.message})` : ''}`;
}

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

  const tools = toolchainFromEnv(io.env);
  const sessions = new Map<string, ClusterSession>();
  const sessionFor = (context: string): ClusterSession => {
    let s = sessions.get(context);
    if (!s) {
      s = ClusterSession.open(ws.kubeconfig, context, { engine: { fileFor: (p) => ws.repo.byPath.get(p), explain: (app, render, reqs, signal) => explainFields({ app, render, repo: ws.repo, tools, signal }, reqs) } });
      sessions.set(context, s);
    }
    return s;
  };
  const results: { app: GitOpsApp; diff?: AppDiff; error?: string; session?: ClusterSession }[] = [];
  try {
    for (const app of apps) {
      const context = values.context ?? app.destination.context;
      if (!context) {
        results.push({ app, error: `${app.id}: no kubeconfig context for its destination (${app.destination.server ?? app.destination.name ?? 'none'}); pass --context or map it in gitops-lens.yaml` });
        continue;
      }
      let session: ClusterSession;
      try { session = sessionFor(context); } catch (x) { results.push({ app, error: `${app.id}: ${(x as Error).message}` }); continue; }
      // Drift only: SOPS-encrypted values are decrypted in memory when the user's sops and key can.
      const render = await renderApp(app, ws.repo, tools, { decryptSops: { program: io.env.GITOPS_LENS_SOPS, env: io.env, hint: 'set GITOPS_LENS_SOPS to its path' } });
      if (!render.ok) {
        results.push({ app, error: `${app.id}: render failed: ${render.problems.map((p) => `${p.file ? where(io, p.file, p.range) + ': ' : ''}${p.message}`).join('; ')}` });
        continue;
      }
      try {
        results.push({ app, diff: await session.engine.diffApp(app, render), session });
      } catch (x) {
        results.push({ app, error: `${app.id}: ${isClusterError(x) ? x.message : (x as Error).message}` });
      }
    }
  } finally {
    for (const s of sessions.values()) s.close();
  }

  const drifted = (r: ResourceDiff) => r.status !== 'Synced' && !r.ignoredExtraneous;
  if (values.json) {
    out(io, JSON.stringify({
      apps: results.map((r) => ({
        app: r.app.id, error: r.error, context: r.diff?.context, summary: r.diff?.summary,
        resources: r.diff?.resources.map((res) => ({ ...res, unified: drifted(res) && r.session ? unifiedDiff(r.session.engine.pairOf(r.app.id, res.key) ?? { id: res.id }) : undefined })),
      })),
    }, null, 2));
  } else {
    for (const r of results) {
      if (r.error) { err(io, r.error); continue; }
      const d = r.diff!;
      for (const res of d.resources.filter(drifted)) {
        const pair = r.session!.engine.pairOf(r.app.id, res.key);
        out(io, `# ${describeId(res.id)}: ${res.status}${res.method !== 'none' ? ` (${res.method} diff)` : ''}${res.health && res.status !== 'Missing' ? `, ${healthText(res.health)}` : ''}${res.note ? ` — ${res.note}` : ''}`);
        for (const c of res.changes) {
          out(io, `#   ${c.path}: ${fmt(c.live)} → ${fmt(c.desired)}${c.manager ? `  (live value by ${c.manager}${c.time ? ` at ${c.time}` : ''})` : ''}${c.file ? `  ${where(io, c.file, c.range)}` : ''}`);
          if (c.provenance && c.provenance.chain.length + (c.provenance.computed ? 1 : 0) > 0) out(io, `#     Git: ${describeProvenance(c.provenance, (f) => where(io, f))}`);
        }
        const text = pair ? unifiedDiff(pair) : '';
        if (text) out(io, text);
      }
    }
    const rows = [['APP', 'CONTEXT', 'STATUS', 'HEALTH', 'SYNCED', 'OUTOFSYNC', 'MISSING', 'EXTRA', 'UNKNOWN']];
    for (const r of results) {
      const s = r.diff?.summary;
      rows.push([r.app.id, r.diff?.context ?? '-', s?.status ?? 'Error', s?.health?.status ?? '-', ...(['Synced', 'OutOfSync', 'Missing', 'Extra', 'Unknown'] as const).map((k) => String(s?.counts[k] ?? '-'))]);
    }
    out(io, table(rows));
    // Health explains itself only where it is not Healthy: one line per resource that is not.
    for (const r of results) {
      for (const res of r.diff?.resources ?? []) {
        if (res.health && res.health.status !== 'Healthy' && res.status !== 'Missing') out(io, `health: ${r.app.id}: ${describeId(res.id)}: ${healthText(res.health)}`);
      }
    }
    for (const r of results) for (const p of r.diff?.summary.problems ?? []) out(io, `warning: ${r.app.id}: ${p}`);
  }
  if (results.some((r) => r.error || r.diff?.summary.status === 'Unknown')) return EXIT.error;
  return results.some((r) => r.diff?.summary.status === 'OutOfSync') ? EXIT.findings : EXIT.ok;
}
