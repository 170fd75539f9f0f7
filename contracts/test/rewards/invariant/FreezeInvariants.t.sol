// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IRewardDistributor} from "../../../src/rewards/IRewardDistributor.sol";
import {RewardDistributor} from "../../../src/rewards/RewardDistributor.sol";
import {PaymentEscrow} from "../../../src/payments/PaymentEscrow.sol";
import {ProtocolTest} from "../../utils/ProtocolTest.sol";
import {Merkle} from "../../utils/Merkle.sol";

/// @notice Second handler for the distributor: keeps challenges open across other actions (several at
///         once), settles 2-page epochs (so open epochs get cascaded, abandoned or voided as stale),
///         and claims against any epoch, checking that no claim succeeds while an earlier epoch is not
///         final.
contract FreezeHandler is Test {
    IERC20 token;
    PaymentEscrow escrow;
    RewardDistributor d;
    address gov;
    address holder;
    address public node;
    address[3] recipients = [address(0xAA01), address(0xAA02), address(0xAA03)];
    address[3] payersA = [address(0x1001), address(0x1002), address(0x1003)];
    address challenger = address(0xC4A1);

    mapping(uint64 => uint256[3]) amounts;
    mapping(uint64 => bool) hasTree;
    mapping(uint64 => address[]) pPayers; // page p stored at epoch*10+p
    mapping(uint64 => uint128[]) pAmounts;
    mapping(uint64 => uint32) pagesStored;
    mapping(uint64 => mapping(uint32 => bool)) refunded;
    IRewardDistributor.EpochHeader pendingHeader;
    bool pending;
    uint64[] openChallenges;

    mapping(uint64 => bool) public claimedFrom;
    uint256 public ghostIn;
    uint256 public ghostOut;
    uint256 public badClaims;
    mapping(bytes32 => uint256) public n; // action counts, for the campaign's log

    constructor(IERC20 t, PaymentEscrow e, RewardDistributor dist, address g, address h, address node_) {
        token = t;
        escrow = e;
        d = dist;
        gov = g;
        holder = h;
        node = node_;
        for (uint256 i; i < 3; ++i) {
            vm.prank(holder);
            token.transfer(payersA[i], 1e24);
            vm.startPrank(payersA[i]);
            token.approve(address(escrow), type(uint256).max);
            escrow.deposit(1e24);
            escrow.authorize(node, type(uint128).max, type(uint64).max);
            vm.stopPrank();
        }
    }

    function _base(uint64 epoch) internal view returns (uint256[3] memory keep) {
        for (uint64 e = epoch - 1; e > 0; --e) {
            IRewardDistributor.EpochStatus s = d.getEpoch(node, e).status;
            if (
                hasTree[e] && s != IRewardDistributor.EpochStatus.Voided
                    && s != IRewardDistributor.EpochStatus.Open
            ) return amounts[e];
        }
    }

    function settle(uint256 seed, bool twoPages, bool overCredit) external {
        IRewardDistributor.NodeState memory st = d.getNodeState(node);
        if (st.lastEpoch > 0 && d.getEpoch(node, st.lastEpoch).status == IRewardDistributor.EpochStatus.Open) return;
        uint64 epoch = st.lastEpoch + 1;
        uint128 a0 = uint128(bound(seed, 1e6, 1e20));
        uint128 total = twoPages ? a0 + uint128(bound(seed >> 64, 1e6, 1e20)) : a0;
        uint128 pf = uint128(uint256(total) * 500 / 10_000);
        bytes32 root = _tree(epoch, seed, overCredit ? (total - pf) * 2 : total - pf);
        IRewardDistributor.EpochHeader memory h = IRewardDistributor.EpochHeader(
            epoch, bytes32(uint256(epoch)), root, 1, total, pf, 500, twoPages ? 2 : 1, ""
        );
        _page0(h, a0);
        if (twoPages) {
            pendingHeader = h;
            pending = true;
        }
    }

    function _tree(uint64 epoch, uint256 seed, uint256 dist) internal returns (bytes32) {
        uint256[3] memory b = _base(epoch);
        bytes32[] memory leaves = new bytes32[](3);
        uint256 left = dist;
        for (uint256 i; i < 3; ++i) {
            uint256 share = i == 2 ? left : uint256(keccak256(abi.encode(seed, i))) % (left + 1);
            left -= share;
            amounts[epoch][i] = b[i] + share;
            leaves[i] = Merkle.creditLeaf(recipients[i], amounts[epoch][i]);
        }
        hasTree[epoch] = true;
        return Merkle.root(leaves);
    }

    function _page0(IRewardDistributor.EpochHeader memory h, uint128 a0) internal {
        address[] memory p = new address[](1);
        uint128[] memory a = new uint128[](1);
        p[0] = payersA[0];
        a[0] = a0;
        vm.prank(node);
        d.settleEpoch(h, 0, p, a);
        ghostIn += a0;
        pPayers[h.epoch * 10] = p;
        pAmounts[h.epoch * 10] = a;
        pagesStored[h.epoch] = 1;
    }

    function finishPage(uint256 seed) external {
        if (!pending) return;
        IRewardDistributor.EpochHeader memory h = pendingHeader;
        if (d.getEpoch(node, h.epoch).status != IRewardDistributor.EpochStatus.Open) {
            pending = false;
            return;
        }
        address[] memory p = new address[](1);
        uint128[] memory a = new uint128[](1);
        p[0] = payersA[1 + seed % 2];
        a[0] = h.totalFee - d.getEpoch(node, h.epoch).debited;
        vm.prank(node);
        d.settleEpoch(h, 1, p, a);
        ghostIn += a[0];
        pPayers[h.epoch * 10 + 1] = p;
        pAmounts[h.epoch * 10 + 1] = a;
        pagesStored[h.epoch] = 2;
        pending = false;
    }

    function voidStale() external {
        try d.voidStaleEpoch(node) {
            pending = false;
            ++n["stale"];
        } catch {}
    }

    function abandon() external {
        vm.prank(node);
        try d.abandonOpenEpoch() {
            pending = false;
            ++n["abandon"];
        } catch {}
    }

    function challenge(uint256 seed) external {
        uint64 last = d.getNodeState(node).lastEpoch;
        if (last == 0) return;
        uint64 e = uint64(bound(seed, 1, last));
        IRewardDistributor.Epoch memory s = d.getEpoch(node, e);
        if (s.status != IRewardDistributor.EpochStatus.Settled || block.timestamp >= s.claimableAt) return;
        uint96 bond = d.challengeBond();
        vm.prank(holder);
        token.transfer(challenger, bond);
        vm.startPrank(challenger);
        token.approve(address(d), bond);
        d.challenge(node, e, 0);
        vm.stopPrank();
        ghostIn += bond;
        openChallenges.push(e);
        ++n["challenge"];
        if (d.getNodeState(node).openChallenges > 1) ++n["concurrent"];
    }

    function resolve(uint256 seed, bool upheld) external {
        if (openChallenges.length == 0) return;
        uint256 i = seed % openChallenges.length;
        uint64 e = openChallenges[i];
        openChallenges[i] = openChallenges[openChallenges.length - 1];
        openChallenges.pop();
        if (d.getEpoch(node, e).status != IRewardDistributor.EpochStatus.Challenged) return; // voided by cascade
        uint256 before = token.balanceOf(challenger);
        vm.prank(gov);
        d.resolveChallenge(node, e, upheld, "");
        ghostOut += token.balanceOf(challenger) - before;
        ++n[upheld ? bytes32("upheld") : bytes32("rejected")];
    }

    function claim(uint256 epochSeed, uint256 who) external {
        uint64 last = d.getNodeState(node).lastEpoch;
        if (last == 0) return;
        uint64 e = uint64(bound(epochSeed, 1, last));
        if (!hasTree[e]) return;
        uint256 idx = who % 3;
        bytes32[] memory leaves = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            leaves[i] = Merkle.creditLeaf(recipients[i], amounts[e][i]);
        }
        bool unsafe_;
        for (uint64 x = 1; x <= e; ++x) {
            IRewardDistributor.Epoch memory s = d.getEpoch(node, x);
            if (
                s.status == IRewardDistributor.EpochStatus.Challenged
                    || s.status == IRewardDistributor.EpochStatus.Open
                    || (s.status == IRewardDistributor.EpochStatus.Settled && block.timestamp < s.claimableAt)
            ) unsafe_ = true;
        }
        try d.claim(node, e, recipients[idx], amounts[e][idx], Merkle.proof(leaves, idx)) returns (
            uint256 paid
        ) {
            ghostOut += paid;
            claimedFrom[e] = true;
            ++n["claim"];
            if (d.getNodeState(node).openChallenges > 0) ++n["claimDuringChallenge"];
            if (unsafe_) ++badClaims;
        } catch {}
    }

    function refund(uint256 seed) external {
        uint64 last = d.getNodeState(node).lastEpoch;
        if (last == 0) return;
        uint64 e = uint64(bound(seed, 1, last));
        if (d.getEpoch(node, e).status != IRewardDistributor.EpochStatus.Voided) return;
        for (uint32 p; p < pagesStored[e]; ++p) {
            if (refunded[e][p]) continue;
            d.refundVoidedPage(node, e, p, pPayers[e * 10 + p], pAmounts[e * 10 + p]);
            refunded[e][p] = true;
            ++n["refundPage"];
            ghostOut += pAmounts[e * 10 + p][0];
        }
    }

    function sweep() external {
        uint256 before = token.balanceOf(d.treasury());
        d.sweepProtocolFees();
        ghostOut += token.balanceOf(d.treasury()) - before;
    }

    function finalize() external {
        d.finalize(node, 64);
    }

    function warp(uint256 s) external {
        vm.warp(block.timestamp + bound(s, 1, 1 days));
    }
}

