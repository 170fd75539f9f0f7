// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {TributaryToken} from "../../../src/token/TributaryToken.sol";
import {DatanetRegistry} from "../../../src/datanets/DatanetRegistry.sol";
import {IDatanetRegistry} from "../../../src/datanets/IDatanetRegistry.sol";
import {ModelRegistry} from "../../../src/models/ModelRegistry.sol";
import {IModelRegistry} from "../../../src/models/IModelRegistry.sol";
import {ProtocolTest} from "../../utils/ProtocolTest.sol";

/// @notice Datanet owners set licences, fees and minimum data shares (and raise fees to front-run);
///         developers register models and publish versions over random datanets with a fee cap,
///         sometimes too low, sometimes naming a datanet twice (both must fail and pay nothing).
contract LicenceHandler is CommonBase, StdCheats, StdUtils {
    TributaryToken internal immutable token;
    DatanetRegistry internal immutable datanets;
    ModelRegistry internal immutable models;
    address internal immutable node;
    address[3] public owners = [address(0xD001), address(0xD002), address(0xD003)];
    address[2] public developers = [address(0xDE01), address(0xDE02)];
    uint256 public constant FUNDS = 1_000_000 ether;

    uint256[] public datanetIds;
    mapping(address owner => uint256) public ghostReceived;
    mapping(address developer => uint256) public ghostPaid;
    /// @dev Fee charged when (model, datanet) was licensed, and how often it was charged.
    mapping(uint256 modelId => mapping(uint256 datanetId => uint256)) public timesLicensed;
    uint256 public actions;
    uint256 public breaches;
    bytes32 public lastBreach;
    mapping(bytes32 => uint256) public count;

    constructor(
        TributaryToken token_,
        DatanetRegistry datanets_,
        ModelRegistry models_,
        address node_,
        address holder
    ) {
        token = token_;
        datanets = datanets_;
        models = models_;
        node = node_;
        for (uint256 i; i < 2; ++i) {
            vm.prank(holder);
            token_.transfer(developers[i], FUNDS);
            vm.prank(developers[i]);
            token_.approve(address(models_), type(uint256).max);
        }
        for (uint256 i; i < 3; ++i) {
            _createDatanet(i, i, 0);
        }
        // One licensed datanet with a fee from the start, so that fees are paid in every run.
        uint256 first = datanetIds[0];
        IDatanetRegistry.Policy memory policy = _policy(0);
        policy.licence = IDatanetRegistry.Licence.Licensed;
        policy.licenceFee = 10 ether;
        vm.prank(owners[0]);
        datanets_.updatePolicy(first, policy);
    }

    /// @dev The developer's cap: often unlimited, else anything up to 300 tokens (often too low).
    function _cap(uint256 cap) internal pure returns (uint256) {
        return cap % 2 == 0 ? type(uint256).max : bound(cap, 0, 300 ether);
    }

    modifier action() {
        ++actions;
        _;
    }

    function datanetCount() external view returns (uint256) {
        return datanetIds.length;
    }

    function createDatanet(uint256 ownerSeed, uint256 seed) external action {
        if (datanetIds.length >= 12) return;
        _createDatanet(ownerSeed % 3, seed, seed >> 8);
    }

    /// @notice An owner changes its datanet's licence, fee or minimum data share (perhaps just
    ///         before a developer's transaction).
    function updatePolicy(uint256 datanetSeed, uint256 seed) external action {
        uint256 id = datanetIds[datanetSeed % datanetIds.length];
        vm.prank(datanets.getDatanet(id).owner);
        datanets.updatePolicy(id, _policy(seed));
    }

    function registerModel(uint256 devSeed, uint256 seed, uint256 cap) external action {
        address developer = developers[devSeed % 2];
        IModelRegistry.RegisterModelParams memory params;
        params.node = node;
        params.metadataHash = keccak256(abi.encode(seed));
        params.pricing = IModelRegistry.Pricing(1 gwei, 2 gwei);
        params.split = IModelRegistry.Split(2_000, 3_000, 5_000);
        params.artifactHash = keccak256(abi.encode("artifact", seed));
        params.datanets = _refs(seed);
        params.maxLicenceFees = _cap(cap);
        if (count["licence fee paid"] == 0) _surelyPaying(params); // once per run for sure
        uint256 modelId = models.modelCount() + 1;
        (uint256 due, bool duplicate) = _due(modelId, params.datanets);
        uint256 before = token.balanceOf(developer);
        bytes32 print = _fingerprint(developer, modelId);
        vm.prank(developer);
        try models.registerModel(params) returns (uint256 id) {
            _checkPaid(developer, before, due, params.maxLicenceFees, duplicate);
            _recordLicences(id, params.datanets);
            ++count["register"];
        } catch (bytes memory reason) {
            if (token.balanceOf(developer) != before) _breach("refused but charged");
            _refused(reason, print, developer, modelId);
        }
    }

    function publishVersion(uint256 modelSeed, uint256 seed, uint256 cap) external action {
        uint256 total = models.modelCount();
        if (total == 0) return;
        uint256 modelId = modelSeed % total + 1;
        address developer = models.getModel(modelId).developer;
        IModelRegistry.DatanetVersionRef[] memory refs = _refs(seed);
        uint256 maxFees = _cap(cap);
        (uint256 due, bool duplicate) = _due(modelId, refs);
        uint256 before = token.balanceOf(developer);
        bytes32 print = _fingerprint(developer, modelId);
        vm.prank(developer);
        try models.publishVersion(modelId, keccak256(abi.encode("v", seed)), bytes32(0), refs, maxFees) {
            _checkPaid(developer, before, due, maxFees, duplicate);
            _recordLicences(modelId, refs);
            ++count["publish"];
        } catch (bytes memory reason) {
            if (token.balanceOf(developer) != before) _breach("refused but charged");
            _refused(reason, print, developer, modelId);
        }
    }

    function setSplit(uint256 modelSeed, uint16 dataBps) external action {
        uint256 total = models.modelCount();
        if (total == 0) return;
        uint256 modelId = modelSeed % total + 1;
        IModelRegistry.Model memory model = models.getModel(modelId);
        dataBps = uint16(bound(dataBps, 0, 8_000));
        bytes32 print = _fingerprint(model.developer, modelId);
        vm.prank(model.developer);
        try models.setSplit(modelId, IModelRegistry.Split(10_000 - 2_000 - dataBps, 2_000, dataBps)) {
            if (dataBps < model.requiredDataBps) _breach("data share under a minimum");
        } catch (bytes memory reason) {
            if (dataBps >= model.requiredDataBps) _breach("valid split refused");
            _refused(reason, print, model.developer, modelId);
        }
    }

    /// @dev Makes `params` license a datanet that charges a fee (re-licensing the first datanet if
    ///      its owner opened them all), with no cap and a data share every minimum allows: owners'
    ///      policy changes cannot leave a whole run without a fee paid.
    function _surelyPaying(IModelRegistry.RegisterModelParams memory params) internal {
        uint256 paying = datanetIds[0];
        for (uint256 i; i < datanetIds.length; ++i) {
            IDatanetRegistry.Policy memory p = datanets.getDatanet(datanetIds[i]).policy;
            if (p.licence == IDatanetRegistry.Licence.Licensed && p.licenceFee > 0) {
                paying = datanetIds[i];
                break;
            }
        }
        IDatanetRegistry.Policy memory policy = datanets.getDatanet(paying).policy;
        if (policy.licence != IDatanetRegistry.Licence.Licensed || policy.licenceFee == 0) {
            (policy.licence, policy.licenceFee) = (IDatanetRegistry.Licence.Licensed, 10 ether);
            vm.prank(datanets.getDatanet(paying).owner);
            datanets.updatePolicy(paying, policy);
        }
        params.datanets = new IModelRegistry.DatanetVersionRef[](1);
        params.datanets[0] = IModelRegistry.DatanetVersionRef(paying, 1);
        params.maxLicenceFees = type(uint256).max;
        params.split = IModelRegistry.Split(1_000, 1_000, 8_000);
    }

    function _createDatanet(uint256 ownerIndex, uint256 seed, uint256 contributions) internal {
        vm.startPrank(owners[ownerIndex]);
        uint256 id = datanets.createDatanet(keccak256(abi.encode(seed)), _policy(seed));
        datanets.commitVersion(
            id, keccak256(abi.encode("root", seed)), uint64(contributions % 10 + 1), 100, bytes32(0)
        );
        vm.stopPrank();
        datanetIds.push(id);
    }

    function _policy(uint256 seed) internal pure returns (IDatanetRegistry.Policy memory) {
        // Fee and minimum share come from a hash of the seed: the fuzzer often passes small
        // dictionary values, whose high bits would otherwise make every fee 0 (no fee ever paid).
        uint256 mixed = uint256(keccak256(abi.encode(seed)));
        return IDatanetRegistry.Policy({
            contributionMode: IDatanetRegistry.ContributionMode.Open,
            licence: seed % 2 == 0 ? IDatanetRegistry.Licence.Licensed : IDatanetRegistry.Licence.Open,
            minDataBps: uint16(bound(mixed >> 16, 0, 6_000)),
            contributionBond: 0,
            licenceFee: uint128(bound(mixed >> 40, 0, 100 ether))
        });
    }

    /// @dev One to three datanets, a duplicate now and then.
    function _refs(uint256 seed) internal view returns (IModelRegistry.DatanetVersionRef[] memory refs) {
        refs = new IModelRegistry.DatanetVersionRef[](seed % 3 + 1);
        for (uint256 i; i < refs.length; ++i) {
            refs[i] = IModelRegistry.DatanetVersionRef(
                datanetIds[uint256(keccak256(abi.encode(seed, i))) % datanetIds.length], 1
            );
        }
    }

    /// @dev What publishing `refs` for `modelId` must charge: each licensed datanet's fee, once ever.
    function _due(uint256 modelId, IModelRegistry.DatanetVersionRef[] memory refs)
        internal
        view
        returns (uint256 due, bool duplicate)
    {
        for (uint256 i; i < refs.length; ++i) {
            for (uint256 j; j < i; ++j) {
                if (refs[j].datanetId == refs[i].datanetId) duplicate = true;
            }
            if (models.isLicensed(modelId, refs[i].datanetId)) continue;
            IDatanetRegistry.Policy memory policy = datanets.getDatanet(refs[i].datanetId).policy;
            if (policy.licence == IDatanetRegistry.Licence.Licensed) due += policy.licenceFee;
        }
    }

    function _checkPaid(address developer, uint256 before, uint256 due, uint256 maxFees, bool duplicate)
        internal
    {
        uint256 paid = before - token.balanceOf(developer);
        if (duplicate) _breach("duplicate datanet accepted");
        if (paid != due) _breach("charged other than fees due");
        if (paid > maxFees) _breach("charged above the cap");
        ghostPaid[developer] += paid;
        if (paid > 0) ++count["licence fee paid"];
    }

    function _recordLicences(uint256 modelId, IModelRegistry.DatanetVersionRef[] memory refs) internal {
        for (uint256 i; i < refs.length; ++i) {
            uint256 id = refs[i].datanetId;
            if (timesLicensed[modelId][id] > 0) continue;
            timesLicensed[modelId][id] = 1;
            IDatanetRegistry.Datanet memory datanet = datanets.getDatanet(id);
            if (datanet.policy.licence == IDatanetRegistry.Licence.Licensed) {
                ghostReceived[datanet.owner] += datanet.policy.licenceFee;
            }
        }
    }

    function _breach(bytes32 what) internal {
        ++breaches;
        lastBreach = what;
    }

    /// @dev What a refused registration, version or split must leave as it was: the models, the
    ///      model's versions and split, and the balances of the developer and every datanet owner.
    function _fingerprint(address developer, uint256 modelId) internal view returns (bytes32) {
        bytes memory model = modelId <= models.modelCount() ? abi.encode(models.getModel(modelId)) : bytes("");
        return keccak256(
            abi.encode(
                models.modelCount(),
                model,
                token.balanceOf(address(models)),
                token.balanceOf(developer),
                token.balanceOf(owners[0]),
                token.balanceOf(owners[1]),
                token.balanceOf(owners[2])
            )
        );
    }

    /// @dev A refusal names a licence rule (never a panic, a token error or an empty revert) and
    ///      changes nothing.
    function _refused(bytes memory reason, bytes32 before, address developer, uint256 modelId) internal {
        bytes4[3] memory rules = [
            IModelRegistry.ModelLicenceFeesTooHigh.selector,
            IModelRegistry.ModelDataShareTooLow.selector,
            IModelRegistry.ModelDuplicateDatanet.selector
        ];
        bool known;
        for (uint256 i; i < rules.length && reason.length >= 4; ++i) {
            if (bytes4(reason) == rules[i]) known = true;
        }
        if (!known) _breach("refused for a wrong reason");
        if (_fingerprint(developer, modelId) != before) _breach("a refused action changed state");
        ++count["refused"];
    }
}

