// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRewardDistributor} from "../../src/rewards/IRewardDistributor.sol";
import {RewardDistributor} from "../../src/rewards/RewardDistributor.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";
import {Merkle} from "../utils/Merkle.sol";

/// @notice Finding 1 of "Contracts v2" (and mutation 1 of the test review): finality is monotone
///         per node whatever governance does to the challenge window, and no claim or refund of
///         one node touches what another node funded.
contract FinalityTest is ProtocolTest {
    address internal nodeA = makeAddr("nodeA"); // dishonest
    address internal nodeB = makeAddr("nodeB"); // honest
    address internal payerA = address(0x1111);
    address internal payerB = address(0x2222);
    address internal accomplice = makeAddr("accomplice");
    address internal honest = makeAddr("honest");
    address internal challenger = makeAddr("challenger");

    function setUp() public override {
        super.setUp();
        registerNode(nodeA, 0xA1);
        registerNode(nodeB, 0xB1);
        payerReady(payerA, nodeA, 1_000 ether, 1_000 ether);
        payerReady(payerB, nodeB, 1_000 ether, 1_000 ether);
        _setWindow(7 days);
    }

    function _setWindow(uint64 window) internal {
        RewardDistributor.Parameters memory p = defaultParameters();
        p.challengeWindow = window;
        vm.prank(governance);
        distributor.setParameters(p);
    }

    function _leaf(address account, uint256 amount) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](1);
        leaves[0] = Merkle.creditLeaf(account, amount);
    }

    function _settle(address node, address payer, uint64 epoch, address account, uint256 credit, uint128 fee) internal {
        vm.prank(node);
        distributor.settleEpoch(
            header(epoch, Merkle.root(_leaf(account, credit)), fee, 1, 1), 0, single(payer), single(fee)
        );
    }

    function _challengeAndUphold(address node, uint64 epoch) internal {
        uint256 bond = distributor.challengeBondFor(node, epoch);
        fund(challenger, bond);
        vm.startPrank(challenger);
        token.approve(address(distributor), bond);
        distributor.challenge(node, epoch, keccak256("verify-epoch report"));
        vm.stopPrank();
        vm.prank(governance);
        distributor.resolveChallenge(node, epoch, true, "fraud");
    }

    /// @dev The audit's proof of concept: window 7 days → 1 hour, a fraudulent epoch 1, epoch 2
    ///      abandoned while open, epoch 3 carrying epoch 1's credits. Epoch 3 must not become
    ///      claimable before epoch 1's window ends, and the honest node's recipient is paid in full.
    function test_finality_monotoneAfterWindowShortened() public {
        _settle(nodeB, payerB, 1, honest, 95 ether, 100 ether);
        _settle(nodeA, payerA, 1, accomplice, 95 ether, 100 ether); // fraudulent
        uint64 firstClaimableAt = distributor.getEpoch(nodeA, 1).claimableAt;

        _setWindow(1 hours);
        vm.startPrank(nodeA);
        distributor.settleEpoch(header(2, bytes32(uint256(2)), 20 ether, 1, 2), 0, single(payerA), single(10 ether));
        distributor.abandonOpenEpoch();
        vm.stopPrank();
        _settle(nodeA, payerA, 3, accomplice, 95 ether + 9.5 ether, 10 ether);

        IRewardDistributor.Epoch memory third = distributor.getEpoch(nodeA, 3);
        assertGe(third.claimableAt, firstClaimableAt, "finality in epoch order");
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, nodeA, 3));
        distributor.claim(nodeA, 3, accomplice, 104.5 ether, new bytes32[](0));

        // Epoch 1 is still challengeable; the challenge is upheld and voids 1..3.
        _challengeAndUphold(nodeA, 1);
        distributor.refundVoidedPage(nodeA, 1, 0, single(payerA), single(100 ether));
        distributor.refundVoidedPage(nodeA, 2, 0, single(payerA), single(10 ether));
        distributor.refundVoidedPage(nodeA, 3, 0, single(payerA), single(10 ether));
        assertEq(escrow.accountOf(payerA).balance, 1_000 ether, "node A's payers made whole from node A's money");
        assertEq(distributor.getNodeState(nodeA).held, 0);

        vm.warp(firstClaimableAt);
        assertEq(distributor.claim(nodeB, 1, honest, 95 ether, new bytes32[](0)), 95 ether, "node B untouched");
        assertEq(token.balanceOf(accomplice), 0);
        distributor.finalize(nodeB, 1);
        assertEq(token.balanceOf(address(distributor)), distributor.protocolFeesAccrued(), "only B's fee is left");
    }

    /// @dev The same with adjacent epochs: the window shrinks between epoch 1 and epoch 2.
    function test_finality_monotoneAfterWindowShortened_adjacentEpochs() public {
        _settle(nodeA, payerA, 1, accomplice, 95 ether, 100 ether);
        uint64 firstClaimableAt = distributor.getEpoch(nodeA, 1).claimableAt;
        _setWindow(1 hours);
        _settle(nodeA, payerA, 2, accomplice, 190 ether, 100 ether);
        assertEq(distributor.getEpoch(nodeA, 2).claimableAt, firstClaimableAt);
        vm.warp(firstClaimableAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, nodeA, 2));
        distributor.claim(nodeA, 2, accomplice, 190 ether, new bytes32[](0));
        vm.warp(firstClaimableAt);
        assertEq(distributor.claim(nodeA, 2, accomplice, 190 ether, new bytes32[](0)), 190 ether);
    }

    /// @dev An epoch voided while open still bounds later epochs by the window it opened under:
    ///      their cumulative roots may carry its credits.
    function test_finality_voidedOpenEpochStillBoundsLaterEpochs() public {
        vm.prank(nodeA);
        distributor.settleEpoch(header(1, bytes32(uint256(1)), 20 ether, 1, 2), 0, single(payerA), single(10 ether));
        uint64 wouldBeClaimableAt = uint64(block.timestamp) + 7 days;
        _setWindow(1 hours);
        vm.prank(nodeA);
        distributor.abandonOpenEpoch();
        _settle(nodeA, payerA, 2, accomplice, 9.5 ether, 10 ether);
        assertEq(distributor.getEpoch(nodeA, 2).claimableAt, wouldBeClaimableAt);
    }

    /// @dev A longer window applies to later epochs only; earlier ones keep theirs.
    function test_finality_longerWindowLeavesEarlierEpochs() public {
        _setWindow(1 hours);
        _settle(nodeA, payerA, 1, accomplice, 95 ether, 100 ether);
        _setWindow(7 days);
        _settle(nodeA, payerA, 2, accomplice, 190 ether, 100 ether);
        vm.warp(block.timestamp + 1 hours);
        assertEq(distributor.claim(nodeA, 1, accomplice, 95 ether, new bytes32[](0)), 95 ether);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, nodeA, 2));
        distributor.claim(nodeA, 2, accomplice, 190 ether, new bytes32[](0));
    }

    /// @dev Per-node accounting: each node's holdings are its payers' debits less its own
    ///      claims, refunds and protocol fees, whatever the other node does.
    function test_isolation_eachNodePaysOnlyFromWhatItsPayersPaid() public {
        _settle(nodeA, payerA, 1, accomplice, 95 ether, 100 ether);
        _settle(nodeB, payerB, 1, honest, 47.5 ether, 50 ether);
        assertEq(distributor.getNodeState(nodeA).held, 100 ether);
        assertEq(distributor.getNodeState(nodeB).held, 50 ether);
        vm.warp(block.timestamp + 7 days);
        distributor.claim(nodeA, 1, accomplice, 95 ether, new bytes32[](0));
        distributor.finalize(nodeA, 1);
        assertEq(distributor.getNodeState(nodeA).held, 0, "A's fee went to the protocol, its credits to A's recipient");
        assertEq(distributor.getNodeState(nodeB).held, 50 ether, "B's money is B's");
        assertEq(token.balanceOf(address(distributor)), 50 ether + 5 ether);
    }
}
