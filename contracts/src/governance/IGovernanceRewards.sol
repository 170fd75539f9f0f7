// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IGovernanceRewards
/// @notice Rewards token holders for voting, from a budget the treasury funds (protocol fees):
///         participation is rewarded without minting. Time is cut into reward periods; a voter
///         who voted on an eligible proposal whose vote ended in a period is paid once for that
///         period: `rewardPerPeriod` times its voting weight over the total supply. Filing more
///         proposals therefore earns no one more, and a period never pays more than its rate.
interface IGovernanceRewards {
    /// @notice Why a proposal does or does not earn its voters a reward.
    /// @dev `Eligible` once its period is over; `PeriodNotOver` while it may still become so.
    enum Eligibility {
        Eligible,
        PeriodNotOver,
        TooOld,
        Canceled,
        NoDecisiveQuorum
    }

    /// @notice Thrown when claiming before the reward period of the proposal's vote has ended
    ///         (a period's weights are read at its last second).
    error GovernanceRewardsPeriodNotOver(uint256 proposalId, uint256 period, uint256 endsAt);
    /// @notice Thrown when the proposal earns no reward: cancelled, or its for and against votes
    ///         together did not reach quorum (abstentions alone never make a proposal rewarding).
    error GovernanceRewardsNotEligible(uint256 proposalId, Eligibility reason);
    /// @notice Thrown when the proposal's vote ended before the rewards contract existed.
    error GovernanceRewardsProposalTooOld(uint256 proposalId);
    /// @notice Thrown when `voter` did not vote on the proposal.
    error GovernanceRewardsDidNotVote(uint256 proposalId, address voter);
    /// @notice Thrown when `voter` was already paid for `period` (one reward per voter and period).
    error GovernanceRewardsAlreadyClaimed(uint256 period, address voter);
    /// @notice Thrown when the voter's reward is zero (no weight held through the period's end).
    error GovernanceRewardsNothingToClaim(uint256 proposalId, address voter);
    /// @notice Thrown when the budget cannot pay `amount` now. Nothing is recorded: claim again
    ///         once the treasury has funded the budget.
    error GovernanceRewardsNoBudget(uint256 period, uint256 amount, uint256 budget);
    /// @notice Thrown when a constructor argument is out of range.
    error GovernanceRewardsInvalidParameter();

    /// @notice Emitted when a voter is paid for `period`, through its vote on `proposalId`.
    event VoterRewarded(
        uint256 indexed proposalId, uint256 indexed period, address indexed voter, uint256 weight, uint256 amount
    );
    /// @notice Emitted when governance changes the reward per period (from the running period on).
    event RewardPerPeriodSet(uint256 amount, uint256 fromPeriod);

    /// @notice The reward period of `proposalId` (the one its vote ends in) and when that period ends.
    function periodOf(uint256 proposalId) external view returns (uint256 period, uint256 endsAt);
    /// @notice Whether `proposalId` rewards its voters (see `Eligibility`).
    function eligibility(uint256 proposalId) external view returns (Eligibility);
    /// @notice What a claim for `voter` on `proposalId` would pay now; 0 when it would revert.
    function pendingReward(uint256 proposalId, address voter) external view returns (uint256);
    /// @notice Whether `voter` was paid for `period`.
    function hasClaimed(uint256 period, address voter) external view returns (bool);
}
