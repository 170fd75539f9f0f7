/**
 * Passages: the units a retrieval model indexes and cites. Documents are split at paragraphs
 * (blank lines); a paragraph under `minWords` is merged with the next one (a heading joins its
 * text), a short last one with the one before; a paragraph over `maxWords` is cut at sentence
 * boundaries (a single overlong sentence at word boundaries). Each passage keeps its character
 * range in its document and a stable id, `<contributionId>:<ordinal>`.
 */
import { InvalidRetrievalInputError } from './errors.js';

/** A document to split (as the node reads it from its blob store). */
export type PassageDocument = {
  contributionId: string;
  contributor: string;
  datanetId: string;
  text: string;
};

/** A passage of a document. */
export type Passage = {
  /** `<contributionId>:<ordinal>`: stable for the same documents in the same order. */
  id: string;
  contributionId: string;
  contributor: string;
  datanetId: string;
  /** Position among its contribution's passages (0-based, across its documents in input order). */
  ordinal: number;
  /** Index of its document in the input. */
  document: number;
  /** `text === document.text.slice(charStart, charEnd)`. */
  charStart: number;
  charEnd: number;
  text: string;
  /** Words in the passage (see {@link countWords}). */
  words: number;
};

/** A range of a string, `[start, end)` in UTF-16 code units. */
export type TextRange = { start: number; end: number };

export type SplitPassagesParameters = {
  documents: readonly PassageDocument[];
  /** Longest passage in words (default 120). */
  maxWords?: number | undefined;
  /** Paragraphs shorter than this are merged with a neighbour (default 25). */
  minWords?: number | undefined;
};

export type SplitPassagesReturnType = Passage[];

/**
 * Splits documents into passages with stable ids and character ranges.
 * @example
 * const passages = splitPassages({ documents: [{ contributionId: '12', contributor: '0xab…', datanetId: '1', text }] });
 * passages[0].id; // '12:0'
 */
export function splitPassages(parameters: SplitPassagesParameters): SplitPassagesReturnType {
  const maxWords = parameters.maxWords ?? 120;
  const minWords = parameters.minWords ?? 25;
  if (!Number.isSafeInteger(maxWords) || maxWords < 1) {
    throw new InvalidRetrievalInputError('maxWords must be a positive integer');
  }
  if (!Number.isSafeInteger(minWords) || minWords < 0 || minWords > maxWords) {
    throw new InvalidRetrievalInputError('minWords must be an integer in [0, maxWords]');
  }
  const { documents } = parameters;
  if (!Array.isArray(documents as unknown))
    throw new InvalidRetrievalInputError('documents must be an array');
  const ordinals = new Map<string, number>();
  const out: Passage[] = [];
  documents.forEach((document, k) => {
    for (const field of ['contributionId', 'contributor', 'datanetId', 'text'] as const) {
      if (typeof document?.[field] !== 'string') {
        throw new InvalidRetrievalInputError(`document ${k}: ${field} must be a string`);
      }
    }
    const text = document.text;
    for (const range of documentPassages(text, maxWords, minWords)) {
      const ordinal = ordinals.get(document.contributionId) ?? 0;
      ordinals.set(document.contributionId, ordinal + 1);
      const passageText = text.slice(range.start, range.end);
      out.push({
        id: `${document.contributionId}:${ordinal}`,
        contributionId: document.contributionId,
        contributor: document.contributor,
        datanetId: document.datanetId,
        ordinal,
        document: k,
        charStart: range.start,
        charEnd: range.end,
        text: passageText,
        words: range.words,
      });
    }
  });
  return out;
}

type Unit = TextRange & { words: number };

/** The passage ranges of one document. */
function documentPassages(text: string, maxWords: number, minWords: number): Unit[] {
  const units: Unit[] = [];
  for (const paragraph of paragraphs(text)) {
    const words = countWords({ text: text.slice(paragraph.start, paragraph.end) });
    if (words <= maxWords) units.push({ ...paragraph, words });
    else units.push(...capParagraph(text, paragraph, maxWords));
  }
  const passages: Unit[] = [];
  for (const unit of units) {
    const last = passages[passages.length - 1];
    if (last && last.words < minWords && last.words + unit.words <= maxWords) {
      last.end = unit.end;
      last.words += unit.words;
    } else passages.push({ ...unit });
  }
  if (passages.length >= 2) {
    const last = passages[passages.length - 1]!;
    const previous = passages[passages.length - 2]!;
    if (last.words < minWords && previous.words + last.words <= maxWords) {
      previous.end = last.end;
      previous.words += last.words;
      passages.pop();
    }
  }
  return passages;
}

