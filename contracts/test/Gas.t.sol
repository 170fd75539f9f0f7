// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRewardDistributor} from "../src/rewards/IRewardDistributor.sol";
import {ProtocolTest} from "./utils/ProtocolTest.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @notice Gas of the protocol's main operations, checked against the committed
///         snapshots/protocol.json: a figure more than `TOLERANCE_BPS` above (a regression) or
///         below (an improvement not recorded) its snapshot fails. `forge test` never writes the
///         file; `npm run snapshot` in contracts/ (GAS_SNAPSHOT=write) does. Figures are
///         what a transaction pays (isolated calls: 21,000 base and calldata included). The
///         issue's targets are asserted too: a claim ≤ 90 k (first) / 70 k (returning).
contract GasTest is ProtocolTest {
    string internal constant SNAPSHOT = "snapshots/protocol.json";
    uint256 internal constant TOLERANCE_BPS = 100; // 1%

    address internal node = makeAddr("node");
    address internal alice = makeAddr("alice");
    string internal measured = "gas";

    function setUp() public override {
        super.setUp();
        registerNode(node, 0x51);
    }

    function test_gas_matchesSnapshot() public {
        uint256 start = vm.snapshotState();
        _datanetAndModel();
        vm.revertToState(start);
        _settlements();
        vm.revertToState(start);
        _settlementAtScale();
        vm.revertToState(start);
        _claims();
        vm.revertToState(start);
        _claimMany();

        string memory json = vm.serializeUint(measured, "_toleranceBps", TOLERANCE_BPS);
        if (keccak256(bytes(vm.envOr("GAS_SNAPSHOT", string("")))) == keccak256("write")) {
            vm.writeJson(json, SNAPSHOT);
            return;
        }
        string memory committed = vm.readFile(SNAPSHOT);
        string[] memory keys = vm.parseJsonKeys(json, "$");
        for (uint256 i; i < keys.length; ++i) {
            string memory path = string.concat(".", keys[i]);
            uint256 got = vm.parseJsonUint(json, path);
            assertTrue(vm.keyExistsJson(committed, path), string.concat("not in the snapshot: ", keys[i]));
            uint256 want = vm.parseJsonUint(committed, path);
            uint256 slack = want * TOLERANCE_BPS / 10_000;
            assertLe(got, want + slack, string.concat("gas regression: ", keys[i]));
            assertGe(got + slack, want, string.concat("gas improved, update the snapshot: ", keys[i]));
        }
    }

    function _record(string memory name) internal returns (uint256 gas) {
        gas = vm.lastCallGas().gasTotalUsed;
        vm.serializeUint(measured, name, gas);
    }

    function _datanetAndModel() internal {
        address owner = makeAddr("owner");
        vm.prank(owner);
        uint256 id = datanets.createDatanet(keccak256("meta"), openPolicy());
        _record("createDatanet");
        vm.prank(owner);
        datanets.commitVersion(id, keccak256("root"), 1_000, 2_000_000, keccak256("manifest"));
        _record("commitVersion");
        vm.prank(makeAddr("developer"));
        models.registerModel(defaultModelParams(node, id));
        _record("registerModel");
    }

    function _settleWithPayers(uint64 epoch, uint256 count) internal returns (bytes32[] memory leaves) {
        address[] memory payers = new address[](count);
        uint128[] memory debits = new uint128[](count);
        for (uint256 i; i < count; ++i) {
            payers[i] = address(uint160(0x10000 + i));
            debits[i] = 1 ether;
            if (escrow.accountOf(payers[i]).balance == 0) payerReady(payers[i], node, 10 ether, 10 ether);
        }
        leaves = new bytes32[](2);
        leaves[0] = Merkle.creditLeaf(alice, epoch * count * 0.5 ether);
        leaves[1] = Merkle.creditLeaf(makeAddr("bob"), epoch * count * 0.45 ether);
        vm.prank(node);
        distributor.settleEpoch(
            header(epoch, Merkle.root(leaves), uint128(count * 1 ether), 1, 1), 0, payers, debits
        );
    }

    function _settlements() internal {
        uint256 start = vm.snapshotState();
        _settleWithPayers(1, 1);
        _record("settleEpoch_1payer");
        vm.revertToState(start);
        _settleWithPayers(1, 10);
        _record("settleEpoch_10payers");
        vm.revertToState(start);
        _settleWithPayers(1, 100);
        uint256 hundred = _record("settleEpoch_100payers");
        _settleWithPayers(2, 100); // the same payers again: what a steady epoch costs
        uint256 again = _record("settleEpoch_100returningPayers");
        emit log_named_uint("gas per returning payer", (again - 21_000) / 100);
        assertGt(hundred, again);
    }

    /// @dev The issue's scale: one epoch of 10,000 calls from 1,000 distinct payers (10 calls
    ///      each, summed into one debit per payer), in full pages, as a steady epoch (the payers
    ///      paid the node before). Recorded: the whole settlement, and per call.
    function _settlementAtScale() internal {
        uint256 count = 1_000;
        uint256 calls = 10_000;
        uint256 page = distributor.MAX_PAGE_PAYERS();
        address[] memory payers = new address[](count);
        uint128[] memory debits = new uint128[](count);
        for (uint256 i; i < count; ++i) {
            payers[i] = address(uint160(0x10000 + i));
            debits[i] = 0.01 ether;
            payerReady(payers[i], node, 1 ether, 1 ether);
        }
        _settlePages(1, payers, debits, page); // the payers' first epoch
        uint256 total = _settlePages(2, payers, debits, page);
        vm.serializeUint(measured, "settleEpoch_1000payers_total", total);
        vm.serializeUint(measured, "settleEpoch_1000payers_perCallAt10kCalls", total / calls);
        emit log_named_uint("gas per call, 10,000 calls from 1,000 payers", total / calls);
        emit log_named_uint("gas per distinct payer", total / count);
    }

    /// @dev Settles epoch `epoch` debiting every payer, `page` payers a page; returns the gas of all pages.
    function _settlePages(uint64 epoch, address[] memory payers, uint128[] memory debits, uint256 page)
        internal
        returns (uint256 gas)
    {
        uint256 count = payers.length;
        uint32 pages = uint32((count + page - 1) / page);
        IRewardDistributor.EpochHeader memory h =
            header(epoch, keccak256(abi.encode(epoch)), uint128(count) * debits[0], 1, pages);
        for (uint32 p; p < pages; ++p) {
            uint256 from = p * page;
            uint256 to = from + page < count ? from + page : count;
            address[] memory slice = new address[](to - from);
            uint128[] memory amounts = new uint128[](to - from);
            for (uint256 i = from; i < to; ++i) {
                (slice[i - from], amounts[i - from]) = (payers[i], debits[i]);
            }
            vm.prank(node);
            distributor.settleEpoch(h, p, slice, amounts);
            gas += vm.lastCallGas().gasTotalUsed;
        }
    }

    function _claims() internal {
        bytes32[] memory leaves = _settleWithPayers(1, 1);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 1, alice, 0.5 ether, Merkle.proof(leaves, 0));
        // A first claim to an account holding no tokens yet: its balance slot is created too.
        assertLe(_record("claim_first_newHolder"), 100_000);
        // A returning recipient claims a later epoch: the usual case.
        leaves = _settleWithPayers(2, 1);
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claim(node, 2, alice, 1 ether, Merkle.proof(leaves, 0));
        assertLe(_record("claim_returning"), 70_000, "target: returning claim <= 70k");
        // A first claim from this node by an account that already holds tokens.
        address bob = makeAddr("bob");
        fund(bob, 1 ether);
        distributor.claim(node, 2, bob, 0.9 ether, Merkle.proof(leaves, 1));
        assertLe(_record("claim_first_tokenHolder"), 90_000, "target: first claim <= 90k");
    }

    function _claimMany() internal {
        address[3] memory ops = [node, makeAddr("node2"), makeAddr("node3")];
        registerNode(ops[1], 0x52);
        registerNode(ops[2], 0x53);
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = Merkle.creditLeaf(alice, 10 ether);
        leaves[1] = Merkle.creditLeaf(makeAddr("bob"), 9 ether);
        IRewardDistributor.Claim[] memory claims = new IRewardDistributor.Claim[](3);
        for (uint256 i; i < 3; ++i) {
            address payer = address(uint160(0x9000 + i));
            payerReady(payer, ops[i], 20 ether, 20 ether);
            vm.prank(ops[i]);
            distributor.settleEpoch(
                header(1, Merkle.root(leaves), 20 ether, 1, 1), 0, single(payer), single(20 ether)
            );
            claims[i] = IRewardDistributor.Claim(ops[i], 1, alice, 10 ether, Merkle.proof(leaves, 0));
        }
        vm.warp(block.timestamp + CHALLENGE_WINDOW);
        distributor.claimMany(claims);
        _record("claimMany_3nodes");
    }
}
