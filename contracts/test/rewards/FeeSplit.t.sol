// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {FeeSplit} from "../../src/rewards/FeeSplit.sol";

contract FeeSplitHarness {
    function split(uint256 fee, uint256 before, uint16 p, uint16 c, uint16 d, uint16 x)
        external
        pure
        returns (uint256, uint256, uint256, uint256)
    {
        return FeeSplit.split(fee, before, p, c, d, x);
    }

    function largestRemainder(uint256 amount, uint256[] memory weights) external pure returns (uint256[] memory) {
        return FeeSplit.largestRemainder(amount, weights);
    }
}

contract FeeSplitTest is Test {
    FeeSplitHarness internal harness = new FeeSplitHarness();

    function test_split_fixedInputs() public view {
        (uint256 protocol, uint256 compute, uint256 developer, uint256 data) = harness.split(100, 0, 500, 2000, 3000, 5000);
        // protocol floor(5) = 5; 95 → 19, 28.5, 47.5 → the leftover unit goes to the first tied remainder.
        assertEq(protocol, 5);
        assertEq(compute, 19);
        assertEq(developer, 29);
        assertEq(data, 47);
    }

    function test_largestRemainder_tiesGoToLowerIndex() public view {
        uint256[] memory weights = new uint256[](3);
        (weights[0], weights[1], weights[2]) = (1, 1, 1);
        uint256[] memory parts = harness.largestRemainder(2, weights);
        assertEq(parts[0], 1);
        assertEq(parts[1], 1);
        assertEq(parts[2], 0);
    }

    function test_largestRemainder_revertsOnZeroWeights() public {
        uint256[] memory weights = new uint256[](2);
        vm.expectRevert(FeeSplit.FeeSplitZeroWeights.selector);
        harness.largestRemainder(5, weights);
    }

    function testFuzz_split_sumsExactlyToFee(
        uint128 fee,
        uint128 before,
        uint16 protocolBps,
        uint16 computeBps,
        uint16 developerBps
    ) public view {
        protocolBps = uint16(bound(protocolBps, 0, 10_000));
        computeBps = uint16(bound(computeBps, 0, 10_000));
        developerBps = uint16(bound(developerBps, 0, 10_000 - computeBps));
        uint16 dataBps = 10_000 - computeBps - developerBps;
        (uint256 protocol, uint256 compute, uint256 developer, uint256 data) =
            harness.split(fee, before, protocolBps, computeBps, developerBps, dataBps);
        assertEq(protocol + compute + developer + data, fee, "no unit created or lost");
        assertEq(
            protocol,
            (uint256(before) + fee) * protocolBps / 10_000 - uint256(before) * protocolBps / 10_000,
            "the protocol gets the cumulative share's increment"
        );
        uint256 rest = fee - protocol;
        assertApproxEqAbs(compute, rest * computeBps / 10_000, 1);
        assertApproxEqAbs(developer, rest * developerBps / 10_000, 1);
        assertApproxEqAbs(data, rest * dataBps / 10_000, 1);
    }

    /// @dev Receipts of an epoch, each split after the ones before it, give the protocol exactly
    ///      its share of the epoch's total: what settleEpoch checks on-chain.
    function testFuzz_split_protocolSharesAddUpPerEpoch(uint64[8] memory fees, uint16 protocolBps) public view {
        protocolBps = uint16(bound(protocolBps, 0, 10_000));
        uint256 before;
        uint256 protocolTotal;
        for (uint256 i; i < fees.length; ++i) {
            (uint256 protocol,,,) = harness.split(fees[i], before, protocolBps, 2000, 3000, 5000);
            protocolTotal += protocol;
            before += fees[i];
        }
        assertEq(protocolTotal, before * protocolBps / 10_000);
    }

    function test_split_protocolSharesAddUpPerEpoch_fixedInputs() public view {
        uint64[8] memory fees = [uint64(1), 1, 1, 7, 13, 99, 1, 1];
        testFuzz_split_protocolSharesAddUpPerEpoch(fees, 333);
    }

    function testFuzz_largestRemainder_isExactAndFair(uint128 amount, uint256[] memory rawWeights) public view {
        vm.assume(rawWeights.length > 0 && rawWeights.length <= 24);
        uint256[] memory weights = new uint256[](rawWeights.length);
        uint256 total;
        for (uint256 i; i < weights.length; ++i) {
            weights[i] = bound(rawWeights[i], 0, 1_000_000);
            total += weights[i];
        }
        vm.assume(total > 0);
        uint256[] memory parts = harness.largestRemainder(amount, weights);
        uint256 sum;
        for (uint256 i; i < parts.length; ++i) {
            uint256 floor = uint256(amount) * weights[i] / total;
            assertTrue(parts[i] == floor || parts[i] == floor + 1, "each part is its floor or one more");
            sum += parts[i];
        }
        assertEq(sum, amount);
    }
}
