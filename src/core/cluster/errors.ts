/**
 * Every failure of a cluster call becomes a ClusterError: a kind a program can branch on
 * and a message a person can act on. The API server's Status object carries most of what
 * is needed (reason, details.causes); network failures carry only a code.
 */
export type ClusterErrorKind =
  | 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'gone'
  | 'throttled' | 'invalid' | 'other';

/** One ownership conflict of a server-side apply (409): the field and who owns it. */
export interface FieldConflict { field: string; manager: string; message: string }
/** One invalid field of a rejected write (422). */
export interface InvalidField { field: string; reason: string; message: string }

export interface ClusterErrorInit {
  kind: ClusterErrorKind;
  message: string;
  status?: number;
  /** The Status `reason` (Forbidden, Conflict, Expired, ...) or the network error code. */
  reason?: string;
  context?: string;
  conflicts?: FieldConflict[];
  invalidFields?: InvalidField[];
  /** Seconds the server asked to wait (429). */
  retryAfterSeconds?: number;
}

export class ClusterError extends Error {
  readonly kind: ClusterErrorKind;
  readonly status?: number;
  readonly reason?: string;
  readonly context?: string;
  readonly conflicts?: FieldConflict[];
  readonly invalidFields?: InvalidField[];
  readonly retryAfterSeconds?: number;

  constructor(init: ClusterErrorInit) {
    super(init.message);
    this.name = 'ClusterError';
    this.kind = init.kind;
    this.status = init.status;
    this.reason = init.reason;
    this.context = init.context;
    this.conflicts = init.conflicts;
    this.invalidFields = init.invalidFields;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Plain data, for JSON output and for crossing into the editor. */
  toJSON(): ClusterErrorInit {
    return {
      kind: this.kind, message: this.message, status: this.status, reason: this.reason, context: this.context,
      conflicts: this.conflicts, invalidFields: this.invalidFields, retryAfterSeconds: this.retryAfterSeconds,
    };
  }
}

export function isClusterError(e: unknown): e is ClusterError {
  return e instanceof ClusterError;
}

/** The Kubernetes `Status` object as returned in error bodies. */
interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[]; retryAfterSeconds?: number };
}

/** What the request was about, to say it in the message when the server's Status does not. */
export interface RequestDescription { verb: string; what: string; context?: string; user?: string }

function kindForStatus(status: number): ClusterErrorKind {
  switch (status) {
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not-found';
    case 409: return 'conflict';
    case 410: return 'gone';
    case 429: return 'throttled';
    case 400: case 422: return 'invalid';
    case 502: case 503: case 504: return 'unreachable';
    default: return 'other';
  }
}

