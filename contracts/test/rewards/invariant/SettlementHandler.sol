// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {TributaryToken} from "../../../src/token/TributaryToken.sol";
import {PaymentEscrow} from "../../../src/payments/PaymentEscrow.sol";
import {IPaymentEscrow} from "../../../src/payments/IPaymentEscrow.sol";
import {RewardDistributor} from "../../../src/rewards/RewardDistributor.sol";
import {IRewardDistributor} from "../../../src/rewards/IRewardDistributor.sol";
import {Merkle} from "../../utils/Merkle.sol";

/// @notice Drives PaymentEscrow + RewardDistributor through random deposits, authorizations,
///         withdrawals, settlements (honest and over-crediting roots), claims, challenges,
///         voids and refunds, keeping ghost totals for the invariants.
contract SettlementHandler is CommonBase, StdCheats, StdUtils {
    TributaryToken internal immutable token;
    PaymentEscrow internal immutable escrow;
    RewardDistributor internal immutable distributor;
    address internal immutable governance;
    address internal immutable holder;

    address[] public nodes;
    address[] public payers;
    address[] public recipients;
    address internal challenger = address(0xC4A1);

    // Ghost totals.
    uint256 public ghostDebited;
    uint256 public ghostRefunded;
    /// @dev Debits of epochs voided so far (refunded or not).
    uint256 public ghostVoided;
    uint256 public ghostClaimed;
    uint256 public ghostSwept;
    uint256 public ghostBondsIn;
    uint256 public ghostBondsOut;
    mapping(address payer => mapping(address node => uint256)) public ghostCap;
    /// @dev Debited since the payer's last authorization of the node (refunds do not restore allowance).
    mapping(address payer => mapping(address node => uint256)) public ghostNetDebited;
    mapping(address node => mapping(address account => uint256)) public ghostPaid;
    mapping(bytes32 => uint256) public calls;

    // Per node: cumulative credits the handler published, and each epoch's tree and debits.
    mapping(address node => mapping(address account => uint256)) internal _cumulative;
    mapping(address node => mapping(uint64 epoch => bytes32[])) internal _leaves;
    mapping(address node => mapping(uint64 epoch => uint256[])) internal _amounts;
    mapping(address node => mapping(uint64 epoch => address[])) internal _pagePayers;
    mapping(address node => mapping(uint64 epoch => uint128[])) internal _pageAmounts;
    mapping(address node => mapping(uint64 epoch => bool)) internal _refunded;

    constructor(
        TributaryToken token_,
        PaymentEscrow escrow_,
        RewardDistributor distributor_,
        address governance_,
        address holder_,
        address[] memory nodes_
    ) {
        token = token_;
        escrow = escrow_;
        distributor = distributor_;
        governance = governance_;
        holder = holder_;
        nodes = nodes_;
        for (uint160 i = 1; i <= 4; ++i) {
            payers.push(address(i * 0x1000)); // ascending, as settlement requires
            recipients.push(address(i * 0x1000 + 1));
        }
        // Start with funded, authorized payers so that settlements happen from the first call.
        for (uint256 i; i < payers.length; ++i) {
            vm.prank(holder_);
            token_.transfer(payers[i], 500 ether);
            vm.startPrank(payers[i]);
            token_.approve(address(escrow_), 500 ether);
            escrow_.deposit(500 ether);
            for (uint256 n; n < nodes_.length; ++n) {
                escrow_.authorize(nodes_[n], 1_000 ether, uint64(block.timestamp + 30 days));
                ghostCap[payers[i]][nodes_[n]] = 1_000 ether;
            }
            vm.stopPrank();
        }
    }

    function payerCount() external view returns (uint256) {
        return payers.length;
    }

    function nodeCount() external view returns (uint256) {
        return nodes.length;
    }

    function recipientCount() external view returns (uint256) {
        return recipients.length;
    }

    // ------------------------------------------------------------ payer actions

    function deposit(uint256 payerSeed, uint256 amount) external {
        address payer = payers[payerSeed % payers.length];
        amount = bound(amount, 1, 1_000 ether);
        vm.prank(holder);
        token.transfer(payer, amount);
        vm.startPrank(payer);
        token.approve(address(escrow), amount);
        escrow.deposit(amount);
        vm.stopPrank();
        ++calls["deposit"];
    }

    function authorize(uint256 payerSeed, uint256 nodeSeed, uint128 cap) external {
        address payer = payers[payerSeed % payers.length];
        address node = nodes[nodeSeed % nodes.length];
        cap = uint128(bound(cap, 0, 2_000 ether));
        // While the authorization is live the escrow only lets a payer raise the cap (the unit
        // tests cover the refusal); lowering it here would only waste the call.
        IPaymentEscrow.Authorization memory current = escrow.authorizationOf(payer, node);
        bool live = block.timestamp <= uint256(current.expiry) + escrow.settlementGrace();
        if (live && cap < current.remaining) cap = current.remaining;
        vm.prank(payer);
        escrow.authorize(node, cap, uint64(block.timestamp + 30 days));
        ghostCap[payer][node] = cap;
        ghostNetDebited[payer][node] = 0;
        ++calls["authorize"];
    }

    function withdraw(uint256 payerSeed, uint256 amount) external {
        address payer = payers[payerSeed % payers.length];
        uint256 balance = escrow.accountOf(payer).balance;
        if (balance == 0) return;
        vm.startPrank(payer);
        escrow.requestWithdrawal(bound(amount, 1, balance));
        vm.warp(block.timestamp + escrow.unlockDelay());
        escrow.withdraw();
        vm.stopPrank();
        ++calls["withdraw"];
    }

    // ------------------------------------------------------------ node actions

    function settle(uint256 nodeSeed, uint256 amountSeed, uint256 weightSeed, bool overCredit) external {
        address node = nodes[nodeSeed % nodes.length];
        IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
        if (state.lastEpoch > 0 && distributor.getEpoch(node, state.lastEpoch).status == IRewardDistributor.EpochStatus.Open)
        {
            return;
        }
        uint64 epoch = state.lastEpoch + 1;
        (address[] memory pagePayers, uint128[] memory pageAmounts, uint256 total) = _collectDebits(node, amountSeed);
        if (total == 0) return;
        uint256 protocolFee = total * distributor.protocolFeeBps() / 10_000;
        uint256 distributable = total - protocolFee;
        if (overCredit) distributable = distributable * 3 / 2 + 1; // a dishonest root
        bytes32 root = _publishCredits(node, epoch, distributable, weightSeed);
        _pagePayers[node][epoch] = pagePayers;
        _pageAmounts[node][epoch] = pageAmounts;

        IRewardDistributor.EpochHeader memory header = IRewardDistributor.EpochHeader({
            epoch: epoch,
            receiptsRoot: keccak256(abi.encode(node, epoch)),
            creditsRoot: root,
            receiptCount: 3,
            totalFee: uint128(total),
            protocolFee: uint128(protocolFee),
            protocolFeeBps: distributor.protocolFeeBps(),
            pageCount: 1,
            dataUri: ""
        });
        vm.prank(node);
        distributor.settleEpoch(header, 0, pagePayers, pageAmounts);
        ghostDebited += total;
        for (uint256 i; i < pagePayers.length; ++i) {
            ghostNetDebited[pagePayers[i]][node] += pageAmounts[i];
        }
        ++calls[overCredit ? bytes32("settle (over-credit)") : bytes32("settle")];
    }

    /// @dev Debits every payer a random amount it can afford (balance and cap) while the node may
    ///      still settle its calls (expiry plus grace).
    function _collectDebits(address node, uint256 amountSeed)
        private
        view
        returns (address[] memory pagePayers, uint128[] memory pageAmounts, uint256 total)
    {
        pagePayers = new address[](payers.length);
        pageAmounts = new uint128[](payers.length);
        uint256 count;
        uint256 grace = escrow.settlementGrace();
        for (uint256 i; i < payers.length; ++i) {
            address payer = payers[i];
            IPaymentEscrow.Authorization memory authorization = escrow.authorizationOf(payer, node);
            if (block.timestamp > uint256(authorization.expiry) + grace) continue;
            uint256 affordable = _min(escrow.accountOf(payer).balance, authorization.remaining);
            uint256 amount = uint256(keccak256(abi.encode(amountSeed, i))) % (affordable + 1);
            if (amount == 0) continue;
            pagePayers[count] = payer;
            pageAmounts[count] = uint128(amount);
            total += amount;
            ++count;
        }
        assembly ("memory-safe") {
            mstore(pagePayers, count)
            mstore(pageAmounts, count)
        }
    }

    /// @dev Adds `distributable` to the recipients' cumulative credits at random and stores the tree.
    function _publishCredits(address node, uint64 epoch, uint256 distributable, uint256 weightSeed)
        private
        returns (bytes32)
    {
        uint256 n = recipients.length;
        uint256[] memory amounts = new uint256[](n);
        bytes32[] memory leaves = new bytes32[](n);
        uint256 left = distributable;
        for (uint256 i; i < n; ++i) {
            uint256 share = i + 1 == n ? left : uint256(keccak256(abi.encode(weightSeed, i))) % (left + 1);
            left -= share;
            _cumulative[node][recipients[i]] += share;
            amounts[i] = _cumulative[node][recipients[i]];
            leaves[i] = Merkle.creditLeaf(recipients[i], amounts[i]);
        }
        _leaves[node][epoch] = leaves;
        _amounts[node][epoch] = amounts;
        return Merkle.root(leaves);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
        ++calls["warp"];
    }

    function claim(uint256 nodeSeed, uint256 accountSeed, uint256 epochSeed) external {
        address node = nodes[nodeSeed % nodes.length];
        distributor.finalize(node, 64);
        uint64 last = distributor.getNodeState(node).finalizedEpoch;
        if (last == 0) return;
        uint64 epoch = uint64(bound(epochSeed, 1, last));
        if (_leaves[node][epoch].length == 0) return;
        uint256 index = accountSeed % recipients.length;
        address account = recipients[index];
        uint256 cumulative = _amounts[node][epoch][index];
        bytes32[] memory proof = Merkle.proof(_leaves[node][epoch], index);
        uint256 before = token.balanceOf(account);
        try distributor.claim(node, epoch, account, cumulative, proof) returns (uint256 paid) {
            require(token.balanceOf(account) - before == paid, "paid what it said");
            ghostClaimed += paid;
            ghostPaid[node][account] += paid;
            ++calls["claim"];
        } catch {
            ++calls["claim (refused)"];
        }
    }

    function challengeAndResolve(uint256 nodeSeed, uint256 epochSeed, bool upheld) external {
        address node = nodes[nodeSeed % nodes.length];
        IRewardDistributor.NodeState memory state = distributor.getNodeState(node);
        uint64 last = state.lastEpoch;
        if (last == state.finalizedEpoch) return;
        uint64 epoch = uint64(bound(epochSeed, state.finalizedEpoch + 1, last));
        IRewardDistributor.Epoch memory stored = distributor.getEpoch(node, epoch);
        if (stored.status != IRewardDistributor.EpochStatus.Settled || block.timestamp >= stored.claimableAt) return;
        uint96 bond = distributor.challengeBond();
        vm.prank(holder);
        token.transfer(challenger, bond);
        vm.startPrank(challenger);
        token.approve(address(distributor), bond);
        distributor.challenge(node, epoch, bytes32(0));
        vm.stopPrank();
        ghostBondsIn += bond;
        uint256 voided = upheld ? _debitsNotVoided(node, epoch, last) : 0;
        uint256 challengerBefore = token.balanceOf(challenger);
        vm.prank(governance);
        distributor.resolveChallenge(node, epoch, upheld, "");
        ghostBondsOut += token.balanceOf(challenger) - challengerBefore;
        if (upheld) {
            ghostVoided += voided;
            _forgetVoidedCredits(node, epoch, last);
        }
        ++calls[upheld ? bytes32("challenge (upheld)") : bytes32("challenge (rejected)")];
    }

    function refund(uint256 nodeSeed) external {
        address node = nodes[nodeSeed % nodes.length];
        uint64 last = distributor.getNodeState(node).lastEpoch;
        uint64 epoch;
        for (uint64 e = 1; e <= last; ++e) {
            if (distributor.getEpoch(node, e).status == IRewardDistributor.EpochStatus.Voided && !_refunded[node][e]) {
                epoch = e;
                break;
            }
        }
        if (epoch == 0) return;
        address[] memory pagePayers = _pagePayers[node][epoch];
        uint128[] memory pageAmounts = _pageAmounts[node][epoch];
        distributor.refundVoidedPage(node, epoch, 0, pagePayers, pageAmounts);
        _refunded[node][epoch] = true;
        for (uint256 i; i < pagePayers.length; ++i) {
            ghostRefunded += pageAmounts[i];
        }
        ++calls["refund"];
    }

    function sweep() external {
        uint256 before = token.balanceOf(distributor.treasury());
        distributor.sweepProtocolFees();
        ghostSwept += token.balanceOf(distributor.treasury()) - before;
        ++calls["sweep"];
    }

    /// @dev Debits of `node`'s epochs `from`..`last` not voided yet: what an upheld challenge voids.
    function _debitsNotVoided(address node, uint64 from, uint64 last) private view returns (uint256 total) {
        for (uint64 e = from; e <= last; ++e) {
            if (distributor.getEpoch(node, e).status == IRewardDistributor.EpochStatus.Voided) continue;
            uint128[] storage amounts = _pageAmounts[node][e];
            for (uint256 i; i < amounts.length; ++i) {
                total += amounts[i];
            }
        }
    }

    /// @dev After a void the node's next root builds on the last valid epoch's credits.
    function _forgetVoidedCredits(address node, uint64 from, uint64 last) private {
        for (uint64 e = from; e <= last; ++e) {
            delete _leaves[node][e];
            delete _amounts[node][e];
        }
        uint256[] memory keep = new uint256[](recipients.length);
        for (uint64 e = from - 1; e > 0; --e) {
            if (_amounts[node][e].length > 0) {
                keep = _amounts[node][e];
                break;
            }
        }
        for (uint256 i; i < recipients.length; ++i) {
            _cumulative[node][recipients[i]] = keep[i];
        }
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
