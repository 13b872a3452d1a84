import { runApps, runRender } from './apps';
import { runDiff } from './diff';
import { EXIT, err, out, type CliIO } from './io';

export type { CliIO } from './io';

const USAGE = `usage: gitops-lens <command> [options]

commands:
  apps [dir] [--json]                 list the GitOps apps of a repository
  render <app> [--json|--yaml]        print an app's desired resources
  diff <app|--all> [--context NAME] [--json]  normalized live-vs-Git diff per resource

exit codes: 0 ok, 1 findings or drift, 2 usage or error`;

type Command = (argv: string[], io: CliIO) => Promise<number>;
const COMMANDS: Record<string, Command> = { apps: runApps, render: runRender, diff: runDiff };

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
