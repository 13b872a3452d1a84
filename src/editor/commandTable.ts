// One table of editor commands and one wrapper for all of them (as VS Code's Git extension
// `createCommand` and rust-analyzer's `createCommands` do): Restricted Mode, which app or
// resource the command is about (argument, cursor or pick), errors as a toast with
// "Show Logs", and a refresh after a command that wrote something.
import * as vscode from 'vscode';
import type { GitOpsApp } from '../core/apps';
import type { ResourceDiff } from '../core/diff';
import type { LiveState } from './live';
import { errorMessage, type Log } from './log';
import type { WorkspaceModel } from './model';
import { resolveApp, resolveResource, type ResolvedResource } from './resolve';

interface CommandBase {
  id: string;
  /** Writes to Git or a cluster: refused in Restricted Mode; the model refreshes after it ran. */
  writes: boolean;
  /** Runs programs (git, renderers) or contacts a cluster: refused in Restricted Mode. */
  needsTrust: boolean;
}

export type CommandSpec =
  | CommandBase & { target: 'none'; run: (arg: unknown, ...rest: unknown[]) => unknown }
  | CommandBase & { target: 'app'; placeHolder: string; run: (app: GitOpsApp, arg: unknown) => Promise<unknown> }
  | CommandBase & { target: 'resource'; placeHolder: string; filter?: (d: ResourceDiff) => boolean; run: (r: ResolvedResource, arg: unknown) => Promise<unknown> };

export interface CommandDeps {
  model: WorkspaceModel;
  live: LiveState;
  log: Log;
  /** Reloads what a write changed (Git changes need a reload; the live watch brings cluster changes). */
  afterWrite: () => void;
}

async function dispatch(spec: CommandSpec, deps: CommandDeps, arg: unknown, rest: unknown[]): Promise<unknown> {
  if (spec.target === 'none') return spec.run(arg, ...rest);
  if (spec.target === 'app') {
    const app = await resolveApp(deps.model, arg, spec.placeHolder);
    return app ? spec.run(app, arg) : undefined;
  }
  const r = await resolveResource(deps.model, deps.live, arg, spec.placeHolder, spec.filter);
  return r ? spec.run(r, arg) : undefined;
}

/** Registers every command of the table through the one wrapper. */
export function registerCommandTable(specs: CommandSpec[], deps: CommandDeps): vscode.Disposable[] {
  return specs.map((spec) => vscode.commands.registerCommand(spec.id, async (arg?: unknown, ...rest: unknown[]) => {
    if ((spec.writes || spec.needsTrust) && !deps.model.trusted) {
      void vscode.window.showWarningMessage(spec.writes
        ? 'GitOps Lens: nothing is written in Restricted Mode (no cluster, no Git). Trust the workspace first.'
        : 'GitOps Lens: Restricted Mode runs no programs (git, kustomize, helm) and contacts no cluster. Trust the workspace first.');
      return undefined;
    }
    try {
      const result = await dispatch(spec, deps, arg, rest);
      // undefined = the user cancelled before anything was written.
      if (spec.writes && result !== undefined) deps.afterWrite();
      return result;
    } catch (e) {
      deps.log.error(`${spec.id}: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(`GitOps Lens: ${errorMessage(e)}`, 'Show Logs').then((a) => a && deps.log.show());
      return undefined;
    }
  }));
}
