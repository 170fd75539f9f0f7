// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDatanetRegistry
/// @notice Community datasets ("datanets"): owners, policies, append-only versions committed as
///         Merkle roots over their contributions, takedowns, contribution bonds and the
///         governance penalty list.
interface IDatanetRegistry {
    /// @notice Whether contributions are accepted at once (Open) or wait for a curator (Curated).
    enum ContributionMode {
        Open,
        Curated
    }

    /// @notice Open datanets' content is public; Licensed content is served only to models that
    ///         paid the licence fee.
    enum Licence {
        Open,
        Licensed
    }

    /// @notice A datanet's rules.
    /// @param contributionMode Open or curated contributions.
    /// @param licence Open or licensed content.
    /// @param minDataBps Minimum share of a model's fee (after the protocol fee) that must go to data.
    /// @param contributionBond Tokens a contributor posts per contribution (0 = none).
    /// @param licenceFee Tokens a model developer pays the owner once to use a licensed datanet.
    struct Policy {
        ContributionMode contributionMode;
        Licence licence;
        uint16 minDataBps;
        uint128 contributionBond;
        uint128 licenceFee;
    }

    /// @notice A datanet.
    /// @param owner Accountable party: sets policy, curators, commits versions.
    /// @param versionCount Number of committed versions (the latest version's number).
    /// @param metadataHash Hash of the off-chain metadata document (name, description, schema).
    /// @param policy The datanet's rules.
    struct Datanet {
        address owner;
        uint64 versionCount;
        bytes32 metadataHash;
        Policy policy;
    }

    /// @notice One committed version; versions are numbered 1, 2, … and never change.
    /// @param manifestRoot Merkle root over leaves (contributionId, contributor, contentHash).
    /// @param manifestHash sha256/keccak of the published manifest blob (recomputable off-chain).
    /// @param parentVersion The version this one follows (0 for the first).
    /// @param contributionCount Contributions in this version.
    /// @param tokenCount Tokens in this version's corpus.
    /// @param committedAt Block timestamp of the commit.
    /// @param author Address that committed it (owner or curator).
    struct Version {
        bytes32 manifestRoot;
        bytes32 manifestHash;
        uint64 parentVersion;
        uint64 contributionCount;
        uint64 tokenCount;
        uint64 committedAt;
        address author;
    }

    /// @notice Parameters for creating a datanet by signature (EIP-712, relayed by anyone).
    /// @param curator An account the owner makes curator at once (typically the node that relays
    ///        the request and will commit versions), or zero for none.
    struct CreateDatanetRequest {
        address owner;
        bytes32 metadataHash;
        Policy policy;
        address curator;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice Where a contribution bond stands. Held: posted. Forfeiting: a curator moved to
    ///         forfeit it with evidence; the contributor may appeal. Appealed: governance decides.
    enum BondStage {
        None,
        Held,
        Forfeiting,
        Appealed
    }

    /// @notice A contribution bond.
    /// @param amount Tokens held.
    /// @param postedAt When it was posted (curators may move to forfeit within the bond timeout).
    /// @param deadline Forfeiting: the end of the appeal window. Appealed: governance's deadline.
    /// @param stage Where it stands.
    struct Bond {
        uint128 amount;
        uint64 postedAt;
        uint64 deadline;
        BondStage stage;
    }

