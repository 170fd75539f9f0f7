// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {GovernanceBase} from "../GovernanceBase.sol";
import {GovernanceRewardsHandler} from "./GovernanceRewardsHandler.sol";

/// @notice GovernanceRewards' promises under any sequence of proposals, votes, token moves,
///         funding, rate changes and claims (valid or not).
contract GovernanceRewardsInvariantsTest is StdInvariant, GovernanceBase {
    GovernanceRewardsHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](5);
        actors[0] = voterA;
        actors[1] = voterB;
        actors[2] = voterC;
        actors[3] = makeAddr("voterD");
        actors[4] = makeAddr("voterE");
        giveVotes(actors[3], 5_000_000 ether);
        giveVotes(actors[4], 1_000 ether);
        vm.warp(block.timestamp + 1);
        handler = new GovernanceRewardsHandler(token, governor, rewards, address(timelock), holder, actors);
        targetContract(address(handler));
    }

    /// @dev Σ paid ≤ budget: the contract holds exactly what was funded minus what it paid.
    function invariant_paidNeverExceedsBudget() public view {
        assertEq(rewards.totalPaid(), handler.ghostPaid());
        assertEq(token.balanceOf(address(rewards)) + rewards.totalPaid(), handler.ghostFunded());
    }

    /// @dev A period never pays more than its rate, however many proposals and token moves it held.
    function invariant_periodPaysAtMostItsRate() public view {
        uint256 sum;
        for (uint256 i; i < handler.periodCount(); ++i) {
            uint256 period = handler.periods(i);
            assertLe(rewards.paidInPeriod(period), rewards.rateOfPeriod(period));
            sum += rewards.paidInPeriod(period);
        }
        assertEq(sum, rewards.totalPaid());
    }

    /// @dev Only voters of eligible proposals are paid, once per period, exactly what they are owed
    ///      (never a smaller amount locked in), and a claim owed and affordable is never refused.
    function invariant_onlyEligibleVotersPaidInFull() public view {
        assertEq(handler.ghostPaidIneligible(), 0, "paid an ineligible claim");
        assertEq(handler.ghostPaidOtherThanOwed(), 0, "paid other than owed (dust lock)");
        assertEq(handler.ghostRefusedWhileOwed(), 0, "refused a valid action");
        assertEq(handler.ghostPaidTwiceInPeriod(), 0, "paid a voter twice in one period");
        assertEq(handler.ghostPaidBeyondHeld(), 0, "paid for weight not held through the period");
    }

    /// @dev Every refused action changed nothing, and no invalid action was accepted.
    function invariant_invalidActionsRevertWithNothingChanged() public view {
        assertEq(handler.ghostChangedOnRevert(), 0);
        assertEq(handler.ghostInvalidAccepted(), 0);
    }
}
