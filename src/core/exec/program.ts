import { execFile } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** What the user does to name this program's path, ending the error when it is missing ("set GITOPS_LENS_HELM to its path"). */
  hint?: string;
}

export interface RunResult { stdout: string; stderr: string; durationMs: number }

export class ExecError extends Error {
  constructor(
    message: string,
    readonly code: 'binary-missing' | 'timeout' | 'cancelled' | 'failed',
    readonly stderr = '',
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

/** Runs a program with an argument array (never a shell), a timeout and cancellation. */
export function run(binary: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ExecError(`${binary} was cancelled`, 'cancelled'));
    const child = execFile(binary, args, {
      cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, signal: opts.signal,
      maxBuffer: 512 * 1024 * 1024, encoding: 'utf8', windowsHide: true,
    }, (err, stdout, stderr) => {
      const durationMs = Date.now() - started;
      if (!err) return resolve({ stdout, stderr, durationMs });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number; signal?: string };
      if (e.code === 'ENOENT') {
        const hint = ` Install it or ${opts.hint ?? 'put it on PATH'}.`;
        return reject(new ExecError(`${binary} was not found.${hint}`, 'binary-missing'));
      }
      if (e.name === 'AbortError' || opts.signal?.aborted) return reject(new ExecError(`${binary} was cancelled`, 'cancelled', stderr));
      if (e.killed && e.signal === 'SIGTERM') return reject(new ExecError(`${binary} timed out after ${opts.timeoutMs ?? 120_000} ms`, 'timeout', stderr));
      const exitCode = typeof e.code === 'number' ? e.code : undefined;
      const detail = (stderr || e.message).trim().split('\n').slice(-12).join('\n');
      reject(new ExecError(`${binary} ${args[0] ?? ''} failed${exitCode !== undefined ? ` (exit ${exitCode})` : ''}: ${detail}`, 'failed', stderr, exitCode));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
