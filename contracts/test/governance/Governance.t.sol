// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IModelRegistry} from "../../src/models/IModelRegistry.sol";
import {ModelRegistry} from "../../src/models/ModelRegistry.sol";
import {TributaryGovernor} from "../../src/governance/TributaryGovernor.sol";
import {TributaryTimelock} from "../../src/governance/TributaryTimelock.sol";
import {GovernanceRewards} from "../../src/governance/GovernanceRewards.sol";
import {IGovernanceRewards} from "../../src/governance/IGovernanceRewards.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";

/// @notice The real Governor + Timelock owning the protocol: a proposal delists a model, and
///         voters are rewarded from the treasury pro rata to the weight they cast.
contract GovernanceTest is ProtocolTest {
    uint48 internal constant VOTING_DELAY = 1 hours;
    uint32 internal constant VOTING_PERIOD = 3 days;
    uint256 internal constant TIMELOCK_DELAY = 1 days;

    TributaryTimelock internal timelock;
    TributaryGovernor internal governor;
    GovernanceRewards internal rewards;
    ModelRegistry internal governedModels;

    address internal voterA = makeAddr("voterA");
    address internal voterB = makeAddr("voterB");
    address internal voterC = makeAddr("voterC");
    address internal developer = makeAddr("developer");
    uint256 internal modelId;

    function setUp() public override {
        super.setUp();
        address[] memory none = new address[](0);
        timelock = new TributaryTimelock(TIMELOCK_DELAY, none, none, address(this));
        governor = new TributaryGovernor(token, timelock, VOTING_DELAY, VOTING_PERIOD, 1_000 ether, 4);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(0));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        governedModels = new ModelRegistry(token, datanets, nodes, address(timelock));
        rewards = new GovernanceRewards(governor, token, address(timelock), 900 ether);

        // Quorum is 4% of 1e9: voters hold 60M, 30M and 10M.
        _giveVotes(voterA, 60_000_000 ether);
        _giveVotes(voterB, 30_000_000 ether);
        _giveVotes(voterC, 10_000_000 ether);
        fund(address(timelock), 1_000 ether); // the treasury
        vm.warp(block.timestamp + 1);

        registerNode(makeAddr("node"), 0x77);
        uint256 datanetId = createDatanetWithVersion(makeAddr("owner"));
        vm.prank(developer);
        modelId = governedModels.registerModel(defaultModelParams(makeAddr("node"), datanetId));
    }

    function _giveVotes(address voter, uint256 amount) internal {
        fund(voter, amount);
        vm.prank(voter);
        token.delegate(voter);
    }

    function _proposal()
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calls)
    {
        targets = new address[](2);
        values = new uint256[](2);
        calls = new bytes[](2);
        targets[0] = address(governedModels);
        calls[0] = abi.encodeCall(ModelRegistry.delist, (modelId, "harmful outputs"));
        targets[1] = address(token);
        calls[1] = abi.encodeCall(token.transfer, (address(rewards), 500 ether)); // fund voter rewards
    }

    function _passProposal(bool withC) internal returns (uint256 proposalId) {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = _proposal();
        vm.prank(voterA);
        proposalId = governor.propose(targets, values, calls, "Delist model 1");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(voterA);
        governor.castVote(proposalId, 1);
        vm.prank(voterB);
        governor.castVote(proposalId, 0);
        if (withC) {
            vm.prank(voterC);
            governor.castVote(proposalId, 2);
        }
        vm.warp(block.timestamp + VOTING_PERIOD);
        governor.queue(targets, values, calls, keccak256("Delist model 1"));
        vm.warp(block.timestamp + TIMELOCK_DELAY + 1);
        governor.execute(targets, values, calls, keccak256("Delist model 1"));
    }

    function test_governor_usesTimestampClock() public view {
        assertEq(governor.clock(), block.timestamp);
        assertEq(governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
    }

    function test_proposal_delistsModelThroughTimelock() public {
        uint256 proposalId = _passProposal(true);
        assertEq(uint8(governor.state(proposalId)), uint8(IGovernor.ProposalState.Executed));
        assertEq(uint8(governedModels.getModel(modelId).status), uint8(IModelRegistry.ModelStatus.Delisted));
    }

    function test_delist_cannotBypassGovernance() public {
        vm.prank(voterA);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, voterA));
        governedModels.delist(modelId, "no vote");
    }

    function test_rewards_paidProRataToWeightCast() public {
        uint256 proposalId = _passProposal(true);
        rewards.claim(proposalId, voterA);
        rewards.claim(proposalId, voterB);
        vm.prank(voterC);
        uint256[] memory ids = new uint256[](1);
        ids[0] = proposalId;
        rewards.claimMany(ids);
        // 10% of the supply voted: 10% of 900 = 90 ether, split 60:30:10.
        assertEq(token.balanceOf(voterA) - 60_000_000 ether, 54 ether);
        assertEq(token.balanceOf(voterB) - 30_000_000 ether, 27 ether);
        assertEq(token.balanceOf(voterC) - 10_000_000 ether, 9 ether);
        assertEq(rewards.outstanding(), 0);
        assertEq(rewards.unallocatedBudget(), 410 ether);
        assertEq(token.totalSupply(), SUPPLY, "no tokens were minted to pay voters");
    }

    function test_rewards_revertOnDoubleClaimOrNonVoter() public {
        uint256 proposalId = _passProposal(false);
        // 9% of the supply voted: 81 ether set aside, 60:30.
        assertEq(rewards.pendingReward(proposalId, voterA), 54 ether);
        rewards.claim(proposalId, voterA);
        assertEq(rewards.pendingReward(proposalId, voterA), 0, "claimed");
        assertEq(rewards.pendingReward(proposalId, voterB), 27 ether, "from the allocated reward");
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernanceRewards.GovernanceRewardsAlreadyClaimed.selector, proposalId, voterA
            )
        );
        rewards.claim(proposalId, voterA);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernanceRewards.GovernanceRewardsDidNotVote.selector, proposalId, voterC
            )
        );
        rewards.claim(proposalId, voterC);
    }

    function test_rewards_revertWhileVotingOrWithoutQuorum() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = _proposal();
        vm.prank(voterA);
        uint256 proposalId = governor.propose(targets, values, calls, "small");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(voterC); // 1% of supply: below the 4% quorum
        governor.castVote(proposalId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernanceRewards.GovernanceRewardsProposalNotFinished.selector, proposalId
            )
        );
        rewards.claim(proposalId, voterC);
        vm.warp(block.timestamp + VOTING_PERIOD);
        assertEq(uint8(governor.state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsNoQuorum.selector, proposalId)
        );
        rewards.claim(proposalId, voterC);
        assertEq(rewards.pendingReward(proposalId, voterC), 0);
    }

    function test_rewards_neverLockedAtZeroWithoutBudget() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calls) = _proposal();
        calls[1] = abi.encodeCall(token.balanceOf, (address(this))); // a proposal that funds nothing
        targets[1] = address(token);
        vm.prank(voterA);
        uint256 proposalId = governor.propose(targets, values, calls, "no funding");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(voterA);
        governor.castVote(proposalId, 1);
        vm.warp(block.timestamp + VOTING_PERIOD + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsNoBudget.selector, proposalId)
        );
        rewards.claim(proposalId, voterA);
        fund(address(rewards), 100 ether); // the treasury funds the budget later
        assertEq(rewards.claim(proposalId, voterA), 54 ether); // 6% of 900
    }

    function test_rewards_revertForProposalsEndedBeforeDeployment() public {
        uint256 proposalId = _passProposal(true);
        GovernanceRewards later = new GovernanceRewards(governor, token, address(timelock), 900 ether);
        fund(address(later), 100 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceRewards.GovernanceRewardsProposalTooOld.selector, proposalId)
        );
        later.claim(proposalId, voterA);
        assertEq(later.pendingReward(proposalId, voterA), 0);
    }

    function test_setRewardPerProposal_onlyGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        rewards.setRewardPerProposal(1);
        vm.prank(address(timelock));
        rewards.setRewardPerProposal(1);
        assertEq(rewards.rewardPerProposal(), 1);
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
