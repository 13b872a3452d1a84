// Raw requests to a test API server with the admin kubeconfig, keeping what client
// libraries drop: the status as sent and every `Warning` header (Pod Security admission
// reports violations of the `warn` level there).
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
  /** Warning header texts, one per header, unquoted. */
  warnings: string[];
}

export interface ApiServer {
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: { name: string; user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64') : undefined);

/** A client for the current context of a kubeconfig (token or client-certificate users). */
export function apiServerFromKubeconfig(path: string): ApiServer {
  const kc = parse(readFileSync(path, 'utf8')) as Kubeconfig;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context;
  const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!cluster || !user) throw new Error(`${path}: the current context names no cluster or user`);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) });
  return {
    request(method, p, body) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
        if (user.token) headers.authorization = `Bearer ${user.token}`;
        const req = https.request(new URL(p, cluster.server), { method, agent, headers, timeout: 30_000 }, (res) => {
          let data = '';
          res.on('data', (d) => { data += d; });
          res.on('end', () => {
            const warnings: string[] = [];
            for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i].toLowerCase() === 'warning') warnings.push(unquoteWarning(res.rawHeaders[i + 1]));
            let parsed: Record<string, unknown> = {};
            try { parsed = data ? JSON.parse(data) as Record<string, unknown> : {}; } catch { parsed = { message: data }; }
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${p}: timeout`)));
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
  };
}

/** `299 - "text with \"quotes\""` → the text (RFC 7234 warn-text). */
function unquoteWarning(v: string): string {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(v);
  return m ? m[1].replace(/\\(.)/g, '$1') : v;
}
