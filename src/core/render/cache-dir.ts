import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Toolchain } from './toolchain';

/**
 * Where fetched sources (remote charts, clones of other repositories) are kept:
 * `tools.cacheDir`, else `$GITOPS_LENS_CACHE`, else `$XDG_CACHE_HOME/gitops-lens`, else
 * `~/.cache/gitops-lens`. Never inside the user's repository.
 */
export function sourcesCacheDir(tools: Toolchain, kind: 'charts' | 'git'): string {
  const env = tools.env ?? process.env;
  const base = tools.cacheDir ?? env.GITOPS_LENS_CACHE ?? join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gitops-lens');
  return join(base, 'sources', kind);
}
