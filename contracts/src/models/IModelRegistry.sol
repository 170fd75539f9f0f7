// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IModelRegistry
/// @notice Models registered against exact datanet versions: developer, serving node, pricing,
///         fee split, append-only versions (artifact and config hashes), licences and status.
interface IModelRegistry {
    /// @notice Active models are served; Deprecated ones are refused by nodes but the developer can
    ///         reactivate them; Delisted is set and lifted only by governance.
    enum ModelStatus {
        Active,
        Deprecated,
        Delisted
    }

    /// @notice Price in token base units per token.
    struct Pricing {
        uint128 pricePerInputToken;
        uint128 pricePerOutputToken;
    }

    /// @notice How a call's fee, after the protocol fee, is split; the three sum to 10,000.
    struct Split {
        uint16 computeBps;
        uint16 developerBps;
        uint16 dataBps;
    }

    /// @notice An exact datanet version a model was built from.
    struct DatanetVersionRef {
        uint256 datanetId;
        uint64 version;
    }

    /// @notice A model.
    /// @param developer The accountable party: publishes versions, sets pricing and split.
    /// @param status Active, Deprecated or Delisted.
    /// @param versionCount Number of published versions (the latest version's number).
    /// @param requiredDataBps The highest `minDataBps` of any datanet the model ever used.
    /// @param node The operator address of the node that serves it and signs its receipts.
    /// @param metadataHash Hash of the off-chain model card.
    /// @param pricing Current price per input and output token.
    /// @param split Current split between compute, developer and data.
    struct Model {
        address developer;
        ModelStatus status;
        uint32 versionCount;
        uint16 requiredDataBps;
        address node;
        bytes32 metadataHash;
        Pricing pricing;
        Split split;
    }

    /// @notice One published model version; never changes.
    /// @param artifactHash Hash of the model artifact the node must serve (tamper evidence).
    /// @param configHash Hash of the build/serving configuration.
    /// @param publishedAt Block timestamp.
    /// @param datanets The exact datanet versions it was built from.
    struct ModelVersion {
        bytes32 artifactHash;
        bytes32 configHash;
        uint64 publishedAt;
        DatanetVersionRef[] datanets;
    }

    /// @notice Everything needed to register a model and publish its first version.
    struct RegisterModelParams {
        address node;
        bytes32 metadataHash;
        Pricing pricing;
        Split split;
        bytes32 artifactHash;
        bytes32 configHash;
        DatanetVersionRef[] datanets;
        /// @dev The most the caller agrees to pay in licence fees (guards against a fee raised meanwhile).
        uint256 maxLicenceFees;
    }

    /// @notice Floors a developer sets when offering its model to community governance: governance
    ///         may change the split, but never below these shares (nor the data share below the
    ///         model's `requiredDataBps`).
    struct CommunityBounds {
        uint16 minComputeBps;
        uint16 minDeveloperBps;
    }

    /// @notice Whether a model is (offered to be) governed by token holders, and its split floors.
    /// @param offered The developer consents; governance may adopt.
    /// @param adopted Governance adopted it: versions and split are set by proposals only.
    struct CommunityGovernance {
        bool offered;
        bool adopted;
        CommunityBounds bounds;
    }

