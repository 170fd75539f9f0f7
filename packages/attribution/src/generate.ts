/**
 * Text generation with the infini-gram (∞-gram) language model over the live index: at each step
 * the next token is drawn from the counts of the tokens that follow the longest context suffix
 * with a continuation ({@link NextTokenSearch}), with temperature, top-k and a seeded generator,
 * and comes with its support — the exact occurrences that made it possible — for attribution
 * (`supportWeights`).
 *
 * Generation is synchronous: each step is a few hundred microseconds on a million-token index, and
 * a caller that streams (SSE) writes each step and may await between steps to let the event loop
 * run. It reads one index snapshot from start to end, so a takedown during a generation applies
 * from the next one.
 */
import type { IndexSnapshot } from './attributionIndex.js';
import { checkQueryText, checkTokenIds } from './checkTokenIds.js';
import type { Searchable } from './count.js';
import { InvalidInputError } from './errors.js';
import type { Hex32 } from './indexRoot.js';
import {
  type Distribution,
  type NextTokenOptions,
  NextTokenSearch,
  resolveNextTokenOptions,
  type TokenSupport,
} from './nextTokens.js';
import { createRandom, type Random } from './random.js';
import { indexTokenIds, tokenBytesOf, unfinishedCharacterBytes } from './tokenizer.js';

export type GenerateParameters = NextTokenOptions & {
  index: Searchable;
  /** The prompt as text (normalized and tokenized as the index's documents are). */
  prompt?: string | undefined;
  /** The prompt as token ids of the encoding (instead of `prompt`). Neither: start from nothing. */
  promptTokens?: ArrayLike<number> | undefined;
  /** Most tokens to generate (a non-negative integer). */
  maxTokens: number;
  /**
   * Sampling temperature (default 1): weights count^(1/temperature); 0 picks the most frequent
   * next token (ties to the lowest token id). At 1 sampling uses integer arithmetic only; other
   * values use doubles (deterministic for a given Node version).
   */
  temperature?: number | undefined;
  /** Sample among the this many most frequent next tokens (default 0: all). */
  topK?: number | undefined;
  /** Seed of the sampler (default 0): same index, prompt, options and seed give the same output. */
  seed?: number | bigint | undefined;
  /** Generation stops before the first occurrence of any of these strings, which is not emitted. */
  stop?: readonly string[] | undefined;
};

/** Why generation ended: a stop sequence or no possible continuation (`stop`), or `maxTokens` (`length`). */
export type FinishReason = 'stop' | 'length';

/** One generated token. */
export type GenerationStep = {
  /** Token id of the encoding. */
  token: number;
  /**
   * Text this step adds to the output: the characters its bytes completed (empty while a
   * multi-byte character is unfinished), cut at a stop sequence. Steps' texts concatenate to the
   * output.
   */
  text: string;
  /** Tokens of the context suffix the token continued (0: drawn from the unigram distribution). */
  suffixLength: number;
  /** Live occurrences of that suffix followed by this token. */
  count: number;
  /** Live occurrences of that suffix followed by any token. */
  total: number;
  /** The contributions whose occurrences supported this token (see `nextTokenDistribution`). */
  support: TokenSupport[];
  /** Whether `support` was read from a subset of the occurrences (`total` > maxOccurrences). */
  sampled: boolean;
};

/** The whole of a finished generation. */
export type GenerationResult = {
  indexRoot: Hex32;
  /** The output text (stop sequence excluded; an unfinished last character dropped). */
  text: string;
  /** The steps yielded, in order: tokens that make up the output. */
  steps: GenerationStep[];
  /** Their token ids. */
  tokens: number[];
  finishReason: FinishReason;
  /** Tokens in the prompt. */
  promptTokens: number;
  /** Tokens drawn, including any that a stop sequence cut off (≥ `steps.length`). */
  generatedTokens: number;
};

/**
 * Generates text with the ∞-gram model: returns a {@link Generation}, an iterator of steps (one per
 * output token, with its text and support) that also exposes the finish reason and the full text.
 * Parameters are checked when called.
 * @example
 * const generation = generate({ index, prompt: 'Rivers carry', maxTokens: 50, temperature: 0.8, seed: 7 });
 * for (const step of generation) process.stdout.write(step.text);
 * generation.finishReason; // 'stop' | 'length'
 * const { contributions } = supportWeights({ steps: generation.steps });
 */
