import * as vscode from 'vscode';
import { delimiter } from 'node:path';
import { EDITOR_TOOL_HINTS, toolchainFromEnv, type Toolchain } from '../core/render';

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

/** Reads settings; executables and kubeconfig are machine-scoped, so a workspace cannot set them. */
export function readSettings(trusted: boolean): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const fromEnv = toolchainFromEnv(process.env);
  const path = (key: string) => (c.get<string>(key) ?? '').trim() || undefined;
  const kubeconfig = (c.get<string>('kubeconfig') ?? '').trim();
  return {
    toolchain: {
      kustomize: path('kustomizePath') ?? fromEnv.kustomize,
      helm: path('helmPath') ?? fromEnv.helm,
      kubectl: path('kubectlPath') ?? fromEnv.kubectl,
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

/** `git.path` may be one path or a list to try in order; the first is used. */
function gitPathSetting(): string | undefined {
  const v = vscode.workspace.getConfiguration('git').get<string | string[] | null>('path');
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION) || e.affectsConfiguration('git.path');
}
