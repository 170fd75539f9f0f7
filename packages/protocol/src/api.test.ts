import { describe, expect, it } from 'vitest';
import { policyToChain } from './api.js';
import { ContributionMode, Licence } from './eip712.js';

describe('policyToChain', () => {
  it("encodes a policy as DatanetRegistry's struct, amounts and the minimum data share defaulting to 0", () => {
    expect(
      policyToChain({
        contributionMode: 'curated',
        licence: 'licensed',
        minDataBps: 2500,
        contributionBond: '7',
        licenceFee: '9',
      }),
    ).toEqual({
      contributionMode: ContributionMode.Curated,
      licence: Licence.Licensed,
      minDataBps: 2500,
      contributionBond: 7n,
      licenceFee: 9n,
    });
    expect(policyToChain({ contributionMode: 'open', licence: 'open' })).toEqual({
      contributionMode: 0,
      licence: 0,
      minDataBps: 0,
      contributionBond: 0n,
      licenceFee: 0n,
    });
    expect([ContributionMode.Curated, Licence.Licensed]).toEqual([1, 1]);
  });
});
