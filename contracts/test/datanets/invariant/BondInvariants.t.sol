// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {TributaryToken} from "../../../src/token/TributaryToken.sol";
import {DatanetRegistry} from "../../../src/datanets/DatanetRegistry.sol";
import {IDatanetRegistry} from "../../../src/datanets/IDatanetRegistry.sol";
import {ProtocolTest} from "../../utils/ProtocolTest.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Contributors post bonds; a curator or the owner releases them or moves to forfeit them
///         with evidence; contributors appeal; governance decides in time or not; anyone completes
///         what a deadline decided; strangers and late actions are attempted too (and must fail).
contract BondHandler is CommonBase, StdCheats, StdUtils {
    TributaryToken internal immutable token;
    DatanetRegistry internal immutable registry;
    address internal immutable governance;
    uint256 public immutable datanetId;
    address public immutable owner;
    address public immutable curator;
    address[3] public contributors = [address(0xC001), address(0xC002), address(0xC003)];
    uint256 public constant FUNDS = 1_000 ether;
    uint128 internal constant BOND = 5 ether;

    /// @dev Bonds the handler knows of (contributor, content), some of them long gone.
    address[] internal _who;
    bytes32[] internal _what;
    mapping(address contributor => mapping(bytes32 hash => bool)) internal _listed;
    mapping(address contributor => uint256) public forfeitedOf;
    uint256 public ghostForfeited;
    uint256 public actions;
    uint256 public breaches;
    bytes32 public lastBreach;
    mapping(bytes32 => uint256) public count;

    constructor(TributaryToken token_, DatanetRegistry registry_, address governance_, address holder) {
        token = token_;
        registry = registry_;
        governance = governance_;
        owner = address(0x0E);
        curator = address(0xCC);
        IDatanetRegistry.Policy memory policy = IDatanetRegistry.Policy({
            contributionMode: IDatanetRegistry.ContributionMode.Curated,
            licence: IDatanetRegistry.Licence.Open,
            minDataBps: 0,
            contributionBond: BOND,
            licenceFee: 0
        });
        vm.prank(owner);
        datanetId = registry_.createDatanet(keccak256("bonded"), policy);
        vm.prank(owner);
        registry_.setCurator(datanetId, curator, true);
        for (uint256 i; i < 3; ++i) {
            vm.prank(holder);
            token_.transfer(contributors[i], FUNDS);
            vm.prank(contributors[i]);
            token_.approve(address(registry_), type(uint256).max);
        }
    }

    modifier action() {
        ++actions;
        _;
    }

    function bondCount() external view returns (uint256) {
        return _who.length;
    }

    function bondAt(uint256 i) external view returns (address, bytes32) {
        return (_who[i], _what[i]);
    }

    function post(uint256 who, uint256 content) external action {
        address contributor = contributors[who % 3];
        bytes32 hash = keccak256(abi.encode(content % 64));
        if (registry.getBond(datanetId, contributor, hash).stage != IDatanetRegistry.BondStage.None) return;
        if (token.balanceOf(contributor) < BOND) return;
        vm.prank(contributor);
        registry.postBond(datanetId, hash, BOND);
        _list(contributor, hash);
        ++count["post"];
    }

    /// @dev Remembers a bond once (the same content may be bonded again after it was paid out).
    function _list(address contributor, bytes32 hash) internal {
        if (_listed[contributor][hash]) return;
        _listed[contributor][hash] = true;
        _who.push(contributor);
        _what.push(hash);
    }

    /// @notice The owner, a curator or a stranger releases a bond (posting one if none is held):
    ///         only the owner or a curator may, and not while governance hears an appeal.
    function release(uint256 index, uint8 actor) external action {
        (address contributor, bytes32 hash) = _inStage(index, IDatanetRegistry.BondStage.Held);
        if (contributor == address(0) || actor % 4 == 3) (contributor, hash) = _someBond(index);
        if (contributor == address(0)) (contributor, hash) = _postOne(index);
        address caller = count["release"] == 0 ? curator : _actor(actor); // once per run for sure
        IDatanetRegistry.Bond memory bond = registry.getBond(datanetId, contributor, hash);
        bytes32 before = _fingerprint(contributor, hash);
        vm.prank(caller);
        try registry.releaseBond(datanetId, contributor, hash) {
            if (
                caller == address(0xBAD)
                    || (bond.stage != IDatanetRegistry.BondStage.Held
                        && bond.stage != IDatanetRegistry.BondStage.Forfeiting)
            ) _breach("release not allowed");
            ++count["release"];
        } catch (bytes memory reason) {
            _refused(reason, before, contributor, hash);
        }
    }

    /// @notice The owner, a curator or a stranger moves to forfeit a bond, with or without
    ///         evidence: only the owner or a curator, with evidence, within the bond timeout.
    function forfeit(uint256 index, uint8 actor, bool evidence) external action {
        (address contributor, bytes32 hash) = _someBond(index);
        if (contributor == address(0)) (contributor, hash) = _postOne(index);
        address caller = _actor(actor);
        IDatanetRegistry.Bond memory bond = registry.getBond(datanetId, contributor, hash);
        bytes32 before = _fingerprint(contributor, hash);
        vm.prank(caller);
        try registry.forfeitBond(
            datanetId, contributor, hash, evidence ? keccak256("evidence") : bytes32(0)
        ) {
            bool allowed =
                caller != address(0xBAD) && evidence && bond.stage == IDatanetRegistry.BondStage.Held
                    && block.timestamp < bond.postedAt + registry.bondTimeout();
            if (!allowed) _breach("forfeit not allowed");
            ++count["forfeit"];
        } catch (bytes memory reason) {
            _refused(reason, before, contributor, hash);
        }
    }

    function _actor(uint8 actor) internal view returns (address) {
        return actor % 3 == 0 ? owner : actor % 3 == 1 ? curator : address(0xBAD);
    }

    function _someBond(uint256 index) internal view returns (address, bytes32) {
        if (_who.length == 0) return (address(0), bytes32(0));
        return (_who[index % _who.length], _what[index % _what.length]);
    }

    function _postOne(uint256 seed) internal returns (address contributor, bytes32 hash) {
        contributor = contributors[seed % 3];
        hash = keccak256(abi.encode("fresh", count["post"])); // never bonded before
        vm.prank(contributor);
        registry.postBond(datanetId, hash, BOND);
        _list(contributor, hash);
        ++count["post"];
    }

    /// @notice The contributor appeals a forfeiture (one is made if none is pending), in time or late.
    function appeal(uint256 index, bool late) external action {
        (address contributor, bytes32 hash) = _inStage(index, IDatanetRegistry.BondStage.Forfeiting);
        if (contributor == address(0)) (contributor, hash) = _forfeitOne(index);
        IDatanetRegistry.Bond memory bond = registry.getBond(datanetId, contributor, hash);
        if (late) vm.warp(uint256(bond.deadline) + 1);
        bytes32 before = _fingerprint(contributor, hash);
        vm.prank(contributor);
        try registry.appealForfeit(datanetId, hash) {
            if (late) _breach("late appeal accepted");
            ++count["appeal"];
        } catch (bytes memory reason) {
            if (block.timestamp <= bond.deadline) _breach("timely appeal refused");
            _refused(reason, before, contributor, hash);
        }
    }

    function decideAppeal(uint256 index, bool forfeit) external action {
        if (_who.length == 0) return;
        (address contributor, bytes32 hash) = (_who[index % _who.length], _what[index % _what.length]);
        IDatanetRegistry.Bond memory bond = registry.getBond(datanetId, contributor, hash);
        bytes32 before = _fingerprint(contributor, hash);
        vm.prank(governance);
        try registry.decideAppeal(datanetId, contributor, hash, forfeit) {
            if (bond.stage != IDatanetRegistry.BondStage.Appealed || block.timestamp > bond.deadline) {
                _breach("decision not allowed");
            }
            if (forfeit) _forfeited(contributor, bond.amount);
            ++count["decided"];
        } catch (bytes memory reason) {
            _refused(reason, before, contributor, hash);
        }
    }

    /// @notice Anyone carries out what a deadline decided (trying before it, too); a forfeiture is
    ///         made first if none is pending.
    function complete(uint256 index, bool wait) external action {
        (address contributor, bytes32 hash) = _inStage(index, IDatanetRegistry.BondStage.Forfeiting);
        if (contributor == address(0)) {
            (contributor, hash) = _inStage(index, IDatanetRegistry.BondStage.Appealed);
        }
        if (contributor == address(0)) (contributor, hash) = _forfeitOne(index);
        IDatanetRegistry.Bond memory bond = registry.getBond(datanetId, contributor, hash);
        if ((wait || count["forfeit completed"] == 0) && bond.deadline >= block.timestamp) {
            vm.warp(uint256(bond.deadline) + 1);
        }
        bytes32 before = _fingerprint(contributor, hash);
        try registry.completeBond(datanetId, contributor, hash) {
            if (block.timestamp <= bond.deadline) _breach("completed early");
            if (bond.stage == IDatanetRegistry.BondStage.Forfeiting) {
                _forfeited(contributor, bond.amount);
                ++count["forfeit completed"];
            } else {
                ++count["undecided appeal returned"];
            }
        } catch (bytes memory reason) {
            if (block.timestamp > bond.deadline) _breach("deadline passed, not completable");
            _refused(reason, before, contributor, hash);
        }
    }

    /// @dev A bond at `stage`, searching from `index`; zero if none.
    function _inStage(uint256 index, IDatanetRegistry.BondStage stage)
        internal
        view
        returns (address, bytes32)
    {
        for (uint256 i; i < _who.length; ++i) {
            uint256 k = (index + i) % _who.length;
            if (registry.getBond(datanetId, _who[k], _what[k]).stage == stage) return (_who[k], _what[k]);
        }
        return (address(0), bytes32(0));
    }

    /// @dev Posts a fresh bond and has the curator move to forfeit it, with evidence.
    function _forfeitOne(uint256 seed) internal returns (address contributor, bytes32 hash) {
        (contributor, hash) = _postOne(seed);
        vm.prank(curator);
        registry.forfeitBond(datanetId, contributor, hash, keccak256("evidence"));
        ++count["forfeit"];
    }

    /// @notice The contributor reclaims a bond no one acted on, after the bond timeout (or early).
    function reclaim(uint256 index, bool wait) external action {
        (address contributor, bytes32 hash) = _inStage(index, IDatanetRegistry.BondStage.Held);
        if (contributor == address(0)) (contributor, hash) = _postOne(index);
        IDatanetRegistry.Bond memory bond = registry.getBond(datanetId, contributor, hash);
        uint256 at = uint256(bond.postedAt) + registry.bondTimeout();
        if ((wait || count["reclaim"] == 0) && block.timestamp < at) vm.warp(at);
        bytes32 before = _fingerprint(contributor, hash);
        vm.prank(contributor);
        try registry.reclaimBond(datanetId, hash) {
            if (block.timestamp < at) _breach("reclaim not allowed");
            ++count["reclaim"];
        } catch (bytes memory reason) {
            if (block.timestamp >= at) _breach("due reclaim refused");
            _refused(reason, before, contributor, hash);
        }
    }

    function setPeriods(uint64 timeout, uint64 appealPeriod) external action {
        vm.startPrank(governance);
        registry.setBondTimeout(uint64(bound(timeout, 1 hours, 60 days)));
        registry.setBondAppealPeriod(uint64(bound(appealPeriod, 1 hours, 30 days)));
        vm.stopPrank();
    }

    function warp(uint256 seconds_) external action {
        vm.warp(block.timestamp + bound(seconds_, 1, 10 days));
    }

    function _forfeited(address contributor, uint256 amount) internal {
        forfeitedOf[contributor] += amount;
        ghostForfeited += amount;
    }

    function _breach(bytes32 what) internal {
        ++breaches;
        lastBreach = what;
    }

    /// @dev What a refused bond action must leave as it was: the registry's tokens, the bond, and
    ///      the balances of everyone a bond could go to.
    function _fingerprint(address contributor, bytes32 hash) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                token.balanceOf(address(registry)),
                registry.getBond(datanetId, contributor, hash),
                token.balanceOf(contributor),
                token.balanceOf(owner),
                token.balanceOf(curator),
                token.balanceOf(governance),
                token.balanceOf(registry.owner())
            )
        );
    }

    /// @dev A refused bond action failed with an error of the bond rules (never a panic, a token
    ///      error or an empty revert) and changed nothing.
    function _refused(bytes memory reason, bytes32 before, address contributor, bytes32 hash) internal {
        bytes4[8] memory rules = [
            IDatanetRegistry.DatanetNotCurator.selector,
            IDatanetRegistry.DatanetWrongBondStage.selector,
            IDatanetRegistry.DatanetNoEvidence.selector,
            IDatanetRegistry.DatanetBondExpired.selector,
            IDatanetRegistry.DatanetBondDeadline.selector,
            IDatanetRegistry.DatanetBondLocked.selector,
            IDatanetRegistry.DatanetBondUnknown.selector,
            Ownable.OwnableUnauthorizedAccount.selector
        ];
        bool known;
        for (uint256 i; i < rules.length && reason.length >= 4; ++i) {
            if (bytes4(reason) == rules[i]) known = true;
        }
        if (!known) _breach("refused for a wrong reason");
        if (_fingerprint(contributor, hash) != before) _breach("a refused action changed state");
        ++count["refused as expected"];
    }
}

