// Throwaway Git repositories for sync/revert tests: real `git`, real commits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeTemp, tempDir } from '../support/temp';

export function gitIn(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: undefined, GIT_COMMITTER_DATE: undefined } as NodeJS.ProcessEnv });
}

/** A new repo with the files committed as one commit; returns its root. */
export function makeRepo(files: Record<string, string>, message = 'initial'): string {
  const root = tempDir('gitops-lens-sync-repo-');
  gitIn(root, 'init', '-q', '-b', 'main');
  gitIn(root, 'config', 'user.name', 'Test User');
  gitIn(root, 'config', 'user.email', 'test@example.com');
  gitIn(root, 'config', 'commit.gpgsign', 'false');
  writeFiles(root, files);
  commitAll(root, message);
  return root;
}

export function writeFiles(root: string, files: Record<string, string | null>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    if (text === null) { rmSync(p, { force: true }); continue; }
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

export function commitAll(root: string, message: string): string {
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '--allow-empty', '-m', message);
  return gitIn(root, 'rev-parse', 'HEAD').trim();
}

export function removeRepo(root: string): void {
  removeTemp(root);
}

/** A DNS-safe unique suffix so tests sharing one cluster never collide. */
export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A repo config declaring one plain app at `path`, deployed to `namespace`. */
export function appConfig(name: string, path: string, namespace: string): string {
  return `apps:\n  - name: ${name}\n    path: ${path}\n    namespace: ${namespace}\n`;
}

export function configMap(name: string, opts: { namespace?: string; wave?: number; data?: Record<string, string>; annotations?: Record<string, string> } = {}): string {
  const ann = { ...(opts.annotations ?? {}), ...(opts.wave !== undefined ? { 'argocd.argoproj.io/sync-wave': String(opts.wave) } : {}) };
  const annText = Object.keys(ann).length ? `  annotations:\n${Object.entries(ann).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n` : '';
  const data = opts.data ?? { key: name };
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${opts.namespace ? `  namespace: ${opts.namespace}\n` : ''}${annText}data:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;
}

/** A private state dir (journal, locks) for one test. */
export function stateDirFor(): string {
  return tempDir('gitops-lens-state-');
}
