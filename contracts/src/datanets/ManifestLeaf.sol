// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ManifestLeaf
/// @notice The leaf of a datanet version's manifest tree, as `@openzeppelin/merkle-tree`'s
///         StandardMerkleTree hashes ["uint256", "address", "bytes32"] values (double keccak,
///         so a leaf can never be mistaken for an inner node).
library ManifestLeaf {
    function hash(uint256 contributionId, address contributor, bytes32 contentHash) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(contributionId, contributor, contentHash))));
    }
}
