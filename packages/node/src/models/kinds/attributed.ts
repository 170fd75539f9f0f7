import type { AttributedContribution } from '../../receipts/buildReceipt.js';

/** The attribution package's contribution weights as a receipt takes them. */
export const attributedContributions = (
  contributions: readonly {
    contributionId: string;
    contributor: string;
    datanetId: string | null;
    ppm: number;
  }[],
): AttributedContribution[] =>
  contributions.map((c) => ({
    contributionId: c.contributionId,
    contributor: c.contributor,
    datanetId: c.datanetId,
    ppm: c.ppm,
  }));