/** Maps an HTTP error response (status + raw body) to a ClusterError. */
export function errorFromResponse(status: number, body: string, req: RequestDescription, retryAfterHeader?: string): ClusterError {
  let st: StatusBody | undefined;
  try {
    const parsed = JSON.parse(body) as StatusBody;
    if (parsed && typeof parsed === 'object') st = parsed;
  } catch { /* not JSON: keep the raw text below */ }
  // SSA reports a patch that does not fit the schema as a 500 "failed to create typed patch object".
  const kind = status === 500 && /typed patch object/.test(st?.message ?? body) ? 'invalid' : kindForStatus(status);
  const serverMsg = st?.message ?? body.trim().slice(0, 500);
  const ctx = req.context ? ` (context "${req.context}")` : '';
  const causes = st?.details?.causes ?? [];
  const retryAfter = st?.details?.retryAfterSeconds ?? (retryAfterHeader ? Number(retryAfterHeader) || undefined : undefined);
  const base = { kind, status, reason: st?.reason, context: req.context };
  switch (kind) {
    case 'forbidden':
      // The server's message already reads `User "x" cannot patch resource "deployments" in API group "apps" ...`.
      return new ClusterError({ ...base, message: `forbidden: ${serverMsg || `${req.user ? `user "${req.user}"` : 'this user'} cannot ${req.verb} ${req.what}`}${ctx}` });
    case 'unauthorized':
      return new ClusterError({ ...base, message: `unauthorized: the credentials of ${req.user ? `user "${req.user}"` : 'this kubeconfig user'} were rejected while trying to ${req.verb} ${req.what}${ctx}; log in again or refresh the token` });
    case 'conflict': {
      const conflicts = causes.filter((c) => c.reason === 'FieldManagerConflict').map((c) => ({
        field: c.field ?? '', manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '', message: c.message ?? '',
      }));
      if (conflicts.length) {
        const byManager = new Map<string, string[]>();
        for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
        const owners = [...byManager].map(([m, fields]) => `"${m}" owns ${fields.join(', ')}`).join('; ');
        return new ClusterError({ ...base, conflicts, message: `apply conflict on ${req.what}${ctx}: ${owners}. Apply with force to take these fields over, or remove them from Git` });
      }
      return new ClusterError({ ...base, message: `conflict on ${req.what}${ctx}: ${serverMsg}` });
    }
    case 'invalid': {
      const invalidFields = causes.map((c) => ({ field: c.field ?? '', reason: c.reason ?? '', message: c.message ?? '' }));
      const list = invalidFields.length ? `: ${invalidFields.map((f) => `${f.field || '(object)'}: ${f.message}`).join('; ')}` : `: ${serverMsg}`;
      return new ClusterError({ ...base, invalidFields, message: `invalid ${req.what}${ctx}${list}` });
    }
    case 'gone':
      return new ClusterError({ ...base, message: `the watch of ${req.what} expired (410 Gone${st?.message ? `: ${st.message}` : ''})${ctx}; a relist is needed` });
    case 'throttled':
      return new ClusterError({ ...base, retryAfterSeconds: retryAfter, message: `the API server is throttling requests (429) for ${req.what}${ctx}${retryAfter ? `; retry after ${retryAfter}s` : ''}` });
    case 'not-found':
      return new ClusterError({ ...base, message: `${req.what} not found${ctx}${serverMsg && !/not found/i.test(serverMsg) ? `: ${serverMsg}` : ''}` });
    case 'unreachable':
      return new ClusterError({ ...base, message: `the API server is unavailable (${status}) while trying to ${req.verb} ${req.what}${ctx}: ${serverMsg}` });
    default:
      return new ClusterError({ ...base, message: `${req.verb} ${req.what} failed with ${status}${ctx}: ${serverMsg}` });
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'UND_ERR_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'ECONNABORTED',
]);

/** Maps a thrown error (network, TLS, timeout, abort) to a ClusterError; ClusterErrors pass through. */
export function errorFromException(e: unknown, req: RequestDescription, server?: string): ClusterError {
  if (e instanceof ClusterError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? (err?.name === 'AbortError' ? 'ABORTED' : undefined);
  const ctx = req.context ? `context "${req.context}"` : 'the cluster';
  const at = server ? ` at ${server}` : '';
  if (code === 'ABORTED') return new ClusterError({ kind: 'other', reason: 'Aborted', context: req.context, message: `${req.verb} ${req.what} was cancelled` });
  if (code === 'TIMEOUT' || (code && NETWORK_CODES.has(code)) || /socket hang up|timed? ?out/i.test(err?.message ?? '')) {
    return new ClusterError({ kind: 'unreachable', reason: code ?? 'network', context: req.context, message: `cannot reach the API server of ${ctx}${at} (${code ?? err?.message}) while trying to ${req.verb} ${req.what}` });
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) {
    return new ClusterError({ kind: 'unreachable', reason: code, context: req.context, message: `TLS failure talking to ${ctx}${at} (${code}): check the cluster's certificate-authority in the kubeconfig` });
  }
  return new ClusterError({ kind: 'other', reason: code, context: req.context, message: `${req.verb} ${req.what} on ${ctx} failed: ${err?.message ?? String(e)}` });
}
