/**
 * Exact attribution of ∞-gram output: every generated token was made possible by the occurrences
 * that supported it, so a contribution's weight is the number of those occurrences in its
 * documents, summed over the output's tokens and normalized to parts per million (largest
 * remainder, ties to the lowest contribution id). Integer arithmetic only: the same steps give
 * byte-identical weights.
 */
import {
  type ContributorWeight,
  largestRemainder,
  partsPerMillion,
  totalPerContributor,
} from './attribute.js';
import { type ContributionId, compareContributionIds } from './contributionId.js';
import { InvalidInputError } from './errors.js';
import type { TokenSupport } from './nextTokens.js';

/** Units of weight of one step when weighting per token. */
const stepUnits = 1_000_000;

export type SupportWeightsParameters = {
  /** Generated tokens' support (`GenerationStep`s, or anything with `support`). */
  steps: readonly { readonly support: readonly TokenSupport[] }[];
  /**
   * `occurrences` (default): every supporting occurrence counts 1, so a token drawn from a common
   * short context (many occurrences) weighs more than one copied from a single document.
   * `tokens`: every supported step counts the same (1,000,000 units split among its contributions
   * in proportion to their occurrences, by largest remainder), so weights follow the output's
   * tokens rather than the frequency of their contexts.
   */
  per?: 'occurrences' | 'tokens' | undefined;
};

/** A contribution's share of an ∞-gram output. */
export type SupportWeight = {
  contributionId: ContributionId;
  contributor: string;
  datanetId: string | null;
  /** Share in parts per million (all shares sum to exactly 1,000,000). */
  ppm: number;
  /** Supporting occurrences in the contribution's documents, over all steps. */
  occurrences: number;
  /** Steps (indices into `steps`) it supported. */
  steps: number[];
};

export type SupportWeightsReturnType = {
  /** Supporting occurrences over all steps (0: nothing supported the output, no weights). */
  totalOccurrences: number;
  /** How occurrences were weighted. */
  per: 'occurrences' | 'tokens';
  /** By ppm (descending), then contribution id; empty when nothing supported the output. */
  contributions: SupportWeight[];
  /** Contributions' ppm summed per contributor, by ppm (descending), then contributor. */
  contributors: ContributorWeight[];
};

/**
 * Weights of the contributions that supported a generated text, in parts per million summing to
 * exactly 1,000,000 (or none when no step had support).
 * @example
 * const generation = generate({ index, prompt: 'Rivers carry', maxTokens: 40, seed: 1 });
 * const { contributions } = supportWeights({ steps: generation.result().steps });
 */
export function supportWeights(parameters: SupportWeightsParameters): SupportWeightsReturnType {
  const { steps } = parameters;
  const per = parameters.per ?? 'occurrences';
  if (!Array.isArray(steps as unknown)) throw new InvalidInputError('steps must be an array');
  if (per !== 'occurrences' && per !== 'tokens')
    throw new InvalidInputError("per must be 'occurrences' or 'tokens'");
  const credit = new Map<
    ContributionId,
    { contributor: string; datanetId: string | null; occurrences: number; units: number; steps: number[] }
  >();
  steps.forEach((step, k) => {
    const support = step.support.filter((s) => {
      if (!Number.isSafeInteger(s.occurrences) || s.occurrences < 0) {
        throw new InvalidInputError(`step ${k}: occurrences must be a non-negative integer`);
      }
      return s.occurrences > 0;
    });
    if (per === 'tokens') support.sort((a, b) => compareContributionIds(a.contributionId, b.contributionId));
    const units =
      per === 'tokens'
        ? largestRemainder(
            support.map((s) => s.occurrences),
            stepUnits,
          )
        : support.map((s) => s.occurrences);
    support.forEach((s, j) => {
      const entry = credit.get(s.contributionId);
      if (entry) {
        entry.occurrences += s.occurrences;
        entry.units += units[j]!;
        if (entry.steps[entry.steps.length - 1] !== k) entry.steps.push(k);
      } else {
        credit.set(s.contributionId, {
          contributor: s.contributor,
          datanetId: s.datanetId,
          occurrences: s.occurrences,
          units: units[j]!,
          steps: [k],
        });
      }
    });
  });
  const ids = [...credit.keys()].sort(compareContributionIds);
  const ppm = largestRemainder(
    ids.map((id) => credit.get(id)!.units),
    partsPerMillion,
  );
  const contributions: SupportWeight[] = ids.map((id, k) => {
    const entry = credit.get(id)!;
    return {
      contributionId: id,
      contributor: entry.contributor,
      datanetId: entry.datanetId,
      ppm: ppm[k]!,
      occurrences: entry.occurrences,
      steps: entry.steps,
    };
  });
  contributions.sort((a, b) => b.ppm - a.ppm || compareContributionIds(a.contributionId, b.contributionId));
  const contributors = totalPerContributor(contributions);
  return {
    totalOccurrences: contributions.reduce((sum, c) => sum + c.occurrences, 0),
    per,
    contributions,
    contributors,
  };
}
