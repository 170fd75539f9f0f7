// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IPaymentEscrow} from "../../src/payments/IPaymentEscrow.sol";
import {IRewardDistributor} from "../../src/rewards/IRewardDistributor.sol";
import {RewardDistributor} from "../../src/rewards/RewardDistributor.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";
import {Merkle} from "../utils/Merkle.sol";

contract RewardDistributorTest is ProtocolTest {
    address internal node = makeAddr("node");
    address internal payer = address(0x1111);
    address internal payer2 = address(0x2222);
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal challenger = makeAddr("challenger");
    address internal stranger = makeAddr("stranger");

    function setUp() public override {
        super.setUp();
        registerNode(node, 0x51);
        payerReady(payer, node, 1_000 ether, 1_000 ether);
        payerReady(payer2, node, 1_000 ether, 1_000 ether);
    }

    struct Credits {
        address[] accounts;
        uint256[] amounts;
        bytes32[] leaves;
        bytes32 root;
    }

    /// @dev Credits of alice and bob (cumulative), as a tree.
    function _credits(uint256 aliceAmount, uint256 bobAmount) internal view returns (Credits memory c) {
        c.accounts = new address[](2);
        c.amounts = new uint256[](2);
        (c.accounts[0], c.accounts[1]) = (alice, bob);
        (c.amounts[0], c.amounts[1]) = (aliceAmount, bobAmount);
        c.leaves = creditLeaves(c.accounts, c.amounts);
        c.root = Merkle.root(c.leaves);
    }

    /// @dev Settles a one-page epoch debiting `payer` `total`, whose distributable part is
    ///      credited (cumulatively) per `c`.
    function _settle(uint64 epoch, Credits memory c, uint128 total) internal {
        vm.prank(node);
        distributor.settleEpoch(header(epoch, c.root, total, 1, 1), 0, single(payer), single(total));
    }

    function _claimAll(uint64 epoch, Credits memory c) internal {
        for (uint256 i; i < c.accounts.length; ++i) {
            distributor.claim(node, epoch, c.accounts[i], c.amounts[i], Merkle.proof(c.leaves, i));
        }
    }

    // ------------------------------------------------------------ settlement

    function test_settleEpoch_debitsAndRecords() public {
        Credits memory c = _credits(60 ether, 35 ether);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.EpochSettled(node, 1, uint64(block.timestamp + CHALLENGE_WINDOW), 95 ether);
        _settle(1, c, 100 ether);
        IRewardDistributor.Epoch memory e = distributor.getEpoch(node, 1);
        assertEq(uint8(e.status), uint8(IRewardDistributor.EpochStatus.Settled));
        assertEq(e.creditsRoot, c.root);
        assertEq(e.totalFee, 100 ether);
        assertEq(e.protocolFee, 5 ether);
        assertEq(e.cumulativeFunded, 95 ether);
        assertEq(token.balanceOf(address(distributor)), 100 ether);
        assertEq(escrow.accountOf(payer).balance, 900 ether);
        assertEq(distributor.getNodeState(node).lastEpoch, 1);
    }

    function test_settleEpoch_acrossPages() public {
        Credits memory c = _credits(50 ether, 45 ether);
        IRewardDistributor.EpochHeader memory h = header(1, c.root, 100 ether, 2, 2);
        vm.startPrank(node);
        distributor.settleEpoch(h, 0, single(payer), single(30 ether));
        assertEq(uint8(distributor.getEpoch(node, 1).status), uint8(IRewardDistributor.EpochStatus.Open));
        distributor.settleEpoch(h, 1, single(payer2), single(70 ether));
        vm.stopPrank();
        assertEq(uint8(distributor.getEpoch(node, 1).status), uint8(IRewardDistributor.EpochStatus.Settled));
        assertEq(distributor.getEpoch(node, 1).debited, 100 ether);
    }

    function test_settleEpoch_revertsOnPageErrors() public {
        Credits memory c = _credits(50 ether, 45 ether);
        IRewardDistributor.EpochHeader memory h = header(1, c.root, 100 ether, 2, 2);
        vm.startPrank(node);
        distributor.settleEpoch(h, 0, single(payer2), single(30 ether));

        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidPage.selector, 1, 2));
        distributor.settleEpoch(h, 2, single(payer), single(70 ether));

        IRewardDistributor.EpochHeader memory other = header(1, keccak256("other"), 100 ether, 2, 2);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsHeaderMismatch.selector, 1));
        distributor.settleEpoch(other, 1, single(payer), single(70 ether));

        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsUnsortedPayers.selector, payer2, payer)
        );
        distributor.settleEpoch(h, 1, single(payer), single(70 ether));

        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidEpoch.selector, 1, 2));
        distributor.settleEpoch(header(2, c.root, 1, 1, 1), 0, single(payer), single(1));
        vm.stopPrank();
    }

    function test_settleEpoch_revertsWhenDebitsDoNotAddUp() public {
        Credits memory c = _credits(1, 1);
        vm.startPrank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsDebitMismatch.selector, 99 ether, 100 ether)
        );
        distributor.settleEpoch(header(1, c.root, 100 ether, 1, 1), 0, single(payer), single(99 ether));
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsDebitMismatch.selector, 101 ether, 100 ether)
        );
        distributor.settleEpoch(header(1, c.root, 100 ether, 1, 1), 0, single(payer), single(101 ether));
        vm.stopPrank();
    }

    function test_settleEpoch_revertsOnWrongEpochNumberOrInactiveNode() public {
        Credits memory c = _credits(1, 1);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidEpoch.selector, 1, 2));
        distributor.settleEpoch(header(2, c.root, 1, 1, 1), 0, single(payer), single(1));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNodeNotActive.selector, stranger));
        distributor.settleEpoch(header(1, c.root, 1, 1, 1), 0, single(payer), single(1));
        _settle(1, c, 10);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidEpoch.selector, 2, 1));
        distributor.settleEpoch(header(1, c.root, 1, 1, 1), 0, single(payer), single(1));
    }

    function test_settleEpoch_revertsOnCapOrLengthMismatch() public {
        Credits memory c = _credits(1, 1);
        address capped = address(0x3333);
        payerReady(capped, node, 100 ether, 5 ether);
        vm.prank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentEscrow.EscrowCapExceeded.selector, capped, node, 6 ether, 5 ether)
        );
        distributor.settleEpoch(header(1, c.root, 6 ether, 1, 1), 0, single(capped), single(6 ether));
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsLengthMismatch.selector, 1, 0));
        distributor.settleEpoch(header(1, c.root, 6 ether, 1, 1), 0, single(payer), new uint128[](0));
    }

    function test_settleEpoch_requiresTheExactProtocolFee() public {
        Credits memory c = _credits(1, 1);
        IRewardDistributor.EpochHeader memory h = header(1, c.root, 100 ether, 1, 1);
        h.protocolFee = 5 ether + 1;
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidHeader.selector, 1));
        distributor.settleEpoch(h, 0, single(payer), single(100 ether));
        // However many receipts a node claims, it cannot shave the protocol's share.
        h.protocolFee = 0;
        h.receiptCount = type(uint64).max;
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidHeader.selector, 1));
        distributor.settleEpoch(h, 0, single(payer), single(100 ether));
        h.protocolFee = 5 ether;
        vm.prank(node);
        distributor.settleEpoch(h, 0, single(payer), single(100 ether));
    }

    function test_settleEpoch_revertsOnEmptyHeader() public {
        Credits memory c = _credits(1, 1);
        IRewardDistributor.EpochHeader memory h = header(1, c.root, 0, 0, 1);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidHeader.selector, 1));
        distributor.settleEpoch(h, 0, new address[](0), new uint128[](0));
        h = header(1, c.root, 0, 1, 0);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidHeader.selector, 1));
        distributor.settleEpoch(h, 0, new address[](0), new uint128[](0));
    }

    function test_settleEpoch_acceptsPreviousFeeRateWithinGrace() public {
        Credits memory c = _credits(1, 1);
        RewardDistributor.Parameters memory p = defaultParameters();
        p.protocolFeeBps = 800;
        vm.prank(governance);
        distributor.setParameters(p);
        _settle(1, c, 100 ether); // priced at the old 5%
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsWrongProtocolFeeBps.selector, 500, 800)
        );
        distributor.settleEpoch(header(2, c.root, 1 ether, 1, 1), 0, single(payer), single(1 ether));
    }

    function test_settleEpoch_capsPendingEpochs() public {
        RewardDistributor.Parameters memory p = defaultParameters();
        p.maxPendingEpochs = 2;
        vm.prank(governance);
        distributor.setParameters(p);
        Credits memory c = _credits(1, 1);
        _settle(1, c, 10);
        _settle(2, c, 10);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsTooManyPendingEpochs.selector, 2));
        distributor.settleEpoch(header(3, c.root, 10, 1, 1), 0, single(payer), single(10));
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        _settle(3, c, 10); // the first two became final
        assertEq(distributor.getNodeState(node).finalizedEpoch, 2);
    }

    // ------------------------------------------------------------ claims

    function test_claim_afterWindowPaysCumulativeDifference() public {
        Credits memory c1 = _credits(60 ether, 35 ether);
        _settle(1, c1, 100 ether);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, node, 1));
        distributor.claim(node, 1, alice, 60 ether, Merkle.proof(c1.leaves, 0));

        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.Claimed(node, alice, 1, 60 ether, 60 ether);
        distributor.claim(node, 1, alice, 60 ether, Merkle.proof(c1.leaves, 0));
        assertEq(token.balanceOf(alice), 60 ether);

        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.RewardsNothingToClaim.selector, alice, 60 ether, 60 ether
            )
        );
        distributor.claim(node, 1, alice, 60 ether, Merkle.proof(c1.leaves, 0));

        Credits memory c2 = _credits(60 ether + 57 ether, 35 ether + 38 ether);
        _settle(2, c2, 100 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        _claimAll(2, c2);
        assertEq(token.balanceOf(alice), 117 ether);
        assertEq(token.balanceOf(bob), 73 ether, "one claim covers both epochs");
        assertEq(distributor.claimed(node, bob), 73 ether);
    }

    function test_claim_revertsOnBadProofOrUnknownEpoch() public {
        Credits memory c = _credits(60 ether, 35 ether);
        _settle(1, c, 100 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        bytes32[] memory proof = Merkle.proof(c.leaves, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsInvalidProof.selector, node, 1, alice)
        );
        distributor.claim(node, 1, alice, 61 ether, proof);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidProof.selector, node, 1, bob));
        distributor.claim(node, 1, bob, 60 ether, proof);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, node, 0));
        distributor.claim(node, 0, alice, 60 ether, proof);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, node, 2));
        distributor.claim(node, 2, alice, 60 ether, proof);
    }

    function test_claim_cannotExceedWhatTheNodeFunded() public {
        // A dishonest root credits more than the epoch's 95 ether for recipients.
        Credits memory c = _credits(80 ether, 80 ether);
        _settle(1, c, 100 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 1, alice, 80 ether, Merkle.proof(c.leaves, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.RewardsExceedsFunding.selector, node, 80 ether, 15 ether
            )
        );
        distributor.claim(node, 1, bob, 80 ether, Merkle.proof(c.leaves, 1));
    }

    /// @dev Found by the ledger handler's refusal check: once the node's recipients have claimed
    ///      more (through later epochs) than an older epoch funded, a claim against that older
    ///      epoch must say `RewardsExceedsFunding` with nothing available, not panic (0x11).
    function test_claim_olderEpochBeyondItsFundingSaysSo() public {
        Credits memory first = _credits(95 ether, 0);
        _settle(1, first, 100 ether);
        Credits memory second = _credits(95 ether, 190 ether);
        _settle(2, second, 200 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 2, bob, 190 ether, Merkle.proof(second.leaves, 1));
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsExceedsFunding.selector, node, 95 ether, 0)
        );
        distributor.claim(node, 1, alice, 95 ether, Merkle.proof(first.leaves, 0));
        assertEq(distributor.claim(node, 2, alice, 95 ether, Merkle.proof(second.leaves, 0)), 95 ether);
    }

    function test_claimMany_acrossThreeNodes() public {
        address[3] memory ops = [node, makeAddr("node2"), makeAddr("node3")];
        registerNode(ops[1], 0x52);
        registerNode(ops[2], 0x53);
        Credits memory c = _credits(10 ether, 5 ether);
        IRewardDistributor.Claim[] memory claims = new IRewardDistributor.Claim[](3);
        for (uint256 i; i < 3; ++i) {
            address p = address(uint160(0x9000 + i));
            payerReady(p, ops[i], 100 ether, 100 ether);
            vm.prank(ops[i]);
            distributor.settleEpoch(header(1, c.root, 20 ether, 1, 1), 0, single(p), single(20 ether));
            claims[i] = IRewardDistributor.Claim(ops[i], 1, alice, 10 ether, Merkle.proof(c.leaves, 0));
        }
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        assertEq(distributor.claimMany(claims), 30 ether);
        assertEq(token.balanceOf(alice), 30 ether);
    }

    function testFuzz_claim_everyAccountPaidExactlyOnce(uint8 count, uint256 seed) public {
        count = uint8(bound(count, 1, 24));
        address[] memory accounts = new address[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            accounts[i] = address(uint160(uint256(keccak256(abi.encode(seed, i)))));
            amounts[i] = uint256(keccak256(abi.encode(seed, i, "amount"))) % 10 ether + 1;
            sum += amounts[i];
        }
        bytes32[] memory leaves = creditLeaves(accounts, amounts);
        uint128 total = uint128(sum * 10_000 / 9_500 + 1); // enough for the credits after the 5% fee
        address fresh = address(uint160(0x7000));
        payerReady(fresh, node, total, total);
        vm.prank(node);
        distributor.settleEpoch(header(1, Merkle.root(leaves), total, 1, 1), 0, single(fresh), single(total));
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        for (uint256 i; i < count; ++i) {
            uint256 before = token.balanceOf(accounts[i]);
            distributor.claim(node, 1, accounts[i], amounts[i], Merkle.proof(leaves, i));
            assertEq(token.balanceOf(accounts[i]) - before, amounts[i]);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRewardDistributor.RewardsNothingToClaim.selector, accounts[i], amounts[i], amounts[i]
                )
            );
            distributor.claim(node, 1, accounts[i], amounts[i], Merkle.proof(leaves, i));
        }
        assertEq(distributor.getNodeState(node).totalClaimed, sum);
    }

    function test_claim_fixedInputTwin() public {
        testFuzz_claim_everyAccountPaidExactlyOnce(3, 42);
    }

    // ------------------------------------------------------------ challenges, voids, refunds

    function _challenge(uint64 epoch) internal {
        uint256 bond = distributor.challengeBondFor(node, epoch);
        fund(challenger, bond);
        vm.startPrank(challenger);
        token.approve(address(distributor), bond);
        distributor.challenge(node, epoch, keccak256("evidence"));
        vm.stopPrank();
    }

    function test_challenge_freezesEpochAndLaterOnes() public {
        Credits memory c1 = _credits(50 ether, 45 ether);
        _settle(1, c1, 100 ether);
        Credits memory c2 = _credits(100 ether, 90 ether);
        _settle(2, c2, 100 ether);
        _challenge(1);
        assertEq(token.balanceOf(address(distributor)), 200 ether + CHALLENGE_BOND);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, node, 2));
        distributor.claim(node, 2, alice, 100 ether, Merkle.proof(c2.leaves, 0));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, node, 1));
        distributor.claim(node, 1, alice, 50 ether, Merkle.proof(c1.leaves, 0));
    }

    function test_challenge_revertsOutsideWindowOrTwice() public {
        Credits memory c = _credits(50 ether, 45 ether);
        _settle(1, c, 100 ether);
        _challenge(1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNotChallengeable.selector, node, 1));
        distributor.challenge(node, 1, bytes32(0));
        _settle(2, c, 1 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNotChallengeable.selector, node, 2));
        distributor.challenge(node, 2, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNotChallengeable.selector, node, 9));
        distributor.challenge(node, 9, bytes32(0));
    }

    function test_resolveChallenge_rejectedReleasesEpochAndForfeitsBond() public {
        Credits memory c = _credits(50 ether, 45 ether);
        _settle(1, c, 100 ether);
        _challenge(1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        distributor.resolveChallenge(node, 1, false, "no fraud");
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, false, "no fraud");
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        _claimAll(1, c);
        distributor.finalize(node, 1);
        distributor.sweepProtocolFees();
        assertEq(token.balanceOf(treasury), 5 ether + CHALLENGE_BOND);
        assertEq(token.balanceOf(address(distributor)), 0);
    }

    function test_resolveChallenge_upheldVoidsRefundsAndReturnsBond() public {
        Credits memory c1 = _credits(50 ether, 45 ether);
        _settle(1, c1, 100 ether);
        Credits memory c2 = _credits(100 ether, 90 ether);
        _settle(2, c2, 100 ether);
        _challenge(1);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.ChallengeUpheld(node, 1, challenger, "tampered", CHALLENGE_BOND);
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "tampered");
        assertEq(token.balanceOf(challenger), 2 * CHALLENGE_BOND, "bond back plus as much from the stake");
        assertEq(nodes.getNode(node).stake, MIN_STAKE - CHALLENGE_BOND);
        assertEq(uint8(distributor.getEpoch(node, 2).status), uint8(IRewardDistributor.EpochStatus.Voided));
        assertEq(distributor.getNodeState(node).cumulativeFunded, 0);

        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotClaimable.selector, node, 1));
        distributor.claim(node, 1, alice, 50 ether, Merkle.proof(c1.leaves, 0));

        distributor.refundVoidedPage(node, 1, 0, single(payer), single(100 ether));
        distributor.refundVoidedPage(node, 2, 0, single(payer), single(100 ether));
        assertEq(escrow.accountOf(payer).balance, 1_000 ether, "payer made whole");
        assertEq(token.balanceOf(address(distributor)), 0, "no one paid from a voided root");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidRefund.selector, node, 1, 0));
        distributor.refundVoidedPage(node, 1, 0, single(payer), single(100 ether));

        assertEq(escrow.authorizationOf(payer, node).remaining, 1_000 ether, "allowance restored too");

        // The node tops its stake up and goes on from epoch 3.
        fund(node, CHALLENGE_BOND);
        vm.startPrank(node);
        token.approve(address(nodes), CHALLENGE_BOND);
        nodes.stake(CHALLENGE_BOND);
        vm.stopPrank();
        Credits memory c3 = _credits(10 ether, 9 ether);
        _settle(3, c3, 20 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        _claimAll(3, c3);
        assertEq(token.balanceOf(alice), 10 ether);
    }

    function test_resolveChallenge_revertsWhenNotChallenged() public {
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNotChallenged.selector, node, 1));
        distributor.resolveChallenge(node, 1, true, "");
    }

    function test_refundVoidedPage_revertsForValidEpochOrWrongPage() public {
        Credits memory c = _credits(50 ether, 45 ether);
        _settle(1, c, 100 ether);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidRefund.selector, node, 1, 0));
        distributor.refundVoidedPage(node, 1, 0, single(payer), single(100 ether));
        _challenge(1);
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsInvalidRefund.selector, node, 1, 0));
        distributor.refundVoidedPage(node, 1, 0, single(payer), single(200 ether));
    }

    function test_voidStaleEpoch_freesDebitsOfANodeThatStopped() public {
        Credits memory c = _credits(50 ether, 45 ether);
        vm.prank(node);
        distributor.settleEpoch(header(1, c.root, 100 ether, 1, 2), 0, single(payer), single(30 ether));
        uint64 staleAt = uint64(block.timestamp) + distributor.STALE_OPEN_EPOCH();
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsEpochNotStale.selector, node, 1, staleAt)
        );
        distributor.voidStaleEpoch(node);
        vm.warp(staleAt);
        vm.prank(stranger);
        distributor.voidStaleEpoch(node);
        distributor.refundVoidedPage(node, 1, 0, single(payer), single(30 ether));
        assertEq(escrow.accountOf(payer).balance, 1_000 ether);
        assertEq(token.balanceOf(address(distributor)), 0);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNoOpenEpoch.selector, node));
        distributor.voidStaleEpoch(node);
    }

    function test_claimMany_skipsEntriesAlreadyClaimed() public {
        Credits memory c = _credits(50 ether, 45 ether);
        _settle(1, c, 100 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 1, bob, 45 ether, Merkle.proof(c.leaves, 1)); // someone claims bob first
        IRewardDistributor.Claim[] memory claims = new IRewardDistributor.Claim[](2);
        claims[0] = IRewardDistributor.Claim(node, 1, alice, 50 ether, Merkle.proof(c.leaves, 0));
        claims[1] = IRewardDistributor.Claim(node, 1, bob, 45 ether, Merkle.proof(c.leaves, 1));
        assertEq(distributor.claimMany(claims), 50 ether);
        assertEq(token.balanceOf(alice), 50 ether);
        assertEq(token.balanceOf(bob), 45 ether);
    }

    function test_abandonOpenEpoch_voidsAndRefunds() public {
        Credits memory c = _credits(50 ether, 45 ether);
        IRewardDistributor.EpochHeader memory h = header(1, c.root, 100 ether, 1, 2);
        vm.startPrank(node);
        distributor.settleEpoch(h, 0, single(payer), single(40 ether));
        distributor.abandonOpenEpoch();
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RewardsNoOpenEpoch.selector, node));
        distributor.abandonOpenEpoch();
        vm.stopPrank();
        distributor.refundVoidedPage(node, 1, 0, single(payer), single(40 ether));
        assertEq(escrow.accountOf(payer).balance, 1_000 ether);
        _settle(2, c, 100 ether);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        _claimAll(2, c);
        assertEq(token.balanceOf(bob), 45 ether);
    }

    /// @dev Finding 5: a payer with two addresses withdraws the second between the node's pages,
    ///      forcing the node to abandon; the refund restores the first address's allowance too, so
    ///      the node settles the same calls again instead of serving them free.
    function test_refund_forcedAbandonCanBeSettledAgain() public {
        address first = address(0x1000);
        address second = address(0x9000);
        payerReady(first, node, 10 ether, 6 ether); // cap exactly what it used
        payerReady(second, node, 10 ether, 10 ether);
        vm.prank(second);
        escrow.requestWithdrawal(10 ether);
        vm.warp(block.timestamp + UNLOCK_DELAY);
        Credits memory c = _credits(9 ether, 2.4 ether);
        IRewardDistributor.EpochHeader memory h = header(1, c.root, 12 ether, 2, 2);
        vm.prank(node);
        distributor.settleEpoch(h, 0, single(first), single(6 ether));
        vm.prank(second);
        escrow.withdraw(); // between the pages
        vm.startPrank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentEscrow.EscrowInsufficientBalance.selector, second, 6 ether, 0)
        );
        distributor.settleEpoch(h, 1, single(second), single(6 ether));
        distributor.abandonOpenEpoch();
        vm.stopPrank();
        distributor.refundVoidedPage(node, 1, 0, single(first), single(6 ether));
        assertEq(escrow.authorizationOf(first, node).remaining, 6 ether, "allowance restored");
        // The node settles what `first` owes again (and covers `second` itself).
        Credits memory again = _credits(5.7 ether, 0);
        _settleFrom(2, again, first, 6 ether);
        assertEq(escrow.accountOf(first).balance, 4 ether, "first paid for its calls");
    }

    function _settleFrom(uint64 epoch, Credits memory c, address from, uint128 total) internal {
        vm.prank(node);
        distributor.settleEpoch(header(epoch, c.root, total, 1, 1), 0, single(from), single(total));
    }

    // ------------------------------------------------------------ protocol

    function test_sweepProtocolFees_onlyAfterFinality() public {
        Credits memory c = _credits(50 ether, 45 ether);
        _settle(1, c, 100 ether);
        distributor.sweepProtocolFees();
        assertEq(token.balanceOf(treasury), 0, "nothing accrues inside the window");
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.finalize(node, 10);
        assertEq(distributor.protocolFeesAccrued(), 5 ether);
        distributor.sweepProtocolFees();
        assertEq(token.balanceOf(treasury), 5 ether);
    }

    function test_setParameters_onlyGovernanceWithinRange() public {
        RewardDistributor.Parameters memory p =
            RewardDistributor.Parameters(100, 2 days, 1 ether, 50, 3 days, 10, treasury);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        distributor.setParameters(p);
        vm.startPrank(governance);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.ParametersSet(100, 2 days, 1 ether, 50, 3 days, 10, treasury);
        distributor.setParameters(p);
        assertEq(distributor.protocolFeeBps(), 100);
        assertEq(distributor.previousProtocolFeeBps(), PROTOCOL_FEE_BPS);
        assertEq(distributor.challengeWindow(), 2 days);
        assertEq(distributor.resolutionPeriod(), 3 days);
        assertEq(distributor.challengeBondBps(), 50);
        RewardDistributor.Parameters[9] memory bad;
        for (uint256 i; i < bad.length; ++i) {
            bad[i] = RewardDistributor.Parameters(100, 2 days, 1 ether, 50, 3 days, 10, treasury);
        }
        bad[0].protocolFeeBps = 10_001;
        bad[1].maxPendingEpochs = 0;
        bad[2].maxPendingEpochs = distributor.MAX_PENDING_EPOCHS() + 1;
        bad[3].challengeWindow = 0;
        bad[4].challengeWindow = distributor.MAX_PERIOD() + 1;
        bad[5].challengeBondMin = 0;
        bad[6].challengeBondBps = 10_001;
        bad[7].resolutionPeriod = 0;
        bad[8].resolutionPeriod = distributor.MAX_PERIOD() + 1;
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(IRewardDistributor.RewardsInvalidParameter.selector);
            distributor.setParameters(bad[i]);
        }
        p.treasury = address(0);
        vm.expectRevert(IRewardDistributor.RewardsZeroAddress.selector);
        distributor.setParameters(p);
        vm.stopPrank();
    }

    function test_splitFee_matchesLibrary() public view {
        (uint256 protocol, uint256 compute, uint256 developer, uint256 data) =
            distributor.splitFee(100, 0, 500, 2000, 3000, 5000);
        assertEq(protocol + compute + developer + data, 100);
        assertEq(developer, 29);
        uint256[] memory weights = new uint256[](2);
        (weights[0], weights[1]) = (1, 2);
        uint256[] memory parts = distributor.splitByWeights(10, weights);
        assertEq(parts[0], 3);
        assertEq(parts[1], 7);
    }
}
