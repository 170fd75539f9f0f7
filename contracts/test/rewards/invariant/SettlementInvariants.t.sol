// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {IRewardDistributor} from "../../../src/rewards/IRewardDistributor.sol";
import {IPaymentEscrow} from "../../../src/payments/IPaymentEscrow.sol";
import {ProtocolTest} from "../../utils/ProtocolTest.sol";
import {LedgerHandler} from "./LedgerHandler.sol";

/// @notice The money invariants of ARCHITECTURE.md (1, 2 and 8) over PaymentEscrow,
///         RewardDistributor and NodeRegistry, with two nodes, governance changing every
///         parameter, and an attacker trying what must fail. Each invariant function is its own
///         campaign, so related properties are checked together.
contract SettlementInvariantsTest is StdInvariant, ProtocolTest {
    LedgerHandler internal handler;
    uint256 internal constant MIN_ACTIONS_FOR_COVERAGE = 150;

    function setUp() public override {
        super.setUp();
        address[] memory operators = new address[](2);
        operators[0] = makeAddr("nodeA");
        operators[1] = makeAddr("nodeB");
        registerNode(operators[0], 0xA1);
        registerNode(operators[1], 0xB1);
        handler = new LedgerHandler(token, escrow, distributor, nodes, governance, holder, operators);
        targetContract(address(handler));
    }

    /// @dev Invariant 2: a payer is never debited beyond the cap it last authorized: debits less
    ///      refunds since then stay within it, and the escrow's allowance is exactly what is left.
    ///      The handler records every debit that actually happened, including attacks that should
    ///      have been refused, so this fails if the escrow's cap check is removed.
    /// forge-config: default.invariant.runs = 24
    /// forge-config: default.invariant.depth = 192
    /// forge-config: ci.invariant.runs = 48
    /// forge-config: ci.invariant.depth = 256
    function invariant_noPayerDebitedBeyondCap() public view {
        for (uint256 p; p < handler.payerCount(); ++p) {
            for (uint256 n; n < handler.nodeCount(); ++n) {
                address payer = handler.payers(p);
                address node = handler.nodes(n);
                uint256 cap = handler.ghostCap(payer, node);
                uint256 debited = handler.ghostDebitedSince(payer, node);
                uint256 refunded = handler.ghostRefundedSince(payer, node);
                assertLe(debited, cap + refunded, "debited beyond the cap");
                assertEq(escrow.authorizationOf(payer, node).remaining, cap + refunded - debited, "allowance");
            }
        }
    }

    /// @dev Invariants 1 and 8 (solvency and isolation): the distributor holds exactly what every
    ///      node's books say it owes (unclaimed funding of valid epochs, their protocol fees until
    ///      final, unrefunded voided debits, open epochs' debits), plus accrued fees and bonds; each
    ///      node's share is exactly its payers' debits less its own claims, refunds and fees;
    ///      recipients never claim more than their node's epochs funded; and the escrow and the
    ///      node registry hold exactly their balances and stakes.
    /// forge-config: default.invariant.runs = 24
    /// forge-config: default.invariant.depth = 192
    /// forge-config: ci.invariant.runs = 48
    /// forge-config: ci.invariant.depth = 256
    function invariant_solvency() public view {
        uint256 held;
        for (uint256 n; n < handler.nodeCount(); ++n) {
            address node = handler.nodes(n);
            IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
            (uint256 owed, uint256 feesTaken) = _owedAndFeesTaken(node, state);
            assertEq(state.held, owed, "a node's holdings are what its books owe");
            assertEq(
                state.held + handler.ghostClaimed(node) + handler.ghostRefunded(node) + feesTaken,
                handler.ghostDebited(node),
                "a node pays out only what its payers paid in"
            );
            assertEq(state.totalClaimed, handler.ghostClaimed(node), "claims recorded");
            assertLe(state.totalClaimed, state.cumulativeFunded, "claims within funding");
            held += state.held;
        }
        assertEq(distributor.bondsHeld(), handler.ghostBondsIn() - handler.ghostBondsReturned() - handler.ghostBondsForfeited());
        assertEq(
            token.balanceOf(address(distributor)),
            held + distributor.protocolFeesAccrued() + distributor.bondsHeld(),
            "the distributor holds exactly what all nodes owe"
        );
        uint256 balances;
        for (uint256 p; p < handler.payerCount(); ++p) {
            balances += escrow.accountOf(handler.payers(p)).balance;
        }
        assertEq(token.balanceOf(address(escrow)), balances, "the escrow holds exactly the balances");
        uint256 staked;
        for (uint256 n; n < handler.nodeCount(); ++n) {
            staked += nodes.getNode(handler.nodes(n)).stake + nodes.getNode(handler.nodes(n)).unstaking;
        }
        assertEq(token.balanceOf(address(nodes)), staked, "the registry holds exactly the stakes");
        assertEq(token.totalSupply(), SUPPLY, "no inflation");
    }

    /// @dev Invariant 8 (finality) and liveness: windows end in epoch order per node whatever the
    ///      window was set to; no claim paid from an epoch that was not final or got voided; every
    ///      challenge's deadline is within a bounded time of its epoch's window; stake never left
    ///      while locked; and nothing the attacker tried succeeded.
    /// forge-config: default.invariant.runs = 24
    /// forge-config: default.invariant.depth = 192
    /// forge-config: ci.invariant.runs = 48
    /// forge-config: ci.invariant.depth = 256
    function invariant_finalityAndLiveness() public view {
        for (uint256 n; n < handler.nodeCount(); ++n) {
            address node = handler.nodes(n);
            IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
            // Final epochs were checked once as they became final (the handler's sync); here the rest.
            uint64 previous = state.finalizedEpoch == 0 ? 0 : distributor.getEpoch(node, state.finalizedEpoch).claimableAt;
            for (uint64 e = state.finalizedEpoch + 1; e <= state.lastEpoch; ++e) {
                IRewardDistributor.Epoch memory epoch = distributor.getEpoch(node, e);
                if (epoch.claimableAt != 0) {
                    assertGe(epoch.claimableAt, previous, "finality out of epoch order");
                    assertLe(epoch.claimableAt, state.lastClaimableAt);
                    previous = epoch.claimableAt;
                }
                if (epoch.status == IRewardDistributor.EpochStatus.Voided) {
                    assertFalse(handler.claimedFrom(node, e), "a voided epoch paid");
                }
                IRewardDistributor.Challenge memory c = distributor.getChallenge(node, e);
                if (c.resolveBy != 0) {
                    assertLe(c.resolveBy, epoch.claimableAt + distributor.MAX_PERIOD(), "unbounded freeze");
                }
                if (epoch.status == IRewardDistributor.EpochStatus.Challenged) {
                    assertTrue(state.frozenFrom != 0 && state.frozenFrom <= e, "challenge not freezing");
                }
            }
            if (state.openChallenges == 0) assertEq(state.frozenFrom, 0, "frozen without a challenge");
        }
        assertEq(handler.breaches(), 0, string(abi.encodePacked(handler.lastBreach())));
    }

    /// @dev Every run must have done what the invariants are about, or they prove nothing.
    ///      (Short sequences are the shrinker's replays of a failure: not held to coverage.)
    function afterInvariant() public view {
        if (handler.actions() < MIN_ACTIONS_FOR_COVERAGE) return;
        bytes32[10] memory required = [
            bytes32("settle"),
            "claim",
            "challenge",
            "upheld",
            "lapsed",
            "stale void",
            "abandon",
            "refund",
            "debit attack",
            "parameters"
        ];
        for (uint256 i; i < required.length; ++i) {
            assertGt(handler.count(required[i]), 0, string(abi.encodePacked("never happened: ", required[i])));
        }
    }

    /// @dev What the node's books say the distributor holds for it, and the fees it has paid.
    function _owedAndFeesTaken(address node, IRewardDistributor.NodeState memory state)
        internal
        view
        returns (uint256 owed, uint256 feesTaken)
    {
        owed = state.cumulativeFunded - state.totalClaimed + handler.ghostVoidedUnrefunded(node);
        feesTaken = handler.ghostFeesTaken(node);
        // Epochs up to `synced` are final or voided and already counted; the rest are pending.
        for (uint64 e = handler.synced(node) + 1; e <= state.lastEpoch; ++e) {
            IRewardDistributor.Epoch memory epoch = distributor.getEpoch(node, e);
            if (epoch.status == IRewardDistributor.EpochStatus.Voided) continue;
            if (epoch.status == IRewardDistributor.EpochStatus.Open) owed += epoch.debited;
            else if (e <= state.finalizedEpoch) feesTaken += epoch.protocolFee;
            else owed += epoch.protocolFee;
        }
    }
}
