import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
 * file created exclusively (a hard link, which fails when it exists) outside the working tree. A file whose process is gone is
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
    if (await tryCreate(path, me)) {
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    }
    let holder = await readHolder(path);
    if (holder === 'gone') continue; // released between our attempt and the read
    if (!holder) {
      // Unreadable: never a lock of this version while it is held (tryCreate links a complete
      // file), but older versions wrote it in two steps; judge it after a moment.
      await sleep(50);
      holder = await readHolder(path);
      if (holder === 'gone') continue;
      if (!holder) { await rm(path, { force: true }).catch(() => undefined); continue; }
    }
    if (holder.host === me.host && !alive(holder.pid)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline || opts.signal?.aborted) throw new LockBusyError(holder, key);
    if (!announced) { opts.onWait?.(holder); announced = true; }
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())), opts.signal);
  }
}

/**
 * Creates the lock file with its holder already in it: written to a private file, then linked
 * to the lock path, which fails if the lock exists. So no other process ever reads a lock
 * file that is still empty (and takes it for garbage).
 */
async function tryCreate(path: string, me: LockHolder): Promise<boolean> {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(me), { flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The holder, 'gone' when there is no lock file, undefined when it cannot be understood. */
async function readHolder(path: string): Promise<LockHolder | 'gone' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
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
