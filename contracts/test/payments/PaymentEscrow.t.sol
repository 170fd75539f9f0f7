// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IPaymentEscrow} from "../../src/payments/IPaymentEscrow.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";

contract PaymentEscrowTest is ProtocolTest {
    uint256 internal payerPk = 0xFA7;
    address internal payer = vm.addr(payerPk);
    address internal node = makeAddr("node");
    address internal stranger = makeAddr("stranger");

    function _debit(address who, uint128 amount) internal returns (uint256) {
        vm.prank(address(distributor));
        return escrow.debit(node, single(who), single(amount));
    }

    function test_deposit_creditsBalance() public {
        fund(payer, 10 ether);
        vm.startPrank(payer);
        token.approve(address(escrow), 10 ether);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.Deposited(payer, payer, 10 ether);
        escrow.deposit(10 ether);
        vm.stopPrank();
        assertEq(escrow.accountOf(payer).balance, 10 ether);
        assertEq(token.balanceOf(address(escrow)), 10 ether);
    }

    function test_depositFor_creditsAnotherPayer() public {
        fund(stranger, 3 ether);
        vm.startPrank(stranger);
        token.approve(address(escrow), 3 ether);
        escrow.depositFor(payer, 3 ether);
        vm.expectRevert(IPaymentEscrow.EscrowZeroAddress.selector);
        escrow.depositFor(address(0), 1);
        vm.stopPrank();
        assertEq(escrow.accountOf(payer).balance, 3 ether);
    }

    function test_deposit_revertsOnZero() public {
        vm.expectRevert(IPaymentEscrow.EscrowZeroAmount.selector);
        escrow.deposit(0);
    }

    function _permit(uint256 amount, uint256 deadline) internal view returns (uint8, bytes32, bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                payer,
                address(escrow),
                amount,
                token.nonces(payer),
                deadline
            )
        );
        return vm.sign(payerPk, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_depositWithPermit_needsNoApproval() public {
        fund(payer, 10 ether);
        (uint8 v, bytes32 r, bytes32 s) = _permit(4 ether, block.timestamp + 1);
        vm.prank(payer);
        escrow.depositWithPermit(4 ether, block.timestamp + 1, v, r, s);
        assertEq(escrow.accountOf(payer).balance, 4 ether);
    }

    function test_depositWithPermit_survivesFrontRunPermit() public {
        fund(payer, 10 ether);
        (uint8 v, bytes32 r, bytes32 s) = _permit(4 ether, block.timestamp + 1);
        token.permit(payer, address(escrow), 4 ether, block.timestamp + 1, v, r, s); // someone front-runs
        vm.prank(payer);
        escrow.depositWithPermit(4 ether, block.timestamp + 1, v, r, s);
        assertEq(escrow.accountOf(payer).balance, 4 ether);
    }

    function test_authorize_setsCapAndExpiry() public {
        uint64 expiry = uint64(block.timestamp + 1 days);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.NodeAuthorized(payer, node, 5 ether, expiry, expiry + SETTLEMENT_GRACE);
        vm.prank(payer);
        escrow.authorize(node, 5 ether, expiry);
        IPaymentEscrow.Authorization memory a = escrow.authorizationOf(payer, node);
        assertEq(a.remaining, 5 ether);
        assertEq(a.expiry, expiry);
        assertEq(a.settleUntil, expiry + SETTLEMENT_GRACE);
    }

    function test_authorize_revertsOnPastExpiryOrZeroNode() public {
        vm.startPrank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowInvalidExpiry.selector, uint64(block.timestamp)));
        escrow.authorize(node, 1, uint64(block.timestamp));
        vm.expectRevert(IPaymentEscrow.EscrowZeroAddress.selector);
        escrow.authorize(address(0), 1, uint64(block.timestamp + 1));
        vm.stopPrank();
    }

    function test_revoke_endsNewCallsButAllowsSettlementWithinGrace() public {
        payerReady(payer, node, 10 ether, 10 ether);
        vm.prank(payer);
        escrow.revoke(node);
        assertEq(escrow.authorizationOf(payer, node).expiry, block.timestamp);
        vm.warp(block.timestamp + SETTLEMENT_GRACE);
        assertEq(_debit(payer, 1 ether), 1 ether, "served calls still settle within the grace");
        vm.warp(block.timestamp + 1);
        vm.prank(address(distributor));
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentEscrow.EscrowAuthorizationExpired.selector, payer, node, block.timestamp - 1 - SETTLEMENT_GRACE
            )
        );
        escrow.debit(node, single(payer), single(1));
    }

    function test_withdraw_waitsForUnlockDelay() public {
        payerReady(payer, node, 10 ether, 10 ether);
        vm.prank(payer);
        escrow.requestWithdrawal(6 ether);
        uint64 at = uint64(block.timestamp) + UNLOCK_DELAY;
        assertEq(escrow.accountOf(payer).withdrawableAt, at);
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowWithdrawalLocked.selector, at));
        escrow.withdraw();
        vm.warp(at);
        vm.prank(payer);
        escrow.withdraw();
        assertEq(token.balanceOf(payer), 6 ether);
        assertEq(escrow.accountOf(payer).balance, 4 ether);
    }

    function test_withdraw_paysWhatIsLeftAfterDebits() public {
        payerReady(payer, node, 10 ether, 10 ether);
        vm.prank(payer);
        escrow.requestWithdrawal(10 ether);
        _debit(payer, 7 ether); // the node that served calls is still paid
        vm.warp(block.timestamp + UNLOCK_DELAY);
        vm.prank(payer);
        escrow.withdraw();
        assertEq(token.balanceOf(payer), 3 ether);
        assertEq(escrow.accountOf(payer).balance, 0);
    }

    function test_requestWithdrawal_revertsOverBalanceOrZero() public {
        payerReady(payer, node, 1 ether, 1 ether);
        vm.startPrank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowInsufficientBalance.selector, payer, 2 ether, 1 ether));
        escrow.requestWithdrawal(2 ether);
        vm.expectRevert(IPaymentEscrow.EscrowZeroAmount.selector);
        escrow.requestWithdrawal(0);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowWithdrawalLocked.selector, 0));
        escrow.withdraw();
        vm.stopPrank();
    }

    function test_cancelWithdrawal_clearsRequest() public {
        payerReady(payer, node, 1 ether, 1 ether);
        vm.startPrank(payer);
        escrow.requestWithdrawal(1 ether);
        escrow.cancelWithdrawal();
        vm.stopPrank();
        assertEq(escrow.accountOf(payer).pendingWithdrawal, 0);
    }

    function test_debit_movesTokensToDistributorWithinCap() public {
        payerReady(payer, node, 10 ether, 4 ether);
        assertEq(_debit(payer, 3 ether), 3 ether);
        assertEq(token.balanceOf(address(distributor)), 3 ether);
        assertEq(escrow.accountOf(payer).balance, 7 ether);
        assertEq(escrow.authorizationOf(payer, node).remaining, 1 ether);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowCapExceeded.selector, payer, node, 2 ether, 1 ether));
        escrow.debit(node, single(payer), single(2 ether));
    }

    function test_debit_revertsWithoutBalance() public {
        payerReady(payer, node, 1 ether, 5 ether);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowInsufficientBalance.selector, payer, 2 ether, 1 ether));
        escrow.debit(node, single(payer), single(2 ether));
    }

    function test_debit_revertsForUnauthorizedNode() public {
        payerReady(payer, node, 1 ether, 1 ether);
        address other = makeAddr("other");
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowAuthorizationExpired.selector, payer, other, 0));
        escrow.debit(other, single(payer), single(1));
    }

    function test_debit_onlyDistributor() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowNotDistributor.selector, stranger));
        escrow.debit(node, single(payer), single(1));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowNotDistributor.selector, stranger));
        escrow.refund(node, single(payer), single(1));
    }

    function test_debit_revertsOnDuplicateOrUnsortedPayersAndLengthMismatch() public {
        address a = address(0x1000);
        address b = address(0x2000);
        payerReady(a, node, 10 ether, 10 ether);
        payerReady(b, node, 10 ether, 10 ether);
        address[] memory payers = new address[](2);
        uint128[] memory amounts = new uint128[](2);
        (payers[0], payers[1]) = (a, a);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowUnsortedPayers.selector, a, a));
        escrow.debit(node, payers, amounts);
        (payers[0], payers[1]) = (b, a);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowUnsortedPayers.selector, b, a));
        escrow.debit(node, payers, amounts);
        vm.prank(address(distributor));
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowLengthMismatch.selector, 2, 1));
        escrow.debit(node, payers, single(1));
    }

    function test_refund_restoresBalanceAndAllowance() public {
        payerReady(payer, node, 10 ether, 4 ether);
        _debit(payer, 3 ether);
        vm.startPrank(address(distributor));
        token.transfer(address(escrow), 3 ether);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.Refunded(node, single(payer), single(3 ether));
        escrow.refund(node, single(payer), single(3 ether));
        vm.stopPrank();
        assertEq(escrow.accountOf(payer).balance, 10 ether);
        assertEq(escrow.authorizationOf(payer, node).remaining, 4 ether, "net debits stay within the cap");
        assertEq(token.balanceOf(address(escrow)), 10 ether);
    }

    function test_refund_saturatesAnUnlimitedCap() public {
        payerReady(payer, node, 10 ether, type(uint128).max);
        _debit(payer, 3 ether);
        vm.prank(payer);
        escrow.authorize(node, type(uint128).max, uint64(block.timestamp + 1 days)); // raised again
        vm.startPrank(address(distributor));
        token.transfer(address(escrow), 3 ether);
        escrow.refund(node, single(payer), single(3 ether)); // must not overflow, or the refund is stuck
        vm.stopPrank();
        assertEq(escrow.authorizationOf(payer, node).remaining, type(uint128).max);
    }

    function test_settlementGrace_raiseDoesNotReviveLapsedAuthorization() public {
        payerReady(payer, node, 10 ether, 10 ether);
        IPaymentEscrow.Authorization memory a = escrow.authorizationOf(payer, node);
        vm.warp(a.settleUntil + 30 days); // lapsed long ago
        vm.prank(governance);
        escrow.setSettlementGrace(365 days);
        vm.prank(address(distributor));
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentEscrow.EscrowAuthorizationExpired.selector, payer, node, a.expiry)
        );
        escrow.debit(node, single(payer), single(1 ether));
        assertEq(escrow.accountOf(payer).balance, 10 ether);
        // Only a new authorization takes the new grace.
        vm.prank(payer);
        escrow.authorize(node, 1 ether, uint64(block.timestamp + 1));
        assertEq(escrow.authorizationOf(payer, node).settleUntil, block.timestamp + 1 + 365 days);
    }

    function test_settlementGrace_lowerDoesNotCutShortCallsAlreadyServed() public {
        payerReady(payer, node, 10 ether, 10 ether);
        uint64 settleUntil = escrow.authorizationOf(payer, node).settleUntil;
        vm.prank(governance);
        escrow.setSettlementGrace(0);
        // Re-authorizing while live, with a nearer expiry, keeps the longer settling time.
        vm.prank(payer);
        escrow.authorize(node, 10 ether, uint64(block.timestamp + 1 hours));
        assertEq(escrow.authorizationOf(payer, node).settleUntil, settleUntil);
        vm.warp(settleUntil);
        assertEq(_debit(payer, 1 ether), 1 ether);
    }

    function test_setDistributor_onlyOnceByGovernance() public {
        vm.prank(governance);
        vm.expectRevert(IPaymentEscrow.EscrowDistributorAlreadySet.selector);
        escrow.setDistributor(stranger);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowNotAuthorized.selector, stranger));
        escrow.setDistributor(stranger);
    }

    function test_authorize_cannotLowerALiveCap() public {
        payerReady(payer, node, 10 ether, 10 ether);
        uint64 expiry = escrow.authorizationOf(payer, node).expiry;
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.EscrowCapDecrease.selector, node, 10 ether, 0));
        escrow.authorize(node, 0, expiry);
        vm.prank(payer);
        escrow.authorize(node, 20 ether, expiry); // raising is fine
        // Revoke, wait out the settlement grace: then any cap.
        vm.prank(payer);
        escrow.revoke(node);
        vm.warp(block.timestamp + SETTLEMENT_GRACE + 1);
        vm.prank(payer);
        escrow.authorize(node, 1 ether, uint64(block.timestamp + 1 days));
        assertEq(escrow.authorizationOf(payer, node).remaining, 1 ether);
    }

    function test_parameters_onlyGovernance() public {
        vm.startPrank(governance);
        escrow.setUnlockDelay(3 days);
        escrow.setSettlementGrace(2 days);
        vm.stopPrank();
        assertEq(escrow.unlockDelay(), 3 days);
        assertEq(escrow.settlementGrace(), 2 days);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        escrow.setUnlockDelay(1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        escrow.setSettlementGrace(1);
    }
}
