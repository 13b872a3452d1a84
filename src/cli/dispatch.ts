import { runApps, runRender } from './apps';
import { runDiff } from './diff';
import { EXIT, err, out, type CliIO } from './io';
import { runPlan } from './plan';
import { runSync } from './sync';
import { runRevert } from './revert';
import { runHistory } from './history';
import { runRevisionDiff } from './revdiff';
import { runLint, type RenderAppHook } from './lint';
import { loadWorkspace, findApp } from '../core/workspace';
import { renderApp, toolchainFromEnv } from '../core/render';

export type { CliIO } from './io';

const USAGE = `usage: gitops-lens <command> [options]

commands:
  apps [dir] [--json]                 list the GitOps apps of a repository
  render <app> [--json|--yaml]        print an app's desired resources
  lint [paths|--app NAME] [--format text|json|sarif] [--preset default|baseline|restricted]
       [--fail-on error|warning|info] [--k8s-version X]
                                      policy findings at file:line:col (exit 1 at/above --fail-on)
  diff <app|--all> [--context NAME] [--json]  normalized live-vs-Git diff per resource
  diff <app> --from REV [--to REV]    the same as revdiff
  revdiff <app> --from REV [--to REV] [--stat|--json]
                                      rendered change between two revisions, no cluster
                                      (exit 0 none, 1 changes, 2 error)
  plan <app> [--prune] [--working-tree|--revision REV] [--resource KEY] [--json]
                                      ordered tasks, each dry-run on the server
  sync <app> [--prune] [--dry-run] [--working-tree [--allow-uncommitted]] [--force]
       [--reconcile] [--wait-lock S] [--timeout S] [--concurrency N] [--context NAME]
                                      server-side apply wave by wave (committed HEAD by default)
  revert <app> --git [--commit SHA] [--whole-commit] [--mainline N] [--confirm-empty N] [--dry-run]
                                      revert the app's files of the last commit that changed it
                                      (a new commit; --whole-commit: every file of the commit)
  revert <app> --adopt KEY --path FIELD [--commit-change] [--dry-run]
                                      write a live value into its source YAML
  revert <app> --to REV [--prune] [--dry-run] | --drift [--resource KEY]
                                      sync the app as REV has it | re-apply HEAD
  revert --undo                       undo the last Git change revert made here (if nothing moved)
  history [app] [--json] [--limit N]  journal of syncs and delivery figures

plan/sync/revert exit codes: 0 done or nothing to change, 1 plan has changes,
  2 usage or error, 3 refused (dry-run/render failure, controller-managed app without
  --force, uncommitted changes, another sync running, a root or merge commit without
  --mainline, a conflicting revert, an app left empty without --confirm-empty N;
  nothing written), 4 sync failed
  part-way (see the journal), 130 cancelled

exit codes: 0 ok, 1 findings or drift, 2 usage or error`;

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
    return { appId: app.id, resources: r.resources, files: r.inputs };
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
  try {
    return await run(rest, io);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code && code.startsWith('ERR_PARSE_ARGS')) {
      err(io, (e as Error).message);
      return EXIT.error;
    }
    throw e;
  }
}
