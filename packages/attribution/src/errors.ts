/** Machine-readable error codes of the attribution package. */
export type AttributionErrorCode =
  | 'INVALID_INPUT'
  | 'EMPTY_TEXT'
  | 'TEXT_TOO_LONG'
  | 'INVALID_CONTRIBUTION_ID'
  | 'CONTRIBUTION_REMOVED'
  | 'CONTRIBUTION_CONFLICT'
  | 'CORRUPT_SEGMENT'
  | 'CORRUPT_MANIFEST'
  | 'INDEX_NOT_FOUND'
  | 'INDEX_CLOSED'
  | 'DOCUMENT_NOT_FOUND'
  | 'ABORTED';

export type AttributionErrorOptions = {
  code: AttributionErrorCode;
  /** Detail lines: what was wrong, with values. */
  details?: readonly string[] | undefined;
  cause?: unknown;
};

/**
 * Base error of the attribution package: a short message, detail lines, a machine-readable `code`
 * and the underlying `cause`.
 * @example
 * try { traceSpans({ index, text: '' }); } catch (e) { if (e instanceof AttributionError) console.log(e.code); }
 */
export class AttributionError extends Error {
  override name = 'AttributionError';
  readonly code: AttributionErrorCode;
  readonly details: readonly string[];

  constructor(message: string, options: AttributionErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.details = options.details ?? [];
  }
}

/** Thrown when a query or document text is empty or only whitespace. */
export class EmptyTextError extends AttributionError {
  override name = 'EmptyTextError';
  constructor(details?: readonly string[]) {
    super('Text is empty or only whitespace', { code: 'EMPTY_TEXT', details });
  }
}

/** Thrown when a text is longer than the configured limit. */
export class TextTooLongError extends AttributionError {
  override name = 'TextTooLongError';
  constructor(parameters: { length: number; limit: number; unit: 'characters' | 'tokens' }) {
    super(`Text too long: ${parameters.length} ${parameters.unit}, limit ${parameters.limit}`, {
      code: 'TEXT_TOO_LONG',
      details: [
        `length: ${parameters.length} ${parameters.unit}`,
        `limit: ${parameters.limit} ${parameters.unit}`,
      ],
    });
  }
}

/** Thrown when a parameter is malformed (wrong type, out of range). */
export class InvalidInputError extends AttributionError {
  override name = 'InvalidInputError';
  constructor(message: string, details?: readonly string[]) {
    super(message, { code: 'INVALID_INPUT', details });
  }
}

/** Thrown when a contribution id is not a uint256 (as a decimal string or bigint). */
export class InvalidContributionIdError extends AttributionError {
  override name = 'InvalidContributionIdError';
  constructor(value: unknown) {
    super('Contribution id must be a uint256 as a decimal string or bigint', {
      code: 'INVALID_CONTRIBUTION_ID',
      details: [`got: ${typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : typeof value}`],
    });
  }
}

/** Thrown when documents are added for a contribution that was taken down. */
export class ContributionRemovedError extends AttributionError {
  override name = 'ContributionRemovedError';
  constructor(contributionId: string) {
    super('Contribution was removed and cannot receive documents', {
      code: 'CONTRIBUTION_REMOVED',
      details: [`contributionId: ${contributionId}`],
    });
  }
}

/** Thrown when a contribution id is reused with a different contributor or datanet. */
export class ContributionConflictError extends AttributionError {
  override name = 'ContributionConflictError';
  constructor(contributionId: string, details: readonly string[]) {
    super('Contribution id already belongs to another contributor or datanet', {
      code: 'CONTRIBUTION_CONFLICT',
      details: [`contributionId: ${contributionId}`, ...details],
    });
  }
}

/** Thrown when a segment file fails its checksum or structure checks (corrupted or truncated). */
export class CorruptSegmentError extends AttributionError {
  override name = 'CorruptSegmentError';
  constructor(file: string, details: readonly string[], cause?: unknown) {
    super(`Segment file is corrupted or truncated: ${file}`, { code: 'CORRUPT_SEGMENT', details, cause });
  }
}

/** Thrown when the index manifest cannot be read or does not match its segments. */
export class CorruptManifestError extends AttributionError {
  override name = 'CorruptManifestError';
  constructor(file: string, details: readonly string[], cause?: unknown) {
    super(`Index manifest is corrupted: ${file}`, { code: 'CORRUPT_MANIFEST', details, cause });
  }
}

/** Thrown when opening a directory that holds no index (without `create`). */
export class IndexNotFoundError extends AttributionError {
  override name = 'IndexNotFoundError';
  constructor(directory: string) {
    super(`No attribution index in ${directory}`, {
      code: 'INDEX_NOT_FOUND',
      details: [`directory: ${directory}`],
    });
  }
}

/** Thrown when an index is used after `close()`. */
export class IndexClosedError extends AttributionError {
  override name = 'IndexClosedError';
  constructor() {
    super('Attribution index is closed', { code: 'INDEX_CLOSED' });
  }
}

/** Thrown when a document id names no live document (never added, removed, or out of range). */
export class DocumentNotFoundError extends AttributionError {
  override name = 'DocumentNotFoundError';
  constructor(documentId: number) {
    super('No live document with that id', {
      code: 'DOCUMENT_NOT_FOUND',
      details: [`documentId: ${documentId}`],
    });
  }
}
