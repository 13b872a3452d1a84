import { runCli } from './run';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env })
  .then((code) => { process.exitCode = code; })
  .catch((e: unknown) => { process.stderr.write(`gitops-lens: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exitCode = 2; });
