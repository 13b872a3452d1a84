import { relative } from 'node:path';
import type { Range } from '../core/manifest';

export interface CliIO { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd: string; env: NodeJS.ProcessEnv }

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

export function out(io: CliIO, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : text + '\n');
}
export function err(io: CliIO, text: string): void {
  io.stderr.write(`gitops-lens: ${text}${text.endsWith('\n') ? '' : '\n'}`);
}

/** `path:line:col` (1-based), relative to the working directory when inside it. */
export function where(io: CliIO, file: string | undefined, range?: Range): string {
  if (!file) return '';
  const rel = relative(io.cwd, file);
  const shown = rel.startsWith('..') ? file : rel;
  return range ? `${shown}:${range.start.line + 1}:${range.start.character + 1}` : shown;
}

/** A plain table: columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}