/** Paragraphs: text between blank lines, trimmed, non-empty. */
function paragraphs(text: string): TextRange[] {
  const out: TextRange[] = [];
  const blank = /\n[^\S\n]*\n\s*/g;
  let from = 0;
  for (;;) {
    const match = blank.exec(text);
    const to = match ? match.index : text.length;
    const range = trimRange(text, from, to);
    if (range) out.push(range);
    if (!match) break;
    from = match.index + match[0].length;
  }
  return out;
}

/** Cuts an overlong paragraph into pieces of at most `maxWords` words at sentence boundaries. */
function capParagraph(text: string, paragraph: TextRange, maxWords: number): Unit[] {
  const pieces: Unit[] = [];
  let current: Unit | null = null;
  const sentences = splitSentences({ text: text.slice(paragraph.start, paragraph.end) });
  for (const s of sentences) {
    const start = paragraph.start + s.start;
    const end = paragraph.start + s.end;
    const words = countWords({ text: text.slice(start, end) });
    if (current && current.words + words <= maxWords) {
      current.end = end;
      current.words += words;
      continue;
    }
    if (current) pieces.push(current);
    current = null;
    if (words <= maxWords) {
      current = { start, end, words };
      continue;
    }
    // One sentence over the cap: cut it every maxWords words.
    // Each piece runs to the next piece's first word (less the space between), so characters
    // between words that are not words (such as ）) stay covered.
    const spans = wordSpans(text, start, end);
    for (let w = 0; w < spans.length; w += maxWords) {
      const next = w + maxWords;
      const pieceStart = w === 0 ? start : spans[w]!.start;
      const pieceEnd = next < spans.length ? trimRange(text, pieceStart, spans[next]!.start)!.end : end;
      pieces.push({ start: pieceStart, end: pieceEnd, words: Math.min(next, spans.length) - w });
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Scripts written without spaces between words: each character counts as a word. */
const ideographic = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
/** Ideographic sentence ends and closers: never part of a word, so counts add up across sentences. */
const ideographicStops = '。！？）」』';
const wordPattern = new RegExp(`[${ideographic}]|[^\\s${ideographic}${ideographicStops}]+`, 'gu');

/** Word ranges in `text[start, end)` (absolute positions). */
function wordSpans(text: string, start: number, end: number): TextRange[] {
  return wordRanges({ text: text.slice(start, end) }).map((r) => ({
    start: start + r.start,
    end: start + r.end,
  }));
}

export type WordRangesParameters = { text: string };

/**
 * The ranges of a text's words, as {@link countWords} counts them.
 * @example
 * wordRanges({ text: 'a 日本' }); // [{ start: 0, end: 1 }, { start: 2, end: 3 }, { start: 3, end: 4 }]
 */
export function wordRanges(parameters: WordRangesParameters): TextRange[] {
  const out: TextRange[] = [];
  for (const match of parameters.text.matchAll(wordPattern)) {
    out.push({ start: match.index, end: match.index + match[0].length });
  }
  return out;
}

export type CountWordsParameters = { text: string };

/**
 * Words in a text: runs of non-space characters, each Han, Hiragana or Katakana character counting
 * as one word (those scripts put no spaces between words); ideographic full stops and closing
 * brackets are not words.
 * @example
 * countWords({ text: 'Rivers carry 日本' }); // 4
 */
export function countWords(parameters: CountWordsParameters): number {
  let n = 0;
  for (const _ of parameters.text.matchAll(wordPattern)) n++;
  return n;
}

export type SplitSentencesParameters = { text: string };

/**
 * Sentence ranges of a text (trimmed, non-empty): a sentence ends at `.`, `!`, `?` or `…` (with any
 * closing quotes or brackets) followed by whitespace, or at `。`, `！`, `？` (with any `）」』`). Abbreviations such as
 * "e.g. " end a sentence too: the rule is simple and deterministic.
 * @example
 * splitSentences({ text: 'One. Two!' }); // [{ start: 0, end: 4 }, { start: 5, end: 9 }]
 */
export function splitSentences(parameters: SplitSentencesParameters): TextRange[] {
  const { text } = parameters;
  const out: TextRange[] = [];
  const boundary = /[.!?…]+["'”’)\]]*(?=\s)|[。！？]+[）」』]*/gu;
  let from = 0;
  for (const match of text.matchAll(boundary)) {
    const end = match.index + match[0].length;
    const range = trimRange(text, from, end);
    if (range) out.push(range);
    from = end;
  }
  const rest = trimRange(text, from, text.length);
  if (rest) out.push(rest);
  return out;
}

/** `text[from, to)` without leading and trailing whitespace; null when nothing is left. */
function trimRange(text: string, from: number, to: number): TextRange | null {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : null;
}
