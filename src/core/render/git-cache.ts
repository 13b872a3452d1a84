import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
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
 * default branch) in the cache, made with the user's git and so their credentials (their
 * git config, credential helpers, askpass, SSH agent: `tools.env`); nothing of them is
 * stored here. Reused offline; a branch or tag cloned before `tools.refresh` is cloned
 * again (a commit never moves).
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

/** What we know of a clone, kept inside its `.git` folder (git ignores unknown files there). */
interface CloneMeta { commit: string; fetchedAt: number }
const META = 'gitops-lens-clone.json';

function readCloneMeta(dir: string): CloneMeta | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, '.git', META), 'utf8')) as CloneMeta;
    return typeof m.commit === 'string' && typeof m.fetchedAt === 'number' ? m : undefined;
  } catch {
    return undefined;
  }
}

async function clone(url: string, rev: string, dir: string, tools: Toolchain, signal?: AbortSignal): Promise<ClonedSource> {
  const meta = readCloneMeta(dir);
  const stale = meta && tools.refresh !== undefined && meta.fetchedAt < tools.refresh && !isCommit(rev);
  if (meta && !stale) return { dir, commit: meta.commit, cached: true };
  const what = `${url}${rev ? ` at ${rev}` : ''}`;
  if (!tools.trusted) throw new SourceUnavailableError(`${what} is not cached, and cloning it runs git, which is disabled in an untrusted workspace`);
  if (url.startsWith('-')) throw new SourceUnavailableError(`${what}: not a repository URL`);
  await mkdir(join(dir, '..'), { recursive: true });
  const tmp = await mkdtemp(`${dir}.clone-`);
  // Never wait for a password on a terminal: without the user's credentials the source is Unknown.
  const opts = { signal, timeoutMs: tools.timeoutMs ?? 120_000, userEnv: tools.env ?? process.env, env: { GIT_TERMINAL_PROMPT: '0' } };
  try {
    if (isCommit(rev)) {
      await git(tmp, ['init', '-q'], opts);
      await git(tmp, ['fetch', '-q', '--depth', '1', '--', url, rev], opts);
      await git(tmp, ['checkout', '-q', '--detach', 'FETCH_HEAD'], opts);
    } else {
      // `-C tmp clone … .`: the clone goes into the (empty) temporary folder.
      await git(tmp, ['clone', '-q', '--depth', '1', '--no-tags', ...(rev ? ['--branch', rev] : []), '--', url, '.'], opts);
    }
    const commit = (await git(tmp, ['rev-parse', 'HEAD'], opts)).trim();
    const fetched: CloneMeta = { commit, fetchedAt: Date.now() };
    await writeFile(join(tmp, '.git', META), JSON.stringify(fetched));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir, commit, cached: false };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof ExecError && (e.code === 'cancelled' || e.code === 'binary-missing')) throw e;
    const reason = (e instanceof ExecError ? e.stderr.trim() || e.message : (e as Error).message).split('\n').map((l) => l.replace(/^(fatal|error): /, '').trim()).filter(Boolean).slice(-2).join('; ');
    const kept = meta ? ` (the copy cached at ${meta.commit.slice(0, 12)} is not used: a refresh was asked)` : '';
    throw new SourceUnavailableError(`${what} could not be cloned: ${reason}${kept}`);
  }
}
