// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRewardDistributor
/// @notice Once per epoch a staked node settles: payers are debited (within their caps), the
///         protocol fee is set aside, and a cumulative credits Merkle root plus a receipts root
///         are recorded. After a challenge window the root is final and anyone can claim for an
///         account the difference between its cumulative credit and what it already claimed.
interface IRewardDistributor {
    /// @notice Open: pages of debits are still coming. Settled: in or past its challenge window.
    ///         Challenged: frozen until governance decides. Voided: never pays; debits refundable.
    enum EpochStatus {
        None,
        Open,
        Settled,
        Challenged,
        Voided
    }

    /// @notice What a node commits to for one epoch. The same header goes with every page.
    /// @param epoch The epoch number: the node's previous epoch + 1.
    /// @param receiptsRoot Merkle root over the epoch's receipt hashes.
    /// @param creditsRoot Merkle root over (account, cumulative credit) for all the node's valid epochs so far.
    /// @param receiptCount Receipts in the epoch.
    /// @param totalFee Sum of the receipts' fees = sum of the debits.
    /// @param protocolFee Sum of the receipts' protocol shares: exactly floor(totalFee * protocolFeeBps / 10,000).
    /// @param protocolFeeBps The protocol fee rate the receipts were priced with.
    /// @param pageCount How many debit pages the settlement takes.
    /// @param dataUri Where the epoch's receipts and credit tree are published for re-checking.
    struct EpochHeader {
        uint64 epoch;
        bytes32 receiptsRoot;
        bytes32 creditsRoot;
        uint64 receiptCount;
        uint128 totalFee;
        uint128 protocolFee;
        uint16 protocolFeeBps;
        uint32 pageCount;
        string dataUri;
    }

    /// @notice A settled (or settling) epoch.
    struct Epoch {
        bytes32 receiptsRoot;
        bytes32 creditsRoot;
        bytes32 headerHash;
        uint128 totalFee;
        uint128 protocolFee;
        uint128 debited;
        uint128 cumulativeFunded;
        uint64 settledAt;
        uint64 claimableAt;
        uint32 pageCount;
        uint32 pagesDone;
        EpochStatus status;
        address lastPayer;
        address challenger;
        uint96 challengeBond;
    }

    /// @notice A node's settlement state.
    /// @param lastEpoch The newest epoch opened.
    /// @param finalizedEpoch Every epoch up to this one is final (or voided); advanced lazily.
    /// @param frozenFrom While challenges are open, epochs from this one on cannot be claimed.
    /// @param openChallenges Challenges not yet decided.
    /// @param cumulativeFunded What the node's valid epochs put in for recipients (fees minus protocol fees).
    /// @param totalClaimed What recipients of this node have claimed.
    struct NodeState {
        uint64 lastEpoch;
        uint64 finalizedEpoch;
        uint64 frozenFrom;
        uint32 openChallenges;
        uint128 cumulativeFunded;
        uint128 totalClaimed;
    }

    /// @notice One claim in a batch.
    struct Claim {
        address node;
        uint64 epoch;
        address account;
        uint256 cumulativeAmount;
        bytes32[] proof;
    }

