// The CLI in-process with its output captured: what `gitops-lens <argv>` prints and exits with.
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/dispatch';
import type { CliIO } from '../../src/cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order they were written. */
  output: string;
}

/**
 * Runs `runCli(argv)` (or `run`, e.g. one command's entry point) in `cwd` with exactly `env`
 * (default: this process's environment). Writes are collected synchronously, so everything
 * printed before the command returns is in the result.
 */
export async function runCliCaptured(
  argv: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; run?: (argv: string[], io: CliIO) => Promise<number> },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let output = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { const s = String(chunk); append(s); output += s; cb(); } });
  const io: CliIO = { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), cwd: opts.cwd, env: opts.env ?? process.env };
  const code = await (opts.run ?? runCli)(argv, io);
  return { code, stdout, stderr, output };
}
