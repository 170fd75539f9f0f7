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
  compareContributionIds,
  largestRemainder,
  partsPerMillion,
} from '@tributary/attribution';
import type { Config } from '../../config.js';
import type { AttributedContribution } from '../../receipts/buildReceipt.js';
import { answerFromPassages, buildRagPrompt, type Citation } from '../retrieval/answer.js';
import { type Bm25Index, deserializeBm25Index, searchBm25 } from '../retrieval/bm25.js';
import { cutToTokens, type ModelRunner, type RunResult, traceAnswer, traceAnswerTimed } from '../runner.js';
import { streamUpstream, upstreamClient } from './upstream.js';

export type RetrievalRunnerParameters = {
  index: AttributionIndex;
  dir: string;
  params: Record<string, unknown>;
  config: Pick<Config, 'upstreams'>;
};

export async function createRetrievalRunner(p: RetrievalRunnerParameters): Promise<ModelRunner> {
  const bm25 = await readBm25(p.dir);
  const client = typeof p.params.upstream === 'string' ? upstreamClient(p.config, p.params.upstream) : null;
  const result = (
    finishReason: RunResult['finishReason'],
    citations: readonly Citation[],
    text: string,
  ): RunResult => {
    const { contributions, spans, ms } = traceAnswerTimed(p.index, text);
    return {
      finishReason,
      attribution: { method: 'retrieval', contributions: combine(citations, contributions) },
      spans,
      attributionMs: ms,
    };
  };
  return {
    index: p.index,
    async *run(input, signal): AsyncGenerator<string, RunResult, void> {
      const passages = retrieve(bm25, p.params, input.prompt);
      if (client) {
        const { messages, sources } = buildRagPrompt({ question: input.prompt, passages });
        const model = String(p.params.upstreamModel ?? 'default');
        const { text, finishReason } = yield* streamUpstream(client, model, messages, input, signal);
        return result(finishReason, cited(sources, text), text);
      }
      const answer = answerFromPassages({
        question: input.prompt,
        passages,
        maxWords: Number(p.params.maxWords ?? 120),
      });
      const cut = cutToTokens(answer.text, input.maxTokens);
      const text = cut ?? answer.text;
      for (const piece of text.split(/(?<=\s)/)) yield piece;
      return result(cut === null ? 'stop' : 'length', answer.citations, text);
    },
    close: () => p.index.close(),
  };
}

export type RecomputeRagAttributionParameters = {
  index: AttributionIndex;
  dir: string;
  params: Record<string, unknown>;
  /** The question (the call's prompt). */
  prompt: string;
  /** The upstream's answer, as the payer received it. */
  output: string;
};

/**
 * A RAG answer's attribution, recomputed without its upstream (whose answer cannot be re-run): the
 * same passages are retrieved, the sources the answer cites and its traced spans weigh as in a run.
 */
export async function recomputeRagAttribution(
  p: RecomputeRagAttributionParameters,
): Promise<AttributedContribution[]> {
  const passages = retrieve(await readBm25(p.dir), p.params, p.prompt);
  const { sources } = buildRagPrompt({ question: p.prompt, passages });
  return combine(cited(sources, p.output), traceAnswer(p.index, p.output).contributions);
}

const readBm25 = async (dir: string) =>
  deserializeBm25Index({ bytes: await readFile(join(dir, 'retrieval', 'bm25.bin')) });

const retrieve = (bm25: Bm25Index, params: Record<string, unknown>, question: string) =>
  searchBm25({ index: bm25, query: question, k: Number(params.passages ?? 3) });

/** Only the sources the answer actually cites count. */
const cited = (sources: readonly Citation[], text: string) =>
  sources.filter((c) => text.includes(`[${c.n}]`));

type Owner = { contributor: string; datanetId: string | null; score: number; spans: number };

/** Half by retrieval score of cited passages, half by traced spans, as exact parts per million. */
function combine(
  citations: readonly Citation[],
  traced: readonly AttributedContribution[],
): AttributedContribution[] {
  const owners = new Map<string, Owner>();
  const owner = (c: { contributionId: string; contributor: string; datanetId: string | null }) => {
    let entry = owners.get(c.contributionId);
    if (!entry) {
      entry = { contributor: c.contributor, datanetId: c.datanetId, score: 0, spans: 0 };
      owners.set(c.contributionId, entry);
    }
    return entry;
  };
  for (const c of citations) owner(c).score += c.score;
  for (const c of traced) owner(c).spans += c.ppm;
  const ids = [...owners.keys()].sort(compareContributionIds);
  if (ids.length === 0) return [];
  const entries = ids.map((id) => owners.get(id)!);
  const totalScore = entries.reduce((s, e) => s + e.score, 0);
  const scorePpm =
    totalScore > 0
      ? largestRemainder(
          entries.map((e) => Math.round((e.score / totalScore) * 1e9)),
          partsPerMillion,
        )
      : entries.map(() => 0);
  const spanPpm = entries.map((e) => e.spans);
  const halves = [totalScore > 0, spanPpm.some((v) => v > 0)].filter(Boolean).length;
  const weights = entries.map((_, i) => (scorePpm[i]! + spanPpm[i]!) / halves);
  const ppm = largestRemainder(
    weights.map((w) => Math.round(w * 1000)),
    partsPerMillion,
  );
  return ids
    .map((id, i) => ({
      contributionId: id,
      contributor: entries[i]!.contributor,
      datanetId: entries[i]!.datanetId,
      ppm: ppm[i]!,
    }))
    .filter((c) => c.ppm > 0);
}
