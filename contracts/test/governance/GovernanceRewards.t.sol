// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {GovernanceRewards} from "../../src/governance/GovernanceRewards.sol";
import {IGovernanceRewards} from "../../src/governance/IGovernanceRewards.sol";
import {GovernanceBase} from "./GovernanceBase.sol";

/// @notice Voter rewards: once per voter and period, pro rata to weight, from the treasury's budget.
contract GovernanceRewardsTest is GovernanceBase {
    uint256 internal constant BUDGET = 500 ether;

    /// @dev A proposal that funds the voter-reward budget from the treasury, passed by A, B (against) and C.
    function _fundingProposal(bool withC) internal returns (uint256) {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) =
            single(address(token), abi.encodeCall(token.transfer, (address(rewards), BUDGET)));
        return passProposal(targets, values, calls, "Fund voter rewards", withC);
    }

    function _ids(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    function test_rewards_paidProRataToWeightOnceThePeriodIsOver() public {
        uint256 proposalId = _fundingProposal(true);
        endPeriodOf(proposalId);
        assertEq(uint8(rewards.eligibility(proposalId)), uint8(IGovernanceRewards.Eligibility.Eligible));
        assertEq(rewards.pendingReward(proposalId, voterA), 54 ether);
        rewards.claim(proposalId, voterA);
        rewards.claim(proposalId, voterB);
        vm.prank(voterC);
        assertEq(rewards.claimMany(_ids(proposalId)), 9 ether);
        // 900 per period × weight / supply: 60M, 30M and 10M of 1B.
        assertEq(token.balanceOf(voterA) - 60_000_000 ether, 54 ether);
        assertEq(token.balanceOf(voterB) - 30_000_000 ether, 27 ether);
        assertEq(token.balanceOf(voterC) - 10_000_000 ether, 9 ether);
        (uint256 period,) = rewards.periodOf(proposalId);
        assertEq(rewards.paidInPeriod(period), 90 ether);
        assertEq(rewards.totalPaid(), 90 ether);
        assertEq(token.balanceOf(address(rewards)), BUDGET - 90 ether);
        assertEq(token.totalSupply(), SUPPLY, "no tokens were minted to pay voters");
    }

    function test_claim_revertsUntilThePeriodIsOver() public {
        uint256 proposalId = _fundingProposal(false);
        (uint256 period, uint256 endsAt) = rewards.periodOf(proposalId);
        assertGt(endsAt, block.timestamp, "the vote ended early in its period");
        assertEq(rewards.pendingReward(proposalId, voterA), 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernanceRewards.GovernanceRewardsPeriodNotOver.selector, proposalId, period, endsAt
            )
        );
        rewards.claim(proposalId, voterA);
        vm.warp(endsAt);
        assertEq(rewards.claim(proposalId, voterA), 54 ether);
    }

    function test_claim_revertsForNonVotersAndTwicePerPeriod() public {
        uint256 proposalId = _fundingProposal(false);
        endPeriodOf(proposalId);
        (uint256 period,) = rewards.periodOf(proposalId);
        rewards.claim(proposalId, voterA);
        assertEq(rewards.pendingReward(proposalId, voterA), 0, "claimed");
        assertTrue(rewards.hasClaimed(period, voterA));
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsAlreadyClaimed.selector, period, voterA)
        );
        rewards.claim(proposalId, voterA);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsDidNotVote.selector, proposalId, voterC)
        );
        rewards.claim(proposalId, voterC);
    }

    /// @dev Issue 9 finding 2 (voter-reward budget drained by throw-away proposals): a holder with
    ///      quorum files 23 proposals that do nothing and abstains on them; they end Defeated.
    ///      Abstentions alone never make a proposal rewarding, and passing them instead earns the
    ///      holder its one per-period share, not 23 — the budget stays for honest proposals.
    function test_throwAwayProposals_cannotDrainBudget() public {
        fund(address(rewards), BUDGET);
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = noop();
        uint256[] memory abstained = new uint256[](23);
        uint256[] memory passed = new uint256[](23);
        for (uint256 i; i < 23; ++i) {
            abstained[i] = propose(voterA, targets, values, calls, string.concat("abstain ", vm.toString(i)));
            passed[i] = propose(voterA, targets, values, calls, string.concat("pass ", vm.toString(i)));
        }
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        for (uint256 i; i < 23; ++i) {
            vote(voterA, abstained[i], 2);
            vote(voterA, passed[i], 1);
        }
        vm.warp(block.timestamp + VOTING_PERIOD + 1);
        endPeriodOf(passed[22]);
        assertEq(uint8(governor.state(abstained[0])), uint8(IGovernor.ProposalState.Defeated));
        assertEq(uint8(governor.state(passed[0])), uint8(IGovernor.ProposalState.Succeeded));

        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernanceRewards.GovernanceRewardsNotEligible.selector,
                abstained[0],
                IGovernanceRewards.Eligibility.NoDecisiveQuorum
            )
        );
        rewards.claim(abstained[0], voterA);
        vm.prank(voterA);
        uint256 total = rewards.claimMany(passed);
        assertEq(total, 54 ether, "one share of one period, however many proposals");
        assertEq(token.balanceOf(address(rewards)), BUDGET - 54 ether);

        // Honest voters of the next period are still paid in full.
        uint256 honest = _fundingProposal(true);
        endPeriodOf(honest);
        assertEq(rewards.claim(honest, voterB), 27 ether);
    }

    /// @dev Issue 9 finding 6 (a reward locked at 1 wei by a claim while the budget is empty):
    ///      a claim pays the voter's whole reward or reverts and records nothing.
    function test_claimWithEmptyBudget_locksNothing() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = noop();
        uint256 proposalId = passProposal(targets, values, calls, "funds nothing", false);
        endPeriodOf(proposalId);
        (uint256 period,) = rewards.periodOf(proposalId);

        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsNoBudget.selector, period, 54 ether, 0)
        );
        rewards.claim(proposalId, voterA);
        fund(address(rewards), 1); // one wei of budget is still not enough to pay anyone
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsNoBudget.selector, period, 54 ether, 1)
        );
        rewards.claim(proposalId, voterA);
        assertFalse(rewards.hasClaimed(period, voterA), "nothing recorded");
        assertEq(rewards.totalPaid(), 0);
        assertEq(rewards.pendingReward(proposalId, voterA), 54 ether, "still owed in full");

        fund(address(rewards), BUDGET); // the treasury funds the budget later
        assertEq(rewards.claim(proposalId, voterA), 54 ether);
    }

    /// @dev Tokens that voted from one address and then moved to another that votes on a later
    ///      proposal of the same period are counted once: weights are read at the period's end.
    function test_tokensMovedBetweenAddresses_countOncePerPeriod() public {
        fund(address(rewards), BUDGET);
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = noop();
        uint256 first = propose(voterA, targets, values, calls, "first");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vote(voterA, first, 1);
        address sybil = makeAddr("sybil");
        vm.prank(voterA);
        token.transfer(sybil, 60_000_000 ether);
        vm.prank(sybil);
        token.delegate(sybil);
        giveVotes(makeAddr("proposer"), 1_000 ether);
        vm.warp(block.timestamp + 1);
        uint256 second = propose(makeAddr("proposer"), targets, values, calls, "second");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vote(sybil, second, 1);
        vm.warp(block.timestamp + VOTING_PERIOD + 1);
        endPeriodOf(second);
        (uint256 p1,) = rewards.periodOf(first);
        (uint256 p2,) = rewards.periodOf(second);
        assertEq(p1, p2, "both votes end in one period");

        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsNothingToClaim.selector, first, voterA)
        );
        rewards.claim(first, voterA);
        assertEq(rewards.claim(second, sybil), 54 ether);
        assertEq(rewards.paidInPeriod(p1), 54 ether, "the 60M counted once");
    }

    function test_rateChange_appliesFromTheRunningPeriodOn() public {
        fund(address(rewards), BUDGET);
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = noop();
        uint256 early = passProposal(targets, values, calls, "early", false);
        endPeriodOf(early);
        vm.prank(address(timelock));
        rewards.setRewardPerPeriod(90 ether);
        (uint256 earlyPeriod,) = rewards.periodOf(early);
        assertEq(rewards.rateOfPeriod(earlyPeriod), REWARD_PER_PERIOD, "an ended period keeps its rate");
        uint256 late = passProposal(targets, values, calls, "late", false);
        endPeriodOf(late);
        assertEq(rewards.claim(early, voterA), 54 ether);
        assertEq(rewards.claim(late, voterA), 5.4 ether);
    }

    function test_claim_revertsForProposalsEndedBeforeDeployment() public {
        uint256 proposalId = _fundingProposal(true);
        GovernanceRewards later =
            new GovernanceRewards(governor, token, address(timelock), REWARD_PER_PERIOD, REWARD_PERIOD);
        fund(address(later), 100 ether);
        vm.warp(block.timestamp + REWARD_PERIOD);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsProposalTooOld.selector, proposalId)
        );
        later.claim(proposalId, voterA);
        assertEq(later.pendingReward(proposalId, voterA), 0);
    }

    function test_setRewardPerPeriod_onlyGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        rewards.setRewardPerPeriod(1);
        vm.prank(address(timelock));
        rewards.setRewardPerPeriod(1);
        assertEq(rewards.rewardPerPeriod(), 1);
    }

    function test_constructor_refusesZeroPeriod() public {
        vm.expectRevert(IGovernanceRewards.GovernanceRewardsInvalidParameter.selector);
        new GovernanceRewards(governor, token, address(timelock), REWARD_PER_PERIOD, 0);
    }

    /// @dev Whatever weights vote and however many proposals end in one period, it pays at most its rate.
    function testFuzz_periodPaysAtMostItsRate(uint256 seed, uint8 proposalCount, uint8 voterCount) public {
        proposalCount = uint8(bound(proposalCount, 1, 6));
        voterCount = uint8(bound(voterCount, 1, 8));
        fund(address(rewards), 10_000 ether);
        address[] memory voters = new address[](voterCount);
        for (uint256 i; i < voterCount; ++i) {
            voters[i] = makeAddr(string.concat("fuzz voter ", vm.toString(i)));
            giveVotes(voters[i], bound(uint256(keccak256(abi.encode(seed, i))), 1 ether, 100_000_000 ether));
        }
        vm.warp(block.timestamp + 1);
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = noop();
        uint256[] memory ids = new uint256[](proposalCount);
        for (uint256 j; j < proposalCount; ++j) {
            ids[j] = propose(voterA, targets, values, calls, vm.toString(j));
        }
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vote(voterA, ids[0], 1); // quorum for the first
        for (uint256 j; j < proposalCount; ++j) {
            for (uint256 i; i < voterCount; ++i) {
                if (uint256(keccak256(abi.encode(seed, i, j))) % 3 != 0) vote(voters[i], ids[j], uint8(i % 3));
            }
        }
        vm.warp(block.timestamp + VOTING_PERIOD + 1);
        endPeriodOf(ids[0]);
        for (uint256 i; i < voterCount; ++i) {
            vm.prank(voters[i]);
            try rewards.claimMany(ids) {} catch {}
        }
        vm.prank(voterA);
        rewards.claimMany(_ids(ids[0]));
        (uint256 period,) = rewards.periodOf(ids[0]);
        assertLe(rewards.paidInPeriod(period), REWARD_PER_PERIOD);
        assertEq(rewards.paidInPeriod(period), rewards.totalPaid());
    }

    function test_periodPaysAtMostItsRate_fixedInput() public {
        testFuzz_periodPaysAtMostItsRate(42, 3, 5);
    }
}
