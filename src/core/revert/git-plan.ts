// The one object every Git-writing command (revert a commit, revert an app's files, adopt a
// live value) computes first, shows, and then executes unchanged: the exact bytes of every
// file before and after, what else the change touches, and why it may not be written.
import { isUtf8 } from 'node:buffer';
import { unifiedLinesDiff } from '../diff/unified';
import type { CommitInfo } from '../git/history';

export type GitPlanKind = 'revert-commit' | 'revert-app-files' | 'adopt-live';

export interface PlannedFile {
  /** Relative to the repository top, `/`-separated. */
  path: string;
  /** The bytes now (HEAD, or the working tree for an uncommitted edit); null = the file does not exist. */
  before: Buffer | null;
  /** The bytes after; null = the file is deleted. */
  after: Buffer | null;
  /** Git file mode written (`100644`, `100755`). */
  mode: string;
  /** Apps that render from this file (ids). */
  apps: string[];
  /** Something the user should know about this file (e.g. later commits that the restore also undoes). */
  note?: string;
}

export interface OutsideFiles {
  /** Other apps whose inputs the change touches, with those files. */
  apps: { appId: string; files: string[] }[];
  /** Files of no app (docs, CI, unrelated config). */
  unowned: string[];
}

export interface GitChangePlan {
  kind: GitPlanKind;
  /** One line: what this does. */
  title: string;
  repoRoot: string;
  appId: string;
  /** What the `before` bytes are: the commit at HEAD, or the working tree (uncommitted edits included). */
  base: 'HEAD' | 'working tree';
  /** HEAD when the plan was made; execution refuses if it moved. */
  head: string;
  /** The commit to create; undefined = the change stays in the working tree for review. */
  commitMessage?: string;
  files: PlannedFile[];
  /** A commit revert: the commit and the parent whose content is restored. */
  reverted?: { commit: CommitInfo; parent: string; mainline?: number; parents: number };
  /** What the whole commit changes besides this app's files (listed in every dialog). */
  outside?: OutsideFiles;
  /** The app's render after the change (resources counted), when it was checked. */
  appAfter?: { resourcesBefore: number; resourcesAfter: number; ok: boolean; problems: string[] };
  /** Set when the change leaves the app with no resources: executing needs this count confirmed. */
  empties?: { resources: number; files: number };
  warnings: string[];
  /** Set: the plan must not be executed, and says why. */
  refusal?: string;
}

export function shortHash(h: string): string {
  return h.slice(0, 8);
}

/** Unified diff of one planned file; binary files are named, not printed. */
export function fileDiff(f: PlannedFile, context = 3): string {
  const isText = (b: Buffer | null) => b === null || isUtf8(b);
  if (!isText(f.before) || !isText(f.after)) return `Binary file ${f.path} ${f.after === null ? 'deleted' : f.before === null ? 'added' : 'changed'}\n`;
  const lines = (b: Buffer | null) => (b === null || b.length === 0 ? [] : b.toString('utf8').replace(/\n$/, '').split('\n'));
  return unifiedLinesDiff(lines(f.before), lines(f.after), f.before === null ? '/dev/null' : `a/${f.path}`, f.after === null ? '/dev/null' : `b/${f.path}`, context);
}

export function changeWord(f: PlannedFile): 'add' | 'delete' | 'modify' {
  return f.before === null ? 'add' : f.after === null ? 'delete' : 'modify';
}

/** The text every confirmation shows (dialog detail, CLI dry-run): files, base, other apps, warnings. */
export function describeGitPlan(plan: GitChangePlan): string {
  const lines: string[] = [plan.title, ''];
  if (plan.refusal) lines.push(`Refused: ${plan.refusal}`, '', 'Nothing is written.');
  else {
    lines.push(plan.commitMessage
      ? `Creates one commit on top of HEAD ${shortHash(plan.head)} (not pushed, not synced).`
      : `Edits the working tree only (not committed; HEAD ${shortHash(plan.head)} stays).`);
    lines.push(`Files compared with: ${plan.base === 'HEAD' ? 'HEAD (committed content; these files have no uncommitted edits)' : 'the working tree (uncommitted edits included)'}.`);
  }
  if (plan.files.length) {
    lines.push('', `Files changed (${plan.files.length}):`);
    const mark = { add: '+', delete: '−', modify: '~' } as const;
    for (const f of plan.files) lines.push(`  ${mark[changeWord(f)]} ${f.path}${f.apps.length ? `  [${f.apps.join(', ')}]` : ''}${f.note ? ` — ${f.note}` : ''}`);
  }
  const o = plan.outside;
  if (o && (o.apps.length || o.unowned.length)) {
    lines.push('', plan.kind === 'revert-commit' ? 'This whole-commit revert also changes files outside this app:' : 'The commit also changed files outside this app (left as they are):');
    for (const a of o.apps) lines.push(`  app ${a.appId}: ${a.files.join(', ')}`);
    if (o.unowned.length) lines.push(`  no app: ${o.unowned.join(', ')}`);
  }
  if (plan.appAfter) lines.push('', `${plan.appId} after the change: ${plan.appAfter.resourcesAfter} resource(s) (now ${plan.appAfter.resourcesBefore})${plan.appAfter.ok ? '' : `, does not render: ${plan.appAfter.problems.join('; ')}`}.`);
  if (plan.empties) lines.push('', `This leaves ${plan.appId} with NO resources: ${plan.empties.resources} resource(s) and ${plan.empties.files} file(s) are deleted.`);
  for (const w of plan.warnings) lines.push('', `Warning: ${w}`);
  return lines.join('\n');
}

/** Plain JSON (contents as diffs) for `--json` output. */
export function planToJson(plan: GitChangePlan): unknown {
  return {
    ...plan,
    files: plan.files.map((f) => ({ path: f.path, change: changeWord(f), mode: f.mode, apps: f.apps, note: f.note, diff: fileDiff(f) })),
  };
}
