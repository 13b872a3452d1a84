/**
 * Raw JSON over HTTPS to one API server, with the credentials client-node derives from the
 * kubeconfig (certs, tokens, exec and auth-provider plugins). Raw on purpose: client-node's
 * typed deserializer turns timestamps into Dates and drops fields its models do not know,
 * and a diff must see the object exactly as the server sent it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError, errorFromException, errorFromResponse, type RequestDescription } from './errors';

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** For error messages: what the request does. */
  describe: Omit<RequestDescription, 'context' | 'user'>;
}

export interface RawResponse { status: number; body: string; headers: http.IncomingHttpHeaders }

export class Transport {
  readonly server: string;
  readonly context: string;
  readonly user: string;
  private agent: http.Agent | undefined;
  private readonly secure: boolean;

  constructor(private readonly kc: KubeConfig, private readonly defaultTimeoutMs = 30_000) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterError({ kind: 'other', message: `kubeconfig context "${kc.getCurrentContext()}" has no cluster` });
    this.server = cluster.server.replace(/\/+$/, '');
    this.context = kc.getCurrentContext();
    this.user = kc.getContextObject(this.context)?.user ?? kc.getCurrentUser()?.name ?? '';
    this.secure = this.server.startsWith('https:');
  }

  private describe(d: RequestOptions['describe']): RequestDescription {
    return { ...d, context: this.context, user: this.user };
  }

  /** Credentials are re-read per request (exec plugins and token files rotate); the TLS agent is kept for keep-alive. */
  private async prepare(): Promise<{ agent: http.Agent; headers: Record<string, string> }> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    if (!this.agent) {
      const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase, servername: opts.servername, rejectUnauthorized: opts.rejectUnauthorized };
      this.agent = this.secure
        ? new https.Agent({ ...tls, keepAlive: true, maxSockets: 16 })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return { agent: this.agent, headers };
  }

  private url(path: string, query?: RequestOptions['query']): URL {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  private async open(o: RequestOptions, accept: string, timeoutMs: number | undefined): Promise<http.IncomingMessage> {
    const { agent, headers } = await this.prepare();
    const payload = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const url = this.url(o.path, o.query);
    const mod = this.secure ? https : http;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = mod.request(url, {
        method: o.method, agent, signal: o.signal,
        headers: {
          ...headers, Accept: accept, 'User-Agent': 'gitops-lens',
          ...(payload !== undefined ? { 'Content-Type': o.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      }, (res) => {
        // Until a consumer listens, a reset connection must not become an uncaught 'error'.
        res.on('error', () => undefined);
        resolve(res);
      });
      if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'TIMEOUT' })));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** One request; non-2xx responses become ClusterErrors. A 429 is retried (the server did not act on it). */
  async request(o: RequestOptions): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.requestOnce(o);
      if (res.status >= 200 && res.status < 300) return res;
      const retryAfter = res.headers['retry-after'] as string | undefined;
      if (res.status === 429 && attempt < 3 && !o.signal?.aborted) {
        await new Promise((r) => setTimeout(r, Math.min(5, Number(retryAfter) || 1) * 1000));
        continue;
      }
      throw errorFromResponse(res.status, res.body, this.describe(o.describe), retryAfter);
    }
  }

  private async requestOnce(o: RequestOptions): Promise<RawResponse> {
    try {
      const res = await this.open(o, 'application/json', o.timeoutMs ?? this.defaultTimeoutMs);
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      return { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers };
    } catch (e) {
      throw errorFromException(e, this.describe(o.describe), this.server);
    }
  }

  async json<T>(o: RequestOptions): Promise<T> {
    const res = await this.request(o);
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new ClusterError({ kind: 'other', context: this.context, message: `${o.describe.verb} ${o.describe.what}: the server sent a response that is not JSON` });
    }
  }

  /**
   * A streaming watch: calls onLine for each JSON event until the server closes the stream
   * (resolves) or something fails (rejects with a ClusterError). Abort with the signal.
   */
  async stream(o: RequestOptions, onEvent: (event: unknown) => void): Promise<void> {
    let res: http.IncomingMessage;
    try {
      res = await this.open(o, 'application/json', undefined);
    } catch (e) {
      throw errorFromException(e, this.describe(o.describe), this.server);
    }
    if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = [];
      try { for await (const c of res) chunks.push(c as Buffer); } catch { /* body is best effort */ }
      throw errorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), this.describe(o.describe));
    }
    // A watch is idle for long stretches; a dead peer is noticed by TCP keep-alive, not by a timer.
    res.socket?.setKeepAlive(true, 15_000);
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => { if (!failed) { failed = true; reject(errorFromException(e, this.describe(o.describe), this.server)); } };
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (!line.trim()) return;
        let ev: unknown;
        try { ev = JSON.parse(line); } catch { return; }
        try { onEvent(ev); } catch (e) { res.destroy(); fail(e); }
      });
      res.on('error', fail);
      lines.on('error', fail); // readline re-emits input errors on itself
      res.on('aborted', () => fail(Object.assign(new Error('connection closed by the server'), { code: 'ECONNRESET' })));
      lines.on('close', () => { if (!failed) { if (res.complete || o.signal?.aborted) resolve(); else fail(Object.assign(new Error('watch stream ended early'), { code: 'ECONNRESET' })); } });
    });
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
