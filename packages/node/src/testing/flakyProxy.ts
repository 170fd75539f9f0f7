/**
 * A TCP proxy in front of the chain's RPC that drops connections: some are refused at once, some
 * are cut after the request is forwarded (so the node never sees the answer). For fault tests.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@tributary/protocol';

export type FlakyProxy = { url: string; dropped: () => number; stop(): Promise<void> };

export async function startFlakyProxy({
  target,
  dropRate,
  seed = 1,
}: {
  target: string;
  dropRate: number;
  seed?: number;
}): Promise<FlakyProxy> {
  const { hostname, port: targetPort } = new URL(target);
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31; // deterministic, so a failure can be replayed
    return state / 2 ** 31;
  };
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const roll = random();
    if (roll < dropRate / 2) {
      dropped++;
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const cutAfterRequest = roll < dropRate;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      if (cutAfterRequest) {
        dropped++;
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, 5);
      }
    });
    upstream.on('data', (chunk) => {
      if (!cutAfterRequest) client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    dropped: () => dropped,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
