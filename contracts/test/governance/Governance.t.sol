// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IModelRegistry} from "../../src/models/IModelRegistry.sol";
import {ModelRegistry} from "../../src/models/ModelRegistry.sol";
import {GovernanceBase} from "./GovernanceBase.sol";

/// @notice The real Governor + Timelock owning the protocol: a proposal delists a model.
contract GovernanceTest is GovernanceBase {
    function test_governor_usesTimestampClock() public view {
        assertEq(governor.clock(), block.timestamp);
        assertEq(governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
    }

    function test_proposal_delistsModelThroughTimelock() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) =
            single(address(governedModels), abi.encodeCall(ModelRegistry.delist, (modelId, "harmful outputs")));
        uint256 proposalId = passProposal(targets, values, calls, "Delist model 1", true);
        assertEq(uint8(governor.state(proposalId)), uint8(IGovernor.ProposalState.Executed));
        assertEq(uint8(governedModels.getModel(modelId).status), uint8(IModelRegistry.ModelStatus.Delisted));
    }

    function test_delist_cannotBypassGovernance() public {
        vm.prank(voterA);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, voterA));
        governedModels.delist(modelId, "no vote");
    }

    function test_timelock_onlyGovernorProposesAndTimelockAdministersItself() public view {
        bytes32 admin = timelock.DEFAULT_ADMIN_ROLE();
        assertFalse(timelock.hasRole(admin, address(this)), "the deployer gave up admin");
        assertTrue(timelock.hasRole(admin, address(timelock)), "role changes need a vote");
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)));
        assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), voterA), "no holder schedules directly");
        assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)), "anyone may execute");
        assertEq(governedModels.owner(), address(timelock));
        assertEq(rewards.owner(), address(timelock));
    }
}
