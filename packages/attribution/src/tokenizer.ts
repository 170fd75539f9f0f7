/**
 * Tokenization with one fixed BPE encoding, `o200k_base` (the encoding of GPT-4o and later OpenAI
 * models, from `gpt-tokenizer`), with character offsets back into the text.
 *
 * Special-token strings such as `<|endoftext|>` are tokenized as ordinary text, so any string can
 * be indexed and `decode(tokenize(text)) === text`.
 *
 * `tokenize` / `tokenIds` encode text as it is (for counting tokens); the index and its queries use
 * `indexTokenize` / `indexTokenIds`, which normalize the text first (`normalizeText.ts`).
 */
import bpeRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { normalizedText, normalizeText } from './normalizeText.js';

export { tokenizerName } from './tokenizerName.js';

const noSpecialTokens = new Set<string>();

export type TokenizeParameters = {
  text: string;
};

export type TokenizeReturnType = {
  /** Token ids of the encoding. */
  ids: Uint32Array;
  /**
   * Token i covers `text.slice(charStarts[i], charEnds[i])`. A token that holds only part of a
   * multi-byte character (some emoji, CJK) is widened to whole code points, so the ranges are valid
   * string ranges; neighbouring tokens that split one character then overlap on it.
   */
  charStarts: Uint32Array;
  charEnds: Uint32Array;
};

/**
 * Tokenizes text into token ids with character offsets.
 * @example
 * const { ids, charStarts, charEnds } = tokenize({ text: 'Hello world' });
 */
export function tokenize(parameters: TokenizeParameters): TokenizeReturnType {
  const { text } = parameters;
  const ids = tokenIds({ text });
  // Every byte of the tokens is the text's own: nothing trimmed.
  const { charStarts, charEnds } = tokenCharRanges(text, ids, 0, Number.POSITIVE_INFINITY);
  return { ids, charStarts, charEnds };
}

/**
 * Tokenizes text into token ids only (no offsets): for indexing documents.
 * @example
 * const ids = tokenIds({ text: 'Hello world' });
 */
export function tokenIds(parameters: TokenizeParameters): Uint32Array {
  return Uint32Array.from(encode(parameters.text, { disallowedSpecial: noSpecialTokens }));
}

/**
 * Tokenizes text as the index sees it: normalized (whitespace runs, compatibility forms, quotes and
 * dashes folded), then encoded; the character ranges are in the text as given.
 * @example
 * const { ids, charStarts, charEnds } = indexTokenize({ text: 'free\n   software' }); // ids of 'free software'
 */
export function indexTokenize(parameters: TokenizeParameters): TokenizeReturnType {
  const normalized = normalizeText(parameters);
  const { ids, charStarts, charEnds } = tokenize({ text: normalized.text });
  for (let i = 0; i < ids.length; i++) {
    charStarts[i] = normalized.sourceStarts[charStarts[i]!]!;
    charEnds[i] = normalized.sourceEnds[charEnds[i]! - 1]!;
  }
  return { ids, charStarts, charEnds };
}

/**
 * Token ids of text as the index sees it (normalized, then encoded): for indexing documents.
 * @example
 * const ids = indexTokenIds({ text: 'Hello\n  world' }); // the ids of 'Hello world'
 */
export function indexTokenIds(parameters: TokenizeParameters): Uint32Array {
  return tokenIds({ text: normalizedText(parameters.text) });
}

type TokenBytes = { bytes: Uint8Array; offsets: Uint32Array };
let tokenBytesTable: TokenBytes | undefined;

/** The bytes of every token, concatenated, with offsets (built once, about 1.5 MB). */
function tokenBytes(): TokenBytes {
  if (tokenBytesTable) return tokenBytesTable;
  const encoder = new TextEncoder();
  const count = bpeRanks.length;
  const offsets = new Uint32Array(count + 1);
  const parts: Uint8Array[] = new Array(count);
  let total = 0;
  for (let id = 0; id < count; id++) {
    const value = bpeRanks[id];
    const part =
      value === undefined
        ? new Uint8Array(0)
        : typeof value === 'string'
          ? encoder.encode(value)
          : Uint8Array.from(value);
    parts[id] = part;
    offsets[id] = total;
    total += part.length;
  }
  offsets[count] = total;
  const bytes = new Uint8Array(total);
  for (let id = 0; id < count; id++) bytes.set(parts[id]!, offsets[id]!);
  tokenBytesTable = { bytes, offsets };
  return tokenBytesTable;
}

/**
 * The UTF-8 bytes of one token of the encoding: a view into a shared table (read it, never write
 * it); empty for ids outside the encoding. For decoding a stream of tokens incrementally.
 * @example
 * new TextDecoder().decode(tokenBytesOf(tokenIds({ text: 'Hi' })[0]!)); // 'Hi'
 */
