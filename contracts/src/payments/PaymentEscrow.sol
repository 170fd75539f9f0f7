// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPaymentEscrow} from "./IPaymentEscrow.sol";

/// @title PaymentEscrow
/// @notice Holds payers' deposits. Invariant: the token balance of this contract equals the sum
///         of all account balances.
contract PaymentEscrow is IPaymentEscrow, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice The payment token.
    IERC20 public immutable token;
    /// @notice The only contract allowed to debit and refund; set once.
    address public distributor;
    /// @notice Seconds between requesting and taking a withdrawal.
    uint64 public unlockDelay;
    /// @notice Seconds after an authorization's expiry during which its node may still settle
    ///         (taken into each authorization when it is made: changes apply to later ones).
    uint64 public settlementGrace;
    /// @dev May wire in the distributor once, so deployment needs no governance vote.
    address private immutable _deployer;

    mapping(address payer => Account) private _accounts;
    mapping(address payer => mapping(address node => Authorization)) private _authorizations;

    constructor(IERC20 token_, address governance, uint64 unlockDelay_, uint64 settlementGrace_)
        Ownable(governance)
    {
        token = token_;
        unlockDelay = unlockDelay_;
        settlementGrace = settlementGrace_;
        _deployer = msg.sender;
    }

    modifier onlyDistributor() {
        if (msg.sender != distributor) revert EscrowNotDistributor(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- payers

    /// @notice Deposits `amount` for the caller (approve the token first).
    function deposit(uint256 amount) external {
        _deposit(msg.sender, msg.sender, amount);
    }

    /// @notice Deposits `amount` for `payer`, paid by the caller.
    function depositFor(address payer, uint256 amount) external {
        if (payer == address(0)) revert EscrowZeroAddress();
        _deposit(payer, msg.sender, amount);
    }

    /// @notice Deposits with an ERC-2612 permit instead of an approval. A permit that was
    ///         front-run still works: if the allowance is already there, the deposit goes on.
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _deposit(msg.sender, msg.sender, amount);
    }

    /// @notice Lets `node` debit up to `cap` (replacing any earlier cap) until `expiry`, and settle
    ///         calls until `expiry` plus the settlement grace as it is now. While an earlier
    ///         authorization is live (until its `settleUntil`) the cap can only be raised and the
    ///         settling time only extended: calls the node already served must stay payable.
    function authorize(address node, uint128 cap, uint64 expiry) external {
        if (node == address(0)) revert EscrowZeroAddress();
        if (expiry <= block.timestamp) revert EscrowInvalidExpiry(expiry);
        Authorization storage current = _authorizations[msg.sender][node];
        uint64 settleUntil = _plusGrace(expiry);
        if (block.timestamp <= current.settleUntil) {
            if (cap < current.remaining) revert EscrowCapDecrease(node, current.remaining, cap);
            if (current.settleUntil > settleUntil) settleUntil = current.settleUntil;
        }
        _authorizations[msg.sender][node] = Authorization({remaining: cap, expiry: expiry, settleUntil: settleUntil});
        emit NodeAuthorized(msg.sender, node, cap, expiry, settleUntil);
    }

    /// @notice Stops `node` from serving new calls now; calls it already served can still be
    ///         settled within the settlement grace.
    function revoke(address node) external {
        Authorization storage authorization = _authorizations[msg.sender][node];
        if (authorization.expiry > block.timestamp) {
            authorization.expiry = uint64(block.timestamp);
            uint64 settleUntil = _plusGrace(uint64(block.timestamp));
            if (settleUntil < authorization.settleUntil) authorization.settleUntil = settleUntil;
        }
        emit NodeRevoked(msg.sender, node, authorization.settleUntil);
    }

    /// @notice Asks to withdraw `amount` after the unlock delay (replaces an earlier request).
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert EscrowZeroAmount();
        Account storage account = _accounts[msg.sender];
        if (amount > account.balance) revert EscrowInsufficientBalance(msg.sender, amount, account.balance);
        // casting to 'uint128' is safe because amount <= account.balance, a uint128
        // forge-lint: disable-next-line(unsafe-typecast)
        account.pendingWithdrawal = uint128(amount);
        account.withdrawableAt = uint64(block.timestamp) + unlockDelay;
        emit WithdrawalRequested(msg.sender, amount, account.withdrawableAt);
    }

    /// @notice Cancels a pending withdrawal.
    function cancelWithdrawal() external {
        Account storage account = _accounts[msg.sender];
        account.pendingWithdrawal = 0;
        account.withdrawableAt = 0;
        emit WithdrawalCancelled(msg.sender);
    }

    /// @notice Takes the pending withdrawal, or what is left of it after debits.
    function withdraw() external {
        Account storage account = _accounts[msg.sender];
        uint64 withdrawableAt = account.withdrawableAt;
        if (account.pendingWithdrawal == 0 || block.timestamp < withdrawableAt) {
            revert EscrowWithdrawalLocked(withdrawableAt);
        }
        uint128 amount = account.pendingWithdrawal < account.balance ? account.pendingWithdrawal : account.balance;
        account.balance -= amount;
        account.pendingWithdrawal = 0;
        account.withdrawableAt = 0;
        if (amount > 0) token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- distributor

    /// @inheritdoc IPaymentEscrow
    function debit(address node, address[] calldata payers, uint128[] calldata amounts)
        external
        onlyDistributor
        returns (uint256 total)
    {
        uint256 count = payers.length;
        if (count != amounts.length) revert EscrowLengthMismatch(count, amounts.length);
        address previous;
        for (uint256 i; i < count; ++i) {
            address payer = payers[i];
            if (payer <= previous) revert EscrowUnsortedPayers(previous, payer);
            previous = payer;
            uint128 amount = amounts[i];
            Authorization storage authorization = _authorizations[payer][node];
            (uint128 remaining, uint64 settleUntil) = (authorization.remaining, authorization.settleUntil);
            if (block.timestamp > settleUntil) revert EscrowAuthorizationExpired(payer, node, authorization.expiry);
            if (amount > remaining) revert EscrowCapExceeded(payer, node, amount, remaining);
            Account storage account = _accounts[payer];
            uint128 balance = account.balance;
            if (amount > balance) revert EscrowInsufficientBalance(payer, amount, balance);
            // Unchecked is safe: both were just compared against `amount`.
            unchecked {
                authorization.remaining = remaining - amount;
                account.balance = balance - amount;
            }
            total += amount;
        }
        emit Debited(node, payers, amounts);
        if (total > 0) token.safeTransfer(msg.sender, total);
    }

    /// @inheritdoc IPaymentEscrow
    /// @dev The allowance is restored with the balance: the node's net debits (debits less
    ///      refunds) stay within the cap, and a payer cannot force a void (say, by withdrawing
    ///      between pages) and then leave the node unable to settle the same calls again.
    function refund(address node, address[] calldata payers, uint128[] calldata amounts) external onlyDistributor {
        uint256 count = payers.length;
        if (count != amounts.length) revert EscrowLengthMismatch(count, amounts.length);
        for (uint256 i; i < count; ++i) {
            _accounts[payers[i]].balance += amounts[i];
            Authorization storage authorization = _authorizations[payers[i]][node];
            uint128 remaining = authorization.remaining;
            // Saturates: an unlimited cap stays unlimited.
            authorization.remaining =
                remaining > type(uint128).max - amounts[i] ? type(uint128).max : remaining + amounts[i];
        }
        emit Refunded(node, payers, amounts);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Wires in the RewardDistributor, once, by the deployer or governance.
    function setDistributor(address distributor_) external {
        if (msg.sender != _deployer && msg.sender != owner()) revert EscrowNotAuthorized(msg.sender);
        if (distributor != address(0)) revert EscrowDistributorAlreadySet();
        if (distributor_ == address(0)) revert EscrowZeroAddress();
        distributor = distributor_;
        emit DistributorSet(distributor_);
    }

    /// @notice Sets the unlock delay (governance).
    function setUnlockDelay(uint64 unlockDelay_) external onlyOwner {
        unlockDelay = unlockDelay_;
        emit UnlockDelaySet(unlockDelay_);
    }

    /// @notice Sets the settlement grace (governance).
    function setSettlementGrace(uint64 settlementGrace_) external onlyOwner {
        settlementGrace = settlementGrace_;
        emit SettlementGraceSet(settlementGrace_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IPaymentEscrow
    function accountOf(address payer) external view returns (Account memory) {
        return _accounts[payer];
    }

    /// @inheritdoc IPaymentEscrow
    function authorizationOf(address payer, address node) external view returns (Authorization memory) {
        return _authorizations[payer][node];
    }

    /// @dev `time` plus the settlement grace, saturating (an authorization may never expire).
    function _plusGrace(uint64 time) private view returns (uint64) {
        uint64 grace = settlementGrace;
        return time > type(uint64).max - grace ? type(uint64).max : time + grace;
    }

    function _deposit(address payer, address from, uint256 amount) private {
        if (amount == 0) revert EscrowZeroAmount();
        _accounts[payer].balance += SafeCast.toUint128(amount);
        token.safeTransferFrom(from, address(this), amount);
        emit Deposited(payer, from, amount);
    }
}
