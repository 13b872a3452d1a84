// Test-only bridge between the E2E harness (test/support/vscode.ts) and the real
// extension host. It does nothing unless GITOPS_LENS_E2E_BRIDGE=<dir> is set in
// code-server's environment; then it listens on 127.0.0.1 (random port), writes
// <dir>/bridge.json = { port, token, ... } and answers POST requests:
//   { op: 'ping' }
//   { op: 'executeCommand', command, args }
//   { op: 'eval', code, args }   code = body of an async function (vscode, args, require)
// with { ok: true, value } or { ok: false, error: { message, stack } }.
// Every request must carry the token from bridge.json (header x-bridge-token), so only
// the harness that started this code-server can use it.
'use strict';
const vscode = require('vscode');
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
let server;
let infoFile;

function activate(context) {
  const dir = process.env.GITOPS_LENS_E2E_BRIDGE;
  if (!dir) return;
  const token = crypto.randomBytes(24).toString('hex');
  server = http.createServer((req, res) => handle(req, res, token));
  server.listen(0, '127.0.0.1', () => {
    const info = {
      port: server.address().port,
      token,
      pid: process.pid,
      vscodeVersion: vscode.version,
      activatedAt: new Date().toISOString(),
    };
    fs.mkdirSync(dir, { recursive: true });
    infoFile = path.join(dir, 'bridge.json');
    const tmp = `${infoFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(info));
    fs.renameSync(tmp, infoFile); // the harness never sees a half-written file
  });
  context.subscriptions.push({ dispose: () => server && server.close() });
}

function deactivate() {
  if (server) server.close();
  if (infoFile) fs.rmSync(infoFile, { force: true });
}

function handle(req, res, token) {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || req.headers['x-bridge-token'] !== token) {
    reply(403, { ok: false, error: { message: 'forbidden' } });
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    try {
      const msg = JSON.parse(body);
      const value = await perform(msg);
      reply(200, { ok: true, value: toPlain(value) });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply(200, { ok: false, error: { message: err.message, stack: err.stack, name: err.name } });
    }
  });
}

async function perform(msg) {
  switch (msg && msg.op) {
    case 'ping':
      return { pong: true, vscodeVersion: vscode.version, pid: process.pid };
    case 'executeCommand':
      return vscode.commands.executeCommand(msg.command, ...(Array.isArray(msg.args) ? msg.args : []));
    case 'eval': {
      const fn = new AsyncFunction('vscode', 'args', 'require', String(msg.code));
      return fn(vscode, msg.args, require);
    }
    default:
      throw new Error(`unknown bridge op ${JSON.stringify(msg && msg.op)}`);
  }
}

/** JSON-safe copy of extension-host values (Uris as strings, no cycles, bounded depth). */
function toPlain(value, depth = 0, seen = new WeakSet()) {
  if (value === null || value === undefined) return value === null ? null : undefined;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return value;
  if (t === 'bigint') return value.toString();
  if (t === 'function' || t === 'symbol') return undefined;
  if (value instanceof vscode.Uri) return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (depth > 10) return '[depth limit]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1, seen) ?? null);
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v, depth + 1, seen)]));
    if (value instanceof Set) return [...value].map((v) => toPlain(v, depth + 1, seen));
    if (value instanceof vscode.Position) return { line: value.line, character: value.character };
    if (value instanceof vscode.Range) {
      return { start: toPlain(value.start, depth + 1, seen), end: toPlain(value.end, depth + 1, seen) };
    }
    if (typeof value.toJSON === 'function' && !(value instanceof Date)) {
      const j = value.toJSON();
      if (j !== value) return toPlain(j, depth + 1, seen);
    }
    if (value instanceof Date) return value.toISOString();
    const out = {};
    for (const k of Object.keys(value)) {
      const v = toPlain(value[k], depth + 1, seen);
      if (v !== undefined) out[k] = v;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

module.exports = { activate, deactivate };
