/**
 * A TCP proxy in front of the chain's RPC that drops connections: per request (not per
 * connection, so kept-alive connections fail too), some are cut before the request is forwarded
 * and some after (so the node never sees the answer). For fault tests.
 */
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';

export type FlakyProxy = {
  url: string;
  /** Connections dropped so far. */
  dropped: () => number;
  /** Requests that reached the proxy so far. */
  requests: () => number;
  /** Changes the share of requests whose connection is dropped (0 passes everything). */
  setDropRate(rate: number): void;
  stop(): Promise<void>;
};

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
  let rate = dropRate;
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31; // deterministic, so a failure can be replayed
    return state / 2 ** 31;
  };
  let dropped = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    sockets.add(upstream);
    let cut = false;
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      if (cut) return;
      requests++;
      const roll = random();
      if (roll < rate / 2) {
        // Cut before forwarding: the chain never sees the request.
        dropped++;
        cut = true;
        close();
        return;
      }
      upstream.write(chunk);
      if (roll < rate) {
        // Cut after forwarding: the chain may act on it, the node never sees the answer.
        dropped++;
        cut = true;
        setTimeout(close, 5);
      }
    });
    upstream.on('data', (chunk) => {
      if (!cut) client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', () => {
        sockets.delete(socket);
        close();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropped: () => dropped,
    requests: () => requests,
    setDropRate(next) {
      rate = next;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
