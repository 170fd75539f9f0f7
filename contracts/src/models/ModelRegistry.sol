// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IDatanetRegistry} from "../datanets/IDatanetRegistry.sol";
import {INodeRegistry} from "../nodes/INodeRegistry.sol";
import {IModelRegistry} from "./IModelRegistry.sol";

/// @title ModelRegistry
/// @notice Models and their append-only versions, each naming the exact datanet versions it was
///         built from. Using a datanet checks its policy: the model's data share must reach the
///         datanet's `minDataBps`, and a licensed datanet's fee is paid to its owner once.
contract ModelRegistry is IModelRegistry, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice Most datanets one model version may list (bounds every loop here).
    uint256 public constant MAX_DATANETS_PER_VERSION = 32;
    uint16 private constant _BPS = 10_000;

    /// @notice The token licence fees are paid in.
    IERC20 public immutable token;
    /// @notice Where datanets and their policies live.
    IDatanetRegistry public immutable datanets;
    /// @notice Where serving nodes register.
    INodeRegistry public immutable nodes;

    uint256 private _modelCount;
    mapping(uint256 modelId => Model) private _models;
    mapping(uint256 modelId => mapping(uint32 version => ModelVersion)) private _versions;
    mapping(uint256 modelId => mapping(uint256 datanetId => bool)) private _licensed;
    mapping(uint256 modelId => CommunityGovernance) private _community;

    constructor(IERC20 token_, IDatanetRegistry datanets_, INodeRegistry nodes_, address governance)
        Ownable(governance)
    {
        token = token_;
        datanets = datanets_;
        nodes = nodes_;
    }

    /// @notice Registers a model with the caller as developer and publishes its version 1.
    ///         The caller pays any licence fees (approve the token first).
    /// @return modelId The new model's id (ids start at 1).
    function registerModel(RegisterModelParams calldata params) external returns (uint256 modelId) {
        _checkNode(params.node);
        _checkSplit(params.split);
        modelId = ++_modelCount;
        Model storage model = _models[modelId];
        model.developer = msg.sender;
        model.node = params.node;
        model.metadataHash = params.metadataHash;
        model.pricing = params.pricing;
        model.split = params.split;
        emit ModelRegistered(modelId, msg.sender, params.node, params.metadataHash, params.pricing, params.split);
        _publish(modelId, model, params.artifactHash, params.configHash, params.datanets, params.maxLicenceFees);
    }

    /// @notice Publishes a new version of `modelId`, paying at most `maxLicenceFees` for new licences.
    /// @return version The new version number.
    function publishVersion(
        uint256 modelId,
        bytes32 artifactHash,
        bytes32 configHash,
        DatanetVersionRef[] calldata datanetVersions,
        uint256 maxLicenceFees
    ) external returns (uint32 version) {
        Model storage model = _developedBy(modelId, msg.sender);
        _notCommunityGoverned(modelId);
        return _publish(modelId, model, artifactHash, configHash, datanetVersions, maxLicenceFees);
    }

    /// @notice Sets the price per input and output token.
    function setPricing(uint256 modelId, Pricing calldata pricing) external {
        _developedBy(modelId, msg.sender).pricing = pricing;
        emit ModelPricingUpdated(modelId, pricing);
    }

    /// @notice Sets the split; the data share must still reach every used datanet's minimum.
    function setSplit(uint256 modelId, Split calldata split) external {
        Model storage model = _developedBy(modelId, msg.sender);
        _notCommunityGoverned(modelId);
        _setSplit(modelId, model, split);
    }

    /// @notice Moves serving to another registered node.
    function setNode(uint256 modelId, address node) external {
        Model storage model = _developedBy(modelId, msg.sender);
        _checkNode(node);
        model.node = node;
        emit ModelNodeUpdated(modelId, node);
    }

    /// @notice Replaces the metadata hash.
    function updateMetadata(uint256 modelId, bytes32 metadataHash) external {
        _developedBy(modelId, msg.sender).metadataHash = metadataHash;
        emit ModelMetadataUpdated(modelId, metadataHash);
    }

    /// @notice Hands the developer role (and its accountability) to `newDeveloper`.
    function transferModel(uint256 modelId, address newDeveloper) external {
        Model storage model = _developedBy(modelId, msg.sender);
        if (newDeveloper == address(0)) revert ModelZeroAddress();
        model.developer = newDeveloper;
        emit ModelDeveloperTransferred(modelId, msg.sender, newDeveloper);
    }

    /// @notice The developer deprecates or reactivates a model; a delisted model stays delisted.
    function setStatus(uint256 modelId, ModelStatus status) external {
        Model storage model = _developedBy(modelId, msg.sender);
        if (model.status == ModelStatus.Delisted || status == ModelStatus.Delisted) {
            revert ModelInvalidStatus(model.status, status);
        }
        model.status = status;
        emit ModelStatusChanged(modelId, status, bytes32(0));
    }

    /// @notice Delists a model (governance).
    function delist(uint256 modelId, bytes32 reason) external onlyOwner {
        Model storage model = _modelAt(modelId);
        if (model.status == ModelStatus.Delisted) revert ModelInvalidStatus(model.status, ModelStatus.Delisted);
        model.status = ModelStatus.Delisted;
        emit ModelStatusChanged(modelId, ModelStatus.Delisted, reason);
    }

    /// @notice Lifts a delisting (governance); the model becomes Deprecated until its developer reactivates it.
    function relist(uint256 modelId, bytes32 reason) external onlyOwner {
        Model storage model = _modelAt(modelId);
        if (model.status != ModelStatus.Delisted) revert ModelInvalidStatus(model.status, ModelStatus.Deprecated);
        model.status = ModelStatus.Deprecated;
        emit ModelStatusChanged(modelId, ModelStatus.Deprecated, reason);
    }

    // ---------------------------------------------------------------- community governance

    /// @notice The developer offers `modelId` to community governance with split floors, or
    ///         (`offered` false, before adoption) withdraws the offer. Adoption takes a proposal.
    function offerCommunityGovernance(uint256 modelId, bool offered, CommunityBounds calldata bounds) external {
        _developedBy(modelId, msg.sender);
        CommunityGovernance storage community = _community[modelId];
        _notCommunityGoverned(modelId);
        if (uint256(bounds.minComputeBps) + bounds.minDeveloperBps > _BPS) {
            revert ModelInvalidSplit(bounds.minComputeBps, bounds.minDeveloperBps, 0);
        }
        community.offered = offered;
        community.bounds = offered ? bounds : CommunityBounds(0, 0);
        emit CommunityGovernanceOffered(modelId, offered, community.bounds);
    }

    /// @notice Governance adopts a model its developer offered (`adopted` true) or hands it back
    ///         (false): while adopted, only governance publishes versions and sets the split.
    function setCommunityGoverned(uint256 modelId, bool adopted) external onlyOwner {
        _modelAt(modelId);
        CommunityGovernance storage community = _community[modelId];
        if (!community.offered) revert ModelNotCommunityGoverned(modelId);
        community.adopted = adopted;
        if (!adopted) community.offered = false; // a later adoption needs a new offer
        emit CommunityGovernanceAdopted(modelId, adopted);
    }

    /// @notice Governance publishes a new version of an adopted model, e.g. the same model built on
    ///         a newer datanet version. Licence fees, if any, come from the treasury (approve first).
    function governancePublishVersion(
        uint256 modelId,
        bytes32 artifactHash,
        bytes32 configHash,
        DatanetVersionRef[] calldata datanetVersions,
        uint256 maxLicenceFees
    ) external onlyOwner returns (uint32 version) {
        return _publish(modelId, _adopted(modelId), artifactHash, configHash, datanetVersions, maxLicenceFees);
    }

    /// @notice Governance sets the split of an adopted model, within the developer's floors.
    function governanceSetSplit(uint256 modelId, Split calldata split) external onlyOwner {
        Model storage model = _adopted(modelId);
        CommunityBounds memory bounds = _community[modelId].bounds;
        if (split.computeBps < bounds.minComputeBps || split.developerBps < bounds.minDeveloperBps) {
            revert ModelSplitOutOfBounds(modelId, split, bounds);
        }
        _setSplit(modelId, model, split);
    }

    /// @inheritdoc IModelRegistry
    function communityGovernance(uint256 modelId) external view returns (CommunityGovernance memory) {
        return _community[modelId];
    }

    /// @inheritdoc IModelRegistry
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _modelAt(modelId);
    }

    /// @inheritdoc IModelRegistry
    function getModelVersion(uint256 modelId, uint32 version) external view returns (ModelVersion memory) {
        Model storage model = _modelAt(modelId);
        if (version == 0 || version > model.versionCount) revert ModelUnknownVersion(modelId, version);
        return _versions[modelId][version];
    }

    /// @inheritdoc IModelRegistry
    function isLicensed(uint256 modelId, uint256 datanetId) external view returns (bool) {
        return _licensed[modelId][datanetId];
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint256) {
        return _modelCount;
    }

    function _publish(
        uint256 modelId,
        Model storage model,
        bytes32 artifactHash,
        bytes32 configHash,
        DatanetVersionRef[] calldata refs,
        uint256 maxLicenceFees
    ) private returns (uint32 version) {
        if (artifactHash == bytes32(0)) revert ModelInvalidArtifact();
        uint256 count = refs.length;
        if (count == 0 || count > MAX_DATANETS_PER_VERSION) revert ModelInvalidDatanetCount(count);
        version = model.versionCount + 1;
        model.versionCount = version;
        ModelVersion storage stored = _versions[modelId][version];
        stored.artifactHash = artifactHash;
        stored.configHash = configHash;
        stored.publishedAt = uint64(block.timestamp);
        (uint16 required, uint256 feesPaid) = _useDatanets(modelId, stored, refs, model.requiredDataBps);
        // A datanet owner could raise a fee just before this transaction: the caller caps it.
        if (feesPaid > maxLicenceFees) revert ModelLicenceFeesTooHigh(feesPaid, maxLicenceFees);
        if (model.split.dataBps < required) revert ModelDataShareTooLow(model.split.dataBps, required);
        model.requiredDataBps = required;
        emit ModelVersionPublished(modelId, version, artifactHash, configHash, refs);
    }

    /// @dev Records the version's datanets (no duplicates), licensing new ones; returns the highest
    ///      minimum data share among them (and `required` so far) and the licence fees paid.
    function _useDatanets(uint256 modelId, ModelVersion storage stored, DatanetVersionRef[] calldata refs, uint16 required)
        private
        returns (uint16, uint256 feesPaid)
    {
        for (uint256 i; i < refs.length; ++i) {
            DatanetVersionRef calldata ref = refs[i];
            for (uint256 j; j < i; ++j) {
                if (refs[j].datanetId == ref.datanetId) revert ModelDuplicateDatanet(ref.datanetId);
            }
            (uint16 minDataBps, uint128 fee) = _useDatanet(modelId, ref);
            if (minDataBps > required) required = minDataBps;
            feesPaid += fee;
            stored.datanets.push(ref);
        }
        return (required, feesPaid);
    }

    /// @dev Checks a datanet version exists, and licenses the datanet on first use. Reverts with
    ///      DatanetUnknown / DatanetUnknownVersion for a bad reference.
    function _useDatanet(uint256 modelId, DatanetVersionRef calldata ref) private returns (uint16 minDataBps, uint128 fee) {
        datanets.getVersion(ref.datanetId, ref.version);
        IDatanetRegistry.Datanet memory datanet = datanets.getDatanet(ref.datanetId);
        minDataBps = datanet.policy.minDataBps;
        if (!_licensed[modelId][ref.datanetId]) fee = _license(modelId, ref.datanetId, datanet);
    }

    function _license(uint256 modelId, uint256 datanetId, IDatanetRegistry.Datanet memory datanet)
        private
        returns (uint128 fee)
    {
        _licensed[modelId][datanetId] = true;
        if (datanet.policy.licence == IDatanetRegistry.Licence.Licensed) {
            fee = datanet.policy.licenceFee;
            if (fee > 0) token.safeTransferFrom(msg.sender, datanet.owner, fee);
        }
        emit DatanetLicensed(modelId, datanetId, msg.sender, datanet.owner, fee);
    }

    function _setSplit(uint256 modelId, Model storage model, Split calldata split) private {
        _checkSplit(split);
        if (split.dataBps < model.requiredDataBps) revert ModelDataShareTooLow(split.dataBps, model.requiredDataBps);
        model.split = split;
        emit ModelSplitUpdated(modelId, split);
    }

    function _notCommunityGoverned(uint256 modelId) private view {
        if (_community[modelId].adopted) revert ModelCommunityGoverned(modelId);
    }

    function _adopted(uint256 modelId) private view returns (Model storage model) {
        model = _modelAt(modelId);
        if (!_community[modelId].adopted) revert ModelNotCommunityGoverned(modelId);
    }

    function _checkSplit(Split calldata split) private pure {
        if (uint256(split.computeBps) + split.developerBps + split.dataBps != _BPS) {
            revert ModelInvalidSplit(split.computeBps, split.developerBps, split.dataBps);
        }
    }

    function _checkNode(address node) private view {
        if (node == address(0)) revert ModelZeroAddress();
        if (!nodes.isRegistered(node)) revert ModelNodeNotRegistered(node);
    }

    function _modelAt(uint256 modelId) private view returns (Model storage model) {
        model = _models[modelId];
        if (model.developer == address(0)) revert ModelUnknown(modelId);
    }

    function _developedBy(uint256 modelId, address caller) private view returns (Model storage model) {
        model = _modelAt(modelId);
        if (model.developer != caller) revert ModelNotDeveloper(modelId, caller);
    }
}
