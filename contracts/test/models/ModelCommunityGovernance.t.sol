// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IModelRegistry} from "../../src/models/IModelRegistry.sol";
import {ModelRegistry} from "../../src/models/ModelRegistry.sol";
import {GovernanceBase} from "../governance/GovernanceBase.sol";

/// @notice Community governance of a model: its developer offers it with split floors, a proposal
///         adopts it, and proposals then move it to new datanet versions and change its split.
contract ModelCommunityGovernanceTest is GovernanceBase {
    IModelRegistry.CommunityBounds internal bounds = IModelRegistry.CommunityBounds(1_000, 2_000);

    function _offer() internal {
        vm.prank(developer);
        governedModels.offerCommunityGovernance(modelId, true, bounds);
    }

    function _adoptByVote() internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) =
            single(address(governedModels), abi.encodeCall(ModelRegistry.setCommunityGoverned, (modelId, true)));
        passProposal(targets, values, calls, "Adopt model 1", false);
    }

    function _refs(uint64 version) internal view returns (IModelRegistry.DatanetVersionRef[] memory refs) {
        refs = new IModelRegistry.DatanetVersionRef[](1);
        refs[0] = IModelRegistry.DatanetVersionRef({datanetId: datanetId, version: version});
    }

    function test_adopt_needsTheDevelopersOffer() public {
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelNotCommunityGoverned.selector, modelId));
        governedModels.setCommunityGoverned(modelId, true);
        vm.prank(voterA);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelNotDeveloper.selector, modelId, voterA));
        governedModels.offerCommunityGovernance(modelId, true, bounds);
    }

    function test_proposal_movesAdoptedModelToNewDatanetVersion() public {
        _offer();
        _adoptByVote();
        assertTrue(governedModels.communityGovernance(modelId).adopted);
        vm.prank(makeAddr("owner"));
        datanets.commitVersion(datanetId, keccak256("root 2"), 4, 1300, keccak256("manifest 2"));

        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = single(
            address(governedModels),
            abi.encodeCall(
                ModelRegistry.governancePublishVersion,
                (modelId, keccak256("artifact 2"), keccak256("config"), _refs(2), 0)
            )
        );
        passProposal(targets, values, calls, "Move model 1 to datanet version 2", false);
        IModelRegistry.Model memory model = governedModels.getModel(modelId);
        assertEq(model.versionCount, 2);
        IModelRegistry.ModelVersion memory version = governedModels.getModelVersion(modelId, 2);
        assertEq(version.artifactHash, keccak256("artifact 2"));
        assertEq(version.datanets[0].version, 2);
        assertEq(model.developer, developer, "the developer stays accountable");
    }

    function test_adoptedModel_developerCannotPublishOrSetSplit() public {
        _offer();
        _adoptByVote();
        vm.startPrank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelCommunityGoverned.selector, modelId));
        governedModels.publishVersion(modelId, keccak256("a"), keccak256("c"), _refs(1), 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelCommunityGoverned.selector, modelId));
        governedModels.setSplit(modelId, IModelRegistry.Split(2000, 3000, 5000));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelCommunityGoverned.selector, modelId));
        governedModels.offerCommunityGovernance(modelId, false, bounds);
        vm.stopPrank();
    }

    function test_governanceSetSplit_staysWithinTheDevelopersFloors() public {
        _offer();
        _adoptByVote();
        vm.startPrank(address(timelock));
        IModelRegistry.Split memory tooLow = IModelRegistry.Split(1000, 1999, 7001);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelSplitOutOfBounds.selector, modelId, tooLow, bounds)
        );
        governedModels.governanceSetSplit(modelId, tooLow);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelInvalidSplit.selector, 1000, 2000, 6999));
        governedModels.governanceSetSplit(modelId, IModelRegistry.Split(1000, 2000, 6999));
        governedModels.governanceSetSplit(modelId, IModelRegistry.Split(1000, 2000, 7000));
        vm.stopPrank();
        IModelRegistry.Split memory split = governedModels.getModel(modelId).split;
        assertEq(split.dataBps, 7000);
    }

    function test_governanceActions_needAdoptionAndAVote() public {
        _offer();
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelNotCommunityGoverned.selector, modelId));
        governedModels.governanceSetSplit(modelId, IModelRegistry.Split(1000, 2000, 7000));
        _adoptByVote();
        vm.prank(voterA);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, voterA));
        governedModels.governanceSetSplit(modelId, IModelRegistry.Split(1000, 2000, 7000));
    }

    function test_release_handsTheModelBackAndEndsTheOffer() public {
        _offer();
        _adoptByVote();
        vm.prank(address(timelock));
        governedModels.setCommunityGoverned(modelId, false);
        IModelRegistry.CommunityGovernance memory community = governedModels.communityGovernance(modelId);
        assertFalse(community.adopted);
        assertFalse(community.offered, "adopting again needs a new offer");
        vm.prank(developer);
        governedModels.setSplit(modelId, IModelRegistry.Split(2000, 2000, 6000));
    }

    function test_offer_refusesFloorsAboveTheWhole() public {
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelInvalidSplit.selector, 6000, 5000, 0));
        governedModels.offerCommunityGovernance(modelId, true, IModelRegistry.CommunityBounds(6000, 5000));
    }
}
