// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INodeRegistry
/// @notice Compute providers ("nodes"): stake, endpoint, receipt-signing key, unstake delay, slashing.
interface INodeRegistry {
    /// @notice A node, keyed by its operator address (which also sends its settlements).
    /// @param stake Tokens staked and slashable, excluding what is being unstaked.
    /// @param unstaking Tokens waiting out the unstake delay (still slashable).
    /// @param unstakeAvailableAt When `unstaking` can be withdrawn.
    /// @param signingKey Address whose EIP-712 signatures on receipts the node stands behind.
    /// @param registered Whether the node has registered an endpoint and key.
    /// @param endpoint Public URL of the node's API.
    struct Node {
        uint128 stake;
        uint128 unstaking;
        uint64 unstakeAvailableAt;
        address signingKey;
        bool registered;
        string endpoint;
    }

    /// @notice Thrown when `operator` has not registered.
    /// @param operator The operator.
    error NodeUnknown(address operator);
    /// @notice Thrown when `operator` registers twice.
    /// @param operator The operator.
    error NodeAlreadyRegistered(address operator);
    /// @notice Thrown when an amount is zero where it must not be.
    error NodeZeroAmount();
    /// @notice Thrown when an address argument is zero.
    error NodeZeroAddress();
    /// @notice Thrown when the endpoint is empty or longer than 256 bytes.
    /// @param length Its length.
    error NodeInvalidEndpoint(uint256 length);
    /// @notice Thrown when unstaking more than is staked.
    /// @param requested Amount asked for.
    /// @param available Amount staked.
    error NodeInsufficientStake(uint256 requested, uint256 available);
    /// @notice Thrown when withdrawing before the unstake delay is over, or with nothing unstaking.
    /// @param availableAt When the withdrawal becomes possible (0 if nothing is unstaking).
    error NodeUnstakeLocked(uint64 availableAt);
    /// @notice Thrown when a key signature's deadline has passed.
    /// @param deadline The deadline.
    error NodeSignatureExpired(uint256 deadline);
    /// @notice Thrown when the signing key did not sign the (operator, nonce, deadline) consent.
    /// @param signingKey The key.
    error NodeInvalidKeySignature(address signingKey);
    /// @notice Thrown when withdrawing stake while the node's settlements still answer for it: a
    ///         challenge is open or an epoch is in its challenge window (or being settled).
    /// @param operator The operator.
    error NodeStakeLocked(address operator);
    /// @notice Thrown when someone other than governance or the settlement contract slashes.
    /// @param caller The caller.
    error NodeNotSlasher(address caller);
    /// @notice Thrown when the settlement contract is wired twice or by someone else than the
    ///         deployer or governance.
    /// @param caller The caller.
    error NodeSettlementNotSettable(address caller);

    /// @notice Emitted when a node registers.
    event NodeRegistered(address indexed operator, string endpoint, address signingKey);
    /// @notice Emitted when a node changes its endpoint.
    event NodeEndpointUpdated(address indexed operator, string endpoint);
    /// @notice Emitted when a node rotates its signing key.
    event NodeSigningKeyUpdated(address indexed operator, address signingKey);
    /// @notice Emitted when stake is added.
    event NodeStaked(address indexed operator, uint256 amount, uint256 totalStake);
    /// @notice Emitted when unstaking starts.
    event NodeUnstakeRequested(address indexed operator, uint256 amount, uint64 availableAt);
    /// @notice Emitted when unstaked tokens are withdrawn.
    event NodeUnstaked(address indexed operator, uint256 amount);
    /// @notice Emitted when governance slashes a node.
    event NodeSlashed(address indexed operator, uint256 amount, address indexed recipient, bytes32 reason);
    /// @notice Emitted when governance changes the minimum stake.
    event MinStakeSet(uint256 minStake);
    /// @notice Emitted when governance changes the unstake delay.
    event UnstakeDelaySet(uint64 unstakeDelay);
    /// @notice Emitted once, when the settlement contract (which may slash, and locks stake while
    ///         a node's epochs can still be challenged) is wired in.
    event SettlementSet(address settlement);

    /// @notice The node of `operator`.
    function getNode(address operator) external view returns (Node memory);
    /// @notice Whether `operator` is registered and staked at least the minimum.
    function isActive(address operator) external view returns (bool);
    /// @notice Whether `operator` has registered.
    function isRegistered(address operator) external view returns (bool);
    /// @notice The key that signs `operator`'s receipts.
    function signingKeyOf(address operator) external view returns (address);
    /// @notice Slashes up to `amount` from `operator` (unstaking tokens first, then stake) and
    ///         sends it to `recipient`. Governance, or the settlement contract for an upheld challenge.
    /// @return slashed The amount actually taken.
    function slash(address operator, uint256 amount, address recipient, bytes32 reason)
        external
        returns (uint256 slashed);
}

/// @notice What the registry asks the settlement contract before stake leaves.
interface IStakeLock {
    /// @notice Whether `node`'s stake must stay put (its settlements can still be challenged).
    function stakeLocked(address node) external view returns (bool);
}
