import { runApps, runRender } from './apps';
import { runDiff } from './diff';
import { EXIT, err, out, type CliIO } from './io';
import { runPlan } from './plan';
import { runSync } from './sync';
import { runRevert } from './revert';
import { runHistory } from './history';
import { runRevisionDiff } from './revdiff';
import { runLint, type RenderAppHook } from './lint';
import { commandUsage, overallUsage } from './usage';
import { loadWorkspace, findApp } from '../core/workspace';
import { renderApp, toolchainFromEnv } from '../core/render';
import { takeToolFlags, TOOL_FLAGS_USAGE } from './tool-flags';

export type { CliIO } from './io';

const USAGE = `${overallUsage()}\n\n${TOOL_FLAGS_USAGE}`;

type Command = (argv: string[], io: CliIO) => Promise<number>;
const COMMANDS: Record<string, Command> = {
  apps: runApps, render: runRender, lint: (argv, io) => runLint(argv, io, { renderApp: lintRenderHook(io) }),
  // `diff --from/--to` compares two revisions (no cluster); plain `diff` compares with live.
  diff: (argv, io) => (argv.some((a) => a === '--from' || a.startsWith('--from=')) ? runRevisionDiff(argv, io) : runDiff(argv, io)),
  plan: runPlan, sync: runSync, revert: runRevert, history: runHistory, revdiff: runRevisionDiff,
};

/** `lint --app NAME`: the app's rendered output, linted and mapped back to its sources. */
function lintRenderHook(io: CliIO): RenderAppHook {
  return async (name, root) => {
    const ws = await loadWorkspace(root, { env: io.env });
    const app = findApp(ws.discovery.apps, name);
    if ('error' in app) return app;
    const r = await renderApp(app, ws.repo, toolchainFromEnv(io.env));
    if (!r.ok) return { error: r.problems.map((p) => p.message).join('; ') };
    return { appId: app.id, resources: r.resources, files: r.inputs, repo: ws.repo };
  };
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out(io, USAGE);
    return cmd ? EXIT.ok : EXIT.error;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    err(io, `unknown command "${cmd}"\n${USAGE}`);
    return EXIT.error;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(io, cmd === 'history' ? commandUsage(cmd) : `${commandUsage(cmd)}\n\n${TOOL_FLAGS_USAGE}`);
    return EXIT.ok;
  }
  const flags = takeToolFlags(rest, io.env);
  if ('error' in flags) {
    err(io, flags.error);
    return EXIT.error;
  }
  try {
    return await run(flags.argv, { ...io, env: flags.env });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code && code.startsWith('ERR_PARSE_ARGS')) {
      err(io, (e as Error).message);
      return EXIT.error;
    }
    throw e;
  }
}