export function generate(parameters: GenerateParameters): Generation {
  return new Generation(parameters);
}

/** A running generation: iterate it for steps; read `finishReason`, `text` and `steps` after. */
export class Generation implements IterableIterator<GenerationStep, undefined> {
  readonly indexRoot: Hex32;
  /** Tokens in the prompt. */
  readonly promptTokens: number;
  #iterator: Generator<GenerationStep, undefined, undefined>;
  #finishReason: FinishReason | null = null;
  #generated = 0;
  #text = '';
  #steps: GenerationStep[] = [];

  constructor(parameters: GenerateParameters) {
    const snapshot = parameters.index.snapshot;
    const options = resolveNextTokenOptions(parameters);
    const sampling = resolveSampling(parameters);
    const prompt = promptOf(parameters, snapshot);
    this.indexRoot = snapshot.root;
    this.promptTokens = prompt.length;
    const search = new NextTokenSearch(snapshot, prompt, options);
    this.#iterator = this.#run(search, sampling, unfinishedTail(prompt));
  }

  /** The next step. */
  next(): IteratorResult<GenerationStep, undefined> {
    const result = this.#iterator.next();
    if (!result.done) {
      this.#text += result.value.text;
      this.#steps.push(result.value);
    }
    return result;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Why generation ended; null while it runs. */
  get finishReason(): FinishReason | null {
    return this.#finishReason;
  }

  /** The output so far (all of it once finished). */
  get text(): string {
    return this.#text;
  }

  /** The steps yielded so far. */
  get steps(): readonly GenerationStep[] {
    return this.#steps;
  }

  /**
   * Runs the generation to its end (from wherever iteration stopped) and returns all of it.
   * @example
   * const { text, finishReason, steps } = generate({ index, prompt, maxTokens: 20 }).result();
   */
  result(): GenerationResult {
    while (!this.next().done);
    return {
      indexRoot: this.indexRoot,
      text: this.#text,
      steps: [...this.#steps],
      tokens: this.#steps.map((s) => s.token),
      finishReason: this.#finishReason!,
      promptTokens: this.promptTokens,
      generatedTokens: this.#generated,
    };
  }

  *#run(
    search: NextTokenSearch,
    sampling: Sampling,
    tail: Uint8Array,
  ): Generator<GenerationStep, undefined, undefined> {
    const { maxTokens, stop } = sampling;
    const random = createRandom({ seed: sampling.seed });
    const decoder = new TextDecoder();
    // Bytes of a character the prompt left unfinished: its first output bytes complete it.
    if (tail.length > 0) decoder.decode(tail, { stream: true });
    const longestStop = stop.reduce((max, s) => Math.max(max, s.length), 0);
    let output = '';
    /** Steps not yet yielded, with their character range in `output`. */
    const pending: { step: GenerationStep; start: number; end: number }[] = [];
    let suffixLength = maxTokens > 0 ? search.longestSuffix(search.length) : 0;
    for (;;) {
      if (this.#generated >= maxTokens) {
        this.#finishReason = 'length';
        break;
      }
      const distribution = search.distribution(suffixLength);
      if (distribution.size === 0) {
        this.#finishReason = 'stop';
        break;
      }
      const chosen = choose(distribution, sampling, random);
      const token = distribution.tokens[chosen]!;
      const step: GenerationStep = {
        token,
        text: '',
        suffixLength,
        count: distribution.counts[chosen]!,
        total: distribution.total,
        support: search.support(distribution, chosen),
        sampled: distribution.sampled,
      };
      this.#generated++;
      search.push(token);
      const start = output.length;
      output += decoder.decode(tokenBytesOf(token), { stream: true });
      pending.push({ step, start, end: output.length });
      let safe = output.length;
      if (longestStop > 0) {
        const cut = firstStop(output, stop, Math.max(0, start - longestStop + 1));
        if (cut >= 0) {
          for (const p of pending) {
            if (p.start >= cut) break;
            p.step.text = output.slice(p.start, Math.min(p.end, cut));
            yield p.step;
          }
          this.#finishReason = 'stop';
          return undefined;
        }
        safe -= heldBack(output, stop);
      }
      while (pending.length > 0 && pending[0]!.end <= safe) {
        const p = pending.shift()!;
        p.step.text = output.slice(p.start, p.end);
        yield p.step;
      }
      if (this.#generated < maxTokens) suffixLength = search.nextSuffix(suffixLength);
    }
    for (const p of pending) {
      p.step.text = output.slice(p.start, p.end);
      yield p.step;
    }
    return undefined;
  }
}

type Sampling = {
  maxTokens: number;
  temperature: number;
  topK: number;
  seed: number | bigint;
  stop: readonly string[];
};

function resolveSampling(parameters: GenerateParameters): Sampling {
  const { maxTokens } = parameters;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 0) {
    throw new InvalidInputError('maxTokens must be a non-negative integer');
  }
  const temperature = parameters.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw new InvalidInputError('temperature must be a finite number ≥ 0');
  }
  const topK = parameters.topK ?? 0;
  if (!Number.isSafeInteger(topK) || topK < 0)
    throw new InvalidInputError('topK must be a non-negative integer');
  const seed = parameters.seed ?? 0;
  createRandom({ seed }); // checks it
  const stop = parameters.stop ?? [];
  if (!Array.isArray(stop as unknown) || stop.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new InvalidInputError('stop must be an array of non-empty strings');
  }
  return { maxTokens, temperature, topK, seed, stop: [...stop] };
}

