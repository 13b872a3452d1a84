import { runCli } from './dispatch';

// A reader that stops early (`| head`) is not an error.
for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env })
  .then((code) => { process.exitCode = code; })
  .catch((e: unknown) => { process.stderr.write(`gitops-lens: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exitCode = 2; });
