// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {INodeRegistry} from "../../src/nodes/INodeRegistry.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";

contract NodeRegistryTest is ProtocolTest {
    address internal operator = makeAddr("operator");
    uint256 internal keyPk = 0xC0FFEE;
    address internal key = vm.addr(keyPk);
    address internal stranger = makeAddr("stranger");

    function _register() internal {
        registerNode(operator, keyPk);
    }

    function test_register_storesNodeWithKeyConsent() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = signKeyConsent(keyPk, operator, 0, deadline);
        vm.expectEmit(address(nodes));
        emit INodeRegistry.NodeRegistered(operator, "https://n", key);
        vm.prank(operator);
        nodes.register("https://n", key, deadline, sig);
        INodeRegistry.Node memory node = nodes.getNode(operator);
        assertTrue(node.registered);
        assertEq(node.signingKey, key);
        assertEq(nodes.signingKeyOf(operator), key);
        assertFalse(nodes.isActive(operator), "not active before staking");
    }

    function test_register_revertsOnStolenKeyExpiredOrReplayedConsent() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory forOperator = signKeyConsent(keyPk, operator, 0, deadline);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeInvalidKeySignature.selector, key));
        nodes.register("https://n", key, deadline, forOperator);

        bytes memory expired = signKeyConsent(keyPk, operator, 0, block.timestamp - 1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeSignatureExpired.selector, block.timestamp - 1));
        nodes.register("https://n", key, block.timestamp - 1, expired);

        vm.prank(operator);
        nodes.register("https://n", key, deadline, forOperator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeInvalidKeySignature.selector, key));
        nodes.rotateSigningKey(key, deadline, forOperator); // nonce 0 was used
    }

    function test_register_revertsOnTwiceBadEndpointOrZeroKey() public {
        _register();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeAlreadyRegistered.selector, operator));
        nodes.register("https://n", key, block.timestamp, "");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeInvalidEndpoint.selector, 0));
        nodes.register("", key, block.timestamp, "");
        vm.prank(stranger);
        vm.expectRevert(INodeRegistry.NodeZeroAddress.selector);
        nodes.register("https://s", address(0), block.timestamp, "");
    }

    function test_updateEndpoint_changesEndpoint() public {
        _register();
        vm.prank(operator);
        nodes.updateEndpoint("https://new");
        assertEq(nodes.getNode(operator).endpoint, "https://new");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeUnknown.selector, stranger));
        nodes.updateEndpoint("https://new");
    }

    function test_rotateSigningKey_withNewKeyConsent() public {
        _register();
        uint256 newPk = 0xBEEF;
        bytes memory sig = signKeyConsent(newPk, operator, 0, block.timestamp + 1);
        vm.prank(operator);
        nodes.rotateSigningKey(vm.addr(newPk), block.timestamp + 1, sig);
        assertEq(nodes.signingKeyOf(operator), vm.addr(newPk));
    }

    function test_stake_activatesAtMinimum() public {
        _register();
        assertTrue(nodes.isActive(operator));
        assertEq(nodes.getNode(operator).stake, MIN_STAKE);
        assertEq(token.balanceOf(address(nodes)), MIN_STAKE);
    }

    function test_stake_revertsOnZeroOrUnregistered() public {
        vm.prank(operator);
        vm.expectRevert(INodeRegistry.NodeZeroAmount.selector);
        nodes.stake(0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeUnknown.selector, operator));
        nodes.stake(1);
    }

    function test_unstake_waitsForDelay() public {
        _register();
        vm.prank(operator);
        nodes.requestUnstake(400 ether);
        assertFalse(nodes.isActive(operator), "below minimum once unstaking");
        uint64 at = uint64(block.timestamp) + UNSTAKE_DELAY;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeUnstakeLocked.selector, at));
        nodes.withdrawUnstaked();
        vm.warp(at);
        vm.prank(operator);
        nodes.withdrawUnstaked();
        assertEq(token.balanceOf(operator), 400 ether);
        assertEq(nodes.getNode(operator).stake, 600 ether);
    }

    function test_requestUnstake_revertsOverStakeOrZero() public {
        _register();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeInsufficientStake.selector, MIN_STAKE + 1, MIN_STAKE));
        nodes.requestUnstake(MIN_STAKE + 1);
        vm.prank(operator);
        vm.expectRevert(INodeRegistry.NodeZeroAmount.selector);
        nodes.requestUnstake(0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeUnstakeLocked.selector, 0));
        nodes.withdrawUnstaked();
    }

    function test_slash_takesUnstakingFirstThenStake() public {
        _register();
        vm.prank(operator);
        nodes.requestUnstake(300 ether);
        vm.expectEmit(address(nodes));
        emit INodeRegistry.NodeSlashed(operator, 500 ether, treasury, "fraud");
        vm.prank(governance);
        uint256 slashed = nodes.slash(operator, 500 ether, treasury, "fraud");
        assertEq(slashed, 500 ether);
        assertEq(nodes.getNode(operator).unstaking, 0);
        assertEq(nodes.getNode(operator).stake, 500 ether);
        assertEq(token.balanceOf(treasury), 500 ether);
    }

    function test_slash_capsAtWhatIsStaked() public {
        _register();
        vm.prank(governance);
        assertEq(nodes.slash(operator, 5 * MIN_STAKE, treasury, "all"), MIN_STAKE);
        assertFalse(nodes.isActive(operator));
    }

    function test_slash_onlyGovernanceOrSettlementAndValidArgs() public {
        _register();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeNotSlasher.selector, stranger));
        nodes.slash(operator, 1, treasury, "");
        vm.prank(address(distributor));
        assertEq(nodes.slash(operator, 1, treasury, ""), 1);
        vm.startPrank(governance);
        vm.expectRevert(INodeRegistry.NodeZeroAmount.selector);
        nodes.slash(operator, 0, treasury, "");
        vm.expectRevert(INodeRegistry.NodeZeroAddress.selector);
        nodes.slash(operator, 1, address(0), "");
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeUnknown.selector, stranger));
        nodes.slash(stranger, 1, treasury, "");
        vm.stopPrank();
    }

    function test_parameters_onlyGovernance() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        nodes.setMinStake(1);
        vm.startPrank(governance);
        nodes.setMinStake(5);
        nodes.setUnstakeDelay(9);
        vm.stopPrank();
        assertEq(nodes.minStake(), 5);
        assertEq(nodes.unstakeDelay(), 9);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        nodes.setUnstakeDelay(1);
    }
}
