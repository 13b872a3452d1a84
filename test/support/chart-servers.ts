// Real chart sources on 127.0.0.1 for the remote-chart tests: a Helm chart repository
// (`helm package` + `helm repo index`, served over HTTP with basic auth) and an OCI registry
// (the `registry` server of distribution/distribution, charts pushed with `helm push`).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from './tools';
import { tempDir } from './temp';

const exec = promisify(execFile);

/** helm with its own throw-away homes, so the test machine's helm config is never read or written. */
export function isolatedHelmEnv(home: string): NodeJS.ProcessEnv {
  return { ...process.env, HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache'), HELM_DATA_HOME: join(home, 'data') };
}

export async function helm(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  const { stdout, stderr } = await exec(await toolPath('helm'), args, { env, cwd, maxBuffer: 64 << 20 });
  return stdout + stderr;
}

/** Writes a chart folder from `files` (relative paths) and packages it into `outDir`; returns the .tgz path. */
export async function packageChart(files: Record<string, string>, outDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const src = tempDir('gitops-lens-chartsrc-');
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(src, rel)), { recursive: true });
      writeFileSync(join(src, rel), text);
    }
    const out = await helm(['package', src, '--destination', outDir], env);
    const m = /saved it to: (.+\.tgz)/.exec(out);
    if (!m) throw new Error(`helm package printed no path: ${out}`);
    return m[1].trim();
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

export interface RunningServer { url: string; stop(): Promise<void> }

/** Serves `dir` (an indexed chart repository) on 127.0.0.1; with `auth`, only to that user. */
export async function serveChartRepo(dir: string, auth?: { username: string; password: string }): Promise<RunningServer & { requests: number }> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="charts"' }).end('unauthorized');
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const out = {
    url: `http://127.0.0.1:${port}`,
    get requests() { return state.requests; },
    stop: () => new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return out;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The distribution registry on 127.0.0.1 (plain HTTP), storage in a temporary folder. */
export async function startRegistry(): Promise<RunningServer & { host: string }> {
  const bin = await toolPath('registry');
  const dir = tempDir('gitops-lens-registry-');
  const port = await freePort();
  writeFileSync(join(dir, 'config.yml'), `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
http:
  addr: 127.0.0.1:${port}
`);
  const child: ChildProcess = spawn(bin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when /v2/ answers; bounded in count, no time assertion.
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const req = get(`http://127.0.0.1:${port}/v2/`, (res) => { res.resume(); resolve(res.statusCode === 200); });
      req.on('error', () => resolve(false));
    });
    if (ok) return { url: `oci://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`registry did not start on 127.0.0.1:${port}: ${stderr}`);
}

/** `helm push` of a packaged chart; returns the manifest digest the registry stored. */
export async function pushChart(tgz: string, registryUrl: string, env: NodeJS.ProcessEnv): Promise<string> {
  const out = await helm(['push', tgz, `${registryUrl}/charts`, '--plain-http'], env);
  const m = /Digest:\s*(sha256:[0-9a-f]+)/.exec(out);
  if (!m) throw new Error(`helm push printed no digest: ${out}`);
  return m[1];
}
