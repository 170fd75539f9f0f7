/**
 * A node that lies, for verifier tests: an HTTP proxy in front of a real node that passes every
 * request through and rewrites the JSON answers of chosen paths (a forged receipt, doctored
 * epoch data). Verifiers must catch what it serves from the chain and the texts alone.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Rewrites the JSON answer of one path. */
export type Rewrite = (body: unknown) => unknown | Promise<unknown>;

export type DishonestNode = { url: string; stop(): Promise<void> };

const bodyOf = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * Starts the proxy on a free port.
 *
 * @example
 * const liar = await startDishonestNode({ target: api, rewrite: { '/v1/epochs/2/data': shift } });
 */
export async function startDishonestNode(p: {
  target: string;
  /** By exact path (no query). */
  rewrite: Record<string, Rewrite>;
}): Promise<DishonestNode> {
  const server = createServer(async (request, response) => {
    try {
      const body = await bodyOf(request);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length')
          headers.set(name, value);
      const upstream = await fetch(new URL(request.url ?? '/', p.target), {
        method: request.method ?? 'GET',
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const rewrite = p.rewrite[path];
      if (rewrite && upstream.ok) {
        const json = JSON.stringify(await rewrite(await upstream.json()));
        response.writeHead(200, { 'content-type': 'application/json' }).end(json);
        return;
      }
      const type = upstream.headers.get('content-type');
      response
        .writeHead(upstream.status, type ? { 'content-type': type } : {})
        .end(Buffer.from(await upstream.arrayBuffer()));
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
