// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IDatanetRegistry} from "./IDatanetRegistry.sol";
import {ManifestLeaf} from "./ManifestLeaf.sol";

/// @title DatanetRegistry
/// @notice Datanets, their policies and their append-only version history. Contributions live
///         off-chain; each version commits a Merkle root over them so any contribution can be
///         proven to be in any version. Owned by governance (the timelock), which keeps the
///         penalty list and the bond timeout.
contract DatanetRegistry is IDatanetRegistry, Ownable2Step, EIP712, Nonces {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type of the policy nested in a create-by-signature request.
    bytes32 public constant POLICY_TYPEHASH = keccak256(
        "Policy(uint8 contributionMode,uint8 licence,uint16 minDataBps,uint128 contributionBond,uint128 licenceFee)"
    );
    /// @notice EIP-712 type of a create-by-signature request.
    bytes32 public constant CREATE_DATANET_TYPEHASH = keccak256(
        "CreateDatanet(address owner,bytes32 metadataHash,Policy policy,address curator,uint256 nonce,uint256 deadline)"
        "Policy(uint8 contributionMode,uint8 licence,uint16 minDataBps,uint128 contributionBond,uint128 licenceFee)"
    );

    uint16 private constant _BPS = 10_000;

    /// @notice The token bonds are posted in.
    IERC20 public immutable token;
    /// @notice Seconds after posting when a contributor may reclaim a bond no curator settled.
    uint64 public bondTimeout;
    /// @notice Seconds a contributor has to appeal a forfeiture, and governance then has to decide.
    uint64 public bondAppealPeriod;

    uint256 private _datanetCount;
    mapping(uint256 datanetId => Datanet) private _datanets;
    mapping(uint256 datanetId => mapping(uint64 version => Version)) private _versions;
    /// @dev Curators are kept per owner "generation": a transfer starts a new one, so the previous
    ///      owner's curators lose their power with the ownership.
    mapping(uint256 datanetId => uint256) private _curatorGeneration;
    mapping(uint256 datanetId => mapping(uint256 generation => mapping(address account => bool))) private _curators;
    mapping(address account => bool) private _banned;
    mapping(uint256 datanetId => mapping(address contributor => mapping(bytes32 contentHash => Bond))) private
        _bonds;

    /// @param token_ The protocol token.
    /// @param governance The owner (the timelock), which is also the treasury forfeited bonds go to.
    /// @param bondTimeout_ Initial bond timeout in seconds.
    /// @param bondAppealPeriod_ Initial appeal period in seconds.
    constructor(IERC20 token_, address governance, uint64 bondTimeout_, uint64 bondAppealPeriod_)
        Ownable(governance)
        EIP712("TributaryDatanetRegistry", "1")
    {
        token = token_;
        bondTimeout = bondTimeout_;
        bondAppealPeriod = bondAppealPeriod_;
    }

    // ---------------------------------------------------------------- datanets

    /// @notice Creates a datanet owned by the caller.
    /// @return datanetId The new datanet's id (ids start at 1).
    function createDatanet(bytes32 metadataHash, Policy calldata policy) external returns (uint256 datanetId) {
        return _create(msg.sender, metadataHash, policy);
    }

    /// @notice Creates a datanet for `request.owner`, who signed the request (EIP-712); anyone may
    ///         relay it. The signed request may name a curator (the relaying node).
    function createDatanetBySig(CreateDatanetRequest calldata request, bytes calldata signature)
        external
        returns (uint256 datanetId)
    {
        if (block.timestamp > request.deadline) revert DatanetSignatureExpired(request.deadline);
        if (request.nonce != nonces(request.owner)) revert DatanetInvalidNonce(request.owner, request.nonce);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    CREATE_DATANET_TYPEHASH,
                    request.owner,
                    request.metadataHash,
                    _hashPolicy(request.policy),
                    request.curator,
                    request.nonce,
                    request.deadline
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(request.owner, digest, signature)) {
            revert DatanetInvalidSignature(request.owner);
        }
        _useNonce(request.owner);
        datanetId = _create(request.owner, request.metadataHash, request.policy);
        if (request.curator != address(0)) {
            _curators[datanetId][0][request.curator] = true;
            emit DatanetCuratorSet(datanetId, request.curator, true);
        }
    }

    /// @notice Burns the caller's current create-by-signature nonce, cancelling any request signed with it.
    function useNonce() external {
        uint256 nonce = _useNonce(msg.sender);
        emit DatanetNonceUsed(msg.sender, nonce);
    }

    /// @notice Hands the datanet to `newOwner`; the previous owner's curators lose their role.
    function transferDatanetOwnership(uint256 datanetId, address newOwner) external {
        Datanet storage datanet = _ownedBy(datanetId, msg.sender);
        if (newOwner == address(0)) revert DatanetZeroAddress();
        datanet.owner = newOwner;
        ++_curatorGeneration[datanetId];
        emit DatanetOwnershipTransferred(datanetId, msg.sender, newOwner);
    }

    /// @notice Replaces the metadata hash.
    function updateMetadata(uint256 datanetId, bytes32 metadataHash) external {
        _ownedBy(datanetId, msg.sender).metadataHash = metadataHash;
        emit DatanetMetadataUpdated(datanetId, metadataHash);
    }

    /// @notice Replaces the policy; it applies to later contributions and licences.
    function updatePolicy(uint256 datanetId, Policy calldata policy) external {
        Datanet storage datanet = _ownedBy(datanetId, msg.sender);
        _checkPolicy(policy);
        datanet.policy = policy;
        emit DatanetPolicyUpdated(datanetId, policy);
    }

    /// @notice Lets `curator` commit versions, take down content and settle bonds (or stops it).
    function setCurator(uint256 datanetId, address curator, bool enabled) external {
        _ownedBy(datanetId, msg.sender);
        if (curator == address(0)) revert DatanetZeroAddress();
        _curators[datanetId][_curatorGeneration[datanetId]][curator] = enabled;
        emit DatanetCuratorSet(datanetId, curator, enabled);
    }

    // ---------------------------------------------------------------- versions

    /// @notice Appends a version. Its parent is the previous version.
    /// @param manifestRoot Merkle root over (contributionId, contributor, contentHash) leaves.
    /// @param contributionCount Contributions in the version (0 only with an empty root).
    /// @param tokenCount Tokens in the version's corpus.
    /// @param manifestHash Hash of the published manifest blob.
    /// @return version The new version number.
    function commitVersion(
        uint256 datanetId,
        bytes32 manifestRoot,
        uint64 contributionCount,
        uint64 tokenCount,
        bytes32 manifestHash
    ) external returns (uint64 version) {
        Datanet storage datanet = _curatedBy(datanetId, msg.sender);
        if ((manifestRoot == bytes32(0)) != (contributionCount == 0)) {
            revert DatanetInvalidVersion(manifestRoot, contributionCount);
        }
        uint64 parent = datanet.versionCount;
        version = parent + 1;
        datanet.versionCount = version;
        _versions[datanetId][version] = Version({
            manifestRoot: manifestRoot,
            manifestHash: manifestHash,
            parentVersion: parent,
            contributionCount: contributionCount,
            tokenCount: tokenCount,
            committedAt: uint64(block.timestamp),
            author: msg.sender
        });
        emit DatanetVersionCommitted(
            datanetId, version, parent, manifestRoot, contributionCount, tokenCount, manifestHash, msg.sender
        );
    }

    /// @notice Records a takedown by the owner or a curator; the next version leaves the item out.
    function removeContribution(uint256 datanetId, uint256 contributionId, uint8 reasonCode) external {
        _curatedBy(datanetId, msg.sender);
        if (reasonCode == 0) revert DatanetInvalidReason();
        emit ContributionRemoved(datanetId, contributionId, reasonCode, msg.sender);
    }

    /// @notice Records a takedown by the contributor, who proves the item is theirs in `version`.
    function withdrawContribution(
        uint256 datanetId,
        uint64 version,
        uint256 contributionId,
        bytes32 contentHash,
        bytes32[] calldata proof,
        uint8 reasonCode
    ) external {
        if (reasonCode == 0) revert DatanetInvalidReason();
        if (!verifyContribution(datanetId, version, contributionId, msg.sender, contentHash, proof)) {
            revert DatanetInvalidProof(datanetId, version, contributionId);
        }
        emit ContributionRemoved(datanetId, contributionId, reasonCode, msg.sender);
    }

    /// @notice Whether (contributionId, contributor, contentHash) is in `version` of `datanetId`.
    function verifyContribution(
        uint256 datanetId,
        uint64 version,
        uint256 contributionId,
        address contributor,
        bytes32 contentHash,
        bytes32[] calldata proof
    ) public view returns (bool) {
        bytes32 root = _versionAt(datanetId, version).manifestRoot;
        return MerkleProof.verifyCalldata(proof, root, ManifestLeaf.hash(contributionId, contributor, contentHash));
    }

    // ---------------------------------------------------------------- bonds

    /// @notice Posts the policy's contribution bond for the caller's contribution `contentHash`.
    ///         `amount` must equal the policy's bond, so a bond raised meanwhile cannot take more.
    function postBond(uint256 datanetId, bytes32 contentHash, uint128 amount) external {
        uint128 required = _datanetAt(datanetId).policy.contributionBond;
        if (required == 0) revert DatanetNoBondRequired(datanetId);
        if (amount != required) revert DatanetBondChanged(amount, required);
        if (_banned[msg.sender]) revert DatanetContributorBanned(msg.sender);
        Bond storage bond = _bonds[datanetId][msg.sender][contentHash];
        if (bond.stage != BondStage.None) revert DatanetBondExists(datanetId, msg.sender, contentHash);
        _bonds[datanetId][msg.sender][contentHash] =
            Bond({amount: amount, postedAt: uint64(block.timestamp), deadline: 0, stage: BondStage.Held});
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit ContributionBondPosted(datanetId, msg.sender, contentHash, amount);
    }

    /// @notice A curator returns a bond to its contributor (accepted work, or a forfeiture it
    ///         no longer pursues).
    function releaseBond(uint256 datanetId, address contributor, bytes32 contentHash) external {
        _curatedBy(datanetId, msg.sender);
        BondStage stage = _bonds[datanetId][contributor][contentHash].stage;
        if (stage != BondStage.Held && stage != BondStage.Forfeiting) revert DatanetWrongBondStage(stage);
        _payBond(datanetId, contributor, contentHash, contributor);
    }

    /// @notice A curator moves to forfeit a bond within the bond timeout, naming the hash of
    ///         published evidence. The contributor may appeal to governance for `bondAppealPeriod`;
    ///         unappealed, the bond goes to the protocol treasury, never to the owner or a curator.
    function forfeitBond(uint256 datanetId, address contributor, bytes32 contentHash, bytes32 evidenceHash) external {
        _curatedBy(datanetId, msg.sender);
        if (evidenceHash == bytes32(0)) revert DatanetNoEvidence();
        Bond storage bond = _bonds[datanetId][contributor][contentHash];
        if (bond.stage != BondStage.Held) revert DatanetWrongBondStage(bond.stage);
        uint64 expiresAt = bond.postedAt + bondTimeout;
        if (block.timestamp >= expiresAt) revert DatanetBondExpired(expiresAt);
        uint64 appealableUntil = uint64(block.timestamp) + bondAppealPeriod;
        bond.stage = BondStage.Forfeiting;
        bond.deadline = appealableUntil;
        emit ContributionBondForfeitProposed(datanetId, contributor, contentHash, evidenceHash, msg.sender, appealableUntil);
    }

    /// @notice The contributor appeals a forfeiture within its window; governance then has
    ///         `bondAppealPeriod` to decide, or the bond returns to the contributor.
    function appealForfeit(uint256 datanetId, bytes32 contentHash) external {
        Bond storage bond = _bonds[datanetId][msg.sender][contentHash];
        if (bond.stage != BondStage.Forfeiting) revert DatanetWrongBondStage(bond.stage);
        if (block.timestamp > bond.deadline) revert DatanetBondDeadline(bond.deadline);
        uint64 decideBy = uint64(block.timestamp) + bondAppealPeriod;
        bond.stage = BondStage.Appealed;
        bond.deadline = decideBy;
        emit ContributionBondAppealed(datanetId, msg.sender, contentHash, decideBy);
    }

    /// @notice Governance decides an appeal by its deadline: forfeit (to the treasury) or return.
    function decideAppeal(uint256 datanetId, address contributor, bytes32 contentHash, bool forfeit)
        external
        onlyOwner
    {
        Bond storage bond = _bonds[datanetId][contributor][contentHash];
        if (bond.stage != BondStage.Appealed) revert DatanetWrongBondStage(bond.stage);
        if (block.timestamp > bond.deadline) revert DatanetBondDeadline(bond.deadline);
        _payBond(datanetId, contributor, contentHash, forfeit ? owner() : contributor);
    }

    /// @notice After a deadline the rule decides, and anyone may carry it out: an unappealed
    ///         forfeiture goes to the treasury; an appeal governance left undecided returns the bond.
    function completeBond(uint256 datanetId, address contributor, bytes32 contentHash) external {
        Bond storage bond = _bonds[datanetId][contributor][contentHash];
        BondStage stage = bond.stage;
        if (stage != BondStage.Forfeiting && stage != BondStage.Appealed) revert DatanetWrongBondStage(stage);
        if (block.timestamp <= bond.deadline) revert DatanetBondDeadline(bond.deadline);
        _payBond(datanetId, contributor, contentHash, stage == BondStage.Forfeiting ? owner() : contributor);
    }

    /// @notice The contributor takes back a bond that no curator acted on within the bond timeout.
    function reclaimBond(uint256 datanetId, bytes32 contentHash) external {
        Bond storage bond = _bonds[datanetId][msg.sender][contentHash];
        if (bond.stage != BondStage.Held) revert DatanetBondUnknown(datanetId, msg.sender, contentHash);
        uint64 reclaimableAt = bond.postedAt + bondTimeout;
        if (block.timestamp < reclaimableAt) revert DatanetBondLocked(reclaimableAt);
        _payBond(datanetId, msg.sender, contentHash, msg.sender);
    }

    /// @notice The bond held for (datanetId, contributor, contentHash) and when it was posted.
    function bondOf(uint256 datanetId, address contributor, bytes32 contentHash)
        external
        view
        returns (uint128 amount, uint64 postedAt)
    {
        Bond storage bond = _bonds[datanetId][contributor][contentHash];
        return (bond.amount, bond.postedAt);
    }

    /// @notice The whole bond record, with its stage and deadline.
    function getBond(uint256 datanetId, address contributor, bytes32 contentHash) external view returns (Bond memory) {
        return _bonds[datanetId][contributor][contentHash];
    }

    // ---------------------------------------------------------------- governance

    /// @notice Bans or unbans a contributor (governance).
    function setBanned(address account, bool banned) external onlyOwner {
        if (account == address(0)) revert DatanetZeroAddress();
        _banned[account] = banned;
        emit ContributorBanSet(account, banned);
    }

    /// @notice Sets the bond timeout (governance).
    function setBondTimeout(uint64 bondTimeout_) external onlyOwner {
        bondTimeout = bondTimeout_;
        emit BondTimeoutSet(bondTimeout_);
    }

    /// @notice Sets the appeal period of bond forfeitures (governance); pending deadlines keep theirs.
    function setBondAppealPeriod(uint64 bondAppealPeriod_) external onlyOwner {
        bondAppealPeriod = bondAppealPeriod_;
        emit BondAppealPeriodSet(bondAppealPeriod_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDatanetRegistry
    function getDatanet(uint256 datanetId) external view returns (Datanet memory) {
        return _datanetAt(datanetId);
    }

    /// @inheritdoc IDatanetRegistry
    function getVersion(uint256 datanetId, uint64 version) external view returns (Version memory) {
        return _versionAt(datanetId, version);
    }

    /// @inheritdoc IDatanetRegistry
    function isBanned(address account) external view returns (bool) {
        return _banned[account];
    }

    /// @inheritdoc IDatanetRegistry
    function isCurator(uint256 datanetId, address account) external view returns (bool) {
        return _datanetAt(datanetId).owner == account || _curators[datanetId][_curatorGeneration[datanetId]][account];
    }

    /// @inheritdoc IDatanetRegistry
    function datanetCount() external view returns (uint256) {
        return _datanetCount;
    }

    /// @notice The EIP-712 domain separator (binds chain id and this contract).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    function _create(address owner, bytes32 metadataHash, Policy calldata policy)
        private
        returns (uint256 datanetId)
    {
        if (owner == address(0)) revert DatanetZeroAddress();
        _checkPolicy(policy);
        datanetId = ++_datanetCount;
        _datanets[datanetId] = Datanet({owner: owner, versionCount: 0, metadataHash: metadataHash, policy: policy});
        emit DatanetCreated(datanetId, owner, metadataHash, policy);
    }

    /// @dev Pays a bond out to `to` (its contributor, or the treasury when forfeited) and forgets it.
    function _payBond(uint256 datanetId, address contributor, bytes32 contentHash, address to) private {
        uint128 amount = _bonds[datanetId][contributor][contentHash].amount;
        delete _bonds[datanetId][contributor][contentHash];
        token.safeTransfer(to, amount);
        if (to == contributor) {
            emit ContributionBondReleased(datanetId, contributor, contentHash, amount);
        } else {
            emit ContributionBondForfeited(datanetId, contributor, contentHash, amount, to);
        }
    }

    function _checkPolicy(Policy calldata policy) private pure {
        if (policy.minDataBps > _BPS) revert DatanetInvalidPolicy(policy.minDataBps);
    }

    function _hashPolicy(Policy calldata policy) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                POLICY_TYPEHASH,
                policy.contributionMode,
                policy.licence,
                policy.minDataBps,
                policy.contributionBond,
                policy.licenceFee
            )
        );
    }

    function _datanetAt(uint256 datanetId) private view returns (Datanet storage datanet) {
        datanet = _datanets[datanetId];
        if (datanet.owner == address(0)) revert DatanetUnknown(datanetId);
    }

    function _ownedBy(uint256 datanetId, address caller) private view returns (Datanet storage datanet) {
        datanet = _datanetAt(datanetId);
        if (datanet.owner != caller) revert DatanetNotOwner(datanetId, caller);
    }

    function _curatedBy(uint256 datanetId, address caller) private view returns (Datanet storage datanet) {
        datanet = _datanetAt(datanetId);
        if (datanet.owner != caller && !_curators[datanetId][_curatorGeneration[datanetId]][caller]) {
            revert DatanetNotCurator(datanetId, caller);
        }
    }

    /// @dev A storage pointer, so callers read only the fields they need (a proof needs just the root).
    function _versionAt(uint256 datanetId, uint64 version) private view returns (Version storage) {
        if (version == 0 || version > _datanetAt(datanetId).versionCount) {
            revert DatanetUnknownVersion(datanetId, version);
        }
        return _versions[datanetId][version];
    }
}
