import * as vscode from 'vscode';
import { delimiter } from 'node:path';
import { EDITOR_TOOL_HINTS, toolchainFromEnv, type Toolchain } from '../core/render';
import { pluginCommands } from '../core/render/toolchain';

export type DesiredState = 'HEAD' | 'workingTree';
export type LintPreset = 'default' | 'baseline' | 'restricted';

/** Every setting of the extension, read once per use so changes apply without a reload. */
export interface Settings {
  toolchain: Toolchain;
  /** Explicit kubeconfig files; empty = $KUBECONFIG or ~/.kube/config (the core decides). */
  kubeconfig: string[];
  desiredState: DesiredState;
  lintPreset: LintPreset;
  lintOnType: boolean;
  codeLens: boolean;
  driftDecorations: boolean;
  fileDecorations: boolean;
  /** VS Code's own `git.path` (machine-scoped): the git GitOps Lens runs; undefined = `git` on PATH. */
  gitPath?: string;
}

const SECTION = 'gitopsLens';

/**
 * Reads settings; executables, plugin commands and kubeconfig are machine-scoped, so a
 * workspace cannot set them. `refresh`: the time of the user's last "Refresh Remote Charts
 * and Git Sources" (remote sources fetched before it are fetched again).
 */
export function readSettings(trusted: boolean, refresh?: number): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const fromEnv = toolchainFromEnv(process.env);
  const path = (key: string) => (c.get<string>(key) ?? '').trim() || undefined;
  const kubeconfig = (c.get<string>('kubeconfig') ?? '').trim();
  return {
    toolchain: {
      kustomize: path('kustomizePath') ?? fromEnv.kustomize,
      helm: path('helmPath') ?? fromEnv.helm,
      kubectl: path('kubectlPath') ?? fromEnv.kubectl,
      jsonnet: path('jsonnetPath') ?? fromEnv.jsonnet,
      plugins: { ...fromEnv.plugins, ...pluginCommands(userValue(c, 'plugins') ?? {}) },
      // The user's environment: helm's repository/registry config and git's credentials are theirs.
      env: process.env,
      refresh,
      trusted,
      hints: EDITOR_TOOL_HINTS,
    },
    kubeconfig: kubeconfig ? kubeconfig.split(delimiter).filter(Boolean) : [],
    desiredState: c.get<DesiredState>('desiredState') ?? 'workingTree',
    lintPreset: c.get<LintPreset>('lint.preset') ?? 'default',
    lintOnType: c.get<boolean>('lint.onType') ?? true,
    codeLens: c.get<boolean>('codeLens.enabled') ?? true,
    driftDecorations: c.get<boolean>('decorations.drift') ?? true,
    fileDecorations: c.get<boolean>('decorations.explorer') ?? true,
    gitPath: gitPathSetting(),
  };
}

/**
 * A setting from the user's own (machine or user) scope only: a command to run must not come
 * from the workspace's settings, even if VS Code was told the setting is machine-scoped.
 */
function userValue(c: vscode.WorkspaceConfiguration, key: string): Record<string, unknown> | undefined {
  const v = c.inspect<unknown>(key)?.globalValue;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** `git.path` may be one path or a list to try in order; the first is used. */
function gitPathSetting(): string | undefined {
  const v = vscode.workspace.getConfiguration('git').get<string | string[] | null>('path');
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION) || e.affectsConfiguration('git.path');
}