contract FreezeInvariantsTest is StdInvariant, ProtocolTest {
    FreezeHandler h;

    function setUp() public override {
        super.setUp();
        address n = makeAddr("fnode");
        registerNode(n, 0xF1);
        h = new FreezeHandler(token, escrow, distributor, governance, holder, n);
        vm.prank(governance);
        escrow.setSettlementGrace(0);
        targetContract(address(h));
    }

    function afterInvariant() public {
        bytes32[9] memory k = [
            bytes32("claim"),
            "claimDuringChallenge",
            "challenge",
            "concurrent",
            "upheld",
            "rejected",
            "abandon",
            "stale",
            "refundPage"
        ];
        for (uint256 i; i < k.length; ++i) {
            emit log_named_uint(string(abi.encodePacked(k[i])), h.n(k[i]));
        }
    }

    function invariant_conservation() public view {
        assertEq(token.balanceOf(address(distributor)), h.ghostIn() - h.ghostOut());
    }

    function invariant_noClaimWhileEarlierEpochUnfinal() public view {
        assertEq(h.badClaims(), 0);
    }

    function invariant_voidedNeverClaimed() public view {
        uint64 last = distributor.getNodeState(h.node()).lastEpoch;
        for (uint64 e = 1; e <= last; ++e) {
            if (distributor.getEpoch(h.node(), e).status == IRewardDistributor.EpochStatus.Voided) {
                assertFalse(h.claimedFrom(e));
            }
        }
    }

    function invariant_claimedLeFunded() public view {
        IRewardDistributor.NodeState memory s = distributor.getNodeState(h.node());
        assertLe(s.totalClaimed, s.cumulativeFunded);
    }
}
