// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IDatanetRegistry} from "../../src/datanets/IDatanetRegistry.sol";
import {IModelRegistry} from "../../src/models/IModelRegistry.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";

contract ModelRegistryTest is ProtocolTest {
    address internal developer = makeAddr("developer");
    address internal owner = makeAddr("datanetOwner");
    address internal node = makeAddr("node");
    address internal stranger = makeAddr("stranger");
    uint256 internal datanetId;

    function setUp() public override {
        super.setUp();
        registerNode(node, 0x11);
        datanetId = createDatanetWithVersion(owner);
    }

    function _licensedDatanet(uint16 minDataBps, uint128 fee) internal returns (uint256 id) {
        IDatanetRegistry.Policy memory policy = openPolicy();
        policy.licence = IDatanetRegistry.Licence.Licensed;
        policy.minDataBps = minDataBps;
        policy.licenceFee = fee;
        vm.startPrank(owner);
        id = datanets.createDatanet(keccak256("licensed"), policy);
        datanets.commitVersion(id, keccak256("root"), 1, 10, keccak256("m"));
        vm.stopPrank();
    }

    function _register() internal returns (uint256 modelId) {
        vm.prank(developer);
        modelId = models.registerModel(defaultModelParams(node, datanetId));
    }

    function test_registerModel_storesModelAndFirstVersion() public {
        uint256 modelId = _register();
        assertEq(modelId, 1);
        assertEq(models.modelCount(), 1);
        IModelRegistry.Model memory model = models.getModel(modelId);
        assertEq(model.developer, developer);
        assertEq(model.node, node);
        assertEq(model.versionCount, 1);
        assertEq(uint8(model.status), uint8(IModelRegistry.ModelStatus.Active));
        assertEq(model.pricing.pricePerOutputToken, 2 gwei);
        IModelRegistry.ModelVersion memory v1 = models.getModelVersion(modelId, 1);
        assertEq(v1.artifactHash, keccak256("artifact"));
        assertEq(v1.datanets.length, 1);
        assertEq(v1.datanets[0].datanetId, datanetId);
        assertTrue(models.isLicensed(modelId, datanetId));
    }

    function test_registerModel_paysLicenceFeeOnceToOwner() public {
        uint256 licensed = _licensedDatanet(4000, 50 ether);
        fund(developer, 100 ether);
        vm.prank(developer);
        token.approve(address(models), type(uint256).max);
        IModelRegistry.RegisterModelParams memory params = defaultModelParams(node, licensed);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelLicenceFeesTooHigh.selector, 50 ether, 0));
        models.registerModel(params);
        params.maxLicenceFees = 50 ether;
        vm.prank(developer);
        uint256 modelId = models.registerModel(params);
        assertEq(token.balanceOf(owner), 50 ether);
        assertTrue(models.isLicensed(modelId, licensed));
        assertEq(models.getModel(modelId).requiredDataBps, 4000);
        vm.prank(developer);
        models.publishVersion(modelId, keccak256("artifact2"), bytes32(0), params.datanets, 0);
        assertEq(token.balanceOf(owner), 50 ether, "the licence is paid once per model");
    }

    function test_registerModel_revertsWhenDataShareBelowMinimum() public {
        uint256 licensed = _licensedDatanet(6000, 0);
        IModelRegistry.RegisterModelParams memory params = defaultModelParams(node, licensed);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelDataShareTooLow.selector, 5000, 6000));
        models.registerModel(params);
    }

    function test_registerModel_revertsWithoutLicenceFeeApproval() public {
        uint256 licensed = _licensedDatanet(0, 50 ether);
        fund(developer, 100 ether);
        IModelRegistry.RegisterModelParams memory params = defaultModelParams(node, licensed);
        params.maxLicenceFees = 50 ether;
        bytes memory noAllowance =
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, models, 0, 50 ether);
        vm.prank(developer);
        vm.expectRevert(noAllowance);
        models.registerModel(params);
        assertEq(models.modelCount(), 0);
    }

    function test_registerModel_revertsOnBadInput() public {
        IModelRegistry.RegisterModelParams memory params = defaultModelParams(node, datanetId);
        params.split.dataBps = 4000;
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelInvalidSplit.selector, 2000, 3000, 4000));
        models.registerModel(params);

        params = defaultModelParams(stranger, datanetId);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelNodeNotRegistered.selector, stranger));
        models.registerModel(params);

        params = defaultModelParams(node, datanetId);
        params.artifactHash = bytes32(0);
        vm.prank(developer);
        vm.expectRevert(IModelRegistry.ModelInvalidArtifact.selector);
        models.registerModel(params);

        params = defaultModelParams(node, datanetId);
        params.datanets = new IModelRegistry.DatanetVersionRef[](0);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelInvalidDatanetCount.selector, 0));
        models.registerModel(params);

        params = defaultModelParams(node, datanetId);
        params.datanets = new IModelRegistry.DatanetVersionRef[](2);
        params.datanets[0] = IModelRegistry.DatanetVersionRef(datanetId, 1);
        params.datanets[1] = IModelRegistry.DatanetVersionRef(datanetId, 1);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelDuplicateDatanet.selector, datanetId));
        models.registerModel(params);

        params = defaultModelParams(node, datanetId);
        params.datanets[0].version = 2;
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetUnknownVersion.selector, datanetId, 2));
        models.registerModel(params);

        params = defaultModelParams(node, 77);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetUnknown.selector, 77));
        models.registerModel(params);

        params = defaultModelParams(address(0), datanetId);
        vm.prank(developer);
        vm.expectRevert(IModelRegistry.ModelZeroAddress.selector);
        models.registerModel(params);
    }

    function test_publishVersion_appendsVersions() public {
        uint256 modelId = _register();
        vm.prank(owner);
        datanets.commitVersion(datanetId, keccak256("root2"), 4, 1200, keccak256("m2"));
        IModelRegistry.DatanetVersionRef[] memory refs = new IModelRegistry.DatanetVersionRef[](1);
        refs[0] = IModelRegistry.DatanetVersionRef(datanetId, 2);
        vm.prank(developer);
        assertEq(models.publishVersion(modelId, keccak256("a2"), keccak256("c2"), refs, 0), 2);
        assertEq(models.getModelVersion(modelId, 2).datanets[0].version, 2);
        assertEq(models.getModelVersion(modelId, 1).artifactHash, keccak256("artifact"), "append-only");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelUnknownVersion.selector, modelId, 3));
        models.getModelVersion(modelId, 3);
    }

    function test_publishVersion_revertsForNonDeveloperOrUnknownModel() public {
        uint256 modelId = _register();
        IModelRegistry.DatanetVersionRef[] memory refs = defaultModelParams(node, datanetId).datanets;
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelNotDeveloper.selector, modelId, stranger));
        models.publishVersion(modelId, keccak256("x"), bytes32(0), refs, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelUnknown.selector, 99));
        models.publishVersion(99, keccak256("x"), bytes32(0), refs, 0);
    }

    function test_setPricingSplitNodeMetadata_byDeveloper() public {
        uint256 modelId = _register();
        registerNode(stranger, 0x22);
        vm.startPrank(developer);
        models.setPricing(modelId, IModelRegistry.Pricing(3, 4));
        models.setSplit(modelId, IModelRegistry.Split(1000, 1000, 8000));
        models.setNode(modelId, stranger);
        models.updateMetadata(modelId, keccak256("card2"));
        vm.stopPrank();
        IModelRegistry.Model memory model = models.getModel(modelId);
        assertEq(model.pricing.pricePerInputToken, 3);
        assertEq(model.split.dataBps, 8000);
        assertEq(model.node, stranger);
        assertEq(model.metadataHash, keccak256("card2"));
    }

    function test_setSplit_revertsBelowRequiredDataShare() public {
        uint256 licensed = _licensedDatanet(5000, 0);
        vm.prank(developer);
        uint256 modelId = models.registerModel(defaultModelParams(node, licensed));
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelDataShareTooLow.selector, 4000, 5000));
        models.setSplit(modelId, IModelRegistry.Split(3000, 3000, 4000));
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelInvalidSplit.selector, 3000, 3000, 3000));
        models.setSplit(modelId, IModelRegistry.Split(3000, 3000, 3000));
    }

    function test_settersRevertForNonDeveloper() public {
        uint256 modelId = _register();
        vm.startPrank(stranger);
        bytes memory err = abi.encodeWithSelector(IModelRegistry.ModelNotDeveloper.selector, modelId, stranger);
        vm.expectRevert(err);
        models.setPricing(modelId, IModelRegistry.Pricing(3, 4));
        vm.expectRevert(err);
        models.setSplit(modelId, IModelRegistry.Split(1000, 1000, 8000));
        vm.expectRevert(err);
        models.setNode(modelId, node);
        vm.expectRevert(err);
        models.updateMetadata(modelId, bytes32(0));
        vm.expectRevert(err);
        models.transferModel(modelId, stranger);
        vm.expectRevert(err);
        models.setStatus(modelId, IModelRegistry.ModelStatus.Deprecated);
        vm.stopPrank();
    }

    function test_transferModel_movesAccountability() public {
        uint256 modelId = _register();
        vm.prank(developer);
        models.transferModel(modelId, stranger);
        assertEq(models.getModel(modelId).developer, stranger);
        vm.prank(stranger);
        vm.expectRevert(IModelRegistry.ModelZeroAddress.selector);
        models.transferModel(modelId, address(0));
    }

    function test_status_developerDeprecatesGovernanceDelists() public {
        uint256 modelId = _register();
        vm.prank(developer);
        models.setStatus(modelId, IModelRegistry.ModelStatus.Deprecated);
        vm.prank(developer);
        models.setStatus(modelId, IModelRegistry.ModelStatus.Active);

        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelInvalidStatus.selector,
                IModelRegistry.ModelStatus.Active,
                IModelRegistry.ModelStatus.Delisted
            )
        );
        models.setStatus(modelId, IModelRegistry.ModelStatus.Delisted);

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        models.delist(modelId, "abuse");

        vm.expectEmit(address(models));
        emit IModelRegistry.ModelStatusChanged(modelId, IModelRegistry.ModelStatus.Delisted, "abuse");
        vm.prank(governance);
        models.delist(modelId, "abuse");

        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelInvalidStatus.selector,
                IModelRegistry.ModelStatus.Delisted,
                IModelRegistry.ModelStatus.Active
            )
        );
        models.setStatus(modelId, IModelRegistry.ModelStatus.Active);

        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelInvalidStatus.selector,
                IModelRegistry.ModelStatus.Delisted,
                IModelRegistry.ModelStatus.Delisted
            )
        );
        models.delist(modelId, "again");

        vm.prank(governance);
        models.relist(modelId, "appeal");
        assertEq(uint8(models.getModel(modelId).status), uint8(IModelRegistry.ModelStatus.Deprecated));
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelInvalidStatus.selector,
                IModelRegistry.ModelStatus.Deprecated,
                IModelRegistry.ModelStatus.Deprecated
            )
        );
        models.relist(modelId, "appeal");
    }

    function test_views_revertForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelUnknown.selector, 5));
        models.getModel(5);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelUnknown.selector, 5));
        models.getModelVersion(5, 1);
    }
}