    /// @notice Thrown when `datanetId` does not exist.
    /// @param datanetId The unknown id.
    error DatanetUnknown(uint256 datanetId);
    /// @notice Thrown when `version` of `datanetId` has not been committed.
    /// @param datanetId The datanet.
    /// @param version The unknown version.
    error DatanetUnknownVersion(uint256 datanetId, uint64 version);
    /// @notice Thrown when `caller` is not the owner of `datanetId`.
    /// @param datanetId The datanet.
    /// @param caller The caller.
    error DatanetNotOwner(uint256 datanetId, address caller);
    /// @notice Thrown when `caller` is neither the owner nor a curator of `datanetId`.
    /// @param datanetId The datanet.
    /// @param caller The caller.
    error DatanetNotCurator(uint256 datanetId, address caller);
    /// @notice Thrown when a policy's `minDataBps` is above 10,000.
    /// @param minDataBps The invalid value.
    error DatanetInvalidPolicy(uint16 minDataBps);
    /// @notice Thrown when an address argument is zero where an account is required.
    error DatanetZeroAddress();
    /// @notice Thrown when a version's root and count disagree (an empty root needs a count of 0).
    /// @param manifestRoot The root given.
    /// @param contributionCount The count given.
    error DatanetInvalidVersion(bytes32 manifestRoot, uint64 contributionCount);
    /// @notice Thrown when a signature's deadline has passed.
    /// @param deadline The deadline.
    error DatanetSignatureExpired(uint256 deadline);
    /// @notice Thrown when a signature's nonce is not the signer's current nonce (replay).
    /// @param signer The signer.
    /// @param nonce The nonce given.
    error DatanetInvalidNonce(address signer, uint256 nonce);
    /// @notice Thrown when a signature does not recover to the expected signer.
    /// @param signer The expected signer.
    error DatanetInvalidSignature(address signer);
    /// @notice Thrown when a reason code is 0 (reason codes start at 1).
    error DatanetInvalidReason();
    /// @notice Thrown when a contribution proof does not verify against the version's manifest.
    /// @param datanetId The datanet.
    /// @param version The version.
    /// @param contributionId The contribution.
    error DatanetInvalidProof(uint256 datanetId, uint64 version, uint256 contributionId);
    /// @notice Thrown when a banned contributor tries to post a bond.
    /// @param account The banned account.
    error DatanetContributorBanned(address account);
    /// @notice Thrown when posting a bond on a datanet whose policy asks for none.
    /// @param datanetId The datanet.
    error DatanetNoBondRequired(uint256 datanetId);
    /// @notice Thrown when a bond for this contribution is already posted.
    /// @param datanetId The datanet.
    /// @param contributor The contributor.
    /// @param contentHash The content hash.
    error DatanetBondExists(uint256 datanetId, address contributor, bytes32 contentHash);
    /// @notice Thrown when no bond is held for this contribution.
    /// @param datanetId The datanet.
    /// @param contributor The contributor.
    /// @param contentHash The content hash.
    error DatanetBondUnknown(uint256 datanetId, address contributor, bytes32 contentHash);
    /// @notice Thrown when the policy's bond differs from the amount the contributor agreed to post.
    /// @param expected The amount the contributor agreed to.
    /// @param required The policy's bond now.
    error DatanetBondChanged(uint128 expected, uint128 required);
    /// @notice Thrown when a curator forfeits a bond after the bond timeout (it is the contributor's again).
    /// @param reclaimableAt When the curator's time ran out.
    error DatanetBondExpired(uint64 reclaimableAt);
    /// @notice Thrown when a contributor reclaims a bond before the curator's time is up.
    /// @param reclaimableAt When the bond becomes reclaimable.
    error DatanetBondLocked(uint64 reclaimableAt);
    /// @notice Thrown when a forfeiture names no evidence.
    error DatanetNoEvidence();
    /// @notice Thrown when a bond is not at the stage the action needs (see `BondStage`).
    /// @param stage The bond's stage.
    error DatanetWrongBondStage(BondStage stage);
    /// @notice Thrown when an appeal comes after its window, a decision after its deadline, or a
    ///         completion before the deadline.
    /// @param deadline The deadline.
    error DatanetBondDeadline(uint64 deadline);

