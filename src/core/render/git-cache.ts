import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecError } from '../exec/program';
import { git } from '../git/repo';
import { normalizeGitUrl } from '../git/url';
import { sourcesCacheDir } from './cache-dir';
import type { Toolchain } from './toolchain';

export interface ClonedSource {
  /** The checkout (work tree) of the revision. */
  dir: string;
  commit: string;
  cached: boolean;
}

/** Another repository could not be cloned (offline, no access, unknown revision): the app is Unknown. */
export class SourceUnavailableError extends Error {
  readonly code = 'source-unavailable';
}

const inflight = new Map<string, Promise<ClonedSource>>();

/**
 * A shallow clone of `repoURL` at `revision` (branch, tag, commit; empty or HEAD for the
 * default branch) in the cache, made with the user's git and so their credentials. Reused
 * offline; `tools.refresh` clones a moving revision again (a commit never moves).
 */
export function resolveGitSource(repoURL: string, revision: string | undefined, tools: Toolchain, signal?: AbortSignal): Promise<ClonedSource> {
  const rev = revision && revision !== 'HEAD' ? revision : '';
  const key = createHash('sha256').update(`${normalizeGitUrl(repoURL)}\0${rev}`).digest('hex').slice(0, 32);
  const label = `${normalizeGitUrl(repoURL).split('/').pop() ?? 'repo'}-${rev || 'HEAD'}`.replace(/[^\w.-]+/g, '_').slice(0, 60);
  const dir = join(sourcesCacheDir(tools, 'git'), `${label}-${key}`);
  const pending = inflight.get(dir);
  if (pending) return pending;
  const p = clone(repoURL, rev, dir, tools, signal).finally(() => inflight.delete(dir));
  inflight.set(dir, p);
  return p;
}

const isCommit = (rev: string) => /^[0-9a-f]{40}$/i.test(rev);

async function clone(url: string, rev: string, dir: string, tools: Toolchain, signal?: AbortSignal): Promise<ClonedSource> {
  const have = existsSync(join(dir, '.git'));
  if (have && (!tools.refresh || isCommit(rev))) return { dir, commit: (await git(dir, ['rev-parse', 'HEAD'], { signal })).trim(), cached: true };
  const what = `${url}${rev ? ` at ${rev}` : ''}`;
  if (!tools.trusted) throw new SourceUnavailableError(`${what} is not cached, and cloning it runs git, which is disabled in an untrusted workspace`);
  await mkdir(join(dir, '..'), { recursive: true });
  const tmp = await mkdtemp(`${dir}.clone-`);
  const opts = { signal, timeoutMs: tools.timeoutMs ?? 120_000 };
  try {
    if (isCommit(rev)) {
      await git(tmp, ['init', '-q'], opts);
      await git(tmp, ['fetch', '-q', '--depth', '1', url, rev], opts);
      await git(tmp, ['checkout', '-q', '--detach', 'FETCH_HEAD'], opts);
    } else {
      // `-C tmp clone … .`: the clone goes into the (empty) temporary folder.
      await git(tmp, ['clone', '-q', '--depth', '1', '--no-tags', ...(rev ? ['--branch', rev] : []), '--', url, '.'], opts);
    }
    const commit = (await git(tmp, ['rev-parse', 'HEAD'], opts)).trim();
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir, commit, cached: false };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof ExecError && (e.code === 'cancelled' || e.code === 'binary-missing')) throw e;
    const reason = (e instanceof ExecError ? e.stderr.trim() || e.message : (e as Error).message).split('\n').map((l) => l.replace(/^(fatal|error): /, '').trim()).filter(Boolean).slice(-2).join('; ');
    throw new SourceUnavailableError(`${what} could not be cloned: ${reason}`);
  }
}
