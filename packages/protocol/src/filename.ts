/**
 * What a contribution's filename may be. The name is part of the signed Contribution message, so
 * it is checked, never rewritten: a client normalizes it before signing (`normalizeFilename`) and
 * the node refuses a name that is not already in that form.
 */

/** Longest accepted name, in UTF-8 bytes (a common filesystem limit). */
export const MAX_FILENAME_BYTES = 255;

// C0 and C1 control characters, DEL, and the bidirectional controls that can disguise an extension.
const FORBIDDEN = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Why `name` is not an acceptable filename, or null when it is: NFC, no control or bidi
 * characters, no path separators or quotes, at most 255 UTF-8 bytes, not empty.
 *
 * @example
 * filenameProblem('notes.md'); // null
 * filenameProblem('a\u0000.md'); // 'contains a control character …'
 */
export function filenameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (/[\uD800-\uDFFF]/u.test(name)) return 'is not valid Unicode (a lone surrogate)';
  if (name !== name.normalize('NFC')) return 'is not in Unicode NFC form (normalize it before signing)';
  if (FORBIDDEN.test(name)) return 'contains a control or bidirectional-formatting character';
  if (/[/\\"]/.test(name)) return 'contains a path separator or a double quote';
  // multipart/form-data escapes these three; a name holding the escapes would not arrive as sent.
  if (/%(22|0a|0d)/i.test(name)) return 'contains %22, %0A or %0D (which multipart bodies decode)';
  if (name === '.' || name === '..') return 'is not a file name';
  if (new TextEncoder().encode(name).length > MAX_FILENAME_BYTES) {
    return `is longer than ${MAX_FILENAME_BYTES} UTF-8 bytes`;
  }
  return null;
}

/** The NFC form of `name`: what a client signs and sends. */
export const normalizeFilename = (name: string) => name.normalize('NFC');
