import type { KubeObject, Range, ResourceId } from '../manifest';
import type { RendererKind } from '../apps/types';

/** Where a rendered resource came from in the repo. */
export interface Origin {
  file: string;
  docIndex: number;
  range: Range;
  /** How the origin was found: the file itself, kustomize's origin annotation, helm's `# Source:`, or identity matching. */
  via: 'file' | 'kustomize-origin' | 'helm-source' | 'identity';
}

export interface RenderedResource {
  object: KubeObject;
  id: ResourceId;
  origin?: Origin;
  /** SOPS-encrypted in Git and not decrypted: these fields (dotted paths) were left out, not compared. */
  encrypted?: string[];
}

export interface RenderProblem {
  message: string;
  file?: string;
  range?: Range;
  code: 'render-failed' | 'binary-missing' | 'timeout' | 'cancelled' | 'missing-path' | 'invalid-output' | 'untrusted' | 'yaml'
    /** A remote chart or repository could not be fetched (offline, unauthorized): the app is Unknown. */
    | 'source-unavailable'
    /** Rendered only in the cluster (a config management plugin with no command mapped here). */
    | 'not-rendered';
}

export interface RenderResult {
  appId: string;
  renderer: RendererKind;
  ok: boolean;
  resources: RenderedResource[];
  problems: RenderProblem[];
  /** Absolute paths of every file the render read: a change to any of them invalidates it. */
  inputs: string[];
  /** Hash of the inputs' content and the render options. */
  inputHash: string;
  durationMs: number;
  cached: boolean;
  /** Values substituted from Secrets (Flux substituteFrom): never shown in clear, wherever they landed. */
  maskValues?: string[];
}

/**
 * A render problem that makes the app Unknown rather than broken: a remote chart or source not
 * available here, or a plugin rendered only in the cluster. Not an error in the user's files.
 */
export function isUnknownReason(p: RenderProblem): boolean {
  return p.code === 'source-unavailable' || p.code === 'not-rendered';
}
