export interface CliIO { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd: string; env: NodeJS.ProcessEnv }

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  io.stderr.write(`gitops-lens: unknown command ${argv[0] ?? ''}\n`);
  return 2;
}
