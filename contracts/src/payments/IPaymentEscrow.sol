// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPaymentEscrow
/// @notice Payers deposit tokens and authorize nodes to charge them up to a cap until an expiry;
///         only the RewardDistributor debits, at epoch settlement. Withdrawals wait an unlock
///         delay so that a node that already served calls can still be paid.
interface IPaymentEscrow {
    /// @notice A payer's account.
    /// @param balance Tokens available to debits and withdrawal.
    /// @param pendingWithdrawal Amount requested for withdrawal (still debitable until withdrawn).
    /// @param withdrawableAt When the pending withdrawal may be taken.
    struct Account {
        uint128 balance;
        uint128 pendingWithdrawal;
        uint64 withdrawableAt;
    }

    /// @notice What a node may still debit from a payer.
    /// @param remaining Tokens left under the cap (debits lower it, refunds of voided debits restore it).
    /// @param expiry After `expiry` the node must not serve new calls.
    /// @param settleUntil The node may settle calls until then: `expiry + settlementGrace` as the
    ///        grace was when the payer authorized or revoked, so a later change of the grace can
    ///        neither revive a lapsed authorization nor cut short calls already served.
    struct Authorization {
        uint128 remaining;
        uint64 expiry;
        uint64 settleUntil;
    }

    /// @notice Thrown when an amount is zero where it must not be.
    error EscrowZeroAmount();
    /// @notice Thrown when an address argument is zero.
    error EscrowZeroAddress();
    /// @notice Thrown when a caller other than the RewardDistributor debits or refunds.
    error EscrowNotDistributor(address caller);
    /// @notice Thrown when someone other than the deployer or governance wires in the distributor.
    error EscrowNotAuthorized(address caller);
    /// @notice Thrown when a payer lowers the cap of an authorization that is still live (calls
    ///         served under it may be unsettled): revoke, wait out the settlement grace, then authorize.
    error EscrowCapDecrease(address node, uint128 remaining, uint128 cap);
    /// @notice Thrown when the distributor is set twice.
    error EscrowDistributorAlreadySet();
    /// @notice Thrown when an authorization's expiry is in the past.
    error EscrowInvalidExpiry(uint64 expiry);
    /// @notice Thrown when withdrawing more than the balance, or debiting a payer without funds.
    error EscrowInsufficientBalance(address payer, uint256 requested, uint256 available);
    /// @notice Thrown when a debit exceeds what the payer authorized for the node.
    error EscrowCapExceeded(address payer, address node, uint256 requested, uint256 remaining);
    /// @notice Thrown when a debit comes after the authorization's expiry plus the settlement grace.
    error EscrowAuthorizationExpired(address payer, address node, uint64 expiry);
    /// @notice Thrown when withdrawing before the unlock delay is over or with nothing requested.
    error EscrowWithdrawalLocked(uint64 withdrawableAt);
    /// @notice Thrown when payer and amount arrays differ in length.
    error EscrowLengthMismatch(uint256 payers, uint256 amounts);
    /// @notice Thrown when payers are not in strictly ascending order (which also rules out duplicates).
    error EscrowUnsortedPayers(address previous, address payer);

    /// @notice Emitted on a deposit.
    event Deposited(address indexed payer, address indexed from, uint256 amount);
    /// @notice Emitted when a payer (re)authorizes a node.
    event NodeAuthorized(address indexed payer, address indexed node, uint128 cap, uint64 expiry, uint64 settleUntil);
    /// @notice Emitted when a payer revokes a node (new calls stop; calls served can be settled until `settleUntil`).
    event NodeRevoked(address indexed payer, address indexed node, uint64 settleUntil);
    /// @notice Emitted when a withdrawal is requested.
    event WithdrawalRequested(address indexed payer, uint256 amount, uint64 withdrawableAt);
    /// @notice Emitted when a pending withdrawal is cancelled.
    event WithdrawalCancelled(address indexed payer);
    /// @notice Emitted when tokens are withdrawn.
    event Withdrawn(address indexed payer, uint256 amount);
    /// @notice Emitted for each page of debits at settlement (one event per page, not per payer:
    ///         settlement gas is what a page costs).
    event Debited(address indexed node, address[] payers, uint128[] amounts);
    /// @notice Emitted for each page of a voided epoch refunded to its payers (balances and allowances).
    event Refunded(address indexed node, address[] payers, uint128[] amounts);
    /// @notice Emitted once, when the distributor is wired in.
    event DistributorSet(address distributor);
    /// @notice Emitted when governance changes the unlock delay.
    event UnlockDelaySet(uint64 unlockDelay);
    /// @notice Emitted when governance changes the settlement grace.
    event SettlementGraceSet(uint64 settlementGrace);

    /// @notice Debits `amounts` from `payers` for `node` and sends the total to the distributor.
    /// @return total The sum debited.
    function debit(address node, address[] calldata payers, uint128[] calldata amounts)
        external
        returns (uint256 total);

    /// @notice Credits back `amounts` (already transferred here by the distributor) to `payers`'
    ///         balances and to what they allow `node`, as before the voided debits.
    function refund(address node, address[] calldata payers, uint128[] calldata amounts) external;

    /// @notice The account of `payer`.
    function accountOf(address payer) external view returns (Account memory);
    /// @notice The authorization `payer` gave `node`.
    function authorizationOf(address payer, address node) external view returns (Authorization memory);
}
