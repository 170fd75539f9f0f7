// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IDatanetRegistry} from "../../src/datanets/IDatanetRegistry.sol";
import {ProtocolTest} from "../utils/ProtocolTest.sol";
import {Merkle} from "../utils/Merkle.sol";

contract DatanetRegistryTest is ProtocolTest {
    uint256 internal ownerPk = 0x0A;
    address internal owner = vm.addr(ownerPk);
    address internal curator = makeAddr("curator");
    address internal stranger = makeAddr("stranger");
    address internal contributor = makeAddr("contributor");

    uint128 internal constant BOND = 5 ether;

    function _bondPolicy(uint128 bond) internal pure returns (IDatanetRegistry.Policy memory policy) {
        policy = openPolicy();
        policy.contributionMode = IDatanetRegistry.ContributionMode.Curated;
        policy.contributionBond = bond;
    }

    function _create() internal returns (uint256 id) {
        vm.prank(owner);
        id = datanets.createDatanet(keccak256("meta"), openPolicy());
    }

    // ------------------------------------------------------------ create

    function test_createDatanet_storesAndEmits() public {
        IDatanetRegistry.Policy memory policy = _bondPolicy(5 ether);
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.DatanetCreated(1, owner, keccak256("meta"), policy);
        vm.prank(owner);
        uint256 id = datanets.createDatanet(keccak256("meta"), policy);
        assertEq(id, 1);
        assertEq(datanets.datanetCount(), 1);
        IDatanetRegistry.Datanet memory d = datanets.getDatanet(id);
        assertEq(d.owner, owner);
        assertEq(d.versionCount, 0);
        assertEq(d.policy.contributionBond, 5 ether);
    }

    function test_createDatanet_revertsOnInvalidPolicy() public {
        IDatanetRegistry.Policy memory policy = openPolicy();
        policy.minDataBps = 10_001;
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidPolicy.selector, 10_001));
        datanets.createDatanet(bytes32(0), policy);
    }

    function _request(uint256 nonce, uint256 deadline) internal view returns (IDatanetRegistry.CreateDatanetRequest memory) {
        return IDatanetRegistry.CreateDatanetRequest({
            owner: owner,
            metadataHash: keccak256("meta"),
            policy: openPolicy(),
            curator: curator,
            nonce: nonce,
            deadline: deadline
        });
    }

    function _sign(IDatanetRegistry.CreateDatanetRequest memory r, uint256 pk, bytes32 domain)
        internal
        view
        returns (bytes memory)
    {
        IDatanetRegistry.Policy memory p = r.policy;
        bytes32 policyHash = keccak256(
            abi.encode(
                datanets.POLICY_TYPEHASH(), p.contributionMode, p.licence, p.minDataBps, p.contributionBond, p.licenceFee
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                datanets.CREATE_DATANET_TYPEHASH(), r.owner, r.metadataHash, policyHash, r.curator, r.nonce, r.deadline
            )
        );
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(pk, keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
        return abi.encodePacked(rr, s, v);
    }

    function test_createDatanetBySig_createsForSigner() public {
        IDatanetRegistry.CreateDatanetRequest memory r = _request(0, block.timestamp + 1 hours);
        bytes memory sig = _sign(r, ownerPk, datanets.DOMAIN_SEPARATOR());
        vm.prank(stranger);
        uint256 id = datanets.createDatanetBySig(r, sig);
        assertEq(datanets.getDatanet(id).owner, owner);
        assertEq(datanets.nonces(owner), 1);
        assertTrue(datanets.isCurator(id, curator), "the signed curator can commit versions");
    }

    function test_createDatanetBySig_revertsWhenExpired() public {
        IDatanetRegistry.CreateDatanetRequest memory r = _request(0, block.timestamp - 1);
        bytes memory sig = _sign(r, ownerPk, datanets.DOMAIN_SEPARATOR());
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetSignatureExpired.selector, r.deadline));
        datanets.createDatanetBySig(r, sig);
    }

    function test_createDatanetBySig_revertsOnReplay() public {
        IDatanetRegistry.CreateDatanetRequest memory r = _request(0, block.timestamp + 1 hours);
        bytes memory sig = _sign(r, ownerPk, datanets.DOMAIN_SEPARATOR());
        datanets.createDatanetBySig(r, sig);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidNonce.selector, owner, 0));
        datanets.createDatanetBySig(r, sig);
    }

    function test_createDatanetBySig_revertsForWrongChain() public {
        IDatanetRegistry.CreateDatanetRequest memory r = _request(0, block.timestamp + 1 hours);
        bytes memory sig = _sign(r, ownerPk, datanets.DOMAIN_SEPARATOR());
        vm.chainId(block.chainid + 1); // the domain separator binds the chain id
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidSignature.selector, owner));
        datanets.createDatanetBySig(r, sig);
    }

    function test_createDatanetBySig_revertsForWrongSigner() public {
        IDatanetRegistry.CreateDatanetRequest memory r = _request(0, block.timestamp + 1 hours);
        bytes memory sig = _sign(r, 0xBAD, datanets.DOMAIN_SEPARATOR());
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidSignature.selector, owner));
        datanets.createDatanetBySig(r, sig);
    }

    // ------------------------------------------------------------ ownership, metadata, policy, curators

    function test_transferDatanetOwnership_movesOwner() public {
        uint256 id = _create();
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.DatanetOwnershipTransferred(id, owner, stranger);
        vm.prank(owner);
        datanets.transferDatanetOwnership(id, stranger);
        assertEq(datanets.getDatanet(id).owner, stranger);
    }

    function test_transferDatanetOwnership_revertsForNonOwner() public {
        uint256 id = _create();
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotOwner.selector, id, stranger));
        vm.prank(stranger);
        datanets.transferDatanetOwnership(id, stranger);
    }

    function test_transferDatanetOwnership_revertsForZero() public {
        uint256 id = _create();
        vm.expectRevert(IDatanetRegistry.DatanetZeroAddress.selector);
        vm.prank(owner);
        datanets.transferDatanetOwnership(id, address(0));
    }

    function test_transferDatanetOwnership_revertsForUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetUnknown.selector, 42));
        datanets.transferDatanetOwnership(42, stranger);
    }

    function test_updateMetadata_setsHash() public {
        uint256 id = _create();
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.DatanetMetadataUpdated(id, keccak256("new"));
        vm.prank(owner);
        datanets.updateMetadata(id, keccak256("new"));
        assertEq(datanets.getDatanet(id).metadataHash, keccak256("new"));
    }

    function test_updateMetadata_revertsForNonOwner() public {
        uint256 id = _create();
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotOwner.selector, id, stranger));
        vm.prank(stranger);
        datanets.updateMetadata(id, keccak256("new"));
    }

    function test_updatePolicy_setsPolicy() public {
        uint256 id = _create();
        IDatanetRegistry.Policy memory policy = _bondPolicy(1 ether);
        vm.prank(owner);
        datanets.updatePolicy(id, policy);
        assertEq(datanets.getDatanet(id).policy.contributionBond, 1 ether);
    }

    function test_updatePolicy_revertsOnInvalidPolicyOrNonOwner() public {
        uint256 id = _create();
        IDatanetRegistry.Policy memory policy = openPolicy();
        policy.minDataBps = 20_000;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidPolicy.selector, 20_000));
        datanets.updatePolicy(id, policy);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotOwner.selector, id, stranger));
        datanets.updatePolicy(id, openPolicy());
    }

    function test_setCurator_grantsAndRevokes() public {
        uint256 id = _create();
        vm.prank(owner);
        datanets.setCurator(id, curator, true);
        assertTrue(datanets.isCurator(id, curator));
        assertTrue(datanets.isCurator(id, owner));
        vm.prank(owner);
        datanets.setCurator(id, curator, false);
        assertFalse(datanets.isCurator(id, curator));
    }

    function test_setCurator_revertsForNonOwnerAndZero() public {
        uint256 id = _create();
        vm.prank(curator);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotOwner.selector, id, curator));
        datanets.setCurator(id, curator, true);
        vm.prank(owner);
        vm.expectRevert(IDatanetRegistry.DatanetZeroAddress.selector);
        datanets.setCurator(id, address(0), true);
    }

    // ------------------------------------------------------------ versions

    function test_commitVersion_appendsWithParentLinks() public {
        uint256 id = _create();
        vm.prank(owner);
        datanets.setCurator(id, curator, true);
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.DatanetVersionCommitted(id, 1, 0, keccak256("r1"), 2, 100, keccak256("m1"), owner);
        vm.prank(owner);
        assertEq(datanets.commitVersion(id, keccak256("r1"), 2, 100, keccak256("m1")), 1);
        vm.prank(curator);
        assertEq(datanets.commitVersion(id, keccak256("r2"), 1, 60, keccak256("m2")), 2);
        IDatanetRegistry.Version memory v2 = datanets.getVersion(id, 2);
        assertEq(v2.parentVersion, 1);
        assertEq(v2.manifestRoot, keccak256("r2"));
        assertEq(v2.author, curator);
        assertEq(v2.committedAt, block.timestamp);
        assertEq(datanets.getVersion(id, 1).manifestRoot, keccak256("r1"), "earlier versions never change");
        assertEq(datanets.getDatanet(id).versionCount, 2);
    }

    function test_commitVersion_allowsEmptyVersionAfterTakedown() public {
        uint256 id = _create();
        vm.prank(owner);
        assertEq(datanets.commitVersion(id, bytes32(0), 0, 0, keccak256("empty")), 1);
    }

    function test_commitVersion_revertsForStrangerUnknownAndInconsistent() public {
        uint256 id = _create();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotCurator.selector, id, stranger));
        datanets.commitVersion(id, keccak256("r"), 1, 1, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetUnknown.selector, 9));
        datanets.commitVersion(9, keccak256("r"), 1, 1, bytes32(0));
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidVersion.selector, bytes32(0), 3));
        datanets.commitVersion(id, bytes32(0), 3, 1, bytes32(0));
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidVersion.selector, keccak256("r"), 0));
        datanets.commitVersion(id, keccak256("r"), 0, 0, bytes32(0));
    }

    function test_getVersion_revertsForUnknownVersion() public {
        uint256 id = _create();
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetUnknownVersion.selector, id, 1));
        datanets.getVersion(id, 1);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetUnknownVersion.selector, id, 0));
        datanets.getVersion(id, 0);
    }

    // ------------------------------------------------------------ takedowns and proofs

    function _manifest(uint256 id) internal returns (bytes32[] memory leaves) {
        leaves = new bytes32[](3);
        leaves[0] = keccak256(bytes.concat(keccak256(abi.encode(uint256(1), contributor, keccak256("a")))));
        leaves[1] = keccak256(bytes.concat(keccak256(abi.encode(uint256(2), stranger, keccak256("b")))));
        leaves[2] = keccak256(bytes.concat(keccak256(abi.encode(uint256(3), contributor, keccak256("c")))));
        vm.prank(owner);
        datanets.commitVersion(id, Merkle.root(leaves), 3, 30, keccak256("m"));
    }

    function test_verifyContribution_provesMembership() public {
        uint256 id = _create();
        bytes32[] memory leaves = _manifest(id);
        assertTrue(datanets.verifyContribution(id, 1, 3, contributor, keccak256("c"), Merkle.proof(leaves, 2)));
        assertFalse(datanets.verifyContribution(id, 1, 3, stranger, keccak256("c"), Merkle.proof(leaves, 2)));
    }

    function test_removeContribution_emitsForCurator() public {
        uint256 id = _create();
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.ContributionRemoved(id, 7, 2, owner);
        vm.prank(owner);
        datanets.removeContribution(id, 7, 2);
    }

    function test_removeContribution_revertsForStrangerOrZeroReason() public {
        uint256 id = _create();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotCurator.selector, id, stranger));
        datanets.removeContribution(id, 7, 2);
        vm.prank(owner);
        vm.expectRevert(IDatanetRegistry.DatanetInvalidReason.selector);
        datanets.removeContribution(id, 7, 0);
    }

    function test_withdrawContribution_byProvenContributor() public {
        uint256 id = _create();
        bytes32[] memory leaves = _manifest(id);
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.ContributionRemoved(id, 1, 1, contributor);
        vm.prank(contributor);
        datanets.withdrawContribution(id, 1, 1, keccak256("a"), Merkle.proof(leaves, 0), 1);
    }

    function test_withdrawContribution_revertsForSomeoneElsesItem() public {
        uint256 id = _create();
        bytes32[] memory leaves = _manifest(id);
        bytes32[] memory proof = Merkle.proof(leaves, 1);
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidProof.selector, id, 1, 2));
        datanets.withdrawContribution(id, 1, 2, keccak256("b"), proof, 1);
        vm.prank(stranger);
        vm.expectRevert(IDatanetRegistry.DatanetInvalidReason.selector);
        datanets.withdrawContribution(id, 1, 2, keccak256("b"), proof, 0);
    }

    // ------------------------------------------------------------ bonds and bans

    function _bonded() internal returns (uint256 id) {
        vm.prank(owner);
        id = datanets.createDatanet(keccak256("meta"), _bondPolicy(5 ether));
        vm.prank(owner);
        datanets.setCurator(id, curator, true);
        fund(contributor, 20 ether);
        vm.prank(contributor);
        token.approve(address(datanets), type(uint256).max);
    }

    function test_postBond_holdsTokens() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("doc"), BOND);
        (uint128 amount, uint64 postedAt) = datanets.bondOf(id, contributor, keccak256("doc"));
        assertEq(amount, 5 ether);
        assertEq(postedAt, block.timestamp);
        assertEq(token.balanceOf(address(datanets)), 5 ether);
    }

    function test_postBond_revertsWhenNotRequiredDuplicateOrBanned() public {
        uint256 free = _create();
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNoBondRequired.selector, free));
        datanets.postBond(free, keccak256("doc"), BOND);

        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("doc"), BOND);
        vm.prank(contributor);
        vm.expectRevert(
            abi.encodeWithSelector(IDatanetRegistry.DatanetBondExists.selector, id, contributor, keccak256("doc"))
        );
        datanets.postBond(id, keccak256("doc"), BOND);

        vm.prank(governance);
        datanets.setBanned(contributor, true);
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetContributorBanned.selector, contributor));
        datanets.postBond(id, keccak256("other"), BOND);
    }

    function test_releaseBond_returnsItToTheContributor() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("good"), BOND);
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.ContributionBondReleased(id, contributor, keccak256("good"), BOND);
        vm.prank(curator);
        datanets.releaseBond(id, contributor, keccak256("good"));
        assertEq(token.balanceOf(contributor), 20 ether);
        assertEq(token.balanceOf(address(datanets)), 0);
    }

    function test_bondForfeit_neverPaysTheOwnerOrCurator() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("spam"), BOND);
        uint64 appealableUntil = uint64(block.timestamp) + BOND_APPEAL_PERIOD;
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.ContributionBondForfeitProposed(
            id, contributor, keccak256("spam"), keccak256("evidence"), curator, appealableUntil
        );
        vm.prank(curator);
        datanets.forfeitBond(id, contributor, keccak256("spam"), keccak256("evidence"));
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetBondDeadline.selector, appealableUntil));
        datanets.completeBond(id, contributor, keccak256("spam"));
        vm.warp(appealableUntil + 1);
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.ContributionBondForfeited(id, contributor, keccak256("spam"), BOND, governance);
        vm.prank(stranger);
        datanets.completeBond(id, contributor, keccak256("spam"));
        assertEq(token.balanceOf(governance), BOND, "the treasury gets it");
        assertEq(token.balanceOf(owner) + token.balanceOf(curator), 0, "not the owner, not the curator");
        assertEq(token.balanceOf(address(datanets)), 0);
    }

    function test_bondForfeit_needsEvidenceAndACurator() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("doc"), BOND);
        vm.prank(curator);
        vm.expectRevert(IDatanetRegistry.DatanetNoEvidence.selector);
        datanets.forfeitBond(id, contributor, keccak256("doc"), bytes32(0));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotCurator.selector, id, stranger));
        datanets.forfeitBond(id, contributor, keccak256("doc"), keccak256("e"));
        vm.prank(curator);
        vm.expectRevert(
            abi.encodeWithSelector(IDatanetRegistry.DatanetWrongBondStage.selector, IDatanetRegistry.BondStage.None)
        );
        datanets.forfeitBond(id, contributor, keccak256("other"), keccak256("e"));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotCurator.selector, id, stranger));
        datanets.releaseBond(id, contributor, keccak256("doc"));
    }

    function test_bondForfeit_appealedAndUpheldByGovernanceReturnsBond() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("honest"), BOND);
        vm.prank(owner);
        datanets.forfeitBond(id, contributor, keccak256("honest"), keccak256("no real evidence"));
        vm.prank(contributor);
        datanets.appealForfeit(id, keccak256("honest"));
        // While appealed nobody but governance decides; the rule cannot run early.
        vm.prank(curator);
        vm.expectRevert(
            abi.encodeWithSelector(IDatanetRegistry.DatanetWrongBondStage.selector, IDatanetRegistry.BondStage.Appealed)
        );
        datanets.releaseBond(id, contributor, keccak256("honest"));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        datanets.decideAppeal(id, contributor, keccak256("honest"), true);
        vm.prank(governance);
        datanets.decideAppeal(id, contributor, keccak256("honest"), false);
        assertEq(token.balanceOf(contributor), 20 ether);
    }

    function test_bondForfeit_appealGovernanceLeftUndecidedReturnsBond() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("doc"), BOND);
        vm.prank(curator);
        datanets.forfeitBond(id, contributor, keccak256("doc"), keccak256("evidence"));
        vm.warp(block.timestamp + BOND_APPEAL_PERIOD);
        vm.prank(contributor);
        datanets.appealForfeit(id, keccak256("doc")); // on the last second of the window
        uint64 decideBy = uint64(block.timestamp) + BOND_APPEAL_PERIOD;
        vm.warp(decideBy + 1);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetBondDeadline.selector, decideBy));
        datanets.decideAppeal(id, contributor, keccak256("doc"), true);
        datanets.completeBond(id, contributor, keccak256("doc"));
        assertEq(token.balanceOf(contributor), 20 ether, "an undecided appeal favours the contributor");
    }

    function test_bondForfeit_appealRefusedAfterWindowAndGovernanceForfeits() public {
        uint256 id = _bonded();
        vm.startPrank(contributor);
        datanets.postBond(id, keccak256("late"), BOND);
        datanets.postBond(id, keccak256("spam"), BOND);
        vm.stopPrank();
        vm.startPrank(curator);
        datanets.forfeitBond(id, contributor, keccak256("late"), keccak256("e1"));
        datanets.forfeitBond(id, contributor, keccak256("spam"), keccak256("e2"));
        vm.stopPrank();
        vm.prank(contributor);
        datanets.appealForfeit(id, keccak256("spam"));
        vm.prank(governance);
        datanets.decideAppeal(id, contributor, keccak256("spam"), true);
        vm.warp(block.timestamp + BOND_APPEAL_PERIOD + 1);
        vm.prank(contributor);
        vm.expectRevert(
            abi.encodeWithSelector(IDatanetRegistry.DatanetBondDeadline.selector, block.timestamp - 1)
        );
        datanets.appealForfeit(id, keccak256("late"));
        assertEq(token.balanceOf(governance), BOND);
    }

    function test_reclaimBond_onlyAfterTimeout() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("doc"), BOND);
        uint64 at = uint64(block.timestamp) + BOND_TIMEOUT;
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetBondLocked.selector, at));
        datanets.reclaimBond(id, keccak256("doc"));
        vm.warp(at);
        vm.prank(contributor);
        datanets.reclaimBond(id, keccak256("doc"));
        assertEq(token.balanceOf(contributor), 20 ether);
        vm.prank(contributor);
        vm.expectRevert(
            abi.encodeWithSelector(IDatanetRegistry.DatanetBondUnknown.selector, id, contributor, keccak256("doc"))
        );
        datanets.reclaimBond(id, keccak256("doc"));
    }

    function test_postBond_refusesABondRaisedMeanwhile() public {
        uint256 id = _bonded();
        vm.prank(owner);
        datanets.updatePolicy(id, _bondPolicy(20 ether)); // the owner front-runs
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetBondChanged.selector, BOND, 20 ether));
        datanets.postBond(id, keccak256("doc"), BOND);
        assertEq(token.balanceOf(contributor), 20 ether);
    }

    function test_forfeitBond_cannotForfeitAfterTheTimeout() public {
        uint256 id = _bonded();
        vm.prank(contributor);
        datanets.postBond(id, keccak256("doc"), BOND);
        uint64 expiresAt = uint64(block.timestamp) + BOND_TIMEOUT;
        vm.warp(expiresAt);
        vm.prank(curator);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetBondExpired.selector, expiresAt));
        datanets.forfeitBond(id, contributor, keccak256("doc"), keccak256("evidence"));
        vm.prank(contributor);
        datanets.reclaimBond(id, keccak256("doc"));
        assertEq(token.balanceOf(contributor), 20 ether);
    }

    function test_transferDatanetOwnership_endsThePreviousOwnersCurators() public {
        uint256 id = _create();
        vm.prank(owner);
        datanets.setCurator(id, curator, true);
        vm.prank(owner);
        datanets.transferDatanetOwnership(id, stranger);
        assertFalse(datanets.isCurator(id, curator));
        vm.prank(curator);
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetNotCurator.selector, id, curator));
        datanets.commitVersion(id, keccak256("r"), 1, 1, bytes32(0));
        vm.prank(stranger);
        datanets.setCurator(id, curator, true);
        assertTrue(datanets.isCurator(id, curator));
    }

    function test_useNonce_cancelsASignedRequest() public {
        IDatanetRegistry.CreateDatanetRequest memory r = _request(0, block.timestamp + 1 hours);
        bytes memory sig = _sign(r, ownerPk, datanets.DOMAIN_SEPARATOR());
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.DatanetNonceUsed(owner, 0);
        vm.prank(owner);
        datanets.useNonce();
        vm.expectRevert(abi.encodeWithSelector(IDatanetRegistry.DatanetInvalidNonce.selector, owner, 0));
        datanets.createDatanetBySig(r, sig);
    }

    function test_setBanned_onlyGovernance() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        datanets.setBanned(contributor, true);
        vm.expectEmit(address(datanets));
        emit IDatanetRegistry.ContributorBanSet(contributor, true);
        vm.prank(governance);
        datanets.setBanned(contributor, true);
        assertTrue(datanets.isBanned(contributor));
        vm.prank(governance);
        vm.expectRevert(IDatanetRegistry.DatanetZeroAddress.selector);
        datanets.setBanned(address(0), true);
    }

    function test_setBondTimeout_onlyGovernance() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        datanets.setBondTimeout(1);
        vm.prank(governance);
        datanets.setBondTimeout(1 days);
        assertEq(datanets.bondTimeout(), 1 days);
    }
}
