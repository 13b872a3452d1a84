/**
 * Decrypts a SOPS-encrypted file in memory with the user's `sops` and keys (age via
 * SOPS_AGE_KEY_FILE / SOPS_AGE_KEY / the default keys.txt, PGP via GnuPG, cloud KMS via their
 * usual environment). `sops --decrypt FILE` writes the plaintext to its stdout, which we keep
 * in memory only: it is never written to disk or logged, and errors carry sops' message only.
 */
import { parseAllDocuments } from 'yaml';
import { run, ExecError } from '../exec/program';
import type { KubeObject } from '../manifest';

export const SOPS_SETTING = 'gitopsLens.sopsPath';

export interface SopsOptions {
  /** The `sops` program (a user setting or PATH), never one named by the repo. */
  program?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** How the caller's user names the sops program when it is missing (default: put it on PATH). */
  hint?: string;
}

/** The documents of an encrypted file, decrypted. Throws with sops' reason when it cannot. */
export async function decryptFile(file: string, opts: SopsOptions = {}): Promise<KubeObject[]> {
  try {
    const { stdout } = await run(opts.program ?? 'sops', ['--decrypt', '--output-type', 'yaml', file], { env: opts.env ?? process.env, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 30_000, hint: opts.hint });
    return parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject).filter((o) => o && typeof o === 'object');
  } catch (e) {
    // stderr of a failed decryption names keys and files, never plaintext.
    const why = e instanceof ExecError ? e.message.replace(/\s+/g, ' ').slice(0, 400) : (e as Error).message;
    throw new Error(`cannot decrypt ${file} with sops: ${why}`);
  }
}
