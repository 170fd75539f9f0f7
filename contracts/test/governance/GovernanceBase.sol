// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ModelRegistry} from "../../src/models/ModelRegistry.sol";
import {TributaryGovernor} from "../../src/governance/TributaryGovernor.sol";
import {TributaryTimelock} from "../../src/governance/TributaryTimelock.sol";
import {GovernanceRewards} from "../../src/governance/GovernanceRewards.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";

/// @notice The real Governor + Timelock owning a ModelRegistry and a GovernanceRewards, three
///         delegated voters (60M, 30M, 10M of 1B; quorum is 4%) and a treasury of 1,000 tokens.
abstract contract GovernanceBase is ProtocolTest {
    uint48 internal constant VOTING_DELAY = 1 hours;
    uint32 internal constant VOTING_PERIOD = 3 days;
    uint256 internal constant TIMELOCK_DELAY = 1 days;
    uint48 internal constant REWARD_PERIOD = 7 days;
    uint256 internal constant REWARD_PER_PERIOD = 900 ether;

    TributaryTimelock internal timelock;
    TributaryGovernor internal governor;
    GovernanceRewards internal rewards;
    ModelRegistry internal governedModels;

    address internal voterA = makeAddr("voterA");
    address internal voterB = makeAddr("voterB");
    address internal voterC = makeAddr("voterC");
    address internal developer = makeAddr("developer");
    address internal servingNode = makeAddr("node");
    uint256 internal datanetId;
    uint256 internal modelId;

    function setUp() public virtual override {
        super.setUp();
        address[] memory none = new address[](0);
        timelock = new TributaryTimelock(TIMELOCK_DELAY, none, none, address(this));
        governor = new TributaryGovernor(token, timelock, VOTING_DELAY, VOTING_PERIOD, 1_000 ether, 4);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(0));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        governedModels = new ModelRegistry(token, datanets, nodes, address(timelock));
        rewards = new GovernanceRewards(governor, token, address(timelock), REWARD_PER_PERIOD, REWARD_PERIOD);

        giveVotes(voterA, 60_000_000 ether);
        giveVotes(voterB, 30_000_000 ether);
        giveVotes(voterC, 10_000_000 ether);
        fund(address(timelock), 1_000 ether); // the treasury
        vm.warp(block.timestamp + 1);

        registerNode(servingNode, 0x77);
        datanetId = createDatanetWithVersion(makeAddr("owner"));
        vm.prank(developer);
        modelId = governedModels.registerModel(defaultModelParams(servingNode, datanetId));
    }

    function giveVotes(address voter, uint256 amount) internal {
        fund(voter, amount);
        vm.prank(voter);
        token.delegate(voter);
    }

    /// @dev A proposal that only reads (a throw-away proposal).
    function noop() internal view returns (address[] memory targets, uint256[] memory values, bytes[] memory calls) {
        return single(address(token), abi.encodeCall(token.balanceOf, (address(this))));
    }

    function single(address target, bytes memory call)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calls)
    {
        targets = new address[](1);
        values = new uint256[](1);
        calls = new bytes[](1);
        targets[0] = target;
        calls[0] = call;
    }

    /// @dev `proposer` files the calls; returns the id. Voting opens after the voting delay.
    function propose(
        address proposer,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calls,
        string memory description
    ) internal returns (uint256 proposalId) {
        vm.prank(proposer);
        proposalId = governor.propose(targets, values, calls, description);
    }

    function vote(address voter, uint256 proposalId, uint8 support) internal {
        vm.prank(voter);
        governor.castVote(proposalId, support);
    }

    /// @dev Files, passes (A for, B against, C abstain when `withC`), queues and executes the calls.
    function passProposal(address[] memory targets, uint256[] memory values, bytes[] memory calls, string memory description, bool withC)
        internal
        returns (uint256 proposalId)
    {
        proposalId = propose(voterA, targets, values, calls, description);
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vote(voterA, proposalId, 1);
        vote(voterB, proposalId, 0);
        if (withC) vote(voterC, proposalId, 2);
        vm.warp(block.timestamp + VOTING_PERIOD);
        governor.queue(targets, values, calls, keccak256(bytes(description)));
        vm.warp(block.timestamp + TIMELOCK_DELAY + 1);
        governor.execute(targets, values, calls, keccak256(bytes(description)));
    }

    /// @dev Warps past the end of the reward period of `proposalId`.
    function endPeriodOf(uint256 proposalId) internal {
        (, uint256 endsAt) = rewards.periodOf(proposalId);
        if (block.timestamp < endsAt) vm.warp(endsAt);
    }
}
