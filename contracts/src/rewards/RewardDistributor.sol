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
/// @dev Money invariants this contract keeps on its own, whatever root a node submits:
///      - a payer is debited only through PaymentEscrow (within cap, expiry and balance), once
///        per epoch (payers strictly ascending across pages);
///      - a node's recipients can never claim more than that node's valid epochs funded
///        (`cumulativeFunded`), so a bad root cannot drain other nodes' money;
///      - a voided epoch never pays: challenges freeze finality, voids cascade to every later
///        epoch of the node (their roots include the voided credits) and its debits are refundable.
contract RewardDistributor is IRewardDistributor, Ownable2Step {
    using SafeERC20 for IERC20;

    uint256 private constant _BPS = 10_000;
    /// @notice How long after a protocol fee change receipts priced at the old rate still settle.
    uint64 public constant FEE_CHANGE_GRACE = 1 days;
    /// @notice After this long an epoch still open (its node stopped mid-settlement) can be voided by
    ///         anyone, so its payers' debits are never stuck.
    uint64 public constant STALE_OPEN_EPOCH = 3 days;

    /// @notice The payment token.
    IERC20 public immutable token;
    /// @notice Where payers' deposits are.
    IPaymentEscrow public immutable escrow;
    /// @notice Where nodes stake.
    INodeRegistry public immutable nodes;

    /// @notice Protocol fee in basis points of every call's fee.
    uint16 public protocolFeeBps;
    /// @notice The rate before the last change (accepted for `FEE_CHANGE_GRACE`).
    uint16 public previousProtocolFeeBps;
    /// @notice When the protocol fee rate last changed.
    uint64 public protocolFeeChangedAt;
    /// @notice Seconds a settled epoch can be challenged before its root is final.
    uint64 public challengeWindow;
    /// @notice Most epochs a node may have settled but not yet final (bounds every loop here).
    uint64 public maxPendingEpochs;
    /// @notice Tokens a challenger posts.
    uint96 public challengeBond;
    /// @notice Receives protocol fees and forfeited challenge bonds.
    address public treasury;
    /// @notice Protocol fees of final epochs and forfeited bonds, waiting for `sweepProtocolFees`.
    uint256 public protocolFeesAccrued;

    mapping(address node => NodeState) private _nodeStates;
    mapping(address node => mapping(uint64 epoch => Epoch)) private _epochs;
    mapping(address node => mapping(uint64 epoch => mapping(uint32 page => bytes32))) private _pageHashes;
    mapping(address node => mapping(address account => uint256)) private _claimed;

    /// @notice Initial parameters.
    struct Parameters {
        uint16 protocolFeeBps;
        uint64 challengeWindow;
        uint96 challengeBond;
        uint64 maxPendingEpochs;
        address treasury;
    }

    constructor(IERC20 token_, IPaymentEscrow escrow_, INodeRegistry nodes_, address governance, Parameters memory params)
        Ownable(governance)
    {
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
    function settleEpoch(EpochHeader calldata header, uint32 page, address[] calldata payers, uint128[] calldata amounts)
        external
    {
        if (!nodes.isActive(msg.sender)) revert RewardsNodeNotActive(msg.sender);
        if (payers.length != amounts.length) revert RewardsLengthMismatch(payers.length, amounts.length);
        NodeState storage state = _nodeStates[msg.sender];
        Epoch storage epoch;
        if (page == 0) {
            epoch = _openEpoch(msg.sender, state, header);
        } else {
            epoch = _epochs[msg.sender][header.epoch];
            if (header.epoch != state.lastEpoch || epoch.status != EpochStatus.Open) {
                revert RewardsInvalidEpoch(state.lastEpoch, header.epoch);
            }
            if (epoch.headerHash != keccak256(abi.encode(header))) revert RewardsHeaderMismatch(header.epoch);
            if (page != epoch.pagesDone) revert RewardsInvalidPage(epoch.pagesDone, page);
        }

        if (payers.length > 0) {
            if (payers[0] <= epoch.lastPayer) revert RewardsUnsortedPayers(epoch.lastPayer, payers[0]);
            epoch.lastPayer = payers[payers.length - 1];
        }
        uint256 debited = escrow.debit(msg.sender, payers, amounts);
        uint256 totalDebited = epoch.debited + debited;
        if (totalDebited > header.totalFee) revert RewardsDebitMismatch(totalDebited, header.totalFee);
        // casting to 'uint128' is safe because totalDebited <= header.totalFee, a uint128
        // forge-lint: disable-next-line(unsafe-typecast)
        epoch.debited = uint128(totalDebited);
        bytes32 recorded = keccak256(abi.encode(payers, amounts));
        _pageHashes[msg.sender][header.epoch][page] = recorded;
        epoch.pagesDone = page + 1;
        emit EpochPageSettled(msg.sender, header.epoch, page, payers.length, debited, recorded);

        if (epoch.pagesDone == epoch.pageCount) _closeEpoch(msg.sender, state, epoch, header.epoch);
    }

    /// @notice The caller gives up its open epoch (a page it cannot settle); it is voided and
    ///         the pages already debited become refundable.
    function abandonOpenEpoch() external {
        NodeState storage state = _nodeStates[msg.sender];
        uint64 last = state.lastEpoch;
        if (last == 0 || _epochs[msg.sender][last].status != EpochStatus.Open) revert RewardsNoOpenEpoch(msg.sender);
        _void(msg.sender, state, last, "abandoned");
    }

    /// @notice Voids `node`'s epoch that has stayed open for `STALE_OPEN_EPOCH` (its node stopped
    ///         mid-settlement); its debited pages become refundable. Anyone may call.
    function voidStaleEpoch(address node) external {
        NodeState storage state = _nodeStates[node];
        uint64 last = state.lastEpoch;
        Epoch storage epoch = _epochs[node][last];
        if (last == 0 || epoch.status != EpochStatus.Open) revert RewardsNoOpenEpoch(node);
        // While open, settledAt holds the time the epoch was opened.
        uint64 staleAt = epoch.settledAt + STALE_OPEN_EPOCH;
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
    function claim(address node, uint64 epoch, address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
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

    /// @notice Challenges `node`'s settled epoch within its window, posting `challengeBond`.
    ///         The epoch and every later one of the node stop becoming final until governance decides.
    /// @param evidenceHash Hash of the published evidence (e.g. a `verify-epoch` report).
    function challenge(address node, uint64 epoch, bytes32 evidenceHash) external {
        Epoch storage stored = _epochs[node][epoch];
        if (stored.status != EpochStatus.Settled || block.timestamp >= stored.claimableAt) {
            revert RewardsNotChallengeable(node, epoch);
        }
        uint96 bond = challengeBond;
        NodeState storage state = _nodeStates[node];
        if (state.openChallenges == 0 || epoch < state.frozenFrom) state.frozenFrom = epoch;
        ++state.openChallenges;
        stored.status = EpochStatus.Challenged;
        stored.challenger = msg.sender;
        stored.challengeBond = bond;
        if (bond > 0) token.safeTransferFrom(msg.sender, address(this), bond);
        emit EpochChallenged(node, epoch, msg.sender, evidenceHash);
    }

    /// @notice Governance decides a challenge. Upheld: the epoch and every later epoch of the
    ///         node are voided, challengers get their bonds back, payers become refundable
    ///         (slash the node in the same proposal through NodeRegistry). Rejected: the epoch
    ///         is settled again and the bond goes to the treasury.
    function resolveChallenge(address node, uint64 epoch, bool upheld, bytes32 reason) external onlyOwner {
        Epoch storage stored = _epochs[node][epoch];
        if (stored.status != EpochStatus.Challenged) revert RewardsNotChallenged(node, epoch);
        NodeState storage state = _nodeStates[node];
        if (upheld) {
            emit ChallengeUpheld(node, epoch, stored.challenger, reason);
            _void(node, state, epoch, reason);
        } else {
            stored.status = EpochStatus.Settled;
            protocolFeesAccrued += stored.challengeBond;
            stored.challengeBond = 0;
            // Other challenges keep the freeze where it is (conservative) until all are decided.
            if (--state.openChallenges == 0) state.frozenFrom = 0;
            emit ChallengeRejected(node, epoch, reason);
        }
    }

    /// @notice Returns one page of a voided epoch's debits to the payers' escrow balances. Anyone
    ///         may call with the page exactly as it was settled.
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

    /// @notice Sets the protocol parameters (governance).
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
    function splitByWeights(uint256 amount, uint256[] calldata weights) external pure returns (uint256[] memory) {
        return FeeSplit.largestRemainder(amount, weights);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRewardDistributor
    function getEpoch(address node, uint64 epoch) external view returns (Epoch memory) {
        return _epochs[node][epoch];
    }

    /// @inheritdoc IRewardDistributor
    function getNodeState(address node) external view returns (NodeState memory) {
        return _nodeStates[node];
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
        uint64 expected = state.lastEpoch + 1;
        if (header.epoch != expected) revert RewardsInvalidEpoch(expected, header.epoch);
        if (state.lastEpoch != 0 && _epochs[node][state.lastEpoch].status == EpochStatus.Open) {
            revert RewardsInvalidEpoch(state.lastEpoch, header.epoch);
        }
        _checkHeader(header);
        uint64 pending = state.lastEpoch - _advance(node, state, maxPendingEpochs);
        if (pending >= maxPendingEpochs) revert RewardsTooManyPendingEpochs(pending);

        state.lastEpoch = expected;
        epoch = _epochs[node][expected];
        epoch.receiptsRoot = header.receiptsRoot;
        epoch.creditsRoot = header.creditsRoot;
        epoch.headerHash = keccak256(abi.encode(header));
        epoch.totalFee = header.totalFee;
        epoch.protocolFee = header.protocolFee;
        epoch.pageCount = header.pageCount;
        epoch.settledAt = uint64(block.timestamp); // the opening time, until the epoch closes
        epoch.status = EpochStatus.Open;
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
                && (bps != previousProtocolFeeBps || block.timestamp > protocolFeeChangedAt + FEE_CHANGE_GRACE)
        ) revert RewardsWrongProtocolFeeBps(bps, protocolFeeBps);
        // Receipts' protocol shares are cumulative within an epoch, so together they are exactly
        // the protocol's share of the total: checked here, not taken on trust.
        if (
            header.receiptCount == 0 || header.pageCount == 0
                || header.protocolFee != FeeSplit.protocolShare(header.totalFee, bps)
        ) revert RewardsInvalidHeader(header.epoch);
    }

    function _closeEpoch(address node, NodeState storage state, Epoch storage epoch, uint64 number) private {
        if (epoch.debited != epoch.totalFee) revert RewardsDebitMismatch(epoch.debited, epoch.totalFee);
        uint64 claimableAt = uint64(block.timestamp) + challengeWindow;
        // Finality must be monotone in epoch order even if the window was shortened meanwhile.
        uint64 previousClaimableAt = number > 1 ? _epochs[node][number - 1].claimableAt : 0;
        if (previousClaimableAt > claimableAt) claimableAt = previousClaimableAt;
        state.cumulativeFunded += epoch.totalFee - epoch.protocolFee;
        epoch.cumulativeFunded = state.cumulativeFunded;
        epoch.settledAt = uint64(block.timestamp);
        epoch.claimableAt = claimableAt;
        epoch.status = EpochStatus.Settled;
        emit EpochSettled(node, number, claimableAt, state.cumulativeFunded);
    }

    /// @dev Moves the finality pointer over epochs that passed their window unchallenged
    ///      (accruing their protocol fees) and over voided ones. Stops at the first epoch that is
    ///      open, challenged or still in its window. Returns the new pointer.
    function _advance(address node, NodeState storage state, uint64 maxSteps) private returns (uint64 finalized) {
        finalized = state.finalizedEpoch;
        uint64 last = state.lastEpoch;
        uint256 accrued;
        for (uint64 steps; steps < maxSteps && finalized < last; ++steps) {
            Epoch storage next = _epochs[node][finalized + 1];
            if (next.status == EpochStatus.Settled && block.timestamp >= next.claimableAt) {
                accrued += next.protocolFee;
                emit EpochFinalized(node, finalized + 1);
            } else if (next.status != EpochStatus.Voided) {
                break;
            }
            ++finalized;
        }
        if (finalized != state.finalizedEpoch) state.finalizedEpoch = finalized;
        if (accrued > 0) protocolFeesAccrued += accrued;
    }

    /// @dev Voids `from` and every later epoch of `node` (each later root builds on the voided one),
    ///      returning challengers' bonds. Bounded: everything from `from` on is unfinal, and at most
    ///      `maxPendingEpochs` are. Challenges before `from` stay open.
    function _void(address node, NodeState storage state, uint64 from, bytes32 reason) private {
        uint64 last = state.lastEpoch;
        uint256 unfunded;
        for (uint64 number = from; number <= last; ++number) {
            Epoch storage epoch = _epochs[node][number];
            EpochStatus status = epoch.status;
            if (status == EpochStatus.Voided) continue;
            if (status == EpochStatus.Settled || status == EpochStatus.Challenged) {
                unfunded += epoch.totalFee - epoch.protocolFee;
            }
            epoch.status = EpochStatus.Voided;
            if (status == EpochStatus.Challenged) {
                --state.openChallenges;
                uint96 bond = epoch.challengeBond;
                epoch.challengeBond = 0;
                if (bond > 0) token.safeTransfer(epoch.challenger, bond);
            }
            emit EpochVoided(node, number, reason);
        }
        if (state.openChallenges == 0) state.frozenFrom = 0;
        state.cumulativeFunded -= SafeCast.toUint128(unfunded);
    }

    function _claim(address node, uint64 epoch, address account, uint256 cumulativeAmount, bytes32[] calldata proof)
        private
        returns (uint256 amount)
    {
        // Final = settled, past its window, and not at or after an open challenge: every earlier
        // epoch is then final too (windows end in epoch order; voids cascade forward), so claims
        // need not walk the finality pointer.
        NodeState storage state = _nodeStates[node];
        Epoch storage stored = _epochs[node][epoch];
        if (
            stored.status != EpochStatus.Settled || block.timestamp < stored.claimableAt
                || (state.openChallenges > 0 && epoch >= state.frozenFrom)
        ) revert RewardsEpochNotClaimable(node, epoch);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, stored.creditsRoot, leaf)) {
            revert RewardsInvalidProof(node, epoch, account);
        }
        uint256 already = _claimed[node][account];
        if (cumulativeAmount <= already) revert RewardsNothingToClaim(account, cumulativeAmount, already);
        amount = cumulativeAmount - already;
        uint256 totalClaimed = state.totalClaimed + amount;
        if (totalClaimed > stored.cumulativeFunded) {
            revert RewardsExceedsFunding(node, amount, stored.cumulativeFunded - state.totalClaimed);
        }
        _claimed[node][account] = cumulativeAmount;
        // casting to 'uint128' is safe because totalClaimed <= stored.cumulativeFunded, a uint128
        // forge-lint: disable-next-line(unsafe-typecast)
        state.totalClaimed = uint128(totalClaimed);
        token.safeTransfer(account, amount);
        emit Claimed(node, account, epoch, amount, cumulativeAmount);
    }

    function _setParameters(Parameters memory params) private {
        // A zero window would disable fraud proofs; a zero bond would make freezing payouts free.
        if (
            params.protocolFeeBps > _BPS || params.maxPendingEpochs == 0 || params.maxPendingEpochs > 1024
                || params.challengeWindow == 0 || params.challengeBond == 0
        ) revert RewardsInvalidParameter();
        if (params.treasury == address(0)) revert RewardsZeroAddress();
        protocolFeeBps = params.protocolFeeBps;
        challengeWindow = params.challengeWindow;
        challengeBond = params.challengeBond;
        maxPendingEpochs = params.maxPendingEpochs;
        treasury = params.treasury;
        emit ParametersSet(
            params.protocolFeeBps, params.challengeWindow, params.challengeBond, params.maxPendingEpochs, params.treasury
        );
    }
}
