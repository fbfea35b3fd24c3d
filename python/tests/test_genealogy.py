"""Placement networks and adjustments: positions, open slots, transfers,
compression and the lobby, through the Company's Python API.

Every test enrolls into a company with four networks besides the sponsor
network: "bin" (binary, spillover), "comp" (unilevel, compressible), "net"
(unilevel) and "l" (binary, a lobby the head office or a leader places
from).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest

import downline
from conftest import person

NETWORKS = {
    "networks": [
        {"name": "bin", "structure": "binary"},
        {"name": "comp", "compression": {"statuses": ["inactive"]}},
        {"name": "net"},
        {"name": "l", "structure": "binary", "placement": {"policy": "lobby"}},
    ]
}


@pytest.fixture
def co() -> Iterator[downline.Company]:
    with downline.open("memory:", NETWORKS) as company:
        yield company


def enroll(co: downline.Company, admin: downline.Actor, name: str, sponsor: int | None = None,
           **extra: object) -> int:
    request: dict[str, object] = {"person": person(name)}
    if sponsor is not None:
        request["sponsor"] = sponsor
    request.update(extra)
    out = co.enroll(admin, request)
    assert out.accepted, out.findings
    assert out.person is not None
    return out.person


def parent_of(co: downline.Company, admin: downline.Actor, p: int, network: str) -> int | None:
    up = co.upline(admin, p, network=network, max_levels=1)
    return up[0].id if up else None


# --- positions and open slots ---------------------------------------------------------


def test_binary_spillover_fills_left_then_right_breadth_first(co, admin):
    root = enroll(co, admin, "Root")
    p = [enroll(co, admin, f"P{i}", root) for i in range(6)]
    top = co.children(admin, root, "bin")
    assert [(m.id, m.position, m.parent, m.level) for m in top] == [
        (p[0], 0, root, 1),
        (p[1], 1, root, 1),
    ]
    assert all(isinstance(m, downline.NetworkMember) for m in top)
    assert [(m.id, m.position) for m in co.children(admin, p[0], network="bin")] == [
        (p[2], 0),
        (p[3], 1),
    ]
    assert [(m.id, m.position) for m in co.children(admin, p[1], "bin")] == [(p[4], 0), (p[5], 1)]
    assert co.children(admin, p[5], "bin") == []
    # The sponsor network (the default) keeps the order of arrival.
    assert [m.position for m in co.children(admin, root)] == [0, 1, 2, 3, 4, 5]
    assert "position=1" in repr(top[1])
    assert json.loads(co.downline(admin, root, network="bin").to_json())["members"][0]["position"] == 0


def test_open_positions_list_free_slots_breadth_first(co, admin):
    root = enroll(co, admin, "Root")
    a = enroll(co, admin, "A", root)
    b = enroll(co, admin, "B", root)
    c = enroll(co, admin, "C", a)
    slots = co.open_positions(admin, root, "bin")
    assert [(s.parent, s.position, s.level) for s in slots] == [
        (a, 1, 2),
        (b, 0, 2),
        (b, 1, 2),
        (c, 0, 3),
        (c, 1, 3),
    ]
    assert isinstance(slots[0], downline.OpenSlot)
    assert repr(slots[0]) == f"OpenSlot(parent={a}, position=1, level=2)"
    assert co.open_positions(admin, root, "bin", limit=2) == slots[:2]
    assert co.open_positions(admin, root, "bin", limit=0) == []
    # Unlimited width: the next slot after the last child.
    assert [(s.parent, s.position) for s in co.open_positions(admin, root, limit=1)] == [(root, 2)]
    with pytest.raises(downline.OutOfRange):
        co.open_positions(admin, root, "bin", limit=-1)
    with pytest.raises(downline.NotFound):
        co.open_positions(admin, 999, "bin")


def test_enrollment_takes_a_zone_and_explicit_placements(co, admin):
    root = enroll(co, admin, "Root")
    a = enroll(co, admin, "A", root, placements=[{"network": "bin", "parent": root, "position": 1}])
    assert [(m.id, m.position) for m in co.children(admin, root, "bin")] == [(a, 1)]
    z = enroll(co, admin, "Z", root)
    assert co.person(admin, z).data.zone == ""
    n = co.enroll(admin, {"sponsor": root, "person": person("N", zone="north")})
    assert n.accepted
    assert co.person(admin, n.person).data.zone == "north"
    assert json.loads(co.person(admin, n.person).to_json())["zone"] == "north"
    # A parent without a position: their first free slot.
    t = enroll(co, admin, "T", root, placements=[{"network": "bin", "parent": a}])
    assert [(m.id, m.position) for m in co.children(admin, a, "bin")] == [(t, 0)]
    # A taken slot is a finding on the placement, nothing written.
    count = co.person_count(admin)
    late = co.enroll(
        admin,
        {
            "sponsor": root,
            "person": person("L"),
            "placements": [{"network": "bin", "parent": a, "position": 0}],
        },
    )
    assert not late.accepted
    assert (late.findings[0].reason, late.findings[0].field) == ("position_taken", "placements[0]")
    assert co.person_count(admin) == count
    with pytest.raises(downline.InvalidArgument) as bad:
        co.enroll(admin, {"person": person("X"), "placements": [{"network": "bin", "leg": 0}]})
    assert bad.value.field == "placements[0].leg"


# --- transfers ------------------------------------------------------------------------


def test_a_transfer_with_the_downline_moves_the_whole_subtree(co, admin):
    root = enroll(co, admin, "Root")
    a = enroll(co, admin, "A", root)
    b = enroll(co, admin, "B", root)
    a1 = enroll(co, admin, "A1", a)
    out = co.transfer(admin, a, b, network="net", reason="realignment")
    assert isinstance(out, downline.AdjustmentOutcome)
    assert out.moved == [a]
    assert out.removed == []
    assert out.last_event == co.last_event()
    assert parent_of(co, admin, a, "net") == b
    assert co.network_id(admin, a1, network="net") == f"{root}.{b}.{a}.{a1}"
    # Other networks did not move.
    assert parent_of(co, admin, a, "sponsor") == root
    event = co.events(admin)[-1]
    assert (event.kind, event.reason, event.person) == ("transferred", "realignment", a)
    assert json.loads(out.to_json()) == {
        "moved": [str(a)],
        "removed": [],
        "last_event": str(out.last_event),
    }
    assert repr(out) == f"AdjustmentOutcome(moved=[{a}], removed=[], last_event={out.last_event})"


def test_a_transfer_alone_leaves_the_children_with_the_former_parent(co, admin):
    root = enroll(co, admin, "Root")
    a = enroll(co, admin, "A", root)
    b = enroll(co, admin, "B", root)
    c = enroll(co, admin, "C", a)
    d = enroll(co, admin, "D", a)
    when = datetime.datetime.now(datetime.timezone.utc)  # after the enrollments, not after now
    out = co.transfer(admin, a, b, network="net", with_downline=False, effective_at=when)
    assert out.moved == [c, d, a]
    assert parent_of(co, admin, c, "net") == root
    assert parent_of(co, admin, d, "net") == root
    assert parent_of(co, admin, a, "net") == b
    assert co.children(admin, a, "net") == []
    assert co.events(admin)[-1].effective_at == when
    # No new parent: a becomes a parent of the network.
    out = co.transfer(admin, a, network="net", effective_at=when)
    assert out.moved == [a]
    assert parent_of(co, admin, a, "net") is None
    assert co.level(admin, a, network="net") == 0


def test_a_transfer_under_the_own_downline_is_refused_and_writes_nothing(co, admin):
    root = enroll(co, admin, "Root")
    a = enroll(co, admin, "A", root)
    a1 = enroll(co, admin, "A1", a)
    before = co.last_event()
    for target in (a1, a):
        with pytest.raises(downline.FailedPrecondition) as refused:
            co.transfer(admin, a, target)
        assert refused.value.field == "new_parent"
        assert refused.value.code == "FAILED_PRECONDITION"
        assert "own downline" in str(refused.value)
    assert co.last_event() == before
    assert parent_of(co, admin, a, "sponsor") == root


def test_bad_transfers_raise_naming_the_argument(co, admin):
    root = enroll(co, admin, "Root")
    a = enroll(co, admin, "A", root)
    b = enroll(co, admin, "B", root)
    with pytest.raises(downline.PermissionDenied):
        co.transfer(downline.Actor.of_person(root), a, b)
    with pytest.raises(downline.NotFound) as missing:
        co.transfer(admin, 999, b)
    assert missing.value.field == "person"
    with pytest.raises(downline.InvalidArgument) as slot:
        co.transfer(admin, a, b, network="bin", position=2)
    assert slot.value.field == "position"
    with pytest.raises(downline.InvalidArgument) as naive:
        co.transfer(admin, a, b, effective_at=datetime.datetime(2030, 1, 1))
    assert naive.value.field == "effective_at"
    with pytest.raises(TypeError):
        co.transfer(admin, a, b, with_downline=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        co.transfer(admin, a, "b")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        co.transfer(admin, a, b, effective_at="2030-01-01T00:00:00Z")  # type: ignore[arg-type]


# --- compression ----------------------------------------------------------------------


def test_compression_moves_the_children_up_to_the_nearest_remaining_upline(co, admin):
    root = enroll(co, admin, "Root")
    up = enroll(co, admin, "Up", root)
    x = enroll(co, admin, "X", up)
    kids = [enroll(co, admin, f"K{i}", x) for i in range(3)]
    g = enroll(co, admin, "G", kids[1])
    out = co.compress(admin, "comp", [x], reason="campaign close")
    assert out.removed == [x]
    assert out.moved == kids
    assert [m.id for m in co.children(admin, up, "comp")] == kids
    assert all(m.level == 2 for m in co.children(admin, up, "comp"))
    assert co.level(admin, g, network="comp") == 3
    assert co.children(admin, x, "comp") == []
    events = co.events(admin)[-4:]
    assert [e.kind for e in events] == ["dropped_out", "moved_up", "moved_up", "moved_up"]
    assert {e.reason for e in events} == {"campaign close"}
    # The sponsor network is not compressed; the dropout is gone from "comp".
    assert parent_of(co, admin, kids[0], "sponsor") == x
    with pytest.raises(downline.FailedPrecondition) as again:
        co.compress(admin, "comp", [x])
    assert again.value.field == "persons[0]"


def test_compression_by_status_with_no_one_to_remove_changes_nothing(co, admin):
    root = enroll(co, admin, "Root")
    enroll(co, admin, "A", root)
    out = co.compress(admin, "comp")
    assert (out.moved, out.removed, out.last_event) == ([], [], None)
    with pytest.raises(downline.InvalidArgument) as sponsor:
        co.compress(admin, "sponsor", [root])
    assert sponsor.value.field == "network"
    with pytest.raises(downline.PermissionDenied):
        co.compress(downline.Actor.of_person(root), "comp", [root])
    with pytest.raises(TypeError):
        co.compress(admin, "comp", "12")  # type: ignore[arg-type]


# --- the lobby ------------------------------------------------------------------------


def test_the_lobby_holds_persons_until_staff_or_a_leader_places_them(co, admin):
    root = enroll(co, admin, "Root")
    x = enroll(co, admin, "X", root)
    y = enroll(co, admin, "Y", root)
    z = enroll(co, admin, "Z", y)
    assert co.lobby(admin, "l") == [root, x, y, z]
    assert co.children(admin, root, "l") == []
    with pytest.raises(downline.FailedPrecondition):
        co.level(admin, x, network="l")

    placed = co.place(admin, root, "l")
    assert placed.moved == [root]
    assert co.level(admin, root, network="l") == 0
    co.place(admin, x, "l", root, 1, reason="head office choice")
    assert [(m.id, m.position) for m in co.children(admin, root, "l")] == [(x, 1)]
    assert co.events(admin)[-1].kind == "placed"
    assert co.events(admin)[-1].reason == "head office choice"
    assert [(s.parent, s.position) for s in co.open_positions(admin, root, "l", 1)] == [(root, 0)]

    # The slot is taken; x waits no more.
    with pytest.raises(downline.FailedPrecondition) as taken:
        co.place(admin, y, "l", root, 1)
    assert taken.value.field == "parent"
    with pytest.raises(downline.FailedPrecondition) as waiting:
        co.place(admin, x, "l")
    assert waiting.value.field == "person"

    # A leader places someone of their own downline; a consultant may not
    # place someone they do not see.
    with pytest.raises(downline.PermissionDenied):
        co.place(downline.Actor.of_person(x, "x"), z, "l", x)
    co.place(downline.Actor.of_person(root, "root"), y, "l", root)
    assert [(m.id, m.position) for m in co.children(admin, root, "l")] == [(y, 0), (x, 1)]
    assert co.lobby(admin, "l") == [z]
    assert co.lobby(downline.Actor.of_person(x, "x"), "l") == []

    # Nobody's window is over: nothing placed; staff only.
    assert co.place_expired(admin, "l").moved == []
    with pytest.raises(downline.PermissionDenied):
        co.place_expired(downline.Actor.of_person(root), "l")
    with pytest.raises(downline.NotFound):
        co.lobby(admin, "nowhere")
