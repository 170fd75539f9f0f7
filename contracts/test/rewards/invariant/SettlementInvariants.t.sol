// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {console} from "forge-std/console.sol";
import {IRewardDistributor} from "../../../src/rewards/IRewardDistributor.sol";
import {ProtocolTest} from "../../utils/ProtocolTest.sol";
import {SettlementHandler} from "./SettlementHandler.sol";

/// @notice The money invariants of ARCHITECTURE.md over PaymentEscrow + RewardDistributor.
contract SettlementInvariantsTest is StdInvariant, ProtocolTest {
    SettlementHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory operators = new address[](2);
        operators[0] = makeAddr("nodeA");
        operators[1] = makeAddr("nodeB");
        registerNode(operators[0], 0xA1);
        registerNode(operators[1], 0xB1);
        handler = new SettlementHandler(token, escrow, distributor, governance, holder, operators);
        targetContract(address(handler));
    }

    /// @dev Escrow holds exactly the payers' balances.
    function invariant_escrowHoldsExactlyBalances() public view {
        uint256 sum;
        for (uint256 i; i < handler.payerCount(); ++i) {
            sum += escrow.accountOf(handler.payers(i)).balance;
        }
        assertEq(token.balanceOf(address(escrow)), sum);
    }

    /// @dev Every token the distributor received is still there or left through a claim,
    ///      a refund, a sweep or a returned bond: nothing is created or lost.
    function invariant_distributorConservesTokens() public view {
        uint256 inflow = handler.ghostDebited() + handler.ghostBondsIn();
        uint256 outflow =
            handler.ghostClaimed() + handler.ghostRefunded() + handler.ghostSwept() + handler.ghostBondsOut();
        assertEq(token.balanceOf(address(distributor)), inflow - outflow);
    }

    /// @dev Claims never exceed what was debited for recipients (fees minus protocol fees) of
    ///      valid epochs, per node, however wrong a root was.
    function invariant_claimsNeverExceedFunding() public view {
        for (uint256 n; n < handler.nodeCount(); ++n) {
            IRewardDistributor.NodeState memory state = distributor.getNodeState(handler.nodes(n));
            assertLe(state.totalClaimed, state.cumulativeFunded);
        }
        assertLe(handler.ghostClaimed(), handler.ghostDebited() - handler.ghostRefunded());
    }

    /// @dev The distributor holds exactly what it owes, by its own books: unclaimed funding of valid
    ///      epochs, their protocol fees (accrued once final, pending before), and every unrefunded
    ///      voided debit. The handler decides each challenge in the call that opens it, so no bond
    ///      is held between calls; forfeited ones are in `protocolFeesAccrued`.
    function invariant_distributorHoldsExactlyWhatItOwes() public view {
        uint256 owed = distributor.protocolFeesAccrued() + handler.ghostVoided() - handler.ghostRefunded();
        for (uint256 n; n < handler.nodeCount(); ++n) {
            address node = handler.nodes(n);
            IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
            owed += state.cumulativeFunded - state.totalClaimed;
            for (uint64 e = state.finalizedEpoch + 1; e <= state.lastEpoch; ++e) {
                IRewardDistributor.Epoch memory epoch = distributor.getEpoch(node, e);
                if (epoch.status != IRewardDistributor.EpochStatus.Voided) owed += epoch.protocolFee;
            }
        }
        assertEq(token.balanceOf(address(distributor)), owed);
    }

    /// @dev A payer is never debited beyond the cap it last authorized (refunds do not raise it).
    function invariant_noPayerDebitedBeyondCap() public view {
        for (uint256 p; p < handler.payerCount(); ++p) {
            for (uint256 n; n < handler.nodeCount(); ++n) {
                address payer = handler.payers(p);
                address node = handler.nodes(n);
                assertLe(handler.ghostNetDebited(payer, node), handler.ghostCap(payer, node));
            }
        }
    }

    /// @dev Each account was paid exactly its recorded cumulative claim: no double claim.
    function invariant_noDoubleClaim() public view {
        for (uint256 n; n < handler.nodeCount(); ++n) {
            for (uint256 r; r < handler.recipientCount(); ++r) {
                address node = handler.nodes(n);
                address account = handler.recipients(r);
                assertEq(handler.ghostPaid(node, account), distributor.claimed(node, account));
            }
        }
    }

    /// @dev The token's supply is fixed.
    function invariant_supplyIsFixed() public view {
        assertEq(token.totalSupply(), SUPPLY);
    }

    function afterInvariant() public view {
        bytes32[11] memory names = [
            bytes32("deposit"),
            "authorize",
            "withdraw",
            "settle",
            "settle (over-credit)",
            "warp",
            "claim",
            "claim (refused)",
            "challenge (upheld)",
            "challenge (rejected)",
            "refund"
        ];
        for (uint256 i; i < names.length; ++i) {
            console.log(string(abi.encodePacked(names[i])), handler.calls(names[i]));
        }
    }
}
