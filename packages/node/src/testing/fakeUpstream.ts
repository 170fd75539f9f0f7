/**
 * A small OpenAI-compatible server for the upstream tests. What it answers depends on the model
 * name: "echo:<text>" streams <text> back; "drip:<ms>:<text>" streams it word by word, <ms> apart
 * ("drip:<ms>+<first ms>:<text>" waits <first ms> before the first word), and stops when the node
 * hangs up; "slow" never answers; "broken" fails with 500; "garbage" streams chunks that are not
 * JSON. `streams` records, per streamed answer, how many words were written before it ended.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '@tributary/protocol';

export type StreamRecord = { model: string; words: number; written: number; hungUp: boolean };
export type FakeUpstream = {
  baseURL: string;
  requests: unknown[];
  /** The Authorization header of each request, as received (undefined when none was sent). */
  authorizations: (string | undefined)[];
  streams: StreamRecord[];
  stop(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: unknown[] = [];
  const authorizations: (string | undefined)[] = [];
  const streams: StreamRecord[] = [];
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
    const drip = model.match(/^drip:(\d+)(?:\+(\d+))?:/);
    const text = drip
      ? model.slice(drip[0].length)
      : model.startsWith('echo:')
        ? model.slice(5)
        : 'I have nothing to say.';
    const words = text.split(/(?<= )/);
    const record: StreamRecord = { model, words: words.length, written: 0, hungUp: false };
    streams.push(record);
    res.on('close', () => {
      record.hungUp = !res.writableFinished;
    });
    if (drip?.[2]) await sleep(Number(drip[2]));
    for (const word of words) {
      if (res.destroyed) return;
      res.write(
        `data: ${JSON.stringify({ id: 'up-1', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })}\n\n`,
      );
      record.written++;
      if (drip) await sleep(Number(drip[1]));
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
    streams,
    authorizations,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