    /// @notice Emitted when a datanet is created.
    /// @param datanetId The new id.
    /// @param owner Its owner.
    /// @param metadataHash Its metadata hash.
    /// @param policy Its policy.
    event DatanetCreated(uint256 indexed datanetId, address indexed owner, bytes32 metadataHash, Policy policy);
    /// @notice Emitted when ownership of a datanet moves.
    /// @param datanetId The datanet.
    /// @param previousOwner The old owner.
    /// @param newOwner The new owner.
    event DatanetOwnershipTransferred(
        uint256 indexed datanetId, address indexed previousOwner, address indexed newOwner
    );
    /// @notice Emitted when a datanet's metadata hash changes.
    /// @param datanetId The datanet.
    /// @param metadataHash The new hash.
    event DatanetMetadataUpdated(uint256 indexed datanetId, bytes32 metadataHash);
    /// @notice Emitted when a datanet's policy changes (applies to later contributions and licences).
    /// @param datanetId The datanet.
    /// @param policy The new policy.
    event DatanetPolicyUpdated(uint256 indexed datanetId, Policy policy);
    /// @notice Emitted when a curator is added or removed.
    /// @param datanetId The datanet.
    /// @param curator The account.
    /// @param enabled Whether it may now curate.
    event DatanetCuratorSet(uint256 indexed datanetId, address indexed curator, bool enabled);
    /// @notice Emitted when a version is committed; with the parent link, the events are the full history.
    /// @param datanetId The datanet.
    /// @param version The new version number.
    /// @param parentVersion The version it follows.
    /// @param manifestRoot Merkle root over (contributionId, contributor, contentHash).
    /// @param contributionCount Contributions in the version.
    /// @param tokenCount Tokens in the version.
    /// @param manifestHash Hash of the manifest blob.
    /// @param author The committer.
    event DatanetVersionCommitted(
        uint256 indexed datanetId,
        uint64 indexed version,
        uint64 parentVersion,
        bytes32 manifestRoot,
        uint64 contributionCount,
        uint64 tokenCount,
        bytes32 manifestHash,
        address author
    );
    /// @notice Emitted when a contribution is taken down; the next version leaves it out.
    /// @param datanetId The datanet.
    /// @param contributionId The contribution.
    /// @param reasonCode Why (1 contributor request, 2 copyright, 3 privacy, 4 quality, 5 legal, 6 other).
    /// @param by Who removed it (owner, curator or the contributor).
    event ContributionRemoved(
        uint256 indexed datanetId, uint256 indexed contributionId, uint8 reasonCode, address indexed by
    );
    /// @notice Emitted when governance bans or unbans a contributor.
    /// @param account The contributor.
    /// @param banned Whether the account is now banned.
    event ContributorBanSet(address indexed account, bool banned);
    /// @notice Emitted when a contributor posts a contribution bond.
    event ContributionBondPosted(
        uint256 indexed datanetId, address indexed contributor, bytes32 indexed contentHash, uint128 amount
    );
    /// @notice Emitted when a bond is returned to its contributor.
    event ContributionBondReleased(
        uint256 indexed datanetId, address indexed contributor, bytes32 indexed contentHash, uint128 amount
    );
    /// @notice Emitted when a curator moves to forfeit a bond, naming its evidence; the contributor
    ///         may appeal to governance until `appealableUntil`.
    event ContributionBondForfeitProposed(
        uint256 indexed datanetId,
        address indexed contributor,
        bytes32 indexed contentHash,
        bytes32 evidenceHash,
        address by,
        uint64 appealableUntil
    );
    /// @notice Emitted when a contributor appeals a forfeiture; governance decides by `decideBy`
    ///         or the bond returns to the contributor.
    event ContributionBondAppealed(
        uint256 indexed datanetId, address indexed contributor, bytes32 indexed contentHash, uint64 decideBy
    );
    /// @notice Emitted when a bond is forfeited, to the protocol treasury (never to the datanet's
    ///         owner or curators, who would otherwise profit from rejecting honest work).
    event ContributionBondForfeited(
        uint256 indexed datanetId,
        address indexed contributor,
        bytes32 indexed contentHash,
        uint128 amount,
        address treasury
    );
    /// @notice Emitted when an account burns its current create-by-signature nonce (cancelling a signed request).
    /// @param account The account.
    /// @param nonce The nonce burnt.
    event DatanetNonceUsed(address indexed account, uint256 nonce);
    /// @notice Emitted when governance changes how long curators have to settle a bond.
    /// @param bondTimeout Seconds after posting when the contributor may reclaim an unsettled bond.
    event BondTimeoutSet(uint64 bondTimeout);
    /// @notice Emitted when governance changes how long a contributor may appeal a forfeiture (and
    ///         how long governance then has to decide).
    event BondAppealPeriodSet(uint64 appealPeriod);

    /// @notice The datanet `datanetId`.
    function getDatanet(uint256 datanetId) external view returns (Datanet memory);
    /// @notice Version `version` of datanet `datanetId`.
    function getVersion(uint256 datanetId, uint64 version) external view returns (Version memory);
    /// @notice Whether `account` is on the governance penalty list.
    function isBanned(address account) external view returns (bool);
    /// @notice Whether `account` may curate `datanetId` (the owner always may).
    function isCurator(uint256 datanetId, address account) external view returns (bool);
    /// @notice Number of datanets created.
    function datanetCount() external view returns (uint256);
}