    /// @notice Thrown when the caller is not an active (registered and staked) node.
    error RewardsNodeNotActive(address node);
    /// @notice Thrown when an epoch number is not the next one, or a page is out of order.
    error RewardsInvalidEpoch(uint64 expected, uint64 given);
    /// @notice Thrown when a page's header differs from the one the epoch was opened with.
    error RewardsHeaderMismatch(uint64 epoch);
    /// @notice Thrown when a page number is not the next expected page.
    error RewardsInvalidPage(uint32 expected, uint32 given);
    /// @notice Thrown when a header is inconsistent (no receipts, no pages, or a protocol fee out of bounds).
    error RewardsInvalidHeader(uint64 epoch);
    /// @notice Thrown when the header's protocol fee rate is neither the current one nor the
    ///         previous one within the change grace.
    error RewardsWrongProtocolFeeBps(uint16 given, uint16 current);
    /// @notice Thrown when debits exceed the header's total, or fall short of it on the last page.
    error RewardsDebitMismatch(uint256 debited, uint256 totalFee);
    /// @notice Thrown when payers are not ascending across the pages of an epoch.
    error RewardsUnsortedPayers(address previous, address payer);
    /// @notice Thrown when a node already has too many epochs in their challenge window.
    error RewardsTooManyPendingEpochs(uint64 pending);
    /// @notice Thrown when claiming against an epoch that is not final or was voided.
    error RewardsEpochNotClaimable(address node, uint64 epoch);
    /// @notice Thrown when a Merkle proof does not verify.
    error RewardsInvalidProof(address node, uint64 epoch, address account);
    /// @notice Thrown when the cumulative amount has already been claimed.
    error RewardsNothingToClaim(address account, uint256 cumulativeAmount, uint256 claimed);
    /// @notice Thrown when a claim would pay out more than the node's epochs funded (a bad root).
    error RewardsExceedsFunding(address node, uint256 requested, uint256 available);
    /// @notice Thrown when challenging an epoch that is not settled or whose window has passed.
    error RewardsNotChallengeable(address node, uint64 epoch);
    /// @notice Thrown when resolving an epoch that is not challenged.
    error RewardsNotChallenged(address node, uint64 epoch);
    /// @notice Thrown when refunding an epoch that is not voided, or a page already refunded or wrong.
    error RewardsInvalidRefund(address node, uint64 epoch, uint32 page);
    /// @notice Thrown when an open epoch is voided as stale before it has been open long enough.
    error RewardsEpochNotStale(address node, uint64 epoch, uint64 staleAt);
    /// @notice Thrown when the node has no open epoch to abandon.
    error RewardsNoOpenEpoch(address node);
    /// @notice Thrown when an address argument is zero.
    error RewardsZeroAddress();
    /// @notice Thrown when a parameter is out of range.
    error RewardsInvalidParameter();
    /// @notice Thrown when payer and amount arrays differ in length.
    error RewardsLengthMismatch(uint256 payers, uint256 amounts);

    /// @notice Emitted when a node opens an epoch (its first page).
    event EpochOpened(
        address indexed node,
        uint64 indexed epoch,
        bytes32 receiptsRoot,
        bytes32 creditsRoot,
        uint64 receiptCount,
        uint128 totalFee,
        uint128 protocolFee,
        uint32 pageCount,
        string dataUri
    );
    /// @notice Emitted for each page of debits.
    event EpochPageSettled(
        address indexed node, uint64 indexed epoch, uint32 page, uint256 payers, uint256 debited, bytes32 pageHash
    );
    /// @notice Emitted when the last page lands; the challenge window starts.
    event EpochSettled(address indexed node, uint64 indexed epoch, uint64 claimableAt, uint128 cumulativeFunded);
    /// @notice Emitted when an epoch passes its window unchallenged; its protocol fee is accrued.
    event EpochFinalized(address indexed node, uint64 indexed epoch);
    /// @notice Emitted when an epoch is challenged.
    event EpochChallenged(address indexed node, uint64 indexed epoch, address indexed challenger, bytes32 evidenceHash);
    /// @notice Emitted when governance upholds a challenge: the epoch and later ones are voided.
    event ChallengeUpheld(address indexed node, uint64 indexed epoch, address indexed challenger, bytes32 reason);
    /// @notice Emitted when governance rejects a challenge; the bond goes to the treasury.
    event ChallengeRejected(address indexed node, uint64 indexed epoch, bytes32 reason);
    /// @notice Emitted when an epoch is voided (by an upheld challenge, cascading to later epochs, or abandoned).
    event EpochVoided(address indexed node, uint64 indexed epoch, bytes32 reason);
    /// @notice Emitted when a page of a voided epoch is refunded to its payers.
    event VoidedPageRefunded(address indexed node, uint64 indexed epoch, uint32 page, uint256 amount);
    /// @notice Emitted on every claim.
    event Claimed(
        address indexed node, address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount
    );
    /// @notice Emitted when accrued protocol fees go to the treasury.
    event ProtocolFeesSwept(address indexed treasury, uint256 amount);
    /// @notice Emitted when governance changes a parameter.
    event ParametersSet(
        uint16 protocolFeeBps, uint64 challengeWindow, uint96 challengeBond, uint64 maxPendingEpochs, address treasury
    );

    /// @notice The epoch `epoch` of `node`.
    function getEpoch(address node, uint64 epoch) external view returns (Epoch memory);
    /// @notice The settlement state of `node`.
    function getNodeState(address node) external view returns (NodeState memory);
    /// @notice What `account` has claimed from `node`.
    function claimed(address node, address account) external view returns (uint256);
}
