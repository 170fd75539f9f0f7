/**
 * Text normalization before tokenization (version `tributary-text-1`): the index and every query
 * see text with its formatting folded away, so that a passage matches however it was wrapped,
 * indented or typeset.
 *
 * Rules, applied left to right:
 * 1. The text is cut into clusters: a code point with the combining code points after it
 *    (General Category M, Hangul jungseong/jongseong U+1160–U+11FF, halfwidth sound marks
 *    U+FF9E–U+FF9F). Each cluster is replaced by its NFKC form (compatibility forms: ligatures,
 *    full-width letters, non-breaking spaces, ellipsis…).
 * 2. In that output, the invisible characters U+00AD, U+200B–U+200D, U+2060 and U+FEFF are dropped;
 *    U+2018–U+201B become `'` and U+201C–U+201F become `"`.
 * 3. Every run of whitespace (Unicode White_Space) becomes one space, and every run of dashes
 *    (`-`, U+2010–U+2015, U+2212) one `-`; dropped characters do not interrupt a run.
 *
 * Each character of the result keeps the range of original characters it came from (a collapsed
 * run: from its first to its last character), so positions found in the normalized text map back
 * to the text as given.
 */

/** The name of these rules, recorded with every index (part of the tokenizer name). */
export const textNormalizationName = 'tributary-text-1';

export type NormalizeTextParameters = { text: string };

export type NormalizeTextReturnType = {
  /** The normalized text. */
  text: string;
  /** Character j of `text` came from `original.slice(sourceStarts[j], sourceEnds[j])`. */
  sourceStarts: Uint32Array;
  sourceEnds: Uint32Array;
};

/**
 * Normalizes text for matching, with each normalized character's range in the original.
 * @example
 * normalizeText({ text: 'It\u2019s  free\n  software' }).text; // "It's free software"
 */
export function normalizeText(parameters: NormalizeTextParameters): NormalizeTextReturnType {
  const out = new NormalizedBuilder(parameters.text.length, true);
  fold(parameters.text, out);
  return out.finish();
}

/**
 * The normalized text alone (what documents are indexed as): the same result as
 * `normalizeText(…).text`, faster for ASCII text.
 * @example
 * normalizedText('GNU  General\n Public -- License'); // 'GNU General Public - License'
 */
export function normalizedText(text: string): string {
  if (!nonAscii.test(text)) return text.replace(asciiWhitespaceRun, ' ').replace(hyphenRun, '-');
  const out = new NormalizedBuilder(text.length, false);
  fold(text, out);
  return out.finish().text;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at U+0000.
const nonAscii = /[^\x00-\x7f]/;
const asciiWhitespaceRun = /[\t\n\v\f\r ]+/g;
const hyphenRun = /-{2,}/g;

/** What a normalized character is: ordinary, part of a run that collapses, or dropped. */
type Kind = 0 | 1 | 2 | 3;
const Kind = { Plain: 0, Space: 1, Dash: 2, Dropped: 3 } as const;

function fold(text: string, out: NormalizedBuilder): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Fast path: an ASCII character not followed by a combining mark is its own NFKC form.
    if (c < 0x80 && (i + 1 === n || text.charCodeAt(i + 1) < 0x300)) {
      out.push(c, asciiKind(c), i, i + 1);
      i++;
      continue;
    }
    const start = i;
    i += codePointLength(text, i);
    while (i < n && isCombiningAt(text, i)) i += codePointLength(text, i);
    const cluster = text.slice(start, i);
    const normalized = cluster.length === 1 && c < 0xa0 ? cluster : cluster.normalize('NFKC');
    for (let k = 0; k < normalized.length; k++) {
      const d = normalized.charCodeAt(k);
      const kind = d < 0x80 ? asciiKind(d) : unicodeKind(d);
      out.push(kind === Kind.Plain ? foldQuote(d) : d, kind, start, i);
    }
  }
}

function asciiKind(c: number): Kind {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return Kind.Space;
  if (c === 0x2d) return Kind.Dash;
  return Kind.Plain;
}

function unicodeKind(c: number): Kind {
  if (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  )
    return Kind.Space;
  if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212) return Kind.Dash;
  if (c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff) return Kind.Dropped;
  return Kind.Plain;
}

function foldQuote(c: number): number {
  if (c >= 0x2018 && c <= 0x201b) return 0x27;
  if (c >= 0x201c && c <= 0x201f) return 0x22;
  return c;
}

function codePointLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

const combining = /^[\p{M}\u1160-\u11ff\uff9e\uff9f]/u;

/** Whether the code point at `i` joins the cluster before it (rule 1). */
function isCombiningAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x300) return false;
  return combining.test(text.slice(i, i + codePointLength(text, i)));
}

/** Accumulates normalized characters, collapsing runs, with their source ranges. */
class NormalizedBuilder {
  #codes: Uint16Array;
  #starts: Uint32Array;
  #ends: Uint32Array;
  #length = 0;
  /** Kind of the last character pushed (Plain when none), for collapsing runs. */
  #last: Kind = Kind.Plain;
  readonly #offsets: boolean;

  constructor(capacity: number, offsets: boolean) {
    const size = Math.max(16, capacity);
    this.#codes = new Uint16Array(size);
    this.#offsets = offsets;
    this.#starts = new Uint32Array(offsets ? size : 0);
    this.#ends = new Uint32Array(offsets ? size : 0);
  }

  push(code: number, kind: Kind, sourceStart: number, sourceEnd: number): void {
    if (kind === Kind.Dropped) return;
    if (kind !== Kind.Plain && kind === this.#last) {
      // Extends the run: the run's one character now reaches to here.
      if (this.#offsets) this.#ends[this.#length - 1] = sourceEnd;
      return;
    }
    if (this.#length === this.#codes.length) this.#grow();
    this.#codes[this.#length] = kind === Kind.Space ? 0x20 : kind === Kind.Dash ? 0x2d : code;
    if (this.#offsets) {
      this.#starts[this.#length] = sourceStart;
      this.#ends[this.#length] = sourceEnd;
    }
    this.#length++;
    this.#last = kind;
  }

  #grow(): void {
    const size = this.#codes.length * 2;
    const codes = new Uint16Array(size);
    codes.set(this.#codes);
    this.#codes = codes;
    if (this.#offsets) {
      const starts = new Uint32Array(size);
      starts.set(this.#starts);
      this.#starts = starts;
      const ends = new Uint32Array(size);
      ends.set(this.#ends);
      this.#ends = ends;
    }
  }

  finish(): NormalizeTextReturnType {
    // fromCharCode keeps lone surrogates as they are (a decoder would replace them).
    const parts: string[] = [];
    for (let at = 0; at < this.#length; at += 4096) {
      parts.push(String.fromCharCode(...this.#codes.subarray(at, Math.min(this.#length, at + 4096))));
    }
    const text = parts.join('');
    return {
      text,
      sourceStarts: this.#starts.slice(0, this.#offsets ? this.#length : 0),
      sourceEnds: this.#ends.slice(0, this.#offsets ? this.#length : 0),
    };
  }
}