function promptOf(parameters: GenerateParameters, snapshot: IndexSnapshot): Uint32Array {
  if (parameters.prompt !== undefined && parameters.promptTokens !== undefined) {
    throw new InvalidInputError('Give prompt or promptTokens, not both');
  }
  if (parameters.promptTokens !== undefined) return checkTokenIds(parameters.promptTokens, snapshot);
  const prompt = parameters.prompt ?? '';
  if (typeof prompt !== 'string') throw new InvalidInputError('prompt must be a string');
  checkQueryText(prompt, snapshot);
  return indexTokenIds({ text: prompt });
}

/** The bytes of a multi-byte character left unfinished at the end of the prompt's tokens (often none). */
function unfinishedTail(prompt: Uint32Array): Uint8Array {
  const last: number[] = [];
  for (let i = prompt.length - 1; i >= 0 && last.length < 3; i--) {
    const bytes = tokenBytesOf(prompt[i]!);
    for (let k = bytes.length - 1; k >= 0 && last.length < 3; k--) last.unshift(bytes[k]!);
  }
  const tail = Uint8Array.from(last);
  return tail.subarray(tail.length - unfinishedCharacterBytes(tail));
}

/**
 * Picks a candidate's rank (candidates are sorted by count, descending): the first at temperature
 * 0, else one drawn with weight count^(1/temperature) among the first topK.
 */
function choose(distribution: Distribution, sampling: Sampling, random: Random): number {
  const counts = distribution.counts;
  const n = sampling.topK > 0 ? Math.min(sampling.topK, distribution.size) : distribution.size;
  if (sampling.temperature === 0 || n === 1) return 0;
  if (sampling.temperature === 1) {
    let total = 0;
    for (let i = 0; i < n; i++) total += counts[i]!;
    let r = random.nextInt(total);
    for (let i = 0; i < n; i++) {
      r -= counts[i]!;
      if (r < 0) return i;
    }
    return n - 1;
  }
  const exponent = 1 / sampling.temperature;
  const top = counts[0]!;
  const weights = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    weights[i] = (counts[i]! / top) ** exponent;
    sum += weights[i]!;
  }
  let r = random.nextDouble() * sum;
  for (let i = 0; i < n; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  // Rounding left r ≥ 0 after the last subtraction: the last candidate with weight.
  for (let i = n - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}

/** Index of the earliest occurrence of any stop string in `text` at or after `from`, or -1. */
function firstStop(text: string, stop: readonly string[], from: number): number {
  let best = -1;
  for (const s of stop) {
    const at = text.indexOf(s, from);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** Characters at the end of `text` that could begin a stop string (held back until resolved). */
function heldBack(text: string, stop: readonly string[]): number {
  let most = 0;
  for (const s of stop) {
    for (let length = Math.min(s.length - 1, text.length); length > most; length--) {
      if (text.endsWith(s.slice(0, length))) {
        most = length;
        break;
      }
    }
  }
  return most;
}
