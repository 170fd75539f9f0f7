// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Builds Merkle roots and proofs that OpenZeppelin's MerkleProof accepts (sorted-pair
///         hashing), for tests. Leaves are already hashed.
library Merkle {
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        require(leaves.length > 0, "Merkle: no leaves");
        bytes32[] memory level = leaves;
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory path) {
        bytes32[] memory scratch = new bytes32[](64);
        uint256 depth;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) scratch[depth++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        path = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) {
            path[i] = scratch[i];
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i; i < next.length; ++i) {
            uint256 left = 2 * i;
            next[i] = left + 1 < level.length ? _hashPair(level[left], level[left + 1]) : level[left];
        }
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function creditLeaf(address account, uint256 cumulativeAmount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
    }
}