    /// @notice Thrown when `modelId` does not exist.
    error ModelUnknown(uint256 modelId);
    /// @notice Thrown when `version` of `modelId` was not published.
    error ModelUnknownVersion(uint256 modelId, uint32 version);
    /// @notice Thrown when `caller` is not the developer of `modelId`.
    error ModelNotDeveloper(uint256 modelId, address caller);
    /// @notice Thrown when the licence fees due exceed what the caller agreed to pay.
    error ModelLicenceFeesTooHigh(uint256 due, uint256 maxLicenceFees);
    /// @notice Thrown when the split's parts do not sum to 10,000.
    error ModelInvalidSplit(uint16 computeBps, uint16 developerBps, uint16 dataBps);
    /// @notice Thrown when the data share is below a used datanet's `minDataBps`.
    error ModelDataShareTooLow(uint16 dataBps, uint16 requiredDataBps);
    /// @notice Thrown when a version lists no datanets or more than the maximum.
    error ModelInvalidDatanetCount(uint256 count);
    /// @notice Thrown when a version lists the same datanet twice.
    error ModelDuplicateDatanet(uint256 datanetId);
    /// @notice Thrown when the artifact hash is zero.
    error ModelInvalidArtifact();
    /// @notice Thrown when the serving node is not registered in the NodeRegistry.
    error ModelNodeNotRegistered(address node);
    /// @notice Thrown when an address argument is zero.
    error ModelZeroAddress();
    /// @notice Thrown when a status change is not allowed (delisting is for governance only).
    error ModelInvalidStatus(ModelStatus current, ModelStatus requested);

    /// @notice Thrown when the developer changes versions or split of a community-governed model.
    error ModelCommunityGoverned(uint256 modelId);
    /// @notice Thrown when governance acts on a model that is not (offered to be) community-governed.
    error ModelNotCommunityGoverned(uint256 modelId);
    /// @notice Thrown when a split set by governance leaves a floor the developer set.
    error ModelSplitOutOfBounds(uint256 modelId, Split split, CommunityBounds bounds);

    /// @notice Emitted when a model is registered.
    event ModelRegistered(
        uint256 indexed modelId,
        address indexed developer,
        address indexed node,
        bytes32 metadataHash,
        Pricing pricing,
        Split split
    );
    /// @notice Emitted when a version is published.
    event ModelVersionPublished(
        uint256 indexed modelId,
        uint32 indexed version,
        bytes32 artifactHash,
        bytes32 configHash,
        DatanetVersionRef[] datanets
    );
    /// @notice Emitted when a model first uses a datanet (with the licence fee paid, if any).
    event DatanetLicensed(
        uint256 indexed modelId, uint256 indexed datanetId, address indexed payer, address owner, uint128 fee
    );
    /// @notice Emitted when pricing changes.
    event ModelPricingUpdated(uint256 indexed modelId, Pricing pricing);
    /// @notice Emitted when the split changes.
    event ModelSplitUpdated(uint256 indexed modelId, Split split);
    /// @notice Emitted when the serving node changes.
    event ModelNodeUpdated(uint256 indexed modelId, address indexed node);
    /// @notice Emitted when the metadata hash changes.
    event ModelMetadataUpdated(uint256 indexed modelId, bytes32 metadataHash);
    /// @notice Emitted when the developer role moves.
    event ModelDeveloperTransferred(uint256 indexed modelId, address indexed previousDeveloper, address indexed newDeveloper);
    /// @notice Emitted when the status changes; `reason` is set by governance on (de)listing.
    event ModelStatusChanged(uint256 indexed modelId, ModelStatus status, bytes32 reason);

    /// @notice Emitted when the developer offers its model to community governance (or withdraws the offer).
    event CommunityGovernanceOffered(uint256 indexed modelId, bool offered, CommunityBounds bounds);
    /// @notice Emitted when governance adopts a model (true) or hands it back to its developer (false).
    event CommunityGovernanceAdopted(uint256 indexed modelId, bool adopted);

    /// @notice The model `modelId`.
    function getModel(uint256 modelId) external view returns (Model memory);
    /// @notice Version `version` of `modelId`.
    function getModelVersion(uint256 modelId, uint32 version) external view returns (ModelVersion memory);
    /// @notice Whether `modelId` may use `datanetId` (it was registered against it, licence paid).
    function isLicensed(uint256 modelId, uint256 datanetId) external view returns (bool);
    /// @notice Number of models registered.
    function modelCount() external view returns (uint256);
    /// @notice Whether `modelId` is offered to or adopted by community governance, and its split floors.
    function communityGovernance(uint256 modelId) external view returns (CommunityGovernance memory);
}
