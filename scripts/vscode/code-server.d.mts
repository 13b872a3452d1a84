// Types for code-server.mjs (plain ESM so start.mjs runs without a build).
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export const CHROMIUM_PATH: string;
export const CHROMIUM_ARGS: string[];
export function findRepoRoot(): string;
export function ensureCodeServer(opts?: { log?: (s: string) => void }): Promise<string>;
export function freePort(preferred?: number): Promise<number>;
export function extensionFolderName(extensionDir: string): Promise<{ id: string; folder: string; pkg: Record<string, unknown> }>;
export function installExtensions(extensionsDir: string, extensionDirs: string[]): Promise<string[]>;
export function baseSettings(opts?: { trust?: boolean }): Record<string, unknown>;
export function writeUserSettings(
  userDataDir: string,
  opts?: { trust?: boolean; settings?: Record<string, unknown> },
): Promise<Record<string, unknown>>;
export interface CodeServerProcess {
  url: string;
  port: number;
  pid: number | undefined;
  child: ChildProcess;
  stop(): Promise<void>;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readyMs: number;
}
export function startCodeServer(opts: {
  launcher: string;
  port?: number;
  extensionsDir: string;
  userDataDir: string;
  workspace?: string;
  env?: Record<string, string>;
  trust?: boolean;
  logFile?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<CodeServerProcess>;
export function killGroup(pid: number, signal: NodeJS.Signals): void;
export function run(
  file: string,
  args: string[],
  opts?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<string>;
export function gitInitCommit(dir: string, message?: string): Promise<void>;