/// @notice DatanetRegistry bonds: every bond is held or paid out exactly once, forfeits go only to
///         the treasury, the rules of finding 7 hold whoever acts and whenever.
contract BondInvariantsTest is StdInvariant, ProtocolTest {
    BondHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new BondHandler(token, datanets, governance, holder);
        targetContract(address(handler));
    }

    /// forge-config: ci.invariant.runs = 64
    /// forge-config: ci.invariant.depth = 128
    function invariant_bondsHeldOrPaidOnce() public view {
        uint256 held;
        for (uint256 i; i < handler.bondCount(); ++i) {
            (address contributor, bytes32 hash) = handler.bondAt(i);
            held += datanets.getBond(handler.datanetId(), contributor, hash).amount;
        }
        assertEq(token.balanceOf(address(datanets)), held, "the registry holds exactly the live bonds");
        for (uint256 c; c < 3; ++c) {
            address contributor = handler.contributors(c);
            uint256 ownHeld;
            for (uint256 i; i < handler.bondCount(); ++i) {
                (address who, bytes32 hash) = handler.bondAt(i);
                if (who == contributor) ownHeld += datanets.getBond(handler.datanetId(), who, hash).amount;
            }
            assertEq(
                token.balanceOf(contributor) + ownHeld + handler.forfeitedOf(contributor),
                handler.FUNDS(),
                "a contributor's tokens are held, forfeited or back"
            );
        }
        assertEq(token.balanceOf(governance), handler.ghostForfeited(), "forfeits reach the treasury");
        assertEq(token.balanceOf(handler.owner()), 0, "never to the owner");
        assertEq(token.balanceOf(handler.curator()), 0, "never to a curator");
        assertEq(handler.breaches(), 0, string(abi.encodePacked(handler.lastBreach())));
    }

    function afterInvariant() public view {
        if (handler.actions() < 100) return; // the shrinker's replays
        bytes32[6] memory required =
            [bytes32("post"), "release", "forfeit", "appeal", "forfeit completed", "reclaim"];
        for (uint256 i; i < required.length; ++i) {
            assertGt(handler.count(required[i]), 0, string(abi.encodePacked("never happened: ", required[i])));
        }
    }
}
