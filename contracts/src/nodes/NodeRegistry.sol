// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {INodeRegistry, IStakeLock} from "./INodeRegistry.sol";

/// @title NodeRegistry
/// @notice Node operators stake tokens, publish an endpoint and a receipt-signing key, and can be
///         slashed by governance (or by the settlement contract when a challenge of their epoch is
///         upheld). A node is active while its stake is at least `minStake`. Stake cannot leave
///         while the node's settled epochs can still be challenged.
contract NodeRegistry is INodeRegistry, Ownable2Step, EIP712, Nonces {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type the signing key signs to consent to serve `operator`.
    bytes32 public constant SIGNING_KEY_TYPEHASH =
        keccak256("SigningKeyConsent(address operator,uint256 nonce,uint256 deadline)");

    uint256 private constant _MAX_ENDPOINT_LENGTH = 256;

    /// @notice The staking token.
    IERC20 public immutable token;
    /// @notice Stake a node needs to be active (and so to settle epochs).
    uint256 public minStake;
    /// @notice Seconds between requesting an unstake and withdrawing it.
    uint64 public unstakeDelay;
    /// @notice The settlement contract (RewardDistributor): slashes for upheld challenges and
    ///         locks stake while a node's epochs are challengeable. Wired once.
    address public settlement;
    /// @dev May wire in the settlement contract once, so deployment needs no governance vote.
    address private immutable _deployer;

    mapping(address operator => Node) private _nodes;

    constructor(IERC20 token_, address governance, uint256 minStake_, uint64 unstakeDelay_)
        Ownable(governance)
        EIP712("TributaryNodeRegistry", "1")
    {
        token = token_;
        minStake = minStake_;
        unstakeDelay = unstakeDelay_;
        _deployer = msg.sender;
    }

    /// @notice Registers the caller as a node. `keySignature` is the signing key's EIP-712
    ///         consent to (caller, nonce of the key, deadline), so nobody can claim another's key.
    function register(string calldata endpoint, address signingKey, uint256 deadline, bytes calldata keySignature)
        external
    {
        Node storage node = _nodes[msg.sender];
        if (node.registered) revert NodeAlreadyRegistered(msg.sender);
        _checkEndpoint(endpoint);
        _consumeKeyConsent(signingKey, deadline, keySignature);
        node.registered = true;
        node.endpoint = endpoint;
        node.signingKey = signingKey;
        emit NodeRegistered(msg.sender, endpoint, signingKey);
    }

    /// @notice Changes the caller's endpoint.
    function updateEndpoint(string calldata endpoint) external {
        _checkEndpoint(endpoint);
        _registered(msg.sender).endpoint = endpoint;
        emit NodeEndpointUpdated(msg.sender, endpoint);
    }

    /// @notice Rotates the caller's signing key, with the new key's consent.
    function rotateSigningKey(address signingKey, uint256 deadline, bytes calldata keySignature) external {
        Node storage node = _registered(msg.sender);
        _consumeKeyConsent(signingKey, deadline, keySignature);
        node.signingKey = signingKey;
        emit NodeSigningKeyUpdated(msg.sender, signingKey);
    }

    /// @notice Adds `amount` to the caller's stake.
    function stake(uint256 amount) external {
        if (amount == 0) revert NodeZeroAmount();
        Node storage node = _registered(msg.sender);
        node.stake += SafeCast.toUint128(amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit NodeStaked(msg.sender, amount, node.stake);
    }

    /// @notice Starts unstaking `amount`; it stays slashable until withdrawn after the delay.
    ///         A new request adds to what is unstaking and restarts the delay.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert NodeZeroAmount();
        Node storage node = _registered(msg.sender);
        if (amount > node.stake) revert NodeInsufficientStake(amount, node.stake);
        // casting to 'uint128' is safe because amount <= node.stake, which is a uint128
        // forge-lint: disable-next-line(unsafe-typecast)
        node.stake -= uint128(amount);
        // forge-lint: disable-next-line(unsafe-typecast)
        node.unstaking += uint128(amount);
        node.unstakeAvailableAt = uint64(block.timestamp) + unstakeDelay;
        emit NodeUnstakeRequested(msg.sender, amount, node.unstakeAvailableAt);
    }

    /// @notice Withdraws everything that finished unstaking, once no settled epoch of the node can
    ///         still be challenged (so a slash for fraud always finds the stake).
    function withdrawUnstaked() external {
        Node storage node = _registered(msg.sender);
        uint256 amount = node.unstaking;
        if (amount == 0 || block.timestamp < node.unstakeAvailableAt) revert NodeUnstakeLocked(node.unstakeAvailableAt);
        address lock = settlement;
        if (lock != address(0) && IStakeLock(lock).stakeLocked(msg.sender)) revert NodeStakeLocked(msg.sender);
        node.unstaking = 0;
        node.unstakeAvailableAt = 0;
        token.safeTransfer(msg.sender, amount);
        emit NodeUnstaked(msg.sender, amount);
    }

    /// @inheritdoc INodeRegistry
    function slash(address operator, uint256 amount, address recipient, bytes32 reason)
        external
        returns (uint256 slashed)
    {
        if (msg.sender != owner() && msg.sender != settlement) {
            revert NodeNotSlasher(msg.sender);
        }
        if (amount == 0) revert NodeZeroAmount();
        if (recipient == address(0)) revert NodeZeroAddress();
        Node storage node = _registered(operator);
        uint256 fromUnstaking = amount < node.unstaking ? amount : node.unstaking;
        // casting to 'uint128' is safe because fromUnstaking <= node.unstaking
        // forge-lint: disable-next-line(unsafe-typecast)
        node.unstaking -= uint128(fromUnstaking);
        uint256 rest = amount - fromUnstaking;
        uint256 fromStake = rest < node.stake ? rest : node.stake;
        // casting to 'uint128' is safe because fromStake <= node.stake
        // forge-lint: disable-next-line(unsafe-typecast)
        node.stake -= uint128(fromStake);
        slashed = fromUnstaking + fromStake;
        if (slashed > 0) token.safeTransfer(recipient, slashed);
        emit NodeSlashed(operator, slashed, recipient, reason);
    }

    /// @notice Wires in the settlement contract, once, by the deployer or governance.
    function setSettlement(address settlement_) external {
        if ((msg.sender != _deployer && msg.sender != owner()) || settlement != address(0)) {
            revert NodeSettlementNotSettable(msg.sender);
        }
        if (settlement_ == address(0)) revert NodeZeroAddress();
        settlement = settlement_;
        emit SettlementSet(settlement_);
    }

    /// @notice Sets the minimum stake (governance).
    function setMinStake(uint256 minStake_) external onlyOwner {
        minStake = minStake_;
        emit MinStakeSet(minStake_);
    }

    /// @notice Sets the unstake delay (governance).
    function setUnstakeDelay(uint64 unstakeDelay_) external onlyOwner {
        unstakeDelay = unstakeDelay_;
        emit UnstakeDelaySet(unstakeDelay_);
    }

    /// @inheritdoc INodeRegistry
    function getNode(address operator) external view returns (Node memory) {
        return _nodes[operator];
    }

    /// @inheritdoc INodeRegistry
    function isActive(address operator) external view returns (bool) {
        Node storage node = _nodes[operator];
        return node.registered && node.stake >= minStake;
    }

    /// @inheritdoc INodeRegistry
    function isRegistered(address operator) external view returns (bool) {
        return _nodes[operator].registered;
    }

    /// @inheritdoc INodeRegistry
    function signingKeyOf(address operator) external view returns (address) {
        return _registered(operator).signingKey;
    }

    /// @notice The EIP-712 domain separator (binds chain id and this contract).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _consumeKeyConsent(address signingKey, uint256 deadline, bytes calldata keySignature) private {
        if (signingKey == address(0)) revert NodeZeroAddress();
        if (block.timestamp > deadline) revert NodeSignatureExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(SIGNING_KEY_TYPEHASH, msg.sender, _useNonce(signingKey), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(signingKey, digest, keySignature)) {
            revert NodeInvalidKeySignature(signingKey);
        }
    }

    function _checkEndpoint(string calldata endpoint) private pure {
        uint256 length = bytes(endpoint).length;
        if (length == 0 || length > _MAX_ENDPOINT_LENGTH) revert NodeInvalidEndpoint(length);
    }

    function _registered(address operator) private view returns (Node storage node) {
        node = _nodes[operator];
        if (!node.registered) revert NodeUnknown(operator);
    }
}
