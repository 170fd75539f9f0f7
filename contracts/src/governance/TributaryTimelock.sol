// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title TributaryTimelock
/// @notice Owns every protocol parameter and the delist, slash and penalty powers, and holds the
///         treasury (protocol fees). Only the governor may schedule operations on it.
contract TributaryTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
