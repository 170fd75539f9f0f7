// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IGovernanceRewards} from "./IGovernanceRewards.sol";

/// @title GovernanceRewards
/// @notice Pays voters from a budget (this contract's token balance, funded by the treasury).
///         Rule, per reward period `p` (fixed-length windows from deployment):
///         - a proposal whose vote ended in `p` is eligible unless it was cancelled or its for and
///           against votes together missed quorum (abstain-only throw-away votes earn nothing);
///         - a voter of an eligible proposal is paid once for `p`:
///           `rate(p) * min(weight cast, votes at p's last second) / supply at p's last second`.
///         Why it holds against a holder with quorum: what a voter earns per period does not grow
///         with the number of proposals, and the weights read at one timepoint sum to at most the
///         supply, so moving tokens between addresses cannot count them twice. A period therefore
///         never pays more than its rate, however many proposals it holds. Every input is fixed
///         once the period is over, so a claim pays the full amount or reverts and records nothing:
///         no reward is ever locked at a smaller amount (an empty budget means "claim later").
contract GovernanceRewards is IGovernanceRewards, Ownable2Step {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice The governor whose proposals are rewarded.
    GovernorCountingSimple public immutable governor;
    /// @notice The reward token (the governance token).
    IERC20 public immutable token;
    /// @notice Period 0 starts here; proposals whose vote ended earlier are not rewarded.
    uint48 public immutable startTimepoint;
    /// @notice Length of a reward period in the governor's clock units (seconds).
    uint48 public immutable periodLength;
    /// @notice Everything paid so far.
    uint256 public totalPaid;
    /// @notice Paid per period (never above that period's rate).
    mapping(uint256 period => uint256) public paidInPeriod;

    /// @dev The reward per period, by the timepoint it took effect; a period uses the rate in force at its end.
    Checkpoints.Trace208 private _rates;
    mapping(uint256 period => mapping(address voter => bool)) private _claimed;

    constructor(
        GovernorCountingSimple governor_,
        IERC20 token_,
        address governance,
        uint256 rewardPerPeriod_,
        uint48 periodLength_
    ) Ownable(governance) {
        if (periodLength_ == 0) revert GovernanceRewardsInvalidParameter();
        governor = governor_;
        token = token_;
        periodLength = periodLength_;
        startTimepoint = SafeCast.toUint48(governor_.clock());
        _rates.push(startTimepoint, SafeCast.toUint208(rewardPerPeriod_));
    }

    /// @notice Pays `voter` its reward for the period of `proposalId`. Anyone may call; the tokens go to `voter`.
    /// @return amount What was paid (never zero: a claim that would pay nothing reverts).
    function claim(uint256 proposalId, address voter) public returns (uint256 amount) {
        uint256 period;
        uint256 weight;
        (period, weight, amount) = _entitlement(proposalId, voter);
        uint256 budget = token.balanceOf(address(this));
        if (amount > budget) revert GovernanceRewardsNoBudget(period, amount, budget);
        _claimed[period][voter] = true;
        paidInPeriod[period] += amount;
        totalPaid += amount;
        token.safeTransfer(voter, amount);
        emit VoterRewarded(proposalId, period, voter, weight, amount);
    }

    /// @notice Claims for the caller through each of `proposalIds`, skipping periods it was
    ///         already paid for (two proposals of one period pay once). Other failures revert.
    function claimMany(uint256[] calldata proposalIds) external returns (uint256 total) {
        for (uint256 i; i < proposalIds.length; ++i) {
            (uint256 period,) = _periodOf(proposalIds[i]);
            if (_claimed[period][msg.sender]) continue;
            total += claim(proposalIds[i], msg.sender);
        }
    }

    /// @notice Sets the reward per period (governance). It applies to the running period and later
    ///         ones; periods already over keep the rate they ended with.
    function setRewardPerPeriod(uint256 amount) external onlyOwner {
        uint48 now_ = SafeCast.toUint48(governor.clock());
        _rates.push(now_, SafeCast.toUint208(amount));
        emit RewardPerPeriodSet(amount, (now_ - startTimepoint) / periodLength);
    }

    /// @notice The reward per period in force now.
    function rewardPerPeriod() external view returns (uint256) {
        return _rates.latest();
    }

    /// @notice The rate period `period` pays (final once the period is over).
    function rateOfPeriod(uint256 period) public view returns (uint256) {
        return _rates.upperLookupRecent(SafeCast.toUint48(_lastTimepoint(period)));
    }

    /// @inheritdoc IGovernanceRewards
    function periodOf(uint256 proposalId) external view returns (uint256 period, uint256 endsAt) {
        return _periodOf(proposalId);
    }

    /// @inheritdoc IGovernanceRewards
    function eligibility(uint256 proposalId) public view returns (Eligibility) {
        uint256 deadline = governor.proposalDeadline(proposalId);
        if (deadline < startTimepoint) return Eligibility.TooOld;
        (, uint256 endsAt) = _periodOf(proposalId);
        if (governor.clock() < endsAt) return Eligibility.PeriodNotOver;
        if (governor.state(proposalId) == IGovernor.ProposalState.Canceled) return Eligibility.Canceled;
        (uint256 against, uint256 forVotes,) = governor.proposalVotes(proposalId);
        if (against + forVotes < governor.quorum(governor.proposalSnapshot(proposalId))) {
            return Eligibility.NoDecisiveQuorum;
        }
        return Eligibility.Eligible;
    }

    /// @inheritdoc IGovernanceRewards
    function pendingReward(uint256 proposalId, address voter) external view returns (uint256) {
        if (!governor.hasVoted(proposalId, voter) || eligibility(proposalId) != Eligibility.Eligible) return 0;
        (uint256 period,) = _periodOf(proposalId);
        if (_claimed[period][voter]) return 0;
        (, uint256 amount) = _amount(proposalId, voter, period);
        return amount;
    }

    /// @inheritdoc IGovernanceRewards
    function hasClaimed(uint256 period, address voter) external view returns (bool) {
        return _claimed[period][voter];
    }

    /// @dev Checks everything a claim needs and returns the period, the weight counted and the amount.
    function _entitlement(uint256 proposalId, address voter)
        private
        view
        returns (uint256 period, uint256 weight, uint256 amount)
    {
        uint256 endsAt;
        (period, endsAt) = _periodOf(proposalId);
        Eligibility reason = eligibility(proposalId);
        if (reason == Eligibility.TooOld) revert GovernanceRewardsProposalTooOld(proposalId);
        if (reason == Eligibility.PeriodNotOver) revert GovernanceRewardsPeriodNotOver(proposalId, period, endsAt);
        if (reason != Eligibility.Eligible) revert GovernanceRewardsNotEligible(proposalId, reason);
        if (!governor.hasVoted(proposalId, voter)) revert GovernanceRewardsDidNotVote(proposalId, voter);
        if (_claimed[period][voter]) revert GovernanceRewardsAlreadyClaimed(period, voter);
        (weight, amount) = _amount(proposalId, voter, period);
        if (amount == 0) revert GovernanceRewardsNothingToClaim(proposalId, voter);
    }

    /// @dev The weight counted (what the voter cast, but no more than it still held at the period's
    ///      last second) and the amount it earns. Only past checkpoints: fixed once the period is over.
    function _amount(uint256 proposalId, address voter, uint256 period)
        private
        view
        returns (uint256 weight, uint256 amount)
    {
        IVotes votes = IVotes(address(token));
        uint256 last = _lastTimepoint(period);
        uint256 cast = votes.getPastVotes(voter, governor.proposalSnapshot(proposalId));
        uint256 held = votes.getPastVotes(voter, last);
        weight = cast < held ? cast : held;
        uint256 supply = votes.getPastTotalSupply(last);
        amount = supply == 0 ? 0 : rateOfPeriod(period) * weight / supply;
    }

    /// @dev A proposal belongs to the period its vote ends in. Proposals that ended before the start
    ///      map to period 0 (and are refused as too old by `eligibility`).
    function _periodOf(uint256 proposalId) private view returns (uint256 period, uint256 endsAt) {
        uint256 deadline = governor.proposalDeadline(proposalId);
        period = deadline < startTimepoint ? 0 : (deadline - startTimepoint) / periodLength;
        endsAt = _lastTimepoint(period) + 1;
    }

    function _lastTimepoint(uint256 period) private view returns (uint256) {
        return startTimepoint + (period + 1) * periodLength - 1;
    }
}
