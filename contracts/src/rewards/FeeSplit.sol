// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FeeSplit
/// @notice The protocol's split math, mirrored exactly by `packages/protocol` in TypeScript.
///         A node's receipts in an epoch are numbered by the fees before them: a fee gives the
///         protocol `floor((before + fee) * bps / 10_000) - floor(before * bps / 10_000)`, so the
///         protocol shares of an epoch sum to exactly `floor(total * bps / 10_000)`, which the
///         distributor computes on-chain. The rest is divided among compute, developer and data by
///         the largest-remainder method: every split sums exactly to its fee.
library FeeSplit {
    uint256 internal constant BPS = 10_000;

    /// @notice Thrown when weights sum to zero.
    error FeeSplitZeroWeights();

    /// @notice Splits `fee`, which follows `feeBefore` in its epoch, into (protocol, compute, developer, data).
    function split(
        uint256 fee,
        uint256 feeBefore,
        uint16 protocolBps,
        uint16 computeBps,
        uint16 developerBps,
        uint16 dataBps
    ) internal pure returns (uint256 protocol, uint256 compute, uint256 developer, uint256 data) {
        protocol = protocolShare(feeBefore + fee, protocolBps) - protocolShare(feeBefore, protocolBps);
        uint256[] memory weights = new uint256[](3);
        weights[0] = computeBps;
        weights[1] = developerBps;
        weights[2] = dataBps;
        uint256[] memory parts = largestRemainder(fee - protocol, weights);
        return (protocol, parts[0], parts[1], parts[2]);
    }

    /// @notice The protocol's share of `total` fees: rounded down.
    function protocolShare(uint256 total, uint16 protocolBps) internal pure returns (uint256) {
        return total * protocolBps / BPS;
    }

    /// @notice Divides `amount` in proportion to `weights`: each part is rounded down, then the
    ///         units left over go one each to the parts with the largest remainders; equal
    ///         remainders favour the lower index (callers order parts by id, so ties are fixed).
    function largestRemainder(uint256 amount, uint256[] memory weights) internal pure returns (uint256[] memory parts) {
        uint256 count = weights.length;
        uint256 totalWeight;
        for (uint256 i; i < count; ++i) {
            totalWeight += weights[i];
        }
        if (totalWeight == 0) revert FeeSplitZeroWeights();
        parts = new uint256[](count);
        uint256[] memory remainders = new uint256[](count);
        uint256 assigned;
        for (uint256 i; i < count; ++i) {
            uint256 scaled = amount * weights[i];
            parts[i] = scaled / totalWeight;
            remainders[i] = scaled % totalWeight;
            assigned += parts[i];
        }
        // Fewer than `count` units are left over, so this is at most count² steps on the few
        // parts (≤ 4 on-chain) the contracts split.
        for (uint256 left = amount - assigned; left > 0; --left) {
            uint256 best;
            uint256 bestRemainder;
            bool found;
            for (uint256 i; i < count; ++i) {
                if (remainders[i] != type(uint256).max && (!found || remainders[i] > bestRemainder)) {
                    best = i;
                    bestRemainder = remainders[i];
                    found = true;
                }
            }
            parts[best] += 1;
            remainders[best] = type(uint256).max; // each part gets at most one extra unit
        }
    }
}
