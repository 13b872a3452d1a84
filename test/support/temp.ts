// Temporary folders of a test process, all removed when the process ends: normally, by
// an uncaught failure, or by SIGINT/SIGTERM/SIGHUP (the test runner's timeout, Ctrl+C).
// Tests may remove a folder earlier (removeTemp, or their own rmSync); what they forget
// or cannot reach after a failed assertion goes here. scripts/test.mjs checks afterwards
// that the run left nothing in its temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const d of dirs) {
    try { rmSync(d, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort at exit */ }
  }
  dirs.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      removeAll();
      // Keep the default "killed by signal" outcome unless another handler decides.
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** A new folder `<tmp>/<prefix>XXXXXX`, removed at the latest when this process ends. */
export function tempDir(prefix: string): string {
  hook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Removes a folder now (made by tempDir or not). */
export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  dirs.delete(dir);
}
