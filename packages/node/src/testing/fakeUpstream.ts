/**
 * A small OpenAI-compatible server for the upstream tests. What it answers depends on the model
 * name: "echo:<text>" streams <text> back; "slow" never answers; "broken" fails with 500;
 * "garbage" streams chunks that are not JSON.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '@tributary/protocol';

export type FakeUpstream = {
  baseURL: string;
  requests: unknown[];
  /** The Authorization header of each request, as received (undefined when none was sent). */
  authorizations: (string | undefined)[];
  stop(): Promise<void>;
};

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: unknown[] = [];
  const authorizations: (string | undefined)[] = [];
  const port = await freePort();
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body || '{}') as { model?: string; stream?: boolean };
    requests.push(request);
    authorizations.push(req.headers.authorization);
    const model = request.model ?? '';
    if (model === 'slow') return; // never answers
    if (model === 'broken') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'the GPU caught fire', type: 'server_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (model === 'garbage') {
      res.write('data: {"id":"x","choices":[{"delta":{"content":"Hello"}}]}\n\n');
      res.write('data: {this is not json\n\n');
      res.end();
      return;
    }
    const text = model.startsWith('echo:') ? model.slice(5) : 'I have nothing to say.';
    const words = text.split(/(?<= )/);
    for (const word of words) {
      res.write(
        `data: ${JSON.stringify({ id: 'up-1', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })}\n\n`,
      );
    }
    res.write(
      `data: ${JSON.stringify({ id: 'up-1', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    );
    res.write('data: [DONE]\n\n');
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
