// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {INodeRegistry} from "../../../src/nodes/INodeRegistry.sol";
import {TributaryToken} from "../../../src/token/TributaryToken.sol";
import {NodeRegistry} from "../../../src/nodes/NodeRegistry.sol";
import {PaymentEscrow} from "../../../src/payments/PaymentEscrow.sol";
import {IPaymentEscrow} from "../../../src/payments/IPaymentEscrow.sol";
import {RewardDistributor} from "../../../src/rewards/RewardDistributor.sol";
import {IRewardDistributor} from "../../../src/rewards/IRewardDistributor.sol";
import {FeeSplit} from "../../../src/rewards/FeeSplit.sol";
import {Merkle} from "../../utils/Merkle.sol";

/// @notice Everything the ledger handler remembers: what it published, what money moved
///         (ghosts), what it covered, and every breach it saw. The invariants read these.
abstract contract LedgerBooks is CommonBase, StdCheats, StdUtils {
    struct Page {
        address[] payers;
        uint128[] amounts;
        bool refunded;
    }

    TributaryToken internal immutable token;
    PaymentEscrow internal immutable escrow;
    RewardDistributor internal immutable distributor;
    NodeRegistry internal immutable registry;
    address internal immutable governance;
    address internal immutable holder;

    address[] public nodes;
    address[] public payers;
    address[] public recipients;
    address[2] internal challengers = [address(0xC4A1), address(0xC4A2)];

    // Published data, per node and epoch.
    mapping(address node => mapping(uint64 epoch => uint256[])) internal _credits;
    mapping(address node => mapping(uint64 epoch => Page[])) internal _pages;
    mapping(address node => mapping(uint64 epoch => bool)) public claimedFrom;
    mapping(address node => IRewardDistributor.EpochHeader) internal _openHeader;

    // Money that moved, as the handler saw it.
    mapping(address node => uint256) public ghostDebited;
    mapping(address node => uint256) public ghostClaimed;
    mapping(address node => uint256) public ghostRefunded;
    mapping(address node => mapping(address account => uint256)) public ghostPaid;
    uint256 public ghostBondsIn;
    uint256 public ghostBondsReturned;
    uint256 public ghostBondsForfeited;
    uint256 public ghostSwept;
    /// @dev Per payer and node since its last authorization: the cap, debits and refunds.
    mapping(address payer => mapping(address node => uint256)) public ghostCap;
    mapping(address payer => mapping(address node => uint256)) public ghostDebitedSince;
    mapping(address payer => mapping(address node => uint256)) public ghostRefundedSince;

    /// @dev Coverage: how often each kind of action happened (afterInvariant asserts on them).
    mapping(bytes32 => uint256) public count;
    /// @dev Handler calls in this run.
    uint256 public actions;
    /// @dev Breaches: an action that must fail succeeded, or one that must succeed failed.
    uint256 public breaches;
    bytes32 public lastBreach;

    constructor(
        TributaryToken token_,
        PaymentEscrow escrow_,
        RewardDistributor distributor_,
        NodeRegistry registry_,
        address governance_,
        address holder_
    ) {
        token = token_;
        escrow = escrow_;
        distributor = distributor_;
        registry = registry_;
        governance = governance_;
        holder = holder_;
    }

    function nodeCount() external view returns (uint256) {
        return nodes.length;
    }

    function payerCount() external view returns (uint256) {
        return payers.length;
    }

    function recipientCount() external view returns (uint256) {
        return recipients.length;
    }

    // Kept up to date after every action by `_sync`, so the invariants need not walk every epoch.
    /// @dev Debits of the node's voided epochs not yet refunded (what the distributor owes payers).
    mapping(address node => uint256) public ghostVoidedUnrefunded;
    /// @dev Protocol fees taken out of the node's holdings (its final, valid epochs' fees).
    mapping(address node => uint256) public ghostFeesTaken;
    /// @dev Epochs up to this one are final (or voided) and were checked once.
    mapping(address node => uint64) public synced;
    mapping(address node => mapping(uint64 epoch => bool)) internal _seenVoided;
    mapping(address node => uint64[]) internal _voidedToRefund;
    mapping(address node => uint64) internal _lastFinalClaimableAt;

    /// @dev Notes new voids (their unrefunded debits, their challenges' bonds) and epochs that became
    ///      final (their fees; their windows in epoch order; none of them voided after paying).
    function _sync() internal {
        for (uint256 n; n < nodes.length; ++n) {
            address node = nodes[n];
            IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
            for (uint64 e = synced[node] + 1; e <= state.lastEpoch; ++e) {
                IRewardDistributor.Epoch memory epoch = distributor.getEpoch(node, e);
                if (epoch.status == IRewardDistributor.EpochStatus.Voided && !_seenVoided[node][e]) {
                    _seenVoided[node][e] = true;
                    _voidedToRefund[node].push(e);
                    Page[] storage pages = _pages[node][e];
                    for (uint256 p; p < pages.length; ++p) {
                        if (!pages[p].refunded) ghostVoidedUnrefunded[node] += _sum(pages[p].amounts);
                    }
                    if (claimedFrom[node][e]) _breach("claimed epoch voided");
                    ++count["voided"];
                }
                if (e > state.finalizedEpoch || e != synced[node] + 1) continue;
                synced[node] = e;
                if (epoch.status == IRewardDistributor.EpochStatus.Voided) continue;
                ghostFeesTaken[node] += epoch.protocolFee;
                if (epoch.claimableAt < _lastFinalClaimableAt[node]) _breach("finality out of order");
                _lastFinalClaimableAt[node] = epoch.claimableAt;
            }
        }
    }

    function _breach(bytes32 what) internal {
        ++breaches;
        lastBreach = what;
    }

    /// @dev Everything an invalid action must leave as it was: the contracts' token balances, fees
    ///      and bonds held, each node's ledger and stake, each payer's account and allowances.
    function _fingerprint() internal view returns (bytes32 print) {
        print = keccak256(
            abi.encode(
                token.balanceOf(address(distributor)),
                token.balanceOf(address(escrow)),
                token.balanceOf(address(registry)),
                distributor.bondsHeld(),
                distributor.protocolFeesAccrued()
            )
        );
        for (uint256 n; n < nodes.length; ++n) {
            print =
                keccak256(abi.encode(print, distributor.getNodeState(nodes[n]), registry.getNode(nodes[n])));
            for (uint256 p; p < payers.length; ++p) {
                print = keccak256(
                    abi.encode(
                        print, escrow.accountOf(payers[p]), escrow.authorizationOf(payers[p], nodes[n])
                    )
                );
            }
        }
    }

    /// @dev An invalid action was refused: it must have failed with an error that says why (one
    ///      of `expected`, not a panic, a token error or an empty revert) and changed nothing.
    function _refused(bytes memory reason, bytes32 before, bytes4[] memory expected, bytes32 what) internal {
        bool known;
        if (reason.length >= 4) {
            for (uint256 i; i < expected.length; ++i) {
                if (bytes4(reason) == expected[i]) known = true;
            }
        }
        if (!known) _breach(what);
        if (_fingerprint() != before) _breach("a refused action changed state");
        ++count["refused as expected"];
    }

    function _errors(bytes4 a) internal pure returns (bytes4[] memory list) {
        list = new bytes4[](1);
        list[0] = a;
    }

    function _errors(bytes4 a, bytes4 b) internal pure returns (bytes4[] memory list) {
        list = new bytes4[](2);
        (list[0], list[1]) = (a, b);
    }

    function _errors(bytes4 a, bytes4 b, bytes4 c) internal pure returns (bytes4[] memory list) {
        list = new bytes4[](3);
        (list[0], list[1], list[2]) = (a, b, c);
    }

    function _status(address node, uint64 epoch) internal view returns (IRewardDistributor.EpochStatus) {
        return distributor.getEpoch(node, epoch).status;
    }

    function _sum(uint128[] memory amounts) internal pure returns (uint256 total) {
        for (uint256 i; i < amounts.length; ++i) {
            total += amounts[i];
        }
    }

    function _give(address to, uint256 amount) internal {
        vm.prank(holder);
        token.transfer(to, amount);
    }

    /// @dev The credits of the node's newest valid settled epoch: what the next root builds on.
    function _base(address node) internal view returns (uint256[] memory base) {
        base = new uint256[](recipients.length);
        for (uint64 e = distributor.getNodeState(node).lastEpoch; e > 0; --e) {
            IRewardDistributor.EpochStatus s = _status(node, e);
            if (s == IRewardDistributor.EpochStatus.Settled || s == IRewardDistributor.EpochStatus.Challenged)
            {
                return _credits[node][e];
            }
        }
    }

    function _leaves(address node, uint64 epoch) internal view returns (bytes32[] memory leaves) {
        uint256[] storage amounts = _credits[node][epoch];
        leaves = new bytes32[](amounts.length);
        for (uint256 i; i < amounts.length; ++i) {
            leaves[i] = Merkle.creditLeaf(recipients[i], amounts[i]);
        }
    }

    /// @dev Whether a claim against `epoch` would pay from an epoch that is not final yet (it or an
    ///      earlier one open, challenged or in its window) or voided: such a claim must fail.
    function _unsafeToClaim(address node, uint64 epoch) internal view returns (bool) {
        if (_status(node, epoch) == IRewardDistributor.EpochStatus.Voided) return true;
        // Epochs up to the finality pointer are final or voided: neither makes a later one unsafe.
        for (uint64 x = distributor.getNodeState(node).finalizedEpoch + 1; x <= epoch; ++x) {
            IRewardDistributor.Epoch memory s = distributor.getEpoch(node, x);
            if (
                s.status == IRewardDistributor.EpochStatus.Open
                    || s.status == IRewardDistributor.EpochStatus.Challenged
                    || s.status == IRewardDistributor.EpochStatus.None
                    || (s.status == IRewardDistributor.EpochStatus.Settled && block.timestamp < s.claimableAt)
            ) return true;
        }
        return false;
    }
}

