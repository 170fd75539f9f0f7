/**
 * EIP-712 votes by signature (OpenZeppelin Governor): a voter signs a ballot off-chain and anyone
 * relays it with `castVoteBySig` or, with a reason, `castVoteWithReasonAndParamsBySig`.
 */
import type { Address } from 'viem';

/** The governor's EIP-712 domain (its `name()` and `version()`, this chain and its address). */
export const governorDomain = ({
  chainId,
  verifyingContract,
}: {
  chainId: number;
  verifyingContract: Address;
}) => ({ name: 'TributaryGovernor', version: '1', chainId, verifyingContract }) as const;

/** `Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)`. */
export const ballotTypes = {
  Ballot: [
    { name: 'proposalId', type: 'uint256' },
    { name: 'support', type: 'uint8' },
    { name: 'voter', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

/** `ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)`. */
export const extendedBallotTypes = {
  ExtendedBallot: [
    { name: 'proposalId', type: 'uint256' },
    { name: 'support', type: 'uint8' },
    { name: 'voter', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'reason', type: 'string' },
    { name: 'params', type: 'bytes' },
  ],
} as const;
