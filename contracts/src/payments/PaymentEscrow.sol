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
    /// @notice Seconds after an authorization's expiry during which its node may still settle.
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

    /// @notice Lets `node` debit up to `cap` (replacing any earlier cap) until `expiry`. While an
    ///         earlier authorization is live (up to its expiry plus the settlement grace) the cap can
    ///         only be raised: calls the node already served must stay payable.
    function authorize(address node, uint128 cap, uint64 expiry) external {
        if (node == address(0)) revert EscrowZeroAddress();
        if (expiry <= block.timestamp) revert EscrowInvalidExpiry(expiry);
        Authorization storage current = _authorizations[msg.sender][node];
        if (cap < current.remaining && block.timestamp <= uint256(current.expiry) + settlementGrace) {
            revert EscrowCapDecrease(node, current.remaining, cap);
        }
        _authorizations[msg.sender][node] = Authorization({remaining: cap, expiry: expiry});
        emit NodeAuthorized(msg.sender, node, cap, expiry);
    }

    /// @notice Stops `node` from serving new calls now; calls it already served can still be
    ///         settled within the settlement grace.
    function revoke(address node) external {
        Authorization storage authorization = _authorizations[msg.sender][node];
        if (authorization.expiry > block.timestamp) authorization.expiry = uint64(block.timestamp);
        emit NodeRevoked(msg.sender, node);
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
        uint64 grace = settlementGrace;
        address previous;
        for (uint256 i; i < count; ++i) {
            address payer = payers[i];
            if (payer <= previous) revert EscrowUnsortedPayers(previous, payer);
            previous = payer;
            uint128 amount = amounts[i];
            Authorization storage authorization = _authorizations[payer][node];
            if (block.timestamp > uint256(authorization.expiry) + grace) {
                revert EscrowAuthorizationExpired(payer, node, authorization.expiry);
            }
            if (amount > authorization.remaining) {
                revert EscrowCapExceeded(payer, node, amount, authorization.remaining);
            }
            Account storage account = _accounts[payer];
            if (amount > account.balance) revert EscrowInsufficientBalance(payer, amount, account.balance);
            // Unchecked is safe: both were just compared against `amount`.
            unchecked {
                authorization.remaining -= amount;
                account.balance -= amount;
            }
            total += amount;
            emit Debited(payer, node, amount);
        }
        if (total > 0) token.safeTransfer(msg.sender, total);
    }

    /// @inheritdoc IPaymentEscrow
    /// @dev Only the balance is restored, not the node's allowance: the payer may have set a new
    ///      cap since, and a refund must never let a node debit beyond the latest cap.
    function refund(address node, address[] calldata payers, uint128[] calldata amounts) external onlyDistributor {
        uint256 count = payers.length;
        if (count != amounts.length) revert EscrowLengthMismatch(count, amounts.length);
        for (uint256 i; i < count; ++i) {
            _accounts[payers[i]].balance += amounts[i];
            emit Refunded(payers[i], node, amounts[i]);
        }
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

    function _deposit(address payer, address from, uint256 amount) private {
        if (amount == 0) revert EscrowZeroAmount();
        _accounts[payer].balance += SafeCast.toUint128(amount);
        token.safeTransferFrom(from, address(this), amount);
        emit Deposited(payer, from, amount);
    }
}
