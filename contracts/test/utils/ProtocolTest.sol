// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TributaryToken} from "../../src/token/TributaryToken.sol";
import {DatanetRegistry} from "../../src/datanets/DatanetRegistry.sol";
import {IDatanetRegistry} from "../../src/datanets/IDatanetRegistry.sol";
import {ModelRegistry} from "../../src/models/ModelRegistry.sol";
import {IModelRegistry} from "../../src/models/IModelRegistry.sol";
import {NodeRegistry} from "../../src/nodes/NodeRegistry.sol";
import {PaymentEscrow} from "../../src/payments/PaymentEscrow.sol";
import {RewardDistributor} from "../../src/rewards/RewardDistributor.sol";
import {IRewardDistributor} from "../../src/rewards/IRewardDistributor.sol";
import {Merkle} from "./Merkle.sol";

/// @notice Deploys the protocol with a plain `governance` account as owner (the timelock's role;
///         the governance tests wire the real Governor + Timelock) and offers helpers.
abstract contract ProtocolTest is Test {
    uint256 internal constant SUPPLY = 1_000_000_000 ether;
    uint256 internal constant MIN_STAKE = 1_000 ether;
    uint64 internal constant UNSTAKE_DELAY = 7 days;
    uint64 internal constant UNLOCK_DELAY = 2 days;
    uint64 internal constant SETTLEMENT_GRACE = 1 days;
    uint64 internal constant BOND_TIMEOUT = 30 days;
    uint64 internal constant BOND_APPEAL_PERIOD = 7 days;
    uint64 internal constant CHALLENGE_WINDOW = 1 days;
    uint96 internal constant CHALLENGE_BOND = 100 ether;
    /// @dev Bonds are 10% of the funds a challenge freezes, at least CHALLENGE_BOND.
    uint16 internal constant CHALLENGE_BOND_BPS = 1_000;
    uint64 internal constant RESOLUTION_PERIOD = 7 days;
    uint16 internal constant PROTOCOL_FEE_BPS = 500;

    address internal governance = makeAddr("governance");
    address internal treasury = makeAddr("treasury");
    address internal holder = makeAddr("holder");

    TributaryToken internal token;
    DatanetRegistry internal datanets;
    NodeRegistry internal nodes;
    ModelRegistry internal models;
    PaymentEscrow internal escrow;
    RewardDistributor internal distributor;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        token = new TributaryToken(holder, SUPPLY);
        datanets = new DatanetRegistry(token, governance, BOND_TIMEOUT, BOND_APPEAL_PERIOD);
        nodes = new NodeRegistry(token, governance, MIN_STAKE, UNSTAKE_DELAY);
        models = new ModelRegistry(token, datanets, nodes, governance);
        escrow = new PaymentEscrow(token, governance, UNLOCK_DELAY, SETTLEMENT_GRACE);
        distributor = new RewardDistributor(
            token,
            escrow,
            nodes,
            governance,
            defaultParameters()
        );
        escrow.setDistributor(address(distributor)); // as the deployer, once
        nodes.setSettlement(address(distributor)); // likewise
    }

    function defaultParameters() internal view returns (RewardDistributor.Parameters memory) {
        return RewardDistributor.Parameters({
            protocolFeeBps: PROTOCOL_FEE_BPS,
            challengeWindow: CHALLENGE_WINDOW,
            challengeBondMin: CHALLENGE_BOND,
            challengeBondBps: CHALLENGE_BOND_BPS,
            resolutionPeriod: RESOLUTION_PERIOD,
            maxPendingEpochs: 64,
            treasury: treasury
        });
    }

    // ------------------------------------------------------------ accounts

    function fund(address account, uint256 amount) internal {
        vm.prank(holder);
        token.transfer(account, amount);
    }

    /// @dev Registers `operator` as a node whose signing key is `keyPk`, staked `MIN_STAKE`.
    function registerNode(address operator, uint256 keyPk) internal {
        address key = vm.addr(keyPk);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature = signKeyConsent(keyPk, operator, nodes.nonces(key), deadline);
        fund(operator, MIN_STAKE);
        vm.startPrank(operator);
        nodes.register("https://node.example", key, deadline, signature);
        token.approve(address(nodes), MIN_STAKE);
        nodes.stake(MIN_STAKE);
        vm.stopPrank();
    }

    function signKeyConsent(uint256 keyPk, address operator, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        bytes32 structHash = keccak256(abi.encode(nodes.SIGNING_KEY_TYPEHASH(), operator, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", nodes.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyPk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Deposits `amount` for `payer` and authorizes `node` for `cap` until a week from now.
    function payerReady(address payer, address node, uint256 amount, uint128 cap) internal {
        payerReadyUntil(payer, node, amount, cap, uint64(block.timestamp + 7 days));
    }

    function payerReadyUntil(address payer, address node, uint256 amount, uint128 cap, uint64 expiry) internal {
        fund(payer, amount);
        vm.startPrank(payer);
        token.approve(address(escrow), amount);
        escrow.deposit(amount);
        escrow.authorize(node, cap, expiry);
        vm.stopPrank();
    }

    // ------------------------------------------------------------ datanets and models

    function openPolicy() internal pure returns (IDatanetRegistry.Policy memory) {
        return IDatanetRegistry.Policy({
            contributionMode: IDatanetRegistry.ContributionMode.Open,
            licence: IDatanetRegistry.Licence.Open,
            minDataBps: 0,
            contributionBond: 0,
            licenceFee: 0
        });
    }

    function createDatanetWithVersion(address owner) internal returns (uint256 datanetId) {
        vm.startPrank(owner);
        datanetId = datanets.createDatanet(keccak256("meta"), openPolicy());
        datanets.commitVersion(datanetId, keccak256("root"), 3, 1000, keccak256("manifest"));
        vm.stopPrank();
    }

    function defaultModelParams(address node, uint256 datanetId)
        internal
        pure
        returns (IModelRegistry.RegisterModelParams memory params)
    {
        params.node = node;
        params.metadataHash = keccak256("model card");
        params.pricing = IModelRegistry.Pricing({pricePerInputToken: 1 gwei, pricePerOutputToken: 2 gwei});
        params.split = IModelRegistry.Split({computeBps: 2000, developerBps: 3000, dataBps: 5000});
        params.artifactHash = keccak256("artifact");
        params.configHash = keccak256("config");
        params.datanets = new IModelRegistry.DatanetVersionRef[](1);
        params.datanets[0] = IModelRegistry.DatanetVersionRef({datanetId: datanetId, version: 1});
    }

    // ------------------------------------------------------------ settlement

    /// @dev A one-page header for `total` over `receiptCount` receipts, protocol share taken as
    ///      floor(total * bps) — valid whenever all receipts but one have a zero protocol share.
    function header(uint64 epoch, bytes32 creditsRoot, uint128 total, uint64 receiptCount, uint32 pageCount)
        internal
        pure
        returns (IRewardDistributor.EpochHeader memory)
    {
        return IRewardDistributor.EpochHeader({
            epoch: epoch,
            receiptsRoot: keccak256(abi.encode("receipts", epoch)),
            creditsRoot: creditsRoot,
            receiptCount: receiptCount,
            totalFee: total,
            protocolFee: uint128(uint256(total) * PROTOCOL_FEE_BPS / 10_000),
            protocolFeeBps: PROTOCOL_FEE_BPS,
            pageCount: pageCount,
            dataUri: "ipfs://epoch"
        });
    }

    function single(address account) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = account;
    }

    function single(uint128 amount) internal pure returns (uint128[] memory list) {
        list = new uint128[](1);
        list[0] = amount;
    }

    function creditLeaves(address[] memory accounts, uint256[] memory amounts)
        internal
        pure
        returns (bytes32[] memory leaves)
    {
        leaves = new bytes32[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            leaves[i] = Merkle.creditLeaf(accounts[i], amounts[i]);
        }
    }
}
