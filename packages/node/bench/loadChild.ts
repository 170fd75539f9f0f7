/**
 * The load generator of the inference benchmark, run as its own process so that it never shares
 * the node's event loop: drives one endpoint with autocannon and prints one JSON line with calls/s,
 * latency percentiles (from every response's own timing, sub-millisecond, 2xx only), status
 * counts, errors and what the answers held (completion tokens, attribution present).
 *
 *   tsx bench/loadChild.ts <file holding the LoadSpec as JSON>
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { round, type Summary, summary } from './stats.js';

export type LoadSpec = {
  url: string;
  /** `GET /health`, or a completion call built per request. */
  target: { kind: 'health' } | { kind: 'completion'; model: string; apiKey: string; maxTokens: number };
  /** Prompts for completion calls, used in turn; every call also gets a distinct seed. */
  prompts?: string[];
  seedBase?: number;
  connections: number;
  durationSeconds: number;
  /** An unmeasured run first (connections warm, caches filled). */
  warmupSeconds: number;
};

export type LoadResult = {
  connections: number;
  durationSeconds: number;
  requests: number;
  callsPerSecond: number;
  latencyMs: Summary;
  status: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  answers?: { parsed: number; meanCompletionTokens: number; withReceipt: number; meanSpans: number };
  /** The node's own time per call, from each answer's `x-tributary-overhead-ms` header. */
  overheadMs?: Summary;
  /** Mean of each `server-timing` stage over the answers, ms. */
  serverTimingMeanMs?: Record<string, number>;
  /** CPU time of this load generator over the measured run, ms. */
  loadGeneratorCpuMs: number;
};

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;

async function drive(durationSeconds: number, measure: boolean): Promise<LoadResult> {
  const latencies: number[] = [];
  const overheads: number[] = [];
  const timing = new Map<string, { sum: number; n: number }>();
  const answers = { parsed: 0, completionTokens: 0, withReceipt: 0, spans: 0 };
  let seed = (spec.seedBase ?? 0) + (measure ? 1_000_000 : 0);
  const target = spec.target;
  const prompts = spec.prompts ?? [''];
  const requests: autocannon.Request[] =
    target.kind === 'health'
      ? [{ method: 'GET', path: '/health' }]
      : [
          {
            method: 'POST',
            path: '/v1/completions',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
            setupRequest: (request) => {
              const n = seed++;
              return {
                ...request,
                body: JSON.stringify({
                  model: target.model,
                  prompt: prompts[n % prompts.length],
                  max_tokens: target.maxTokens,
                  temperature: 1,
                  seed: n,
                }),
              };
            },
            onResponse: (status, body, _context, headers) => {
              if (!measure || status !== 200) return;
              const overhead = Number(headers?.['x-tributary-overhead-ms']);
              if (Number.isFinite(overhead)) overheads.push(overhead);
              for (const stage of String(headers?.['server-timing'] ?? '').split(',')) {
                const [name, dur] = stage.trim().split(';dur=');
                if (!name || dur === undefined) continue;
                const entry = timing.get(name) ?? { sum: 0, n: 0 };
                entry.sum += Number(dur);
                entry.n++;
                timing.set(name, entry);
              }
              try {
                const parsed = JSON.parse(body) as {
                  usage?: { completion_tokens?: number };
                  attribution?: { receipt_id?: string; spans?: unknown[] };
                };
                answers.parsed++;
                answers.completionTokens += parsed.usage?.completion_tokens ?? 0;
                if (parsed.attribution?.receipt_id) answers.withReceipt++;
                answers.spans += parsed.attribution?.spans?.length ?? 0;
              } catch {
                // counted as unparsed (parsed stays behind requests)
              }
            },
          },
        ];
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: durationSeconds,
    timeout: 120,
    requests,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const status: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) status[code] = count;
  const total = Object.values(status).reduce((a, b) => a + b, 0);
  const ok = Object.entries(status)
    .filter(([code]) => code.startsWith('2'))
    .reduce((a, [, n]) => a + n, 0);
  return {
    connections: spec.connections,
    durationSeconds: round(result.duration),
    requests: total,
    callsPerSecond: round(ok / result.duration),
    latencyMs: summary(latencies),
    status,
    non2xx: total - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    loadGeneratorCpuMs: 0, // set by the caller around the measured run
    ...(target.kind === 'completion'
      ? {
          overheadMs: summary(overheads),
          serverTimingMeanMs: Object.fromEntries(
            [...timing].map(([name, { sum, n }]) => [name, round(sum / Math.max(1, n))]),
          ),
          answers: {
            parsed: answers.parsed,
            meanCompletionTokens: round(answers.completionTokens / Math.max(1, answers.parsed)),
            withReceipt: answers.withReceipt,
            meanSpans: round(answers.spans / Math.max(1, answers.parsed)),
          },
        }
      : {}),
  };
}

if (spec.warmupSeconds > 0) await drive(spec.warmupSeconds, false);
const cpu = process.cpuUsage();
const result = await drive(spec.durationSeconds, true);
const used = process.cpuUsage(cpu);
result.loadGeneratorCpuMs = round((used.user + used.system) / 1000);
process.stdout.write(`${JSON.stringify(result)}\n`);
