// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IGovernanceRewards
/// @notice Pays the voters of finished proposals that reached quorum, pro rata to the weight they
///         cast, from a budget the treasury funds (protocol fees): participation is rewarded
///         without minting.
interface IGovernanceRewards {
    /// @notice Thrown when the proposal is not finished (pending, active or cancelled).
    error GovernanceRewardsProposalNotFinished(uint256 proposalId);
    /// @notice Thrown when the proposal did not reach quorum.
    error GovernanceRewardsNoQuorum(uint256 proposalId);
    /// @notice Thrown when `voter` did not vote on the proposal.
    error GovernanceRewardsDidNotVote(uint256 proposalId, address voter);
    /// @notice Thrown when `voter` already claimed for the proposal.
    error GovernanceRewardsAlreadyClaimed(uint256 proposalId, address voter);
    /// @notice Thrown when there is nothing to set aside for the proposal yet (no budget): claim later.
    error GovernanceRewardsNoBudget(uint256 proposalId);
    /// @notice Thrown when the proposal ended before the rewards contract existed.
    error GovernanceRewardsProposalTooOld(uint256 proposalId);

    /// @notice Emitted when a proposal's reward is set aside (at its first claim).
    event ProposalRewardAllocated(uint256 indexed proposalId, uint256 amount, uint256 totalWeight);
    /// @notice Emitted when a voter is paid.
    event VoterRewarded(uint256 indexed proposalId, address indexed voter, uint256 weight, uint256 amount);
    /// @notice Emitted when governance changes the reward per proposal.
    event RewardPerProposalSet(uint256 amount);
}
