/**
 * Is a context's API server reachable? One rule for the editor's Clusters view and the CLI:
 * the watches' state says it once anything is watched; before that (nothing is watched until
 * discovery succeeds) the server-version request decides.
 */
import type { ContextState, ContextStatus } from '../cluster/cache';
import type { ServerVersion } from '../cluster/client';

export interface Reachability {
  /** Undefined while nothing has answered yet. */
  reachable?: boolean;
  status?: ContextStatus;
  version?: ServerVersion;
  /** Why it is not reachable (or not fully connected), in the API server's words. */
  error?: string;
}

export function reachabilityOf(state: ContextState | undefined, version: ServerVersion | undefined, versionError: string | undefined): Reachability {
  const status = state?.status;
  const reachable = status === 'unreachable' || (status !== 'connected' && versionError) ? false
    : status === 'connected' || version ? true : undefined;
  return { reachable, status, version, error: state?.error?.message ?? versionError };
}
