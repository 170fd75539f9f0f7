// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRewardDistributor} from "../src/rewards/IRewardDistributor.sol";
import {ProtocolTest} from "./utils/ProtocolTest.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @notice Gas of the protocol's main operations, written to snapshots/protocol.json by
///         `forge test` (committed, so a diff shows gas changes). Figures are execution gas of
///         the call, without the 21,000 base and calldata costs of a transaction.
contract GasTest is ProtocolTest {
    address internal node = makeAddr("node");
    address internal alice = makeAddr("alice");

    function setUp() public override {
        super.setUp();
        registerNode(node, 0x51);
    }

    function test_gas_createDatanetAndCommitVersion() public {
        address owner = makeAddr("owner");
        vm.prank(owner);
        uint256 id = datanets.createDatanet(keccak256("meta"), openPolicy());
        vm.snapshotGasLastCall("protocol", "createDatanet");
        vm.prank(owner);
        datanets.commitVersion(id, keccak256("root"), 1_000, 2_000_000, keccak256("manifest"));
        vm.snapshotGasLastCall("protocol", "commitVersion");
    }

    function test_gas_registerModel() public {
        uint256 datanetId = createDatanetWithVersion(makeAddr("owner"));
        vm.prank(makeAddr("developer"));
        models.registerModel(defaultModelParams(node, datanetId));
        vm.snapshotGasLastCall("protocol", "registerModel");
    }

    function _settleWithPayers(uint256 count) internal returns (bytes32[] memory leaves, uint256[] memory amounts) {
        address[] memory payers = new address[](count);
        uint128[] memory debits = new uint128[](count);
        for (uint256 i; i < count; ++i) {
            payers[i] = address(uint160(0x10000 + i));
            debits[i] = 1 ether;
            payerReady(payers[i], node, 10 ether, 10 ether);
        }
        address[] memory accounts = new address[](1);
        accounts[0] = alice;
        amounts = new uint256[](1);
        amounts[0] = count * 0.95 ether;
        leaves = creditLeaves(accounts, amounts);
        vm.prank(node);
        distributor.settleEpoch(header(1, Merkle.root(leaves), uint128(count * 1 ether), 1, 1), 0, payers, debits);
    }

    function test_gas_settleEpoch_1payer() public {
        _settleWithPayers(1);
        vm.snapshotGasLastCall("protocol", "settleEpoch (1 payer)");
    }

    function test_gas_settleEpoch_10payers() public {
        _settleWithPayers(10);
        vm.snapshotGasLastCall("protocol", "settleEpoch (10 payers)");
    }

    function test_gas_settleEpoch_100payers() public {
        _settleWithPayers(100);
        vm.snapshotGasLastCall("protocol", "settleEpoch (100 payers)");
    }

    function test_gas_claim() public {
        (bytes32[] memory leaves, uint256[] memory amounts) = _settleWithPayers(1);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 1, alice, amounts[0], Merkle.proof(leaves, 0));
        vm.snapshotGasLastCall("protocol", "claim (first from this node)");

        // A returning recipient claims a later epoch: the usual case.
        address[] memory accounts = new address[](1);
        accounts[0] = alice;
        uint256[] memory later = new uint256[](1);
        later[0] = amounts[0] + 0.95 ether;
        bytes32[] memory laterLeaves = creditLeaves(accounts, later);
        address payer = address(uint160(0x10000));
        vm.prank(node);
        distributor.settleEpoch(header(2, Merkle.root(laterLeaves), 1 ether, 1, 1), 0, single(payer), single(1 ether));
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 2, alice, later[0], Merkle.proof(laterLeaves, 0));
        vm.snapshotGasLastCall("protocol", "claim (returning recipient)");
    }

    function test_gas_claimMany_3nodes() public {
        address[3] memory ops = [node, makeAddr("node2"), makeAddr("node3")];
        registerNode(ops[1], 0x52);
        registerNode(ops[2], 0x53);
        address[] memory accounts = new address[](2);
        (accounts[0], accounts[1]) = (alice, makeAddr("bob"));
        uint256[] memory amounts = new uint256[](2);
        (amounts[0], amounts[1]) = (10 ether, 9 ether);
        bytes32[] memory leaves = creditLeaves(accounts, amounts);
        IRewardDistributor.Claim[] memory claims = new IRewardDistributor.Claim[](3);
        for (uint256 i; i < 3; ++i) {
            address payer = address(uint160(0x9000 + i));
            payerReady(payer, ops[i], 20 ether, 20 ether);
            vm.prank(ops[i]);
            distributor.settleEpoch(header(1, Merkle.root(leaves), 20 ether, 1, 1), 0, single(payer), single(20 ether));
            claims[i] = IRewardDistributor.Claim(ops[i], 1, alice, 10 ether, Merkle.proof(leaves, 0));
        }
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claimMany(claims);
        vm.snapshotGasLastCall("protocol", "claimMany (3 nodes)");
    }
}
