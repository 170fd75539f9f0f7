/**
 * `retrieval` models: answer a question from the passages of the model's datanet versions that
 * BM25 ranks best, citing them — extractively, or, with an upstream LLM configured, by giving
 * the passages to it as context (RAG). Attribution weighs each contribution half by the
 * retrieval scores of its cited passages and half by the spans of the answer traced to it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AttributionIndex,
  attribute,
  largestRemainder,
  partsPerMillion,
  tokenize,
} from '@tributary/attribution';
import OpenAI from 'openai';
import type { Config } from '../../config.js';
import type { AttributedContribution } from '../../receipts/buildReceipt.js';
import { answerFromPassages, buildRagPrompt, type Citation } from '../retrieval/answer.js';
import { deserializeBm25Index, searchBm25 } from '../retrieval/bm25.js';
import type { ModelRunner, RunResult } from '../runner.js';
import { streamUpstream, UpstreamError } from './upstream.js';

export type RetrievalRunnerParameters = {
  index: AttributionIndex;
  dir: string;
  params: Record<string, unknown>;
  config: Config;
};

export async function createRetrievalRunner(p: RetrievalRunnerParameters): Promise<ModelRunner> {
  const bm25 = deserializeBm25Index({ bytes: await readFile(join(p.dir, 'retrieval', 'bm25.bin')) });
  const k = Number(p.params.passages ?? 3);
  const upstreamName = typeof p.params.upstream === 'string' ? p.params.upstream : null;
  let client: OpenAI | null = null;
  if (upstreamName) {
    const upstream = p.config.upstreams[upstreamName];
    if (!upstream)
      throw new UpstreamError(
        503,
        'UPSTREAM_NOT_CONFIGURED',
        `the node has no upstream named "${upstreamName}"`,
      );
    client = new OpenAI({
      baseURL: upstream.baseURL,
      apiKey: upstream.apiKey,
      timeout: upstream.timeoutMs,
      maxRetries: 0,
    });
  }
  return {
    index: p.index,
    async *run(input, signal): AsyncGenerator<string, RunResult, void> {
      const passages = searchBm25({ index: bm25, query: input.prompt, k });
      let text = '';
      let citations: Citation[];
      let finishReason: 'stop' | 'length' = 'stop';
      if (client) {
        const { messages, sources } = buildRagPrompt({ question: input.prompt, passages });
        citations = sources;
        const stream = streamUpstream(
          client,
          String(p.params.upstreamModel ?? 'default'),
          messages,
          input,
          signal,
        );
        let step = await stream.next();
        while (!step.done) {
          text += step.value;
          yield step.value;
          step = await stream.next();
        }
        finishReason = step.value;
        // Only the sources the answer actually cites count.
        citations = citations.filter((c) => text.includes(`[${c.n}]`));
      } else {
        const answer = answerFromPassages({
          question: input.prompt,
          passages,
          maxWords: Number(p.params.maxWords ?? 120),
        });
        citations = answer.citations;
        text = answer.text;
        const { ids, charEnds } = tokenize({ text });
        if (ids.length > input.maxTokens) {
          text = text.slice(0, charEnds[input.maxTokens - 1] ?? 0);
          finishReason = 'length';
        }
        for (const piece of text.split(/(?<=\s)/)) yield piece;
      }
      return {
        finishReason,
        attribution: { method: 'retrieval', contributions: combine(citations, text, p.index) },
      };
    },
    close: () => p.index.close(),
  };
}

/** Half by retrieval score of cited passages, half by traced spans, as exact parts per million. */
function combine(
  citations: readonly Citation[],
  text: string,
  index: AttributionIndex,
): AttributedContribution[] {
  const owners = new Map<
    string,
    { contributor: string; datanetId: string | null; score: number; spans: number }
  >();
  for (const c of citations) {
    const entry = owners.get(c.contributionId) ?? {
      contributor: c.contributor,
      datanetId: c.datanetId,
      score: 0,
      spans: 0,
    };
    entry.score += c.score;
    owners.set(c.contributionId, entry);
  }
  if (text.trim()) {
    for (const c of attribute({ index, text }).contributions) {
      const entry = owners.get(c.contributionId) ?? {
        contributor: c.contributor,
        datanetId: c.datanetId,
        score: 0,
        spans: 0,
      };
      entry.spans += c.ppm;
      owners.set(c.contributionId, entry);
    }
  }
  const ids = [...owners.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  if (ids.length === 0) return [];
  const totalScore = ids.reduce((s, id) => s + owners.get(id)!.score, 0);
  const scorePpm =
    totalScore > 0
      ? largestRemainder(
          ids.map((id) => Math.round((owners.get(id)!.score / totalScore) * 1e9)),
          partsPerMillion,
        )
      : ids.map(() => 0);
  const spanPpm = ids.map((id) => owners.get(id)!.spans);
  const halves = [totalScore > 0, spanPpm.some((v) => v > 0)].filter(Boolean).length;
  const weights = ids.map((_, i) => (scorePpm[i]! + spanPpm[i]!) / halves);
  const ppm = largestRemainder(
    weights.map((w) => Math.round(w * 1000)),
    partsPerMillion,
  );
  return ids
    .map((id, i) => ({
      contributionId: id,
      contributor: owners.get(id)!.contributor,
      datanetId: owners.get(id)!.datanetId,
      ppm: ppm[i]!,
    }))
    .filter((c) => c.ppm > 0);
}
