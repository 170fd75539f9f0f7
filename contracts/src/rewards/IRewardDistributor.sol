// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRewardDistributor
/// @notice Once per epoch a staked node settles: payers are debited (within their caps), the
///         protocol fee is set aside, and a cumulative credits Merkle root plus a receipts root
///         are recorded. After a challenge window the root is final and anyone can claim for an
///         account the difference between its cumulative credit and what it already claimed.
interface IRewardDistributor {
    /// @notice Open: pages of debits are still coming. Settled: in or past its challenge window.
    ///         Challenged: frozen until governance decides or the challenge lapses. Voided: never
    ///         pays; its debits are refundable.
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

    /// @notice A settled (or settling) epoch. Fields a claim reads share a storage slot.
    /// @param creditsRoot The cumulative credits root.
    /// @param cumulativeFunded What the node's valid epochs up to this one put in for recipients.
    /// @param claimableAt When the challenge window ends (never earlier than any earlier epoch's).
    /// @param status Where the epoch stands.
    /// @param pagesDone Pages settled so far.
    /// @param totalFee The header's total fee.
    /// @param protocolFee The header's protocol fee.
    /// @param debited Debited so far (while open; equals `totalFee` once settled).
    /// @param openedAt When page 0 landed.
    /// @param pageCount Pages the settlement takes.
    /// @param lastPayer The last payer debited (payers ascend across pages).
    /// @param receiptsRoot The receipts root.
    /// @param headerHash Hash of the header (multi-page epochs: later pages must repeat it).
    struct Epoch {
        bytes32 creditsRoot;
        uint128 cumulativeFunded;
        uint64 claimableAt;
        EpochStatus status;
        uint32 pagesDone;
        uint128 totalFee;
        uint128 protocolFee;
        uint128 debited;
        uint64 openedAt;
        uint32 pageCount;
        address lastPayer;
        bytes32 receiptsRoot;
        bytes32 headerHash;
    }

    /// @notice A node's settlement state. Amounts fit 96 bits: the token's fixed supply does.
    /// @param totalClaimed What recipients of this node have claimed.
    /// @param held What the distributor holds for this node: its debits, less claims, refunds and
    ///        protocol fees taken. Claims and refunds of the node can only come out of this.
    /// @param frozenFrom The lowest challenged epoch (0: none): it and later epochs cannot be claimed.
    /// @param lastEpoch The newest epoch opened.
    /// @param finalizedEpoch Every epoch up to this one is final (or voided); advanced lazily.
    /// @param lastClaimableAt The latest `claimableAt` of any epoch settled: the next one's floor,
    ///        so finality stays in epoch order whatever the challenge window becomes.
    /// @param openChallenges Challenges not yet decided.
    /// @param cumulativeFunded What the node's valid epochs put in for recipients (fees minus protocol fees).
    struct NodeState {
        uint96 totalClaimed;
        uint96 held;
        uint64 frozenFrom;
        uint64 lastEpoch;
        uint64 finalizedEpoch;
        uint64 lastClaimableAt;
        uint32 openChallenges;
        uint128 cumulativeFunded;
    }

    /// @notice A challenge of an epoch (kept after it is decided, so an epoch is challenged once).
    /// @param challenger Who posted the bond.
    /// @param bond The bond still held (0 once returned or forfeited).
    /// @param resolveBy Governance must uphold by then; afterwards the challenge lapses by rule.
    struct Challenge {
        address challenger;
        uint96 bond;
        uint64 resolveBy;
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
    /// @notice Thrown when a claim or refund of `node` would take more than the distributor holds
    ///         for it: one node's payouts never touch what another node funded.
    error RewardsNodeUnderfunded(address node, uint256 requested, uint256 held);
    /// @notice Thrown when challenging an epoch that is not settled, whose window has passed, or
    ///         that was challenged before.
    error RewardsNotChallengeable(address node, uint64 epoch);
    /// @notice Thrown when resolving an epoch that is not challenged.
    error RewardsNotChallenged(address node, uint64 epoch);
    /// @notice Thrown when governance decides a challenge after its deadline (it has lapsed by rule).
    error RewardsChallengeLapsed(address node, uint64 epoch, uint64 resolveBy);
    /// @notice Thrown when a challenge is declared lapsed before its deadline.
    error RewardsChallengePending(address node, uint64 epoch, uint64 resolveBy);
    /// @notice Thrown when no bond of a voided epoch's challenge is left to return.
    error RewardsNoBondToReturn(address node, uint64 epoch);
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
    /// @notice Thrown when a page lists more payers than `MAX_PAGE_PAYERS`: split it.
    error RewardsPageTooLarge(uint256 payers, uint256 max);

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
    /// @param bond The bond posted (scaled to the funds the challenge freezes).
    /// @param resolveBy Governance decides by then, or the challenge lapses.
    event EpochChallenged(
        address indexed node,
        uint64 indexed epoch,
        address indexed challenger,
        bytes32 evidenceHash,
        uint256 bond,
        uint64 resolveBy
    );
    /// @notice Emitted when governance upholds a challenge: the epoch and later ones are voided and
    ///         the challenger gets its bond back plus `reward` slashed from the node's stake.
    event ChallengeUpheld(
        address indexed node, uint64 indexed epoch, address indexed challenger, bytes32 reason, uint256 reward
    );
    /// @notice Emitted when governance rejects a challenge; the bond goes to the treasury.
    event ChallengeRejected(address indexed node, uint64 indexed epoch, bytes32 reason);
    /// @notice Emitted when a challenge passed its deadline undecided: the epoch resumes and the
    ///         bond goes to the treasury.
    event ChallengeLapsed(address indexed node, uint64 indexed epoch);
    /// @notice Emitted when the bond of a challenge whose epoch was voided by an earlier upheld
    ///         challenge goes back to its challenger.
    event ChallengeBondReturned(address indexed node, uint64 indexed epoch, address indexed challenger, uint256 bond);
    /// @notice Emitted when epochs `fromEpoch`..`toEpoch` of `node` are voided (an upheld challenge
    ///         cascades to every later epoch; an abandoned or stale open epoch is voided alone).
    event EpochsVoided(address indexed node, uint64 fromEpoch, uint64 toEpoch, bytes32 reason);
    /// @notice Emitted when a page of a voided epoch is refunded to its payers.
    event VoidedPageRefunded(address indexed node, uint64 indexed epoch, uint32 page, uint256 amount);
    /// @notice Emitted on every claim.
    event Claimed(
        address indexed node, address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount
    );
    /// @notice Emitted when accrued protocol fees go to the treasury.
    event ProtocolFeesSwept(address indexed treasury, uint256 amount);
    /// @notice Emitted when governance changes the parameters.
    event ParametersSet(
        uint16 protocolFeeBps,
        uint64 challengeWindow,
        uint96 challengeBondMin,
        uint16 challengeBondBps,
        uint64 resolutionPeriod,
        uint64 maxPendingEpochs,
        address treasury
    );

    /// @notice The epoch `epoch` of `node`.
    function getEpoch(address node, uint64 epoch) external view returns (Epoch memory);
    /// @notice The settlement state of `node`.
    function getNodeState(address node) external view returns (NodeState memory);
    /// @notice The challenge of `node`'s epoch `epoch` (zero if never challenged).
    function getChallenge(address node, uint64 epoch) external view returns (Challenge memory);
    /// @notice What `account` has claimed from `node`.
    function claimed(address node, address account) external view returns (uint256);
    /// @notice Whether `node`'s stake must stay put: a challenge is open, an epoch is still in its
    ///         challenge window, or an epoch is being settled.
    function stakeLocked(address node) external view returns (bool);
}
