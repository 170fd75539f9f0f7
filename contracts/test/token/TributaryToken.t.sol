// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {TributaryToken} from "../../src/token/TributaryToken.sol";

contract TributaryTokenTest is Test {
    TributaryToken internal token;
    address internal holder = makeAddr("holder");
    uint256 internal alicePk = 0xA11CE;
    address internal alice = vm.addr(alicePk);

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new TributaryToken(holder, 1_000 ether);
    }

    function test_constructor_mintsFixedSupplyToHolder() public view {
        assertEq(token.totalSupply(), 1_000 ether);
        assertEq(token.balanceOf(holder), 1_000 ether);
        assertEq(token.symbol(), "TRIB");
        assertEq(token.decimals(), 18);
    }

    function test_mint_doesNotExist() public {
        (bool ok,) = address(token).call(abi.encodeWithSignature("mint(address,uint256)", alice, 1));
        assertFalse(ok);
        assertEq(token.totalSupply(), 1_000 ether);
    }

    function test_clock_isTimestamp() public view {
        assertEq(token.clock(), block.timestamp);
        assertEq(token.CLOCK_MODE(), "mode=timestamp");
    }

    function test_delegate_checkpointsVotesByTimestamp() public {
        vm.prank(holder);
        token.delegate(holder);
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        vm.prank(holder);
        token.transfer(alice, 400 ether);
        vm.warp(t0 + 20);
        assertEq(token.getPastVotes(holder, t0), 1_000 ether);
        assertEq(token.getPastVotes(holder, t0 + 10), 600 ether);
        assertEq(token.getVotes(alice), 0, "undelegated balances do not vote");
    }

    function test_permit_setsAllowance() public {
        vm.prank(holder);
        token.transfer(alice, 10 ether);
        address spender = makeAddr("spender");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(spender, 5 ether, 0, deadline);
        token.permit(alice, spender, 5 ether, deadline, v, r, s);
        assertEq(token.allowance(alice, spender), 5 ether);
        assertEq(token.nonces(alice), 1);
    }

    function test_permit_revertsWhenExpired() public {
        address spender = makeAddr("spender");
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(spender, 5 ether, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(alice, spender, 5 ether, deadline, v, r, s);
    }

    function test_permit_revertsOnReplay() public {
        address spender = makeAddr("spender");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(spender, 5 ether, 0, deadline);
        token.permit(alice, spender, 5 ether, deadline, v, r, s);
        vm.expectRevert();
        token.permit(alice, spender, 5 ether, deadline, v, r, s);
    }

    function _signPermit(address spender, uint256 value, uint256 nonce, uint256 deadline)
        private
        view
        returns (uint8, bytes32, bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                alice,
                spender,
                value,
                nonce,
                deadline
            )
        );
        return vm.sign(alicePk, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }
}
