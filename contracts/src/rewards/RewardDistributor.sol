// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {INodeRegistry} from "../nodes/INodeRegistry.sol";
import {IPaymentEscrow} from "../payments/IPaymentEscrow.sol";
import {FeeSplit} from "./FeeSplit.sol";
import {IRewardDistributor} from "./IRewardDistributor.sol";

/// @title RewardDistributor
/// @notice Settles nodes' epochs and pays recipients by cumulative Merkle claims.
/// @dev Money invariants this contract keeps on its own, whatever root a node submits and
///      whatever parameters governance sets:
///      - a payer is debited only through PaymentEscrow (within cap, authorization and balance),
///        once per epoch (payers strictly ascending across pages);
///      - finality is monotone per node: an epoch's window never ends before an earlier epoch's
///        (`lastClaimableAt`), so once an epoch is claimable no earlier epoch can still be voided;
///      - per-node accounting: a node's claims, refunds and protocol fees come out of what that
///        node's payers paid in (`held`), never out of another node's money;
///      - a node's recipients never claim more than its final epochs funded (`cumulativeFunded`);
///      - a challenge freezes payouts only until its deadline: governance upholds it by then or it
///        lapses by rule; an epoch is challenged at most once, and only within its window.
contract RewardDistributor is IRewardDistributor, Ownable2Step {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 private constant _BPS = 10_000;
    /// @notice How long after a protocol fee change receipts priced at the old rate still settle.
    uint64 public constant FEE_CHANGE_GRACE = 1 days;
    /// @notice After this long an epoch still open (its node stopped mid-settlement) can be voided by
    ///         anyone, so its payers' debits are never stuck.
    uint64 public constant STALE_OPEN_EPOCH = 3 days;
    /// @notice Upper bound of `maxPendingEpochs`: bounds every loop here (a cascading void over
    ///         this many challenged epochs stays far below 15 M gas; see the gas tests).
    uint64 public constant MAX_PENDING_EPOCHS = 1024;
    /// @notice Longest challenge window or resolution period governance may set.
    uint64 public constant MAX_PERIOD = 60 days;
    /// @notice Most payers in one page of debits (and so in one refund): refunding a full page to
    ///         payers whose balances were emptied (each slot written from zero) stays under 15 M gas.
    uint256 public constant MAX_PAGE_PAYERS = 400;

    /// @notice The payment token (its supply must fit 96 bits, as the node ledgers do).
    IERC20 public immutable token;
    /// @notice Where payers' deposits are.
    IPaymentEscrow public immutable escrow;
    /// @notice Where nodes stake (and are slashed when a challenge is upheld).
    INodeRegistry public immutable nodes;

    /// @notice Protocol fee in basis points of every call's fee.
    uint16 public protocolFeeBps;
    /// @notice The rate before the last change (accepted for `FEE_CHANGE_GRACE`).
    uint16 public previousProtocolFeeBps;
    /// @notice When the protocol fee rate last changed.
    uint64 public protocolFeeChangedAt;
    /// @notice Seconds a settled epoch can be challenged before its root is final.
    uint64 public challengeWindow;
    /// @notice Most epochs a node may have settled but not yet final.
    uint64 public maxPendingEpochs;
    /// @notice Seconds governance has to uphold a challenge before it lapses.
    uint64 public resolutionPeriod;
    /// @notice The smallest challenge bond.
    uint96 public challengeBondMin;
    /// @notice The bond as a share (bps) of the recipients' funds a challenge freezes, if above the minimum.
    uint16 public challengeBondBps;
    /// @notice Receives protocol fees and forfeited challenge bonds.
    address public treasury;
    /// @notice Protocol fees of final epochs and forfeited bonds, waiting for `sweepProtocolFees`.
    uint256 public protocolFeesAccrued;
    /// @notice Challenge bonds held (open challenges, and bonds of cascaded voids not yet returned).
    uint256 public bondsHeld;

    mapping(address node => NodeState) private _nodeStates;
    mapping(address node => mapping(uint64 epoch => Epoch)) private _epochs;
    mapping(address node => mapping(uint64 epoch => Challenge)) private _challenges;
    mapping(address node => mapping(uint64 epoch => mapping(uint32 page => bytes32))) private _pageHashes;
    mapping(address node => mapping(address account => uint256)) private _claimed;

    /// @notice Governance parameters.
    struct Parameters {
        uint16 protocolFeeBps;
        uint64 challengeWindow;
        uint96 challengeBondMin;
        uint16 challengeBondBps;
        uint64 resolutionPeriod;
        uint64 maxPendingEpochs;
        address treasury;
    }

    constructor(
        IERC20 token_,
        IPaymentEscrow escrow_,
        INodeRegistry nodes_,
        address governance,
        Parameters memory params
    ) Ownable(governance) {
        if (token_.totalSupply() > type(uint96).max) revert RewardsInvalidParameter();
        token = token_;
        escrow = escrow_;
        nodes = nodes_;
        _setParameters(params);
        previousProtocolFeeBps = params.protocolFeeBps;
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Settles one page of debits of the caller's epoch `header.epoch`. Page 0 opens the
    ///         epoch (the next after the node's last); the last page (`pageCount - 1`) checks that
    ///         the debits add up to `totalFee` and starts the challenge window.
    function settleEpoch(
        EpochHeader calldata header,
        uint32 page,
        address[] calldata payers,
        uint128[] calldata amounts
    ) external {
        if (!nodes.isActive(msg.sender)) revert RewardsNodeNotActive(msg.sender);
        if (payers.length != amounts.length) revert RewardsLengthMismatch(payers.length, amounts.length);
        if (payers.length > MAX_PAGE_PAYERS) revert RewardsPageTooLarge(payers.length, MAX_PAGE_PAYERS);
        NodeState storage state = _nodeStates[msg.sender];
        Epoch storage epoch;
        uint256 debitedBefore;
        if (page == 0) {
            epoch = _openEpoch(msg.sender, state, header);
        } else {
            epoch = _epochs[msg.sender][header.epoch];
            if (header.epoch != state.lastEpoch || epoch.status != EpochStatus.Open) {
                revert RewardsInvalidEpoch(state.lastEpoch, header.epoch);
            }
            if (epoch.headerHash != keccak256(abi.encode(header))) {
                revert RewardsHeaderMismatch(header.epoch);
            }
            if (page != epoch.pagesDone) revert RewardsInvalidPage(epoch.pagesDone, page);
            if (payers.length > 0 && payers[0] <= epoch.lastPayer) {
                revert RewardsUnsortedPayers(epoch.lastPayer, payers[0]);
            }
            debitedBefore = epoch.debited;
        }

        uint256 debited = escrow.debit(msg.sender, payers, amounts);
        uint256 totalDebited = debitedBefore + debited;
        if (totalDebited > header.totalFee) revert RewardsDebitMismatch(totalDebited, header.totalFee);
        state.held += debited.toUint96();
        bytes32 recorded = keccak256(abi.encode(payers, amounts));
        _pageHashes[msg.sender][header.epoch][page] = recorded;
        emit EpochPageSettled(msg.sender, header.epoch, page, payers.length, debited, recorded);

        if (page + 1 == header.pageCount) {
            if (totalDebited != header.totalFee) revert RewardsDebitMismatch(totalDebited, header.totalFee);
            epoch.debited = header.totalFee;
            _closeEpoch(msg.sender, state, epoch, header.epoch);
        } else {
            // casting to 'uint128' is safe because totalDebited <= header.totalFee, a uint128
            // forge-lint: disable-next-line(unsafe-typecast)
            epoch.debited = uint128(totalDebited);
            epoch.pagesDone = page + 1;
            if (payers.length > 0) epoch.lastPayer = payers[payers.length - 1];
        }
    }

    /// @notice The caller gives up its open epoch (a page it cannot settle); it is voided and
    ///         the pages already debited become refundable.
    function abandonOpenEpoch() external {
        NodeState storage state = _nodeStates[msg.sender];
        uint64 last = state.lastEpoch;
        if (last == 0 || _epochs[msg.sender][last].status != EpochStatus.Open) {
            revert RewardsNoOpenEpoch(msg.sender);
        }
        _void(msg.sender, state, last, "abandoned");
    }

    /// @notice Voids `node`'s epoch that has stayed open for `STALE_OPEN_EPOCH` (its node stopped
    ///         mid-settlement); its debited pages become refundable. Anyone may call.
    function voidStaleEpoch(address node) external {
        NodeState storage state = _nodeStates[node];
        uint64 last = state.lastEpoch;
        Epoch storage epoch = _epochs[node][last];
        if (last == 0 || epoch.status != EpochStatus.Open) revert RewardsNoOpenEpoch(node);
        uint64 staleAt = epoch.openedAt + STALE_OPEN_EPOCH;
        if (block.timestamp < staleAt) revert RewardsEpochNotStale(node, last, staleAt);
        _void(node, state, last, "stale");
    }

    /// @notice Advances `node`'s finality pointer by up to `maxSteps` epochs, accruing the
    ///         protocol fees of epochs that became final (settlements do this too).
    function finalize(address node, uint64 maxSteps) external {
        _advance(node, _nodeStates[node], maxSteps);
    }

    // ---------------------------------------------------------------- claims

    /// @notice Pays `account` its cumulative credit from `node` as of final epoch `epoch`, minus
    ///         what it claimed before. Anyone may call; the tokens go to `account`.
    /// @return amount What was paid.
    function claim(
        address node,
        uint64 epoch,
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external returns (uint256 amount) {
        return _claim(node, epoch, account, cumulativeAmount, proof);
    }

    /// @notice Several claims in one transaction, e.g. one account's credits from several nodes.
    ///         Entries already claimed (perhaps by someone else meanwhile) are skipped.
    /// @return total What was paid in all.
    function claimMany(Claim[] calldata claims) external returns (uint256 total) {
        for (uint256 i; i < claims.length; ++i) {
            Claim calldata c = claims[i];
            if (c.cumulativeAmount <= _claimed[c.node][c.account]) continue;
            total += _claim(c.node, c.epoch, c.account, c.cumulativeAmount, c.proof);
        }
    }

    // ---------------------------------------------------------------- challenges

    /// @notice Challenges `node`'s settled epoch within its window, posting `challengeBondFor`.
    ///         The epoch and every later one of the node stop becoming final until governance
    ///         decides or the challenge lapses at `resolveBy`. An epoch is challenged at most once.
    /// @param evidenceHash Hash of the published evidence (e.g. a `verify-epoch` report).
    function challenge(address node, uint64 epoch, bytes32 evidenceHash) external {
        Epoch storage stored = _epochs[node][epoch];
        Challenge storage record = _challenges[node][epoch];
        if (
            stored.status != EpochStatus.Settled || block.timestamp >= stored.claimableAt
                || record.resolveBy != 0
        ) {
            revert RewardsNotChallengeable(node, epoch);
        }
        uint96 bond = challengeBondFor(node, epoch).toUint96();
        NodeState storage state = _nodeStates[node];
        if (state.frozenFrom == 0 || epoch < state.frozenFrom) state.frozenFrom = epoch;
        ++state.openChallenges;
        stored.status = EpochStatus.Challenged;
        uint64 resolveBy = uint64(block.timestamp) + resolutionPeriod;
        _challenges[node][epoch] = Challenge({challenger: msg.sender, bond: bond, resolveBy: resolveBy});
        bondsHeld += bond;
        token.safeTransferFrom(msg.sender, address(this), bond);
        emit EpochChallenged(node, epoch, msg.sender, evidenceHash, bond, resolveBy);
    }

    /// @notice Governance decides a challenge before its deadline. Upheld: the epoch and every
    ///         later epoch of the node are voided, payers become refundable, and the challenger
    ///         gets its bond back plus as much again slashed from the node's stake. Rejected: the
    ///         epoch is settled again and the bond goes to the treasury.
    function resolveChallenge(address node, uint64 epoch, bool upheld, bytes32 reason) external onlyOwner {
        if (_epochs[node][epoch].status != EpochStatus.Challenged) revert RewardsNotChallenged(node, epoch);
        Challenge storage record = _challenges[node][epoch];
        if (block.timestamp > record.resolveBy) revert RewardsChallengeLapsed(node, epoch, record.resolveBy);
        if (upheld) {
            _uphold(node, epoch, record, reason);
        } else {
            _dismiss(node, epoch, record);
            emit ChallengeRejected(node, epoch, reason);
        }
    }

    /// @notice After its deadline an undecided challenge lapses by rule: the epoch is settled
    ///         again (its node's payouts resume) and the bond goes to the treasury. Anyone may call.
    function expireChallenge(address node, uint64 epoch) external {
        if (_epochs[node][epoch].status != EpochStatus.Challenged) revert RewardsNotChallenged(node, epoch);
        Challenge storage record = _challenges[node][epoch];
        if (block.timestamp <= record.resolveBy) {
            revert RewardsChallengePending(node, epoch, record.resolveBy);
        }
        _dismiss(node, epoch, record);
        emit ChallengeLapsed(node, epoch);
    }

    /// @notice Returns the bond of a challenge whose epoch was voided by an earlier epoch's upheld
    ///         challenge (the cascade does not pay bonds, so that it stays cheap). Anyone may call.
    function returnChallengeBond(address node, uint64 epoch) external {
        Challenge storage record = _challenges[node][epoch];
        uint96 bond = record.bond;
        if (_epochs[node][epoch].status != EpochStatus.Voided || bond == 0) {
            revert RewardsNoBondToReturn(node, epoch);
        }
        record.bond = 0;
        bondsHeld -= bond;
        token.safeTransfer(record.challenger, bond);
        emit ChallengeBondReturned(node, epoch, record.challenger, bond);
    }

    /// @notice Returns one page of a voided epoch's debits to the payers' escrow balances and
    ///         allowances. Anyone may call with the page exactly as it was settled.
    function refundVoidedPage(
        address node,
        uint64 epoch,
        uint32 page,
        address[] calldata payers,
        uint128[] calldata amounts
    ) external {
        bytes32 recorded = _pageHashes[node][epoch][page];
        if (
            _epochs[node][epoch].status != EpochStatus.Voided || recorded == bytes32(0)
                || recorded != keccak256(abi.encode(payers, amounts))
        ) revert RewardsInvalidRefund(node, epoch, page);
        delete _pageHashes[node][epoch][page];
        uint256 total;
        for (uint256 i; i < amounts.length; ++i) {
            total += amounts[i];
        }
        _takeHeld(node, _nodeStates[node], total);
        if (total > 0) token.safeTransfer(address(escrow), total);
        escrow.refund(node, payers, amounts);
        emit VoidedPageRefunded(node, epoch, page, total);
    }

    // ---------------------------------------------------------------- protocol

    /// @notice Sends accrued protocol fees to the treasury. Anyone may call.
    function sweepProtocolFees() external {
        uint256 amount = protocolFeesAccrued;
        protocolFeesAccrued = 0;
        if (amount > 0) token.safeTransfer(treasury, amount);
        emit ProtocolFeesSwept(treasury, amount);
    }

    /// @notice Sets the protocol parameters (governance). Epochs already settled keep their
    ///         windows and challenges their deadlines.
    function setParameters(Parameters calldata params) external onlyOwner {
        if (params.protocolFeeBps != protocolFeeBps) {
            previousProtocolFeeBps = protocolFeeBps;
            protocolFeeChangedAt = uint64(block.timestamp);
        }
        _setParameters(params);
    }

    /// @notice The split of `fee` into protocol, compute, developer and data shares, exactly as
    ///         receipts compute it (`packages/protocol` mirrors this).
    function splitFee(
        uint256 fee,
        uint256 feeBefore,
        uint16 protocolFeeBps_,
        uint16 computeBps,
        uint16 developerBps,
        uint16 dataBps
    ) external pure returns (uint256 protocol, uint256 compute, uint256 developer, uint256 data) {
        return FeeSplit.split(fee, feeBefore, protocolFeeBps_, computeBps, developerBps, dataBps);
    }

    /// @notice `amount` divided in proportion to `weights` by largest remainder (ties to the lower index).
    function splitByWeights(uint256 amount, uint256[] calldata weights)
        external
        pure
        returns (uint256[] memory)
    {
        return FeeSplit.largestRemainder(amount, weights);
    }

    // ---------------------------------------------------------------- views

    /// @notice The bond a challenge of `node`'s epoch `epoch` posts now: `challengeBondBps` of the
    ///         recipients' funds it would freeze (this epoch's and every later one's), at least
    ///         `challengeBondMin`.
    function challengeBondFor(address node, uint64 epoch) public view returns (uint256) {
        Epoch storage stored = _epochs[node][epoch];
        uint256 fundedBefore = stored.cumulativeFunded - (stored.totalFee - stored.protocolFee);
        uint256 frozen = _nodeStates[node].cumulativeFunded - fundedBefore;
        uint256 scaled = frozen * challengeBondBps / _BPS;
        return scaled > challengeBondMin ? scaled : challengeBondMin;
    }

    /// @inheritdoc IRewardDistributor
    function stakeLocked(address node) external view returns (bool) {
        NodeState storage state = _nodeStates[node];
        uint64 last = state.lastEpoch;
        return state.openChallenges > 0 || block.timestamp < state.lastClaimableAt
            || (last != 0 && _epochs[node][last].status == EpochStatus.Open);
    }

    /// @inheritdoc IRewardDistributor
    function getEpoch(address node, uint64 epoch) external view returns (Epoch memory) {
        return _epochs[node][epoch];
    }

    /// @inheritdoc IRewardDistributor
    function getNodeState(address node) external view returns (NodeState memory) {
        return _nodeStates[node];
    }

    /// @inheritdoc IRewardDistributor
    function getChallenge(address node, uint64 epoch) external view returns (Challenge memory) {
        return _challenges[node][epoch];
    }

    /// @inheritdoc IRewardDistributor
    function claimed(address node, address account) external view returns (uint256) {
        return _claimed[node][account];
    }

    /// @notice The hash recorded for a settled debit page (zero once refunded or never settled).
    function pageHash(address node, uint64 epoch, uint32 page) external view returns (bytes32) {
        return _pageHashes[node][epoch][page];
    }

    // ---------------------------------------------------------------- internals

    function _openEpoch(address node, NodeState storage state, EpochHeader calldata header)
        private
        returns (Epoch storage epoch)
    {
        uint64 last = state.lastEpoch;
        uint64 expected = last + 1;
        if (header.epoch != expected) revert RewardsInvalidEpoch(expected, header.epoch);
        if (last != 0 && _epochs[node][last].status == EpochStatus.Open) {
            revert RewardsInvalidEpoch(last, header.epoch);
        }
        _checkHeader(header);
        uint64 pending = last - _advance(node, state, maxPendingEpochs);
        if (pending >= maxPendingEpochs) revert RewardsTooManyPendingEpochs(pending);

        state.lastEpoch = expected;
        // What this epoch's window would end at is a floor for every later epoch even if this one
        // is voided while open (a later cumulative root may carry its credits).
        uint64 floor = uint64(block.timestamp) + challengeWindow;
        if (floor > state.lastClaimableAt) state.lastClaimableAt = floor;
        epoch = _epochs[node][expected];
        epoch.receiptsRoot = header.receiptsRoot;
        epoch.creditsRoot = header.creditsRoot;
        epoch.totalFee = header.totalFee;
        epoch.protocolFee = header.protocolFee;
        epoch.pageCount = header.pageCount;
        epoch.openedAt = uint64(block.timestamp);
        epoch.status = EpochStatus.Open;
        // A one-page epoch closes in this call: later pages need the header hash, it does not.
        if (header.pageCount > 1) epoch.headerHash = keccak256(abi.encode(header));
        emit EpochOpened(
            node,
            expected,
            header.receiptsRoot,
            header.creditsRoot,
            header.receiptCount,
            header.totalFee,
            header.protocolFee,
            header.pageCount,
            header.dataUri
        );
    }

    function _checkHeader(EpochHeader calldata header) private view {
        uint16 bps = header.protocolFeeBps;
        if (
            bps != protocolFeeBps
                && (bps != previousProtocolFeeBps
                    || block.timestamp > protocolFeeChangedAt + FEE_CHANGE_GRACE)
        ) revert RewardsWrongProtocolFeeBps(bps, protocolFeeBps);
        // Receipts' protocol shares are cumulative within an epoch, so together they are exactly
        // the protocol's share of the total: checked here, not taken on trust.
        if (
            header.receiptCount == 0 || header.pageCount == 0
                || header.protocolFee != FeeSplit.protocolShare(header.totalFee, bps)
        ) revert RewardsInvalidHeader(header.epoch);
    }

    function _closeEpoch(address node, NodeState storage state, Epoch storage epoch, uint64 number) private {
        // Finality is monotone per node: never earlier than any epoch settled before, even one
        // voided since (its credits may be in this epoch's cumulative root) and even if the
        // window was shortened meanwhile.
        uint64 claimableAt = uint64(block.timestamp) + challengeWindow;
        uint64 floor = state.lastClaimableAt;
        if (floor > claimableAt) claimableAt = floor;
        state.lastClaimableAt = claimableAt;
        uint128 funded = state.cumulativeFunded + (epoch.totalFee - epoch.protocolFee);
        state.cumulativeFunded = funded;
        epoch.cumulativeFunded = funded;
        epoch.claimableAt = claimableAt;
        epoch.pagesDone = epoch.pageCount;
        epoch.status = EpochStatus.Settled;
        emit EpochSettled(node, number, claimableAt, funded);
    }

    /// @dev Moves the finality pointer over epochs that passed their window unchallenged
    ///      (accruing their protocol fees out of the node's holdings) and over voided ones. Stops at
    ///      the first epoch that is open, challenged or still in its window. Returns the new pointer.
    function _advance(address node, NodeState storage state, uint64 maxSteps)
        private
        returns (uint64 finalized)
    {
        finalized = state.finalizedEpoch;
        uint64 last = state.lastEpoch;
        uint256 accrued;
        for (uint64 steps; steps < maxSteps && finalized < last; ++steps) {
            Epoch storage next = _epochs[node][finalized + 1];
            EpochStatus status = next.status;
            if (status == EpochStatus.Settled && block.timestamp >= next.claimableAt) {
                accrued += next.protocolFee;
                emit EpochFinalized(node, finalized + 1);
            } else if (status != EpochStatus.Voided) {
                break;
            }
            ++finalized;
        }
        if (finalized != state.finalizedEpoch) state.finalizedEpoch = finalized;
        if (accrued > 0) {
            _takeHeld(node, state, accrued);
            protocolFeesAccrued += accrued;
        }
    }

    /// @dev Voids `from` and every later epoch of `node` (each later root builds on the voided
    ///      one). One status write per epoch and no transfers (bonds of cascaded challenges are
    ///      returned by `returnChallengeBond`), so at most `MAX_PENDING_EPOCHS` epochs cost a few
    ///      million gas. Every epoch from `from` on is unfinal, so no claim has paid from them.
    function _void(address node, NodeState storage state, uint64 from, bytes32 reason) private {
        uint64 last = state.lastEpoch;
        Epoch storage first = _epochs[node][from];
        // The funding of the valid epochs before `from` (an open epoch funded nothing yet).
        if (first.status != EpochStatus.Open) {
            state.cumulativeFunded = first.cumulativeFunded - (first.totalFee - first.protocolFee);
        }
        uint32 challenged;
        for (uint64 number = from; number <= last; ++number) {
            Epoch storage epoch = _epochs[node][number];
            EpochStatus status = epoch.status;
            if (status == EpochStatus.Voided) continue;
            if (status == EpochStatus.Challenged) ++challenged;
            epoch.status = EpochStatus.Voided;
        }
        // Every challenge at or after `from` is gone; the lowest one left (if any) is below it.
        uint32 open = state.openChallenges - challenged;
        state.openChallenges = open;
        if (open == 0) state.frozenFrom = 0;
        emit EpochsVoided(node, from, last, reason);
    }

    function _uphold(address node, uint64 epoch, Challenge storage record, bytes32 reason) private {
        address challenger = record.challenger;
        uint96 bond = record.bond;
        record.bond = 0;
        bondsHeld -= bond;
        _void(node, _nodeStates[node], epoch, reason);
        // The reward comes out of the node's stake (as much as the bond, if there is that much).
        uint256 reward = nodes.slash(node, bond, challenger, reason);
        token.safeTransfer(challenger, bond);
        emit ChallengeUpheld(node, epoch, challenger, reason, reward);
    }

    /// @dev Settles a challenged epoch again (rejected or lapsed) and forfeits the bond.
    function _dismiss(address node, uint64 epoch, Challenge storage record) private {
        _epochs[node][epoch].status = EpochStatus.Settled;
        uint96 bond = record.bond;
        record.bond = 0;
        bondsHeld -= bond;
        protocolFeesAccrued += bond;
        NodeState storage state = _nodeStates[node];
        uint32 open = state.openChallenges - 1;
        state.openChallenges = open;
        if (open == 0) {
            state.frozenFrom = 0;
        } else if (epoch == state.frozenFrom) {
            state.frozenFrom = _nextChallenged(node, epoch + 1, state.lastEpoch);
        }
    }

    /// @dev The lowest challenged epoch in `from`..`last` (there is one when challenges remain).
    ///      Bounded: every challenged epoch is unfinal, so the scan covers at most the pending epochs.
    function _nextChallenged(address node, uint64 from, uint64 last) private view returns (uint64 number) {
        for (number = from; number <= last; ++number) {
            if (_epochs[node][number].status == EpochStatus.Challenged) return number;
        }
        return 0;
    }

    function _claim(
        address node,
        uint64 epoch,
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) private returns (uint256 amount) {
        Epoch storage stored = _finalEpoch(node, epoch);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, stored.creditsRoot, leaf)) {
            revert RewardsInvalidProof(node, epoch, account);
        }
        amount = _recordClaim(node, stored.cumulativeFunded, account, cumulativeAmount);
        token.safeTransfer(account, amount);
        emit Claimed(node, account, epoch, amount, cumulativeAmount);
    }

    /// @dev The epoch if it is final: settled, past its window, and below the lowest open
    ///      challenge. Every earlier epoch is then final too (windows end in epoch order; voids
    ///      cascade forward), so claims need not walk the finality pointer.
    function _finalEpoch(address node, uint64 epoch) private view returns (Epoch storage stored) {
        stored = _epochs[node][epoch];
        uint64 frozenFrom = _nodeStates[node].frozenFrom;
        if (
            stored.status != EpochStatus.Settled || block.timestamp < stored.claimableAt
                || (frozenFrom != 0 && epoch >= frozenFrom)
        ) revert RewardsEpochNotClaimable(node, epoch);
    }

    /// @dev Records `account`'s new cumulative claim within what the node funded and holds;
    ///      returns what it is owed now.
    function _recordClaim(address node, uint256 funded, address account, uint256 cumulativeAmount)
        private
        returns (uint256 amount)
    {
        uint256 already = _claimed[node][account];
        if (cumulativeAmount <= already) revert RewardsNothingToClaim(account, cumulativeAmount, already);
        amount = cumulativeAmount - already;
        NodeState storage state = _nodeStates[node];
        // Both ledger fields share one slot: check first, then write them together (one SSTORE).
        (uint96 claimedBefore, uint96 held) = (state.totalClaimed, state.held);
        uint256 totalClaimed = claimedBefore + amount;
        if (totalClaimed > funded) {
            // Later epochs' claims may already exceed what this older epoch funded: nothing is left.
            revert RewardsExceedsFunding(node, amount, funded > claimedBefore ? funded - claimedBefore : 0);
        }
        if (amount > held) revert RewardsNodeUnderfunded(node, amount, held);
        _claimed[node][account] = cumulativeAmount;
        // casting to 'uint96' is safe because amount <= held and totalClaimed <= funded, both
        // within the token's supply (96 bits)
        // forge-lint: disable-next-line(unsafe-typecast)
        state.totalClaimed = uint96(totalClaimed);
        // forge-lint: disable-next-line(unsafe-typecast)
        state.held = held - uint96(amount);
    }

    /// @dev Takes `amount` out of what the distributor holds for `node`.
    function _takeHeld(address node, NodeState storage state, uint256 amount) private {
        uint96 held = state.held;
        if (amount > held) revert RewardsNodeUnderfunded(node, amount, held);
        // casting to 'uint96' is safe because amount <= held, a uint96
        // forge-lint: disable-next-line(unsafe-typecast)
        state.held = held - uint96(amount);
    }

    function _setParameters(Parameters memory params) private {
        // A zero window would disable fraud proofs; a zero bond would make freezing payouts free;
        // a zero resolution period would let every challenge lapse at once.
        if (
            params.protocolFeeBps > _BPS || params.challengeBondBps > _BPS || params.maxPendingEpochs == 0
                || params.maxPendingEpochs > MAX_PENDING_EPOCHS || params.challengeWindow == 0
                || params.challengeWindow > MAX_PERIOD || params.challengeBondMin == 0
                || params.resolutionPeriod == 0 || params.resolutionPeriod > MAX_PERIOD
        ) revert RewardsInvalidParameter();
        if (params.treasury == address(0)) revert RewardsZeroAddress();
        protocolFeeBps = params.protocolFeeBps;
        challengeWindow = params.challengeWindow;
        challengeBondMin = params.challengeBondMin;
        challengeBondBps = params.challengeBondBps;
        resolutionPeriod = params.resolutionPeriod;
        maxPendingEpochs = params.maxPendingEpochs;
        treasury = params.treasury;
        emit ParametersSet(
            params.protocolFeeBps,
            params.challengeWindow,
            params.challengeBondMin,
            params.challengeBondBps,
            params.resolutionPeriod,
            params.maxPendingEpochs,
            params.treasury
        );
    }
}