/// @notice Drives PaymentEscrow + RewardDistributor + NodeRegistry as payers, two nodes,
///         recipients, challengers, governance and an attacker would: honest and over-crediting
///         settlements of one or two pages (some left open), claims and `claimMany` (including
///         ones that must fail), challenges that are upheld, rejected or lapse, stale and abandoned
///         epochs, refunds, stake moves and slashes, and governance changing every parameter.
///         Actions that must fail are attempted too; one that succeeds is recorded as a breach.
contract LedgerHandler is LedgerBooks {
    modifier action() {
        ++actions;
        _;
        _sync();
    }

    uint256 internal constant STAKE = 20_000 ether;

    constructor(
        TributaryToken token_,
        PaymentEscrow escrow_,
        RewardDistributor distributor_,
        NodeRegistry registry_,
        address governance_,
        address holder_,
        address[] memory nodes_
    ) LedgerBooks(token_, escrow_, distributor_, registry_, governance_, holder_) {
        nodes = nodes_;
        for (uint160 i = 1; i <= 4; ++i) {
            payers.push(address(i * 0x1000)); // ascending, as settlement requires
        }
        for (uint160 i = 1; i <= 3; ++i) {
            recipients.push(address(i * 0x1000 + 1));
        }
        for (uint256 i; i < payers.length; ++i) {
            _give(payers[i], 500 ether);
            vm.startPrank(payers[i]);
            token.approve(address(escrow), type(uint256).max);
            escrow.deposit(500 ether);
            for (uint256 n; n < nodes_.length; ++n) {
                // Caps below the deposit for some, above for others: both refusals get tried.
                uint128 cap = uint128(200 ether * (i + 1));
                escrow.authorize(nodes_[n], cap, uint64(block.timestamp + 3_650 days));
                ghostCap[payers[i]][nodes_[n]] = cap;
            }
            vm.stopPrank();
        }
        for (uint256 n; n < nodes_.length; ++n) {
            _topUpStake(nodes_[n]);
        }
    }

    // ------------------------------------------------------------ nodes settle

    /// @notice A node settles an epoch of one or two pages (all of it unless `leaveOpen`).
    function settle(uint256 nodeSeed, uint256 seed, bool twoPages, bool overCredit, bool leaveOpen)
        external
        action
    {
        address node = nodes[nodeSeed % nodes.length];
        if (_openEpochOf(node) != 0) return;
        if (_open(node, seed, twoPages, overCredit) && twoPages && !leaveOpen) _finish(node);
    }

    /// @notice A node settles the last page of its open epoch; if a payer can no longer pay, it abandons.
    function finishPage(uint256 nodeSeed) external action {
        address node = nodes[nodeSeed % nodes.length];
        if (_openEpochOf(node) == 0) return;
        _finish(node);
    }

    /// @notice A node stops mid-epoch; after `STALE_OPEN_EPOCH` anyone voids the epoch. Voiding it
    ///         earlier must fail.
    function _stallAndVoidStale(uint256 nodeSeed, uint256 seed) internal {
        address node = nodes[nodeSeed % nodes.length];
        if (_openEpochOf(node) == 0 && !_openMakingRoom(node, seed)) return;
        uint64 epoch = _openEpochOf(node);
        bytes32 before = _fingerprint();
        try distributor.voidStaleEpoch(node) {
            if (block.timestamp < distributor.getEpoch(node, epoch).openedAt + distributor.STALE_OPEN_EPOCH())
            {
                _breach("voided a fresh epoch");
            }
        } catch (bytes memory reason) {
            _refused(
                reason,
                before,
                _errors(IRewardDistributor.RewardsEpochNotStale.selector),
                "fresh void: wrong error"
            );
        }
        if (_status(node, epoch) == IRewardDistributor.EpochStatus.Open) {
            vm.warp(distributor.getEpoch(node, epoch).openedAt + distributor.STALE_OPEN_EPOCH());
            try distributor.voidStaleEpoch(node) {
                ++count["stale void"];
            } catch {
                _breach("stale epoch not voidable");
            }
        }
    }

    /// @notice A node abandons its open epoch (opening one first if it has none).
    function _abandon(uint256 nodeSeed, uint256 seed) internal {
        address node = nodes[nodeSeed % nodes.length];
        if (_openEpochOf(node) == 0 && !_openMakingRoom(node, seed)) return;
        vm.prank(node);
        distributor.abandonOpenEpoch();
        ++count["abandon"];
    }

    /// @notice Attack: a node debits a payer beyond its remaining cap (within its balance), beyond
    ///         its balance, after its authorization lapsed, or twice in one page, or shaves the
    ///         protocol fee off its header. Each must fail, saying why, with nothing changed.
    function debitBeyondLimits(uint256 nodeSeed, uint256 payerSeed, uint8 kind) external action {
        address node = nodes[nodeSeed % nodes.length];
        if (_openEpochOf(node) != 0 || !registry.isActive(node)) return;
        address payer = payers[payerSeed % payers.length];
        IPaymentEscrow.Authorization memory a = escrow.authorizationOf(payer, node);
        uint256 balance = escrow.accountOf(payer).balance;
        address[] memory list = new address[](1);
        uint128[] memory amounts = new uint128[](1);
        list[0] = payer;
        kind = kind % 4;
        if (kind == 0) {
            // Over the cap while the balance could pay: only the cap check stops it.
            if (a.remaining >= 1_000_000 ether) return;
            uint256 want = uint256(a.remaining) + 1 ether;
            if (balance < want) {
                _give(payer, want - balance);
                vm.prank(payer);
                escrow.deposit(want - balance);
            }
            amounts[0] = uint128(want);
        } else if (kind == 1) {
            amounts[0] = uint128(balance + 1); // over the balance
        } else if (kind == 2) {
            list = new address[](2); // the same payer twice
            amounts = new uint128[](2);
            (list[0], list[1], amounts[0], amounts[1]) = (payer, payer, 1, 1);
        } else {
            // A debit the payer can afford, under a header whose protocol fee is one unit short.
            uint256 affordable = balance < a.remaining ? balance : a.remaining;
            if (affordable < 1 ether || block.timestamp > a.settleUntil) return;
            amounts[0] = 1 ether;
        }
        _attemptSettle(node, list, amounts, kind == 3);
        ++count["debit attack"];
    }

    // ------------------------------------------------------------ recipients claim

    /// @notice Someone claims a recipient's credit against any epoch of a node; a claim from an
    ///         epoch that is not final, or voided, must fail. Sometimes with an inflated amount.
    function claim(uint256 nodeSeed, uint256 epochSeed, uint256 who, bool inflate) external action {
        address node = nodes[nodeSeed % nodes.length];
        uint64 last = distributor.getNodeState(node).lastEpoch;
        if (last == 0) return;
        uint64 epoch = uint64(bound(epochSeed, 1, last));
        if (_credits[node][epoch].length == 0) return;
        uint256 index = who % recipients.length;
        bool unsafe_ = _unsafeToClaim(node, epoch);
        uint256 amount = _credits[node][epoch][index] + (inflate ? 1 : 0);
        (bool paid,) = _claim(node, epoch, index, amount);
        if (paid && (unsafe_ || inflate)) {
            _breach(inflate ? bytes32("inflated claim paid") : bytes32("unfinal claim paid"));
        }
        ++count[paid ? bytes32("claim") : bytes32("claim refused")];
    }

    /// @notice Waits until a node's newest settled epoch is final (its window and every challenge
    ///         freezing it lapse by their deadlines: liveness), then claims every recipient's credit.
    function claimWhenFinal(uint256 nodeSeed) external action {
        address node = nodes[nodeSeed % nodes.length];
        uint64 epoch = _newestSettled(node);
        if (epoch == 0) return;
        uint256 until = distributor.getEpoch(node, epoch).claimableAt;
        for (uint64 e = distributor.getNodeState(node).finalizedEpoch + 1; e <= epoch; ++e) {
            if (_status(node, e) != IRewardDistributor.EpochStatus.Challenged) continue;
            uint256 resolveBy = distributor.getChallenge(node, e).resolveBy;
            if (resolveBy + 1 > until) until = resolveBy + 1;
        }
        if (block.timestamp < until) vm.warp(until);
        _expireLapsed(node);
        if (_unsafeToClaim(node, epoch)) {
            _breach("not final after its deadlines");
            return;
        }
        for (uint256 i; i < recipients.length; ++i) {
            (bool paid, bytes32 why) = _claim(node, epoch, i, _credits[node][epoch][i]);
            if (paid) ++count["claim"];
            else if (why != "nothing" && why != "funding") _breach("final claim refused");
        }
    }

    /// @notice `claimMany` over both nodes' final epochs, with one entry repeated: it pays each
    ///         credit once, skips what was claimed, and pays exactly what it reports. As an attack
    ///         (`attack` odd) one more entry is bad (an inflated amount, or a genuine credit of an
    ///         epoch not final yet): the whole batch must fail, saying why, with nothing paid.
    function claimMany(uint256 who, uint256 attack) external action {
        uint256 index = who % recipients.length;
        address account = recipients[index];
        IRewardDistributor.Claim[] memory claims = new IRewardDistributor.Claim[](nodes.length + 1);
        uint256 used;
        for (uint256 n; n < nodes.length; ++n) {
            address node = nodes[n];
            uint64 epoch = _newestSettled(node);
            if (epoch == 0 || _unsafeToClaim(node, epoch)) continue;
            claims[used++] = IRewardDistributor.Claim(
                node, epoch, account, _credits[node][epoch][index], Merkle.proof(_leaves(node, epoch), index)
            );
        }
        if (used == 0) return;
        claims[used++] = claims[0]; // a duplicate: skipped, never paid twice
        assembly ("memory-safe") {
            mstore(claims, used)
        }
        if (attack % 2 == 1) {
            _claimManyAttack(claims, index, attack);
            return;
        }
        uint256[] memory before = new uint256[](nodes.length);
        for (uint256 n; n < nodes.length; ++n) {
            before[n] = distributor.claimed(nodes[n], account);
        }
        uint256 balance = token.balanceOf(account);
        bytes32 print = _fingerprint();
        try distributor.claimMany(claims) returns (uint256 total) {
            uint256 paidAll;
            for (uint256 n; n < nodes.length; ++n) {
                uint256 paid = distributor.claimed(nodes[n], account) - before[n];
                ghostClaimed[nodes[n]] += paid;
                ghostPaid[nodes[n]][account] += paid;
                paidAll += paid;
            }
            if (token.balanceOf(account) - balance != total || paidAll != total) {
                _breach("claimMany misreported");
            }
            for (uint256 i; i + 1 < used; ++i) {
                claimedFrom[claims[i].node][claims[i].epoch] = true;
            }
            ++count["claimMany"];
        } catch (bytes memory reason) {
            // Only an over-crediting root's funding bound may stop a batch of final credits.
            _refused(
                reason,
                print,
                _errors(IRewardDistributor.RewardsExceedsFunding.selector),
                "claimMany: wrong error"
            );
            ++count["claimMany refused"];
        }
    }

    function _claimManyAttack(IRewardDistributor.Claim[] memory valid, uint256 index, uint256 seed) internal {
        IRewardDistributor.Claim[] memory claims = new IRewardDistributor.Claim[](valid.length + 1);
        uint256 at = seed % claims.length;
        for (uint256 i; i < valid.length; ++i) {
            claims[i < at ? i : i + 1] = valid[i];
        }
        address node = nodes[(seed >> 8) % nodes.length];
        address account = recipients[index];
        // What the node will have paid the account by the bad entry: valid entries placed before it
        // raise it, and an entry at or below it would be skipped as already claimed, not refused.
        uint256 already = distributor.claimed(node, account);
        for (uint256 i; i < valid.length; ++i) {
            if (valid[i].node == node && valid[i].cumulativeAmount > already) already = valid[i].cumulativeAmount;
        }
        uint64 epoch = _unfinalWithCredit(node, index, already);
        if (epoch != 0 && (seed >> 16) % 2 == 0) {
            claims[at] = IRewardDistributor.Claim(
                node, epoch, account, _credits[node][epoch][index], Merkle.proof(_leaves(node, epoch), index)
            );
        } else {
            epoch = _newestSettled(node);
            if (epoch == 0) return;
            uint256 credit = _credits[node][epoch][index];
            uint256 inflated = (credit > already ? credit : already) + 1;
            claims[at] = IRewardDistributor.Claim(
                node, epoch, account, inflated, Merkle.proof(_leaves(node, epoch), index)
            );
        }
        bytes32 before = _fingerprint();
        try distributor.claimMany(claims) {
            _breach("claimMany paid a bad entry");
        } catch (bytes memory reason) {
            bytes4[] memory expected = _errors(
                IRewardDistributor.RewardsEpochNotClaimable.selector,
                IRewardDistributor.RewardsInvalidProof.selector,
                IRewardDistributor.RewardsExceedsFunding.selector // a valid entry of an over-crediting root, first
            );
            _refused(reason, before, expected, "claimMany attack: wrong error");
            ++count["claimMany attack"];
        }
    }

    /// @dev An epoch of `node` that is not safe to claim from yet, crediting recipient `index`
    ///      more than `already`; 0 if none.
    function _unfinalWithCredit(address node, uint256 index, uint256 already) internal view returns (uint64) {
        uint64 last = distributor.getNodeState(node).lastEpoch;
        for (uint64 e = distributor.getNodeState(node).finalizedEpoch + 1; e <= last; ++e) {
            if (_credits[node][e].length == 0 || _credits[node][e][index] <= already) continue;
            if (_unsafeToClaim(node, e)) return e;
        }
        return 0;
    }

    // ------------------------------------------------------------ challenges

    /// @notice A challenger challenges an epoch still in its window (settling one first if none
    ///         is); challenging anything else must fail.
    function challenge(uint256 nodeSeed, uint256 epochSeed, uint256 seed) external action {
        address node = nodes[nodeSeed % nodes.length];
        uint64 epoch = _challengeable(node, epochSeed);
        if (epoch == 0) {
            if (_openEpochOf(node) != 0 || !_open(node, seed, false, seed % 2 == 0)) return;
            epoch = distributor.getNodeState(node).lastEpoch;
        }
        _challenge(node, epoch, challengers[seed % 2]);
        // Again, or outside any window: refused.
        uint64 other = uint64(bound(seed, 1, distributor.getNodeState(node).lastEpoch + 1));
        if (_challengeable(node, other) != other) {
            address attacker = challengers[(seed + 1) % 2];
            _give(attacker, 1_000_000 ether);
            vm.startPrank(attacker);
            token.approve(address(distributor), type(uint256).max);
            bytes32 before = _fingerprint();
            try distributor.challenge(node, other, "again") {
                _breach("challenged outside its window");
            } catch (bytes memory reason) {
                _refused(
                    reason,
                    before,
                    _errors(IRewardDistributor.RewardsNotChallengeable.selector),
                    "rechallenge: wrong error"
                );
            }
            vm.stopPrank();
        }
    }

    /// @notice Governance decides an open challenge; after the deadline it must be refused (the
    ///         challenge lapsed by rule).
    function _resolve(uint256 nodeSeed, uint256 epochSeed, bool upheld) internal {
        address node = nodes[nodeSeed % nodes.length];
        uint64 epoch = _someChallenged(node, epochSeed);
        if (epoch == 0) return;
        IRewardDistributor.Challenge memory c = distributor.getChallenge(node, epoch);
        bool late = block.timestamp > c.resolveBy;
        uint256 challengerBefore = token.balanceOf(c.challenger);
        bytes32 before = _fingerprint();
        vm.prank(governance);
        try distributor.resolveChallenge(node, epoch, upheld, "decided") {
            if (late) _breach("decided after the deadline");
            if (upheld) {
                ghostBondsReturned += c.bond;
                if (token.balanceOf(c.challenger) - challengerBefore < c.bond) _breach("bond not returned");
                ++count["upheld"];
            } else {
                ghostBondsForfeited += c.bond;
                ++count["rejected"];
            }
        } catch (bytes memory reason) {
            if (!late) _breach("timely decision refused");
            _refused(
                reason,
                before,
                _errors(IRewardDistributor.RewardsChallengeLapsed.selector),
                "late decision: wrong error"
            );
        }
    }

    /// @notice Time passes to a challenge's deadline (challenging an epoch first if none is open);
    ///         every lapsed challenge can then be expired (liveness: no freeze past its deadline).
    function lapse(uint256 nodeSeed, uint256 seed) external action {
        address node = nodes[nodeSeed % nodes.length];
        uint64 epoch = _ensureChallenged(node, seed);
        if (epoch == 0) return;
        uint64 resolveBy = distributor.getChallenge(node, epoch).resolveBy;
        if (block.timestamp <= resolveBy) {
            bytes32 before = _fingerprint();
            try distributor.expireChallenge(node, epoch) {
                _breach("expired before its deadline");
            } catch (bytes memory reason) {
                _refused(
                    reason,
                    before,
                    _errors(IRewardDistributor.RewardsChallengePending.selector),
                    "early expiry: wrong error"
                );
            }
            vm.warp(uint256(resolveBy) + 1);
        }
        _expireLapsed(node);
    }

    /// @notice Anyone refunds one voided page (a wrong page must fail), and the bonds of
    ///         challenges voided by an earlier epoch's upheld challenge go back.
    function _refund(uint256 nodeSeed) internal {
        address node = nodes[nodeSeed % nodes.length];
        uint64[] storage queue = _voidedToRefund[node];
        while (queue.length > 0) {
            uint64 e = queue[queue.length - 1];
            IRewardDistributor.Challenge memory c = distributor.getChallenge(node, e);
            if (c.bond > 0) {
                distributor.returnChallengeBond(node, e);
                ghostBondsReturned += c.bond;
                ++count["bond returned"];
            }
            if (_refundOnePage(node, e)) return;
            queue.pop();
        }
    }

    function _refundOnePage(address node, uint64 e) internal returns (bool) {
        Page[] storage pages = _pages[node][e];
        for (uint32 p; p < pages.length; ++p) {
            if (pages[p].refunded) continue;
            uint128[] memory wrong = pages[p].amounts;
            if (wrong.length > 0) {
                wrong[0] += 1;
                bytes32 before = _fingerprint();
                try distributor.refundVoidedPage(node, e, p, pages[p].payers, wrong) {
                    _breach("wrong refund paid");
                } catch (bytes memory reason) {
                    _refused(
                        reason,
                        before,
                        _errors(IRewardDistributor.RewardsInvalidRefund.selector),
                        "wrong refund: wrong error"
                    );
                }
                wrong[0] -= 1;
            }
            distributor.refundVoidedPage(node, e, p, pages[p].payers, pages[p].amounts);
            pages[p].refunded = true;
            uint256 total = _sum(pages[p].amounts);
            ghostRefunded[node] += total;
            ghostVoidedUnrefunded[node] -= total;
            for (uint256 i; i < pages[p].payers.length; ++i) {
                ghostRefundedSince[pages[p].payers[i]][node] += pages[p].amounts[i];
            }
            ++count["refund"];
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------ payers

    function _deposit(uint256 payerSeed, uint256 amount) internal {
        address payer = payers[payerSeed % payers.length];
        amount = bound(amount, 1, 500 ether);
        _give(payer, amount);
        vm.prank(payer);
        escrow.deposit(amount);
    }

    /// @notice A payer sets a new cap; lowering a live one must fail.
    function _authorize(uint256 payerSeed, uint256 nodeSeed, uint128 cap, bool revokeFirst) internal {
        address payer = payers[payerSeed % payers.length];
        address node = nodes[nodeSeed % nodes.length];
        cap = uint128(bound(cap, 0, 2_000 ether));
        if (revokeFirst) {
            vm.prank(payer);
            escrow.revoke(node);
        }
        IPaymentEscrow.Authorization memory current = escrow.authorizationOf(payer, node);
        bool live = block.timestamp <= current.settleUntil;
        bytes32 before = _fingerprint();
        vm.prank(payer);
        try escrow.authorize(node, cap, uint64(block.timestamp + bound(cap, 1 hours, 365 days))) {
            if (live && cap < current.remaining) _breach("live cap lowered");
            ghostCap[payer][node] = cap;
            ghostDebitedSince[payer][node] = 0;
            ghostRefundedSince[payer][node] = 0;
        } catch (bytes memory reason) {
            if (!live || cap >= current.remaining) _breach("authorization refused");
            _refused(
                reason,
                before,
                _errors(IPaymentEscrow.EscrowCapDecrease.selector),
                "cap decrease: wrong error"
            );
        }
    }

    function _withdraw(uint256 payerSeed, uint256 amount) internal {
        address payer = payers[payerSeed % payers.length];
        uint256 balance = escrow.accountOf(payer).balance;
        if (balance == 0) return;
        vm.startPrank(payer);
        escrow.requestWithdrawal(bound(amount, 1, balance));
        vm.warp(block.timestamp + escrow.unlockDelay());
        escrow.withdraw();
        vm.stopPrank();
    }

    // ------------------------------------------------------------ stake

    /// @notice A node unstakes and tries to withdraw: refused while its epochs can be challenged.
    function _unstake(uint256 nodeSeed, uint256 amount, bool wait) internal {
        address node = nodes[nodeSeed % nodes.length];
        uint256 staked = registry.getNode(node).stake;
        if (staked > 0) {
            vm.prank(node);
            registry.requestUnstake(bound(amount, 1, staked));
        }
        if (wait) vm.warp(block.timestamp + registry.unstakeDelay());
        bool locked = distributor.stakeLocked(node);
        NodeRegistry.Node memory before = registry.getNode(node);
        bytes32 print = _fingerprint();
        vm.prank(node);
        try registry.withdrawUnstaked() {
            if (locked) _breach("stake left while locked");
            ++count["stake withdrawn"];
        } catch (bytes memory reason) {
            if (locked) {
                ++count["stake lock held"];
            } else if (before.unstaking > 0 && block.timestamp >= before.unstakeAvailableAt) {
                _breach("unlocked stake kept");
            }
            bytes4[] memory expected =
                _errors(INodeRegistry.NodeStakeLocked.selector, INodeRegistry.NodeUnstakeLocked.selector);
            _refused(reason, print, expected, "withdrawal: wrong error");
        }
        _topUpStake(node);
    }

    /// @notice Only governance or the distributor may slash.
    function _slashAttempt(uint256 nodeSeed, address caller) internal {
        if (caller == governance || caller == address(distributor)) return;
        bytes32 before = _fingerprint();
        vm.prank(caller);
        try registry.slash(nodes[nodeSeed % nodes.length], 1, caller, "") {
            _breach("stranger slashed");
        } catch (bytes memory reason) {
            _refused(
                reason, before, _errors(INodeRegistry.NodeNotSlasher.selector), "stranger slash: wrong error"
            );
        }
    }

    // ------------------------------------------------------------ governance and time

    /// @notice Governance sets new parameters (sometimes out of range, which must fail).
    function _setParameters(uint256 seed, bool invalid) internal {
        RewardDistributor.Parameters memory p = RewardDistributor.Parameters({
            protocolFeeBps: uint16(bound(seed, 0, 2_000)),
            challengeWindow: uint64(bound(seed >> 16, 1, 3 days)),
            challengeBondMin: uint96(bound(seed >> 48, 1, 200 ether)),
            challengeBondBps: uint16(bound(seed >> 112, 0, 5_000)),
            resolutionPeriod: uint64(bound(seed >> 128, 1 hours, 10 days)),
            maxPendingEpochs: uint64(bound(seed >> 160, 1, 64)),
            treasury: distributor.treasury()
        });
        address caller = governance;
        bytes4 expected = IRewardDistributor.RewardsInvalidParameter.selector;
        if (invalid) {
            uint256 which = (seed >> 200) % 5;
            if (which == 0) p.challengeWindow = 0;
            else if (which == 1) p.resolutionPeriod = 0;
            else if (which == 2) p.maxPendingEpochs = distributor.MAX_PENDING_EPOCHS() + 1;
            else if (which == 3) p.challengeBondMin = 0;
            else (caller, expected) = (payers[0], Ownable.OwnableUnauthorizedAccount.selector); // valid, not governance
        }
        bytes32 before = _fingerprint();
        vm.prank(caller);
        try distributor.setParameters(p) {
            if (invalid) _breach("invalid parameters set");
            ++count["parameters"];
        } catch (bytes memory reason) {
            if (!invalid) _breach("valid parameters refused");
            _refused(reason, before, _errors(expected), "parameters: wrong error");
        }
    }

    function _setSettlementGrace(uint64 grace) internal {
        vm.prank(governance);
        escrow.setSettlementGrace(uint64(bound(grace, 0, 3 days)));
        ++count["grace"];
    }

    function warp(uint256 seconds_) external action {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    function _sweep() internal {
        uint256 before = token.balanceOf(distributor.treasury());
        distributor.sweepProtocolFees();
        ghostSwept += token.balanceOf(distributor.treasury()) - before;
    }

    function _finalize(uint256 nodeSeed) internal {
        distributor.finalize(nodes[nodeSeed % nodes.length], 64);
    }

    // ------------------------------------------------------------ merged actions
    // Fewer, broader selectors: each is picked often enough in every run that afterInvariant can
    // require what the invariants are about to have happened (see the coverage assertions).

    /// @notice A node stops mid-epoch and its epoch is voided as stale, or it abandons it.
    function stall(uint256 nodeSeed, uint256 seed, bool abandonIt) external action {
        if (count["stale void"] == 0) _stallAndVoidStale(nodeSeed, seed);
        else if (count["abandon"] == 0 || abandonIt) _abandon(nodeSeed, seed);
        else _stallAndVoidStale(nodeSeed, seed);
    }

    /// @notice Governance decides an open challenge (challenging an epoch first if none is open).
    function resolve(uint256 nodeSeed, uint256 epochSeed, bool upheld) external action {
        if (_ensureChallenged(nodes[nodeSeed % nodes.length], epochSeed) == 0) return;
        _resolve(nodeSeed, epochSeed, upheld || count["upheld"] == 0);
    }

    /// @notice Anyone refunds voided pages and returns the bonds of cascaded challenges.
    function refund(uint256 nodeSeed) external action {
        _refund(nodeSeed);
    }

    /// @notice A payer deposits, (re)authorizes a node, or withdraws.
    function payer(uint8 kind, uint256 payerSeed, uint256 nodeSeed, uint256 amount, bool flag)
        external
        action
    {
        kind %= 3;
        if (kind == 0) _deposit(payerSeed, amount);
        else if (kind == 1) _authorize(payerSeed, nodeSeed, uint128(amount), flag);
        else _withdraw(payerSeed, amount);
    }

    /// @notice A node unstakes (and tries to withdraw), or a stranger tries to slash it.
    function stake(bool slash, uint256 nodeSeed, uint256 amount, bool wait, address caller) external action {
        if (slash) _slashAttempt(nodeSeed, caller);
        else _unstake(nodeSeed, amount, wait);
    }

    /// @notice Governance changes the distributor's parameters (first) or the settlement grace.
    function govern(uint256 seed, bool invalid, bool grace) external action {
        if (grace && count["parameters"] > 0) _setSettlementGrace(uint64(seed));
        else _setParameters(seed, invalid && count["parameters"] > 0);
    }

    /// @notice Anyone sweeps protocol fees and advances a node's finality pointer.
    function housekeeping(uint256 nodeSeed) external action {
        _sweep();
        _finalize(nodeSeed);
    }

    // ------------------------------------------------------------ internals

    function _openEpochOf(address node) internal view returns (uint64) {
        uint64 last = distributor.getNodeState(node).lastEpoch;
        return last != 0 && _status(node, last) == IRewardDistributor.EpochStatus.Open ? last : 0;
    }

    function _newestSettled(address node) internal view returns (uint64) {
        for (uint64 e = distributor.getNodeState(node).lastEpoch; e > 0; --e) {
            IRewardDistributor.EpochStatus s = _status(node, e);
            if (s == IRewardDistributor.EpochStatus.Settled || s == IRewardDistributor.EpochStatus.Challenged)
            {
                return e;
            }
        }
        return 0;
    }

    /// @dev A settled epoch still in its window and never challenged, searching the unfinal ones
    ///         from a random start; 0 if none.
    function _challengeable(address node, uint256 seed) internal view returns (uint64) {
        return _findPending(node, seed, true);
    }

    function _findPending(address node, uint256 seed, bool challengeable) internal view returns (uint64) {
        IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
        uint64 first = state.finalizedEpoch + 1;
        if (state.lastEpoch < first) return 0;
        uint64 span = state.lastEpoch - first + 1;
        uint64 start = uint64(seed % span);
        for (uint64 i; i < span; ++i) {
            uint64 e = first + (start + i) % span;
            IRewardDistributor.Epoch memory s = distributor.getEpoch(node, e);
            bool found = challengeable
                ? s.status == IRewardDistributor.EpochStatus.Settled && block.timestamp < s.claimableAt
                    && distributor.getChallenge(node, e).resolveBy == 0
                : s.status == IRewardDistributor.EpochStatus.Challenged;
            if (found) return e;
        }
        return 0;
    }

    /// @dev An open challenge of `node`, made now if there is none (settling an epoch if need be).
    function _ensureChallenged(address node, uint256 seed) internal returns (uint64 epoch) {
        epoch = _someChallenged(node, seed);
        if (epoch != 0) return epoch;
        epoch = _challengeable(node, seed);
        if (epoch == 0) {
            if (_openEpochOf(node) != 0 || !_open(node, seed, false, false)) return 0;
            epoch = distributor.getNodeState(node).lastEpoch;
        }
        _challenge(node, epoch, challengers[seed % 2]);
    }

    function _someChallenged(address node, uint256 seed) internal view returns (uint64) {
        return _findPending(node, seed, false);
    }

    function _expireLapsed(address node) internal {
        IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
        for (uint64 e = state.finalizedEpoch + 1; e <= state.lastEpoch; ++e) {
            if (_status(node, e) != IRewardDistributor.EpochStatus.Challenged) continue;
            IRewardDistributor.Challenge memory c = distributor.getChallenge(node, e);
            if (block.timestamp <= c.resolveBy) continue;
            try distributor.expireChallenge(node, e) {
                ghostBondsForfeited += c.bond;
                ++count["lapsed"];
            } catch {
                _breach("lapsed challenge stuck");
            }
        }
    }

    function _challenge(address node, uint64 epoch, address who) internal {
        uint256 bond = distributor.challengeBondFor(node, epoch);
        _give(who, bond);
        vm.startPrank(who);
        token.approve(address(distributor), bond);
        try distributor.challenge(node, epoch, keccak256("evidence")) {
            ghostBondsIn += bond;
            ++count["challenge"];
            if (distributor.getNodeState(node).openChallenges > 1) ++count["concurrent challenges"];
        } catch {
            _breach("challenge in window refused");
        }
        vm.stopPrank();
    }

    /// @dev A claim as anyone would make it; returns whether it paid and, if not, why (roughly).
    function _claim(address node, uint64 epoch, uint256 index, uint256 amount)
        internal
        returns (bool, bytes32)
    {
        address account = recipients[index];
        if (amount <= distributor.claimed(node, account)) return (false, "nothing");
        bytes32[] memory proof = Merkle.proof(_leaves(node, epoch), index);
        uint256 before = token.balanceOf(account);
        bytes32 print = _fingerprint();
        try distributor.claim(node, epoch, account, amount, proof) returns (uint256 paid) {
            if (token.balanceOf(account) - before != paid) _breach("claim misreported");
            ghostClaimed[node] += paid;
            ghostPaid[node][account] += paid;
            claimedFrom[node][epoch] = true;
            return (true, "");
        } catch (bytes memory reason) {
            // Never for want of money (a token error, `RewardsNodeUnderfunded`): only these.
            bytes4[] memory expected = _errors(
                IRewardDistributor.RewardsExceedsFunding.selector,
                IRewardDistributor.RewardsEpochNotClaimable.selector,
                IRewardDistributor.RewardsInvalidProof.selector
            );
            _refused(reason, print, expected, "claim refused: wrong error");
            if (bytes4(reason) == IRewardDistributor.RewardsExceedsFunding.selector) {
                return (false, "funding");
            }
            return (false, "refused");
        }
    }

    /// @dev Opens a two-page epoch, first waiting (as a node would) until enough of its epochs are
    ///         final for another to be pending: every window and challenge deadline passes.
    function _openMakingRoom(address node, uint256 seed) internal returns (bool) {
        if (_open(node, seed, true, false)) return true;
        IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
        uint256 until = state.lastClaimableAt;
        for (uint64 e = state.finalizedEpoch + 1; e <= state.lastEpoch; ++e) {
            if (_status(node, e) != IRewardDistributor.EpochStatus.Challenged) continue;
            uint256 resolveBy = distributor.getChallenge(node, e).resolveBy;
            if (resolveBy + 1 > until) until = resolveBy + 1;
        }
        if (block.timestamp < until) vm.warp(until);
        _expireLapsed(node);
        return _open(node, seed, true, false);
    }

    /// @dev Opens the node's next epoch with page 0; a one-page epoch settles at once. If no payer
    ///      can pay, one tops up its deposit and allowance first.
    function _open(address node, uint256 seed, bool twoPages, bool overCredit) internal returns (bool) {
        _topUpStake(node);
        (address[] memory list, uint128[] memory amounts, uint256 total) = _collect(node, seed);
        if (total == 0) {
            _fundPayer(payers[seed % payers.length], node);
            (list, amounts, total) = _collect(node, seed);
        }
        if (total == 0) return false;
        IRewardDistributor.EpochHeader memory h = _header(node, total, seed, overCredit, twoPages ? 2 : 1);
        uint256 split = twoPages ? list.length / 2 : list.length;
        Page memory first = _slice(list, amounts, 0, split);
        vm.prank(node);
        try distributor.settleEpoch(h, 0, first.payers, first.amounts) {
            _recordPage(node, h.epoch, first.payers, first.amounts);
            _openHeader[node] = h;
            if (twoPages) _pendingPage[node] = _slice(list, amounts, split, list.length);
            ++count[overCredit ? bytes32("settle (over-credit)") : bytes32("settle")];
            return true;
        } catch {
            delete _credits[node][h.epoch];
            ++count["settle refused"]; // too many pending epochs, usually
            return false;
        }
    }

    /// @dev The node's next header for `total` in fees, publishing its credits (1.5 times what
    ///      the fees fund when `overCredit`: a dishonest root).
    function _header(address node, uint256 total, uint256 seed, bool overCredit, uint32 pageCount)
        internal
        returns (IRewardDistributor.EpochHeader memory h)
    {
        h.protocolFeeBps = distributor.protocolFeeBps();
        h.protocolFee = uint128(FeeSplit.protocolShare(total, h.protocolFeeBps));
        h.totalFee = uint128(total);
        h.epoch = distributor.getNodeState(node).lastEpoch + 1;
        uint256 distributable = total - h.protocolFee;
        if (overCredit) distributable = distributable * 3 / 2 + 1;
        h.creditsRoot = _publish(node, h.epoch, distributable, seed);
        h.receiptsRoot = keccak256(abi.encode(node, h.epoch, seed));
        h.receiptCount = 3;
        h.pageCount = pageCount;
    }

    mapping(address node => Page) internal _pendingPage;

    function _finish(address node) internal {
        Page memory rest = _pendingPage[node];
        IRewardDistributor.EpochHeader memory h = _openHeader[node];
        vm.prank(node);
        try distributor.settleEpoch(h, 1, rest.payers, rest.amounts) {
            _recordPage(node, h.epoch, rest.payers, rest.amounts);
            ++count["two-page epoch"];
        } catch {
            vm.prank(node); // a payer can no longer pay this page: the node gives the epoch up
            distributor.abandonOpenEpoch();
            ++count["abandon"];
        }
    }

    /// @dev An adversarial one-page settlement: it must revert; if it does not, the debit is
    ///      recorded as the money it moved (so the cap invariant sees it) and breached.
    function _attemptSettle(address node, address[] memory list, uint128[] memory amounts, bool shaveFee)
        internal
    {
        IRewardDistributor.EpochHeader memory h = _header(node, _sum(amounts), amounts.length, false, 1);
        // One unit short (or, at a zero rate, one unit over): the fee must be exact.
        if (shaveFee) h.protocolFee = h.protocolFee == 0 ? 1 : h.protocolFee - 1;
        bytes32 before = _fingerprint();
        vm.prank(node);
        try distributor.settleEpoch(h, 0, list, amounts) {
            _recordPage(node, h.epoch, list, amounts);
            _breach(shaveFee ? bytes32("protocol fee shaved") : bytes32("debit beyond limits"));
        } catch (bytes memory reason) {
            delete _credits[node][h.epoch];
            bytes4[] memory expected = new bytes4[](6);
            expected[0] = IRewardDistributor.RewardsTooManyPendingEpochs.selector;
            if (shaveFee) {
                expected[1] = IRewardDistributor.RewardsInvalidHeader.selector;
            } else {
                expected[1] = IPaymentEscrow.EscrowCapExceeded.selector;
                expected[2] = IPaymentEscrow.EscrowInsufficientBalance.selector;
                expected[3] = IPaymentEscrow.EscrowAuthorizationExpired.selector;
                expected[4] = IPaymentEscrow.EscrowUnsortedPayers.selector;
            }
            _refused(reason, before, expected, "debit attack: wrong error");
        }
    }

    function _recordPage(address node, uint64 epoch, address[] memory list, uint128[] memory amounts)
        internal
    {
        _pages[node][epoch].push(Page(list, amounts, false));
        ghostDebited[node] += _sum(amounts);
        for (uint256 i; i < list.length; ++i) {
            ghostDebitedSince[list[i]][node] += amounts[i];
        }
    }

    /// @dev Every payer that can still be debited pays a random part of what it can afford.
    function _collect(address node, uint256 seed)
        internal
        view
        returns (address[] memory list, uint128[] memory amounts, uint256 total)
    {
        list = new address[](payers.length);
        amounts = new uint128[](payers.length);
        uint256 used;
        for (uint256 i; i < payers.length; ++i) {
            IPaymentEscrow.Authorization memory a = escrow.authorizationOf(payers[i], node);
            if (block.timestamp > a.settleUntil) continue;
            uint256 balance = escrow.accountOf(payers[i]).balance;
            uint256 affordable = balance < a.remaining ? balance : a.remaining;
            uint256 amount = uint256(keccak256(abi.encode(seed, i))) % (affordable / 4 + 1);
            if (amount == 0) continue;
            list[used] = payers[i];
            amounts[used++] = uint128(amount);
            total += amount;
        }
        assembly ("memory-safe") {
            mstore(list, used)
            mstore(amounts, used)
        }
    }

    /// @dev Adds `distributable` to the node's recipients' cumulative credits at random; returns the root.
    function _publish(address node, uint64 epoch, uint256 distributable, uint256 seed)
        internal
        returns (bytes32)
    {
        uint256[] memory amounts = _base(node);
        uint256 left = distributable;
        for (uint256 i; i < amounts.length; ++i) {
            uint256 share =
                i + 1 == amounts.length ? left : uint256(keccak256(abi.encode(seed, "w", i))) % (left + 1);
            left -= share;
            amounts[i] += share;
        }
        _credits[node][epoch] = amounts;
        return Merkle.root(_leaves(node, epoch));
    }

    function _slice(address[] memory list, uint128[] memory amounts, uint256 from, uint256 to)
        internal
        pure
        returns (Page memory page)
    {
        page.payers = new address[](to - from);
        page.amounts = new uint128[](to - from);
        for (uint256 i = from; i < to; ++i) {
            (page.payers[i - from], page.amounts[i - from]) = (list[i], amounts[i]);
        }
    }

    /// @dev A payer deposits 10 tokens and raises its allowance for `node` by as much, for a year.
    function _fundPayer(address payer_, address node) internal {
        _give(payer_, 10 ether);
        IPaymentEscrow.Authorization memory a = escrow.authorizationOf(payer_, node);
        uint128 cap = a.remaining + 10 ether;
        vm.startPrank(payer_);
        escrow.deposit(10 ether);
        escrow.authorize(node, cap, uint64(block.timestamp + 365 days));
        vm.stopPrank();
        ghostCap[payer_][node] = cap;
        ghostDebitedSince[payer_][node] = 0;
        ghostRefundedSince[payer_][node] = 0;
    }

    function _topUpStake(address node) internal {
        uint256 staked = registry.getNode(node).stake;
        if (staked >= STAKE) return;
        _give(node, STAKE - staked);
        vm.startPrank(node);
        token.approve(address(registry), STAKE - staked);
        registry.stake(STAKE - staked);
        vm.stopPrank();
    }
}
