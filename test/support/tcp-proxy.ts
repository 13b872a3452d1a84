// A TCP proxy in front of a test API server, to cut the network the way a dropped VPN or an
// expired NAT entry does: after `partition()` no byte passes in either direction and no
// connection is closed, so open watches hang without noticing, and new requests time out.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** `https://127.0.0.1:<port>`: the target's scheme and address, the proxy's port. */
  url: string;
  partition(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const t = new URL(target);
  let cut = false;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => s.destroy()); return s; };
  const server = createServer((client) => {
    track(client);
    if (cut) { client.resume(); return; } // accepted, never answered
    const upstream = track(connect(Number(t.port), t.hostname));
    client.on('data', (d) => { if (!cut) upstream.write(d); });
    upstream.on('data', (d) => { if (!cut) client.write(d); });
    client.on('end', () => { if (!cut) upstream.end(); });
    upstream.on('end', () => { if (!cut) client.end(); });
    client.on('close', () => { if (!cut) upstream.destroy(); });
    upstream.on('close', () => { if (!cut) client.destroy(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${t.protocol}//127.0.0.1:${port}`,
    partition: () => { cut = true; },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
