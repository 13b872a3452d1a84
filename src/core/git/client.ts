// Every git process of GitOps Lens starts here, through simple-git: an argument array (no
// shell), a timeout, cancellation through an AbortSignal, and the git program the user chose.
import { simpleGit, GitPluginError, type SimpleGit } from 'simple-git';
import { ExecError } from '../exec/program';

export interface GitCallOptions {
  signal?: AbortSignal;
  /** Kill git after this long without output. Default 60 s. */
  timeoutMs?: number;
  /** Extra environment (only the GIT_* keys below pass simple-git's environment guard). */
  env?: Record<string, string>;
  /**
   * The user's own environment, for git talking to another repository (a clone of a remote
   * source): their credential helpers, askpass program, SSH agent and settings, proxies and
   * global config apply. Only ever the user's process or settings environment, never a
   * value read from a repository.
   */
  userEnv?: NodeJS.ProcessEnv;
  /** Written to git's stdin. */
  input?: Buffer | string;
  /** Exit codes that are answers, not failures (`merge-base --is-ancestor` → 1, `merge-file` → conflicts). */
  okExitCodes?: number[];
}

/** A git failure, in the same error family as every other program GitOps Lens runs. */
export class GitFailure extends ExecError {
  constructor(message: string, code: ExecError['code'], stderr = '', exitCode?: number) {
    super(message, code, stderr, exitCode);
  }
}

// simple-git strips GIT_* variables from git's environment (a hostile GIT_DIR or
// GIT_CONFIG_* could redirect it); these few we set on purpose or honour from the user.
const ALLOWED_ENV = ['GIT_INDEX_FILE', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_COMMITTER_DATE'];

const INHERITED_ENV = ['PATH', 'HOME', 'USERPROFILE', 'XDG_CONFIG_HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'HOMEDRIVE', 'HOMEPATH'];

// How a user authenticates git to a remote: guarded by simple-git, honoured only with `userEnv`.
const CREDENTIAL_ENV = ['GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_NOSYSTEM', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_SSL_CERT', 'GIT_SSL_KEY', 'GIT_SSL_NO_VERIFY', 'GIT_TERMINAL_PROMPT'];
// …and what credential helpers, SSH agents and proxies need to be found (not guarded).
const REMOTE_ENV = ['SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS', 'USER', 'LOGNAME', 'APPDATA', 'LOCALAPPDATA'];

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (env[k] !== undefined) out[k] = env[k]!;
  return out;
}

let gitBinary: string | undefined;

/**
 * The git program for this process: the editor passes VS Code's `git.path` (a machine
 * setting, never a workspace one); empty means `git` on PATH.
 */
export function setGitBinary(path: string | undefined): void {
  gitBinary = path?.trim() || undefined;
}

function client(root: string, opts: GitCallOptions, exit: { code?: number }): SimpleGit {
  const g = simpleGit({
    baseDir: root,
    binary: gitBinary ?? 'git',
    // The path comes from the user's own machine setting, so any characters are theirs to choose.
    unsafe: { allowUnsafeCustomBinary: gitBinary !== undefined },
    timeout: { block: opts.timeoutMs ?? 60_000 },
    abort: opts.signal,
    allowEnvironment: opts.userEnv ? [...ALLOWED_ENV, ...CREDENTIAL_ENV] : ALLOWED_ENV,
    input: opts.input === undefined ? undefined : () => opts.input,
    // simple-git only fails a command that wrote to stderr; a silent non-zero exit is a failure too.
    errors: (error, result) => {
      exit.code = result.exitCode;
      if (error) return error;
      if (result.exitCode === 0 || opts.okExitCodes?.includes(result.exitCode)) return undefined;
      return Buffer.concat([...result.stdErr, Buffer.from(`git exited with code ${result.exitCode}`)]);
    },
  });
  if (opts.userEnv) {
    g.env({ ...pick(opts.userEnv, [...INHERITED_ENV, ...ALLOWED_ENV, ...CREDENTIAL_ENV, ...REMOTE_ENV]), ...opts.env });
  } else if (opts.env) {
    // An explicit environment replaces the inherited one, and simple-git rejects risky keys in
    // it (EDITOR, PAGER, …): pass on only what git needs to find itself and the user's config.
    g.env({ ...pick(process.env, [...INHERITED_ENV, ...ALLOWED_ENV]), ...opts.env });
  }
  return g;
}

function failure(e: unknown, args: string[], exitCode?: number): GitFailure {
  const what = `git ${args.find((a) => !a.startsWith('-')) ?? ''}`.trim();
  if (e instanceof GitPluginError && e.plugin === 'abort') return new GitFailure(`${what} was cancelled`, 'cancelled');
  if (e instanceof GitPluginError && e.plugin === 'timeout') return new GitFailure(`${what} timed out`, 'timeout');
  const text = e instanceof Error ? e.message : String(e);
  if (/ENOENT/.test(text) && /spawn/.test(text)) return new GitFailure(`${gitBinary ?? 'git'} was not found. Install Git or set "git.path" to its path.`, 'binary-missing');
  const detail = text.trim().split('\n').slice(-12).join('\n');
  return new GitFailure(`${what} failed${exitCode ? ` (exit ${exitCode})` : ''}: ${detail}`, 'failed', text, exitCode);
}

/** `git <args>` in `root`; its stdout as text. */
export async function git(root: string, args: string[], opts: GitCallOptions = {}): Promise<string> {
  const exit: { code?: number } = {};
  try {
    return await client(root, opts, exit).raw(args);
  } catch (e) {
    throw failure(e, args, exit.code);
  }
}

/** Like `git`, also telling the exit code (for commands whose exit code is the answer). */
export async function gitWithExit(root: string, args: string[], opts: GitCallOptions & { okExitCodes: number[] }): Promise<{ stdout: string; exitCode: number }> {
  const exit: { code?: number } = {};
  try {
    const stdout = await client(root, opts, exit).raw(args);
    return { stdout, exitCode: exit.code ?? 0 };
  } catch (e) {
    throw failure(e, args, exit.code);
  }
}

/** The exact bytes of a blob (`git cat-file blob`), for content that must round-trip unchanged. */
export async function readBlob(root: string, oid: string, opts: GitCallOptions = {}): Promise<Buffer> {
  const exit: { code?: number } = {};
  try {
    return await client(root, opts, exit).binaryCatFile(['blob', oid]);
  } catch (e) {
    throw failure(e, ['cat-file', 'blob', oid], exit.code);
  }
}

/** The simple-git instance for a repo, for its parsed commands (log, status). */
export function gitClient(root: string, opts: GitCallOptions = {}): { g: SimpleGit; fail: (e: unknown, what: string[]) => GitFailure } {
  const exit: { code?: number } = {};
  return { g: client(root, opts, exit), fail: (e, what) => failure(e, what, exit.code) };
}
