/**
 * A TCP proxy in front of the chain's RPC that a test can cut, for outage tests: "up" forwards,
 * "refused" refuses new connections and drops open ones (the RPC is down), "silent" accepts
 * connections and never answers (the RPC hangs).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@tributary/protocol';

export type RpcMode = 'up' | 'refused' | 'silent';

export type RpcSwitch = {
  url: string;
  set(mode: RpcMode): void;
  stop(): Promise<void>;
};

export async function startRpcSwitch(target: string): Promise<RpcSwitch> {
  const { hostname, port: targetPort } = new URL(target);
  let mode: RpcMode = 'up';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refused') {
      client.destroy();
      return;
    }
    if (mode === 'silent') {
      client.resume(); // read and drop whatever comes
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    set(next) {
      mode = next;
      // Open (keep-alive) connections go too: from now on every request meets the new mode.
      for (const socket of sockets) socket.destroy();
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
