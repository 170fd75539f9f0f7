/**
 * @tributary/attribution — Tributary's attribution engine: a segmented suffix-array index over
 * contributed documents and span tracing (the infini-gram / OLMoTrace method) that attributes a
 * model output to the contributions it came from, deterministically.
 */

export {
  type AttributedSpan,
  type AttributeParameters,
  type AttributeReturnType,
  attribute,
  type ContributionWeight,
  type ContributorWeight,
  largestRemainder,
  partsPerMillion,
} from './attribute.js';
export {
  type AddDocumentsParameters,
  type AddDocumentsReturnType,
  AttributionIndex,
  type DocumentInput,
  defaultIndexLimits,
  type IndexLimits,
  type IndexSnapshot,
  type IndexStats,
  type MergeParameters,
  type MergeReturnType,
  type OpenIndexParameters,
  openIndex,
  type RemoveContributionParameters,
  type RemoveContributionReturnType,
  type SegmentEntry,
} from './attributionIndex.js';
export {
  type ContributionId,
  compareContributionIds,
  type NormalizeContributionIdParameters,
  normalizeContributionId,
  sortContributionIds,
} from './contributionId.js';
export { type CountParameters, type CountReturnType, count, type Searchable } from './count.js';
export {
  type DocumentSnippetParameters,
  type DocumentSnippetReturnType,
  documentSnippet,
} from './documentSnippet.js';
export * from './errors.js';
export {
  type FindOccurrencesParameters,
  type FindOccurrencesReturnType,
  findOccurrences,
} from './findOccurrences.js';
export {
  type FinishReason,
  type GenerateParameters,
  Generation,
  type GenerationResult,
  type GenerationStep,
  generate,
} from './generate.js';
export { type ComputeIndexRootParameters, computeIndexRoot, type Hex32 } from './indexRoot.js';
export type { Occurrence, QueryInput } from './indexSearch.js';
export {
  type LongestMatchesParameters,
  type LongestMatchesReturnType,
  longestMatches,
} from './longestMatches.js';
export {
  type NextTokenCandidate,
  type NextTokenDistributionParameters,
  type NextTokenDistributionReturnType,
  type NextTokenOptions,
  nextTokenDistribution,
  type TokenSupport,
} from './nextTokens.js';
export {
  type NormalizeTextParameters,
  type NormalizeTextReturnType,
  normalizedText,
  normalizeText,
  textNormalizationName,
} from './normalizeText.js';
export { type CreateRandomParameters, createRandom, type Random } from './random.js';
export type { ContributionRecord, Segment, SegmentData } from './segment.js';
export { readSegmentFile, segmentFormatVersion, writeSegmentFile } from './segmentFile.js';
export {
  type BuildSuffixArrayParameters,
  type BuildSuffixArrayReturnType,
  buildSuffixArray,
  buildSuffixArrayAsync,
} from './suffixArray.js';
export {
  type SupportWeight,
  type SupportWeightsParameters,
  type SupportWeightsReturnType,
  supportWeights,
} from './supportWeights.js';
export {
  decodeTokens,
  indexTokenIds,
  indexTokenize,
  type TokenizeParameters,
  type TokenizeReturnType,
  tokenIds,
  tokenize,
  tokenizerName,
} from './tokenizer.js';
export {
  type DisplaySpan,
  type ResolvedTraceOptions,
  type SpanDocument,
  type TracedSpan,
  type TraceSpansOptions,
  type TraceSpansParameters,
  type TraceSpansReturnType,
  traceSpans,
} from './traceSpans.js';
