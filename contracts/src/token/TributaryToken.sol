// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title TributaryToken
/// @notice The protocol's token: fees, stake, bonds and votes are denominated in it.
/// @dev The whole supply is minted once, in the constructor; there is no mint function, so
///      rewards can only come from fees that users pay. Votes use a timestamp clock (EIP-6372).
contract TributaryToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param initialHolder Receives the entire fixed supply (a treasury or distribution contract).
    /// @param totalSupply_ The fixed supply, in base units (18 decimals).
    constructor(address initialHolder, uint256 totalSupply_)
        ERC20("Tributary", "TRIB")
        ERC20Permit("Tributary")
    {
        _mint(initialHolder, totalSupply_);
    }

    /// @notice Votes are checkpointed by timestamp, as the governor expects.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice EIP-6372 clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
