// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INodeRegistry} from "../../src/nodes/INodeRegistry.sol";
import {IRewardDistributor} from "../../src/rewards/IRewardDistributor.sol";
import {RewardDistributor} from "../../src/rewards/RewardDistributor.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";
import {Merkle} from "../utils/Merkle.sol";

/// @notice Findings 3 and 4 of "Contracts v2": a challenge resolves by rule after a deadline,
///         its bond scales with what it freezes, an upheld challenger is rewarded from the node's
///         stake, re-challenging cannot freeze a node forever, and stake cannot leave while the
///         node's epochs can still be challenged.
contract ChallengesTest is ProtocolTest {
    address internal node = makeAddr("node");
    address internal payer = address(0x1111);
    address internal alice = makeAddr("alice");
    address internal griefer = makeAddr("griefer");
    address internal watcher = makeAddr("watcher");

    function setUp() public override {
        super.setUp();
        registerNode(node, 0x51);
        payerReadyUntil(payer, node, 1_000_000 ether, 1_000_000 ether, uint64(block.timestamp + 365 days));
    }

    /// @dev Settles epoch `epoch` paying `fee`, crediting alice `cumulative` in all.
    function _settle(uint64 epoch, uint256 cumulative, uint128 fee) internal {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = Merkle.creditLeaf(alice, cumulative);
        vm.prank(node);
        distributor.settleEpoch(header(epoch, Merkle.root(leaves), fee, 1, 1), 0, single(payer), single(fee));
    }

    function _challenge(address who, uint64 epoch) internal returns (uint256 bond) {
        bond = distributor.challengeBondFor(node, epoch);
        fund(who, bond);
        vm.startPrank(who);
        token.approve(address(distributor), bond);
        distributor.challenge(node, epoch, keccak256("evidence"));
        vm.stopPrank();
    }

    function _claimable(uint64 epoch, uint256 cumulative) internal returns (bool) {
        try distributor.claim(node, epoch, alice, cumulative, new bytes32[](0)) {
            return true;
        } catch {
            return false;
        }
    }

    function test_challenge_lapsesByRuleAfterDeadline() public {
        _settle(1, 95 ether, 100 ether);
        uint256 bond = _challenge(griefer, 1);
        IRewardDistributor.Challenge memory c = distributor.getChallenge(node, 1);
        assertEq(c.resolveBy, block.timestamp + RESOLUTION_PERIOD);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsChallengePending.selector, node, 1, c.resolveBy)
        );
        distributor.expireChallenge(node, 1);

        vm.warp(c.resolveBy + 1);
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsChallengeLapsed.selector, node, 1, c.resolveBy)
        );
        distributor.resolveChallenge(node, 1, true, "too late");
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.ChallengeLapsed(node, 1);
        vm.prank(watcher);
        distributor.expireChallenge(node, 1);

        assertTrue(_claimable(1, 95 ether), "payouts resume");
        distributor.finalize(node, 1);
        distributor.sweepProtocolFees();
        assertEq(token.balanceOf(treasury), 5 ether + bond, "the lapsed bond is forfeited");
        assertEq(distributor.getNodeState(node).frozenFrom, 0);
    }

    function test_challenge_bondScalesWithFrozenFunds() public {
        _settle(1, 9_500 ether, 10_000 ether);
        _settle(2, 19_000 ether, 10_000 ether);
        // Challenging epoch 1 freezes both epochs' 19,000 for recipients; epoch 2 only its own.
        assertEq(distributor.challengeBondFor(node, 1), 1_900 ether);
        assertEq(distributor.challengeBondFor(node, 2), 950 ether);
        _settle(3, 19_001 ether, 100 wei); // a tiny epoch: the minimum applies
        assertEq(distributor.challengeBondFor(node, 3), CHALLENGE_BOND);
        uint256 bond = _challenge(griefer, 1);
        assertEq(bond, 1_900 ether + 9 wei);
        assertEq(token.balanceOf(griefer), 0);
    }

    function test_challenge_upheldChallengerRewardedFromSlashedStake() public {
        _settle(1, 95 ether, 100 ether);
        uint256 bond = _challenge(watcher, 1);
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.ChallengeUpheld(node, 1, watcher, "fraud", bond);
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "fraud");
        assertEq(token.balanceOf(watcher), 2 * bond, "bond back plus a reward as large");
        assertEq(nodes.getNode(node).stake, MIN_STAKE - bond, "the reward is the node's stake");
        assertEq(token.totalSupply(), supply, "not inflation");
        assertEq(token.balanceOf(treasury), 0);
    }

    function test_challenge_rewardLimitedToWhatTheNodeStaked() public {
        _settle(1, 95 ether, 100 ether);
        vm.prank(node);
        nodes.requestUnstake(MIN_STAKE - 10 ether);
        vm.prank(governance);
        nodes.slash(node, MIN_STAKE - 10 ether, treasury, "earlier fault");
        uint256 bond = _challenge(watcher, 1);
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "fraud");
        assertEq(token.balanceOf(watcher), bond + 10 ether);
    }

    /// @dev A griefer challenges every new epoch the moment it settles. Each epoch's freeze still
    ///      ends at its own challenge's deadline: older epochs become claimable while newer ones
    ///      are challenged, and an epoch cannot be challenged twice.
    function test_challenge_rechallengeCannotFreezeForever() public {
        uint256 cumulative;
        for (uint64 e = 1; e <= 5; ++e) {
            cumulative += 95 ether;
            _settle(e, cumulative, 100 ether);
            _challenge(griefer, e);
            vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNotChallengeable.selector, node, e));
            distributor.challenge(node, e, "again");
            vm.warp(block.timestamp + 3 days);
        }
        // Epoch 1's deadline passed long ago; epoch 5 is still within its own.
        distributor.expireChallenge(node, 1);
        distributor.expireChallenge(node, 2);
        assertEq(distributor.getNodeState(node).frozenFrom, 3, "the freeze moves to the lowest open challenge");
        assertTrue(_claimable(2, 190 ether), "older epochs pay while newer ones are challenged");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNotChallengeable.selector, node, 1));
        distributor.challenge(node, 1, "again");
        // However the griefer goes on, every epoch is final by its window plus the resolution period.
        vm.warp(distributor.getEpoch(node, 5).claimableAt + RESOLUTION_PERIOD + 1);
        for (uint64 e = 3; e <= 5; ++e) {
            distributor.expireChallenge(node, e);
        }
        assertTrue(_claimable(5, cumulative));
    }

    function test_challenge_frozenFromTracksLowestOpenChallenge() public {
        for (uint64 e = 1; e <= 4; ++e) {
            _settle(e, 95 ether * e, 100 ether);
        }
        _challenge(griefer, 4);
        _challenge(griefer, 2);
        assertEq(distributor.getNodeState(node).frozenFrom, 2);
        vm.prank(governance);
        distributor.resolveChallenge(node, 2, false, "no fraud");
        assertEq(distributor.getNodeState(node).frozenFrom, 4);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        assertTrue(_claimable(3, 285 ether));
        assertFalse(_claimable(4, 380 ether));
    }

    function test_challenge_cascadedBondsAreReturned() public {
        _settle(1, 95 ether, 100 ether);
        _settle(2, 190 ether, 100 ether);
        uint256 second = _challenge(griefer, 2);
        _challenge(watcher, 1);
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "fraud");
        assertEq(uint8(distributor.getEpoch(node, 2).status), uint8(IRewardDistributor.EpochStatus.Voided));
        assertEq(distributor.getNodeState(node).openChallenges, 0);
        assertEq(distributor.bondsHeld(), second);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.ChallengeBondReturned(node, 2, griefer, second);
        distributor.returnChallengeBond(node, 2);
        assertEq(token.balanceOf(griefer), second);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNoBondToReturn.selector, node, 2));
        distributor.returnChallengeBond(node, 2);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNoBondToReturn.selector, node, 1));
        distributor.returnChallengeBond(node, 1);
    }

    function test_challenge_deadlineIsFixedWhenMade() public {
        _settle(1, 95 ether, 100 ether);
        _challenge(griefer, 1);
        uint64 resolveBy = distributor.getChallenge(node, 1).resolveBy;
        RewardDistributor.Parameters memory p = defaultParameters();
        p.resolutionPeriod = 30 days;
        vm.prank(governance);
        distributor.setParameters(p);
        vm.warp(resolveBy + 1);
        distributor.expireChallenge(node, 1); // the longer period applies to later challenges only
    }

    // ------------------------------------------------------------ finding 4: stake

    /// @dev The audit's case: unstake requested in the block of a bad epoch; the unstake delay
    ///      passes while the challenge is open. The stake stays until the challenge is decided,
    ///      so the slash finds it.
    function test_stakeLock_noWithdrawalWhileChallenged() public {
        _settle(1, 95 ether, 100 ether);
        vm.prank(node);
        nodes.requestUnstake(MIN_STAKE);
        uint256 bond = _challenge(watcher, 1);
        vm.warp(block.timestamp + UNSTAKE_DELAY);
        assertTrue(distributor.stakeLocked(node));
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeStakeLocked.selector, node));
        nodes.withdrawUnstaked();
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "fraud");
        assertEq(token.balanceOf(watcher), 2 * bond, "the slash found the stake");
        vm.prank(node);
        nodes.withdrawUnstaked();
        assertEq(token.balanceOf(node), MIN_STAKE - bond);
    }

    function test_stakeLock_noWithdrawalWhileEpochInWindow() public {
        vm.prank(governance);
        nodes.setUnstakeDelay(1 hours);
        _settle(1, 95 ether, 100 ether);
        vm.prank(node);
        nodes.requestUnstake(MIN_STAKE);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeStakeLocked.selector, node));
        nodes.withdrawUnstaked();
        vm.warp(distributor.getEpoch(node, 1).claimableAt);
        vm.prank(node);
        nodes.withdrawUnstaked();
        assertEq(token.balanceOf(node), MIN_STAKE);
    }

    function test_stakeLock_noWithdrawalWhileEpochOpen() public {
        vm.prank(governance);
        nodes.setUnstakeDelay(0);
        vm.warp(block.timestamp + 30 days);
        vm.prank(node);
        distributor.settleEpoch(header(1, bytes32(uint256(1)), 20 ether, 1, 2), 0, single(payer), single(10 ether));
        vm.warp(block.timestamp + 30 days);
        vm.prank(node);
        nodes.requestUnstake(1 ether);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeStakeLocked.selector, node));
        nodes.withdrawUnstaked();
    }
}
