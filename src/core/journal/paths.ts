import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where GitOps Lens keeps state that must not live in the working tree (journal, locks):
 * `$GITOPS_LENS_STATE_DIR`, else `${XDG_STATE_HOME:-~/.local/state}/gitops-lens`.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITOPS_LENS_STATE_DIR) return resolve(env.GITOPS_LENS_STATE_DIR);
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'gitops-lens');
}

/** A short stable name for a repository, from its absolute top folder. */
export function repoHash(repoRoot: string): string {
  return createHash('sha256').update(resolve(repoRoot)).digest('hex').slice(0, 16);
}

export function journalPath(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'journal', `${repoHash(repoRoot)}.jsonl`);
}