/// @notice ModelRegistry licence fees: a model pays each licensed datanet's fee once, to that
///         datanet's owner, never above the cap its developer named, and a model's data share never
///         falls under a used datanet's minimum.
contract LicenceInvariantsTest is StdInvariant, ProtocolTest {
    LicenceHandler internal handler;

    function setUp() public override {
        super.setUp();
        address node = makeAddr("node");
        registerNode(node, 0x51);
        handler = new LicenceHandler(token, datanets, models, node, holder);
        targetContract(address(handler));
    }

    /// forge-config: ci.invariant.runs = 64
    /// forge-config: ci.invariant.depth = 128
    function invariant_licenceFeesPaidOnceToOwners() public view {
        uint256 paid = handler.ghostPaid(handler.developers(0)) + handler.ghostPaid(handler.developers(1));
        uint256 received;
        for (uint256 i; i < 3; ++i) {
            address owner = handler.owners(i);
            assertEq(token.balanceOf(owner), handler.ghostReceived(owner), "an owner got exactly its fees");
            received += token.balanceOf(owner);
        }
        assertEq(paid, received, "every fee paid reached a datanet owner");
        for (uint256 i; i < 2; ++i) {
            address developer = handler.developers(i);
            assertEq(token.balanceOf(developer) + handler.ghostPaid(developer), handler.FUNDS());
        }
        assertEq(token.balanceOf(address(models)), 0, "the registry keeps nothing");
        for (uint256 m = 1; m <= models.modelCount(); ++m) {
            IModelRegistry.Model memory model = models.getModel(m);
            assertGe(model.split.dataBps, model.requiredDataBps, "data share under a minimum");
        }
        assertEq(handler.breaches(), 0, string(abi.encodePacked(handler.lastBreach())));
    }

    function afterInvariant() public view {
        if (handler.actions() < 100) return; // the shrinker's replays
        bytes32[4] memory required = [bytes32("register"), "publish", "licence fee paid", "refused"];
        for (uint256 i; i < required.length; ++i) {
            assertGt(handler.count(required[i]), 0, string(abi.encodePacked("never happened: ", required[i])));
        }
    }
}
