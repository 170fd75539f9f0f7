// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDatanetRegistry} from "../../src/datanets/IDatanetRegistry.sol";
import {IModelRegistry} from "../../src/models/IModelRegistry.sol";
import {IRewardDistributor} from "../../src/rewards/IRewardDistributor.sol";
import {RewardDistributor} from "../../src/rewards/RewardDistributor.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";

/// @notice Finding 9 of "Contracts v2": every loop the protocol runs for others (the distributor's,
///         the escrow's pages, a model version's datanets) has a maximum, and its worst case costs
///         at most 15 M gas (half a 30 M block), measured as a transaction pays. (`claimMany` and
///         GovernanceRewards' claim loop run over the caller's own list: only the caller pays.)
contract BoundsTest is ProtocolTest {
    uint256 internal constant HALF_BLOCK = 15_000_000;
    address internal node = makeAddr("node");
    address internal payer = address(0x1111);
    uint64 internal maxPending;

    function setUp() public override {
        super.setUp();
        registerNode(node, 0x51);
        payerReadyUntil(payer, node, 1_000_000 ether, 1_000_000 ether, uint64(block.timestamp + 365 days));
        maxPending = distributor.MAX_PENDING_EPOCHS();
        RewardDistributor.Parameters memory p = defaultParameters();
        p.maxPendingEpochs = maxPending;
        p.challengeWindow = 30 days;
        vm.prank(governance);
        distributor.setParameters(p);
    }

    function _settleMany(uint64 count) internal {
        for (uint64 e = 1; e <= count; ++e) {
            vm.prank(node);
            distributor.settleEpoch(
                header(e, bytes32(uint256(e)), 1 ether, 1, 1), 0, single(payer), single(1 ether)
            );
        }
    }

    function _challengeAll(uint64 count) internal {
        for (uint64 e = 1; e <= count; ++e) {
            address challenger = address(uint160(0x100000 + e)); // a different challenger each
            uint256 bond = distributor.challengeBondFor(node, e);
            fund(challenger, bond);
            vm.startPrank(challenger);
            token.approve(address(distributor), bond);
            distributor.challenge(node, e, "evidence");
            vm.stopPrank();
        }
    }

    function _lastGas() internal view returns (uint256) {
        return vm.lastCallGas().gasTotalUsed;
    }

    /// @dev The audit measured 45.1 M gas for a cascading void over 1,024 challenged epochs.
    function test_bounds_cascadingVoidOverMaxPendingChallengedEpochs() public {
        _settleMany(maxPending);
        vm.prank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsTooManyPendingEpochs.selector, maxPending)
        );
        distributor.settleEpoch(
            header(maxPending + 1, bytes32(0), 1 ether, 1, 1), 0, single(payer), single(1 ether)
        );
        _challengeAll(maxPending);
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, true, "fraud");
        uint256 gas = _lastGas();
        emit log_named_uint("cascading void over 1,024 challenged epochs", gas);
        assertLe(gas, HALF_BLOCK);
        assertEq(
            uint8(distributor.getEpoch(node, maxPending).status), uint8(IRewardDistributor.EpochStatus.Voided)
        );
        assertEq(distributor.getNodeState(node).openChallenges, 0);
    }

    function test_bounds_finalityAdvanceOverMaxPendingEpochs() public {
        _settleMany(maxPending);
        vm.warp(block.timestamp + 30 days);
        vm.prank(node);
        distributor.settleEpoch(
            header(maxPending + 1, bytes32(0), 1 ether, 1, 1), 0, single(payer), single(1 ether)
        );
        uint256 gas = _lastGas();
        emit log_named_uint("settlement finalizing 1,024 epochs", gas);
        assertLe(gas, HALF_BLOCK);
        assertEq(distributor.getNodeState(node).finalizedEpoch, maxPending);
    }

    function test_bounds_nextChallengeScanOverMaxPendingEpochs() public {
        _settleMany(maxPending);
        _challengeAll(1);
        address late = makeAddr("late");
        fund(late, CHALLENGE_BOND);
        vm.startPrank(late);
        token.approve(address(distributor), CHALLENGE_BOND);
        distributor.challenge(node, maxPending, "evidence");
        vm.stopPrank();
        vm.prank(governance);
        distributor.resolveChallenge(node, 1, false, "no fraud");
        uint256 gas = _lastGas();
        emit log_named_uint("rejection scanning 1,023 epochs for the next challenge", gas);
        assertLe(gas, HALF_BLOCK);
        assertEq(distributor.getNodeState(node).frozenFrom, maxPending);
    }

    function test_bounds_fullPageSettlesAndRefunds() public {
        uint256 count = distributor.MAX_PAGE_PAYERS();
        address[] memory payers = new address[](count + 1);
        uint128[] memory amounts = new uint128[](count + 1);
        for (uint256 i; i <= count; ++i) {
            payers[i] = address(uint160(0x10000 + i));
            amounts[i] = 1 ether;
            payerReady(payers[i], node, 1 ether, 1 ether); // emptied by the debit: the worst refund
        }
        vm.prank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardsPageTooLarge.selector, count + 1, count)
        );
        distributor.settleEpoch(header(1, bytes32(0), uint128(count + 1) * 1 ether, 1, 1), 0, payers, amounts);
        assembly ("memory-safe") {
            mstore(payers, count)
            mstore(amounts, count)
        }
        IRewardDistributor.EpochHeader memory h = header(1, bytes32(0), uint128(count) * 1 ether, 1, 2);
        vm.prank(node);
        distributor.settleEpoch(h, 0, payers, amounts);
        uint256 settleGas = _lastGas();
        emit log_named_uint("settling a full page", settleGas);
        assertLe(settleGas, HALF_BLOCK);
        vm.prank(node);
        distributor.abandonOpenEpoch();
        distributor.refundVoidedPage(node, 1, 0, payers, amounts);
        uint256 refundGas = _lastGas();
        emit log_named_uint("refunding a full page to emptied balances", refundGas);
        assertLe(refundGas, HALF_BLOCK);
    }

    /// @dev A model version names at most `MAX_DATANETS_PER_VERSION` datanets; the worst case
    ///      licenses every one, each paying a fee to a different owner who held no tokens yet.
    function test_bounds_registerModelWithMaxDatanets() public {
        uint256 count = models.MAX_DATANETS_PER_VERSION();
        IModelRegistry.RegisterModelParams memory params = defaultModelParams(node, 0);
        params.datanets = new IModelRegistry.DatanetVersionRef[](count + 1);
        IDatanetRegistry.Policy memory policy = openPolicy();
        policy.licence = IDatanetRegistry.Licence.Licensed;
        policy.licenceFee = 1 ether;
        for (uint256 i; i <= count; ++i) {
            address owner = address(uint160(0xD000 + i));
            vm.startPrank(owner);
            uint256 id = datanets.createDatanet(keccak256(abi.encode("meta", i)), policy);
            datanets.commitVersion(id, keccak256(abi.encode("root", i)), 3, 1000, keccak256("manifest"));
            vm.stopPrank();
            params.datanets[i] = IModelRegistry.DatanetVersionRef({datanetId: id, version: 1});
        }
        params.maxLicenceFees = (count + 1) * 1 ether;
        address developer = makeAddr("developer");
        fund(developer, params.maxLicenceFees);
        vm.prank(developer);
        token.approve(address(models), type(uint256).max);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelInvalidDatanetCount.selector, count + 1));
        models.registerModel(params);
        IModelRegistry.DatanetVersionRef[] memory refs = params.datanets;
        assembly ("memory-safe") {
            mstore(refs, count)
        }
        vm.prank(developer);
        uint256 modelId = models.registerModel(params);
        uint256 gas = _lastGas();
        emit log_named_uint("registering a model on 32 licensed datanets", gas);
        assertLe(gas, HALF_BLOCK);
        assertTrue(models.isLicensed(modelId, params.datanets[count - 1].datanetId));
        assertEq(token.balanceOf(address(uint160(0xD000 + count - 1))), 1 ether);
    }
}
