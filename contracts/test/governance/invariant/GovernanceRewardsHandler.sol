// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TributaryGovernor} from "../../../src/governance/TributaryGovernor.sol";
import {GovernanceRewards} from "../../../src/governance/GovernanceRewards.sol";
import {IGovernanceRewards} from "../../../src/governance/IGovernanceRewards.sol";
import {TributaryToken} from "../../../src/token/TributaryToken.sol";

/// @notice Drives voters, proposals, token moves, budget funding, rate changes and claims — valid
///         and invalid — against the real Governor and GovernanceRewards. An action that must be
///         refused is attempted anyway; the handler checks it reverted and changed nothing.
contract GovernanceRewardsHandler is Test {
    TributaryToken internal immutable token;
    TributaryGovernor internal immutable governor;
    GovernanceRewards internal immutable rewards;
    address internal immutable timelock;
    address internal immutable holder;

    address[] public actors;
    uint256[] public proposals;
    uint256[] public periods;
    mapping(uint256 period => bool) internal _seenPeriod;

    uint256 public ghostFunded;
    uint256 public ghostPaid;
    /// @dev Each of these counts a broken promise; the invariants require them to stay zero.
    uint256 public ghostPaidIneligible;
    uint256 public ghostPaidOtherThanOwed;
    uint256 public ghostRefusedWhileOwed;
    uint256 public ghostChangedOnRevert;
    uint256 public ghostInvalidAccepted;
    uint256 public ghostPaidTwiceInPeriod;
    uint256 public ghostPaidBeyondHeld;
    mapping(uint256 period => mapping(address voter => bool)) internal _ghostPaid;
    uint256 public ghostReverts;

    constructor(
        TributaryToken token_,
        TributaryGovernor governor_,
        GovernanceRewards rewards_,
        address timelock_,
        address holder_,
        address[] memory actors_
    ) {
        token = token_;
        governor = governor_;
        rewards = rewards_;
        timelock = timelock_;
        holder = holder_;
        actors = actors_;
    }

    function proposalCount() external view returns (uint256) {
        return proposals.length;
    }

    function periodCount() external view returns (uint256) {
        return periods.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    // ---------------------------------------------------------------- actions

    /// @notice An actor files a throw-away proposal (anyone over the threshold may).
    function propose(uint256 actorSeed) external {
        if (proposals.length >= 16) return;
        address proposer = _actor(actorSeed);
        address[] memory targets = new address[](1);
        bytes[] memory calls = new bytes[](1);
        targets[0] = address(token);
        calls[0] = abi.encodeCall(token.balanceOf, (proposer));
        string memory description = string.concat("p", vm.toString(proposals.length));
        bool allowed = token.getPastVotes(proposer, block.timestamp - 1) >= governor.proposalThreshold();
        vm.prank(proposer);
        try governor.propose(targets, new uint256[](1), calls, description) returns (uint256 id) {
            if (!allowed) ++ghostInvalidAccepted;
            proposals.push(id);
        } catch {
            ++ghostReverts;
            if (allowed) ++ghostRefusedWhileOwed;
        }
    }

    /// @notice An actor votes (also on proposals that are not open, or twice: those must revert).
    function vote(uint256 actorSeed, uint256 proposalSeed, uint8 support) external {
        if (proposals.length == 0) return;
        address voter = _actor(actorSeed);
        uint256 id = proposals[proposalSeed % proposals.length];
        support = support % 3;
        bool allowed = governor.state(id) == IGovernor.ProposalState.Active && !governor.hasVoted(id, voter);
        vm.prank(voter);
        try governor.castVote(id, support) {
            if (!allowed) ++ghostInvalidAccepted;
        } catch {
            ++ghostReverts;
            if (allowed) ++ghostRefusedWhileOwed;
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
    }

    /// @notice Tokens move between voters (every actor delegates to itself): the move an attacker
    ///         makes to count one stake twice.
    function move(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        token.transfer(_actor(toSeed), amount);
    }

    /// @notice The treasury funds the budget.
    function fund(uint256 amount) external {
        // Half the time small: the budget then often falls short of a claim (where a reward could be locked).
        amount = amount % 2 == 0 ? bound(amount, 0, 60 ether) : bound(amount, 0, 2_000 ether);
        vm.prank(holder);
        token.transfer(address(rewards), amount);
        ghostFunded += amount;
    }

    /// @notice Governance (or, refused, anyone else) changes the reward per period.
    function setRate(uint256 amount, bool asGovernance) external {
        amount = bound(amount, 0, 5_000 ether);
        uint256 before = rewards.rewardPerPeriod();
        vm.prank(asGovernance ? timelock : actors[0]);
        try rewards.setRewardPerPeriod(amount) {
            if (!asGovernance) ++ghostInvalidAccepted;
        } catch {
            ++ghostReverts;
            if (asGovernance) ++ghostRefusedWhileOwed;
            if (rewards.rewardPerPeriod() != before) ++ghostChangedOnRevert;
        }
    }

    /// @notice Anyone claims for an actor, or for a stranger who never voted (must be refused).
    function claim(uint256 voterSeed, uint256 proposalSeed, bool forStranger) external {
        if (proposals.length == 0) return;
        uint256 id = proposals[proposalSeed % proposals.length];
        address voter = forStranger ? makeAddr("stranger") : _actor(voterSeed);
        (uint256 period,) = rewards.periodOf(id);
        uint256 owed = rewards.pendingReward(id, voter);
        bool eligible = rewards.eligibility(id) == IGovernanceRewards.Eligibility.Eligible;
        uint256 budget = token.balanceOf(address(rewards));
        uint256 voterBalance = token.balanceOf(voter);
        uint256 paidBefore = rewards.totalPaid();
        bool claimedBefore = rewards.hasClaimed(period, voter);

        try rewards.claim(id, voter) returns (uint256 amount) {
            if (!eligible || !governor.hasVoted(id, voter) || claimedBefore) ++ghostPaidIneligible;
            if (amount != owed || amount == 0) ++ghostPaidOtherThanOwed;
            if (_ghostPaid[period][voter]) ++ghostPaidTwiceInPeriod;
            _ghostPaid[period][voter] = true;
            if (amount > _heldShare(period, voter)) ++ghostPaidBeyondHeld;
            ghostPaid += amount;
            if (!_seenPeriod[period]) {
                _seenPeriod[period] = true;
                periods.push(period);
            }
            _claimAgain(id, voter, period);
        } catch {
            ++ghostReverts;
            if (owed > 0 && owed <= budget) ++ghostRefusedWhileOwed;
            if (
                token.balanceOf(voter) != voterBalance || token.balanceOf(address(rewards)) != budget
                    || rewards.totalPaid() != paidBefore || rewards.hasClaimed(period, voter) != claimedBefore
            ) ++ghostChangedOnRevert;
        }
    }

    /// @dev Right after a paid claim, the same claim again must revert and change nothing.
    function _claimAgain(uint256 id, address voter, uint256 period) internal {
        uint256 budget = token.balanceOf(address(rewards));
        uint256 paidBefore = rewards.totalPaid();
        try rewards.claim(id, voter) returns (uint256 again) {
            ++ghostInvalidAccepted;
            ++ghostPaidTwiceInPeriod;
            ghostPaid += again;
        } catch {
            ++ghostReverts;
            if (
                token.balanceOf(address(rewards)) != budget || rewards.totalPaid() != paidBefore
                    || !rewards.hasClaimed(period, voter)
            ) ++ghostChangedOnRevert;
        }
    }

    /// @dev The rate times what `voter` still held at the period's end over the supply: a bound on its reward.
    function _heldShare(uint256 period, address voter) internal view returns (uint256) {
        uint256 last = rewards.startTimepoint() + (period + 1) * rewards.periodLength() - 1;
        return rewards.rateOfPeriod(period) * token.getPastVotes(voter, last) / token.getPastTotalSupply(last);
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }
}
