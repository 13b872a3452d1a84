import { commitInfo, commitsTouching, revertCommits, type CommitInfo, type RevertOutcome } from '../git/history';
import { loadDesired, type DesiredOptions } from '../sync/desired';

export interface AppRevertOptions extends Omit<DesiredOptions, 'revision'> {
  /** Revert these commits instead of the last one that changed the app. */
  commits?: string[];
  /** How many of the most recent commits that changed the app's inputs to revert. Default 1. */
  count?: number;
}

export interface AppRevert extends RevertOutcome {
  appId: string;
  /** Files the app is rendered from (and its declaration), whose history was read. */
  inputs: string[];
}

/**
 * Roll back via Git: `git revert` of the commit(s) that last changed what the app renders
 * from — its source files and the file declaring it. The revert commits are left on the
 * current branch for review; nothing is pushed and nothing is synced.
 */
export async function revertAppCommits(root: string, appRef: string, opts: AppRevertOptions = {}): Promise<AppRevert> {
  const desired = await loadDesired(root, appRef, { ...opts, revision: 'HEAD' });
  const inputs = [...desired.render.inputs, ...(desired.app.declaredIn ? [desired.app.declaredIn.file] : [])];
  let commits: CommitInfo[];
  if (opts.commits?.length) commits = await Promise.all(opts.commits.map((c) => commitInfo(desired.repoRoot, c)));
  else commits = await commitsTouching(desired.repoRoot, inputs, { maxCount: opts.count ?? 1 });
  if (commits.length === 0) return { ok: false, commits: [], reverted: [], message: `no commit changed the inputs of ${desired.app.id}`, appId: desired.app.id, inputs };
  const out = await revertCommits(desired.repoRoot, commits);
  return { ...out, appId: desired.app.id, inputs };
}
