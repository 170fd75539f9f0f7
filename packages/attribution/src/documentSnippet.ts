import type { Searchable } from './count.js';
import { DocumentNotFoundError, InvalidInputError } from './errors.js';
import { encodingIds, sortedIndexOf } from './segment.js';
import { decodeTokens } from './tokenizer.js';

export type DocumentSnippetParameters = {
  index: Searchable;
  /** The document (index-wide id, as in an occurrence). */
  documentId: number;
  /** Token offset of the highlighted range in the document. */
  tokenOffset: number;
  /** Tokens in the highlighted range (default 1). */
  length?: number | undefined;
  /** Tokens of context on each side (default 32). */
  context?: number | undefined;
};

export type DocumentSnippetReturnType = {
  documentId: number;
  contributionId: string;
  contributor: string;
  datanetId: string | null;
  /** The snippet text (decoded tokens; partial characters at the edges dropped). */
  text: string;
  /** The highlighted range within `text`. */
  matchCharStart: number;
  matchCharEnd: number;
  /** Whether the snippet starts at the document's start / ends at its end. */
  atDocumentStart: boolean;
  atDocumentEnd: boolean;
};

/**
 * The text around an occurrence in a live document, with the occurrence's character range.
 * @example
 * const [first] = findOccurrences({ index, text: 'the river' }).occurrences;
 * const snippet = documentSnippet({ index, documentId: first.documentId, tokenOffset: first.tokenOffset, length: 2 });
 */
export function documentSnippet(parameters: DocumentSnippetParameters): DocumentSnippetReturnType {
  const { documentId, tokenOffset } = parameters;
  const length = parameters.length ?? 1;
  const context = parameters.context ?? 32;
  for (const [name, value] of Object.entries({ documentId, tokenOffset, length, context })) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new InvalidInputError(`${name} must be a non-negative integer`);
  }
  const snapshot = parameters.index.snapshot;
  for (const entry of snapshot.segments) {
    const segment = entry.segment;
    const at = sortedIndexOf(segment.documentIds, documentId);
    if (at < 0) continue;
    const c = segment.documentContributions[at]!;
    if (entry.removed.removedContributions[c]) break;
    const start = segment.documentStarts[at]!;
    const end = segment.documentStarts[at + 1]! - 1;
    if (tokenOffset + length > end - start) {
      throw new InvalidInputError('The range lies outside the document', [
        `document has ${end - start} tokens`,
      ]);
    }
    const from = Math.max(start, start + tokenOffset - context);
    const to = Math.min(end, start + tokenOffset + length + context);
    const decoded = decodeTokens({ ids: encodingIds(segment, from, to) });
    const first = start + tokenOffset - from;
    const record = segment.contributions[c]!;
    return {
      documentId,
      contributionId: record.contributionId,
      contributor: record.contributor,
      datanetId: record.datanetId,
      text: decoded.text,
      matchCharStart:
        length > 0 ? decoded.charStarts[first]! : (decoded.charStarts[first] ?? decoded.text.length),
      matchCharEnd:
        length > 0
          ? decoded.charEnds[first + length - 1]!
          : (decoded.charStarts[first] ?? decoded.text.length),
      atDocumentStart: from === start,
      atDocumentEnd: to === end,
    };
  }
  throw new DocumentNotFoundError(documentId);
}