export function tokenBytesOf(id: number): Uint8Array {
  const { bytes, offsets } = tokenBytes();
  if (!(id >= 0 && id + 1 < offsets.length)) return bytes.subarray(0, 0);
  return bytes.subarray(offsets[id]!, offsets[id + 1]!);
}

/** Bytes of token `id` in the table (0 for ids outside the encoding). */
function tokenLength(offsets: Uint32Array, id: number): number {
  return id >= 0 && id + 1 < offsets.length ? offsets[id + 1]! - offsets[id]! : 0;
}

/**
 * Character ranges in `text` of tokens whose bytes are the text's UTF-8 bytes, widened to whole
 * code points. The tokens' bytes start at byte `firstByte` of the text (negative: that many were
 * trimmed off the front) and bytes from `keptBytes` on were trimmed off the end; a token wholly in
 * trimmed bytes gets an empty range at the nearer edge.
 */
function tokenCharRanges(
  text: string,
  ids: ArrayLike<number>,
  firstByte: number,
  keptBytes: number,
): { charStarts: Uint32Array; charEnds: Uint32Array } {
  const { offsets } = tokenBytes();
  const charStarts = new Uint32Array(ids.length);
  const charEnds = new Uint32Array(ids.length);
  // Cursor on the code point that contains the current byte: its first byte and UTF-16 index.
  let cpByte = 0;
  let cpChar = 0;
  let cpBytes = codePointBytes(text, 0);
  let cpUnits = codePointUnits(text, 0);
  let byte = firstByte;
  for (let i = 0; i < ids.length; i++) {
    const size = tokenLength(offsets, ids[i]!);
    const first = Math.min(Math.max(byte, 0), keptBytes);
    const last = Math.min(byte + size - 1, keptBytes - 1);
    byte += size;
    if (last < first) {
      charStarts[i] = first >= keptBytes ? text.length : 0;
      charEnds[i] = charStarts[i]!;
      continue;
    }
    while (cpByte + cpBytes <= first) {
      cpByte += cpBytes;
      cpChar += cpUnits;
      cpBytes = codePointBytes(text, cpChar);
      cpUnits = codePointUnits(text, cpChar);
    }
    charStarts[i] = cpChar;
    while (cpByte + cpBytes <= last) {
      cpByte += cpBytes;
      cpChar += cpUnits;
      cpBytes = codePointBytes(text, cpChar);
      cpUnits = codePointUnits(text, cpChar);
    }
    charEnds[i] = Math.min(text.length, cpChar + cpUnits);
  }
  return { charStarts, charEnds };
}

/** UTF-8 length of the code point at UTF-16 index i (lone surrogates encode as U+FFFD: 3 bytes). */
function codePointBytes(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (Number.isNaN(c) || c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
  }
  return 3;
}

function codePointUnits(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

export type DecodeTokensParameters = {
  /** Token ids of the encoding. */
  ids: ArrayLike<number>;
};

export type DecodeTokensReturnType = TokenizeReturnType & { text: string };

/**
 * Decodes token ids back to text with the character range of each token. Bytes of a character cut
 * off at either end of the sequence (a window that starts or ends inside a multi-byte character)
 * are dropped, so the text never holds replacement characters that the source did not.
 * @example
 * const { text } = decodeTokens({ ids: tokenize({ text: 'Hello' }).ids }); // 'Hello'
 */
export function decodeTokens(parameters: DecodeTokensParameters): DecodeTokensReturnType {
  const { bytes: table, offsets } = tokenBytes();
  const ids = parameters.ids;
  let total = 0;
  for (let i = 0; i < ids.length; i++) total += tokenLength(offsets, ids[i]!);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const n = tokenLength(offsets, id);
    if (n > 0) bytes.set(table.subarray(offsets[id]!, offsets[id]! + n), at);
    at += n;
  }
  // Trim a partial character at the start (continuation bytes) and at the end (a truncated lead).
  let start = 0;
  while (start < total && (bytes[start]! & 0xc0) === 0x80) start++;
  const end = total - unfinishedCharacterBytes(bytes.subarray(start));
  const text = new TextDecoder().decode(bytes.subarray(start, end));
  const { charStarts, charEnds } = tokenCharRanges(text, ids, -start, end - start);
  return { text, ids: Uint32Array.from(ids), charStarts, charEnds };
}

/**
 * Bytes at the end of UTF-8 `bytes` that begin a character they do not finish (0 when the last
 * character is whole): what a stream decoder holds back.
 * @example
 * unfinishedCharacterBytes(Uint8Array.of(0x61, 0xf0, 0x9f)); // 2
 */
export function unfinishedCharacterBytes(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}
