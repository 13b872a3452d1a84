import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { stateDir } from '../journal/paths';
import { sleep } from '../async';

export interface LockHolder { pid: number; host: string; since: string; what: string }

export interface AppLock {
  path: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** Wait up to this long for another sync to finish; 0 refuses at once. Default 0. */
  waitMs?: number;
  signal?: AbortSignal;
  onWait?: (holder: LockHolder) => void;
  /** Folder of lock files; default `<state dir>/locks`. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

export class LockBusyError extends Error {
  constructor(readonly holder: LockHolder | undefined, what: string) {
    super(`another sync of ${what} is running${holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.since})` : ''}; try again when it has finished`);
  }
}

/**
 * One sync per app and cluster at a time, across processes (the CLI and the editor): a lock
 * file created exclusively (O_EXCL) outside the working tree. A file whose process is gone is
 * taken over, so a crash never leaves an app locked.
 */
export async function acquireAppLock(key: string, opts: LockOptions = {}): Promise<AppLock> {
  const dir = opts.dir ?? join(stateDir(opts.env), 'locks');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.lock`);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), what: key };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let announced = false;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify(me));
      await fh.close();
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(path);
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      await rm(path, { force: true });
      continue;
    }
    if (!holder) {
      // Being written right now, or garbage: wait a moment before judging it.
      await sleep(50);
      const again = await readHolder(path);
      if (!again) { await rm(path, { force: true }).catch(() => undefined); continue; }
    }
    if (Date.now() >= deadline || opts.signal?.aborted) throw new LockBusyError(holder, key);
    if (!announced && holder) { opts.onWait?.(holder); announced = true; }
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())), opts.signal);
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
