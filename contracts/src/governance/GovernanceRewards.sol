// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IGovernanceRewards} from "./IGovernanceRewards.sol";

/// @title GovernanceRewards
/// @notice Rewards voters. Each finished proposal that reached quorum has a reward set aside at
///         its first claim: `rewardPerProposal` scaled by the share of the supply that voted on it
///         (so a lone large holder filing throw-away proposals earns only their own share), capped
///         by what is left of the budget. A voter receives that amount times their weight over the
///         total weight cast. The budget is this contract's token balance, funded by the treasury.
contract GovernanceRewards is IGovernanceRewards, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice The governor whose proposals are rewarded.
    GovernorCountingSimple public immutable governor;
    /// @notice The reward token (the governance token).
    IERC20 public immutable token;
    /// @notice Proposals whose vote ended before this timepoint are not eligible.
    uint256 public immutable startTimepoint;
    /// @notice Reward set aside per eligible proposal.
    uint256 public rewardPerProposal;
    /// @notice Set aside for proposals but not yet paid out.
    uint256 public outstanding;

    struct ProposalReward {
        bool allocated;
        uint256 amount;
        uint256 totalWeight;
    }

    mapping(uint256 proposalId => ProposalReward) private _rewards;
    mapping(uint256 proposalId => mapping(address voter => bool)) private _claimed;

    constructor(GovernorCountingSimple governor_, IERC20 token_, address governance, uint256 rewardPerProposal_)
        Ownable(governance)
    {
        governor = governor_;
        token = token_;
        rewardPerProposal = rewardPerProposal_;
        startTimepoint = governor_.clock();
    }

    /// @notice Pays `voter` their share of `proposalId`'s reward. Anyone may call.
    /// @return amount What was paid.
    function claim(uint256 proposalId, address voter) public returns (uint256 amount) {
        if (_claimed[proposalId][voter]) revert GovernanceRewardsAlreadyClaimed(proposalId, voter);
        if (!governor.hasVoted(proposalId, voter)) revert GovernanceRewardsDidNotVote(proposalId, voter);
        ProposalReward storage reward = _rewards[proposalId];
        if (!reward.allocated) _allocate(proposalId, reward);
        uint256 weight = _weightOf(proposalId, voter);
        _claimed[proposalId][voter] = true;
        amount = _share(reward.amount, weight, reward.totalWeight);
        if (amount > 0) {
            outstanding -= amount;
            token.safeTransfer(voter, amount);
        }
        emit VoterRewarded(proposalId, voter, weight, amount);
    }

    /// @notice Claims for the caller on several proposals.
    function claimMany(uint256[] calldata proposalIds) external returns (uint256 total) {
        for (uint256 i; i < proposalIds.length; ++i) {
            total += claim(proposalIds[i], msg.sender);
        }
    }

    /// @notice Sets the reward per proposal (governance).
    function setRewardPerProposal(uint256 amount) external onlyOwner {
        rewardPerProposal = amount;
        emit RewardPerProposalSet(amount);
    }

    /// @notice What `voter` would receive for `proposalId` now (0 if ineligible or claimed).
    function pendingReward(uint256 proposalId, address voter) external view returns (uint256) {
        if (_claimed[proposalId][voter] || !governor.hasVoted(proposalId, voter)) return 0;
        ProposalReward storage reward = _rewards[proposalId];
        if (reward.allocated) return _share(reward.amount, _weightOf(proposalId, voter), reward.totalWeight);
        // What the first claim would set aside now (the checks `_allocate` makes, without reverting).
        if (!_finished(proposalId) || _tooOld(proposalId)) return 0;
        (uint256 totalWeight, bool quorumReached) = _tally(proposalId);
        if (!quorumReached) return 0;
        return _share(_allocationFor(proposalId, totalWeight), _weightOf(proposalId, voter), totalWeight);
    }

    /// @notice Tokens not yet set aside for any proposal.
    function unallocatedBudget() public view returns (uint256) {
        return token.balanceOf(address(this)) - outstanding;
    }

    function _allocate(uint256 proposalId, ProposalReward storage reward) private {
        if (!_finished(proposalId)) revert GovernanceRewardsProposalNotFinished(proposalId);
        if (_tooOld(proposalId)) revert GovernanceRewardsProposalTooOld(proposalId);
        (uint256 totalWeight, bool quorumReached) = _tally(proposalId);
        if (!quorumReached) revert GovernanceRewardsNoQuorum(proposalId);
        uint256 amount = _allocationFor(proposalId, totalWeight);
        // Never lock a proposal's reward at zero: with no budget yet, its voters can claim later.
        if (amount == 0) revert GovernanceRewardsNoBudget(proposalId);
        reward.allocated = true;
        reward.amount = amount;
        reward.totalWeight = totalWeight;
        outstanding += amount;
        emit ProposalRewardAllocated(proposalId, amount, totalWeight);
    }

    /// @dev Voting is over and the proposal was not cancelled.
    function _finished(uint256 proposalId) private view returns (bool) {
        IGovernor.ProposalState state = governor.state(proposalId);
        return state != IGovernor.ProposalState.Pending && state != IGovernor.ProposalState.Active
            && state != IGovernor.ProposalState.Canceled;
    }

    function _tooOld(uint256 proposalId) private view returns (bool) {
        return governor.proposalDeadline(proposalId) < startTimepoint;
    }

    function _allocationFor(uint256 proposalId, uint256 totalWeight) private view returns (uint256) {
        uint256 supply = IVotes(address(token)).getPastTotalSupply(governor.proposalSnapshot(proposalId));
        uint256 scaled = supply == 0 ? 0 : rewardPerProposal * totalWeight / supply;
        uint256 budget = unallocatedBudget();
        return scaled < budget ? scaled : budget;
    }

    /// @dev The weight cast on the proposal, and whether it reached quorum (GovernorCountingSimple's
    ///      rule: for and abstain votes count; the governor keeps its own check internal).
    function _tally(uint256 proposalId) private view returns (uint256 totalWeight, bool quorumReached) {
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(proposalId);
        totalWeight = against + forVotes + abstain;
        quorumReached = governor.quorum(governor.proposalSnapshot(proposalId)) <= forVotes + abstain;
    }

    /// @dev The weight `voter` cast: their votes at the proposal's snapshot, as the governor counted them.
    function _weightOf(uint256 proposalId, address voter) private view returns (uint256) {
        return IVotes(address(token)).getPastVotes(voter, governor.proposalSnapshot(proposalId));
    }

    function _share(uint256 amount, uint256 weight, uint256 totalWeight) private pure returns (uint256) {
        return totalWeight == 0 ? 0 : amount * weight / totalWeight;
    }
}
