"""Generations, legs, ranks with their history and recalculated figures,
through the Company's Python API."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest

import downline
from conftest import person

CONFIG = {
    "ranks": [{"id": "bronze"}, {"id": "silver"}, {"id": "gold"}],
    "networks": [
        {"name": "gen", "generations": {"rank": "silver"}},
        {"name": "bin", "structure": "binary"},
    ],
}


@pytest.fixture
def co() -> Iterator[downline.Company]:
    with downline.open("memory:", CONFIG) as company:
        yield company


def chain(co: downline.Company, admin: downline.Actor) -> list[int]:
    """root -> a -> b -> c, and root -> d."""
    ids: list[int] = []
    for name, sponsor in [("Root", None), ("A", 0), ("B", 1), ("C", 2), ("D", 0)]:
        request: dict[str, object] = {"person": person(name)}
        if sponsor is not None:
            request["sponsor"] = ids[sponsor]
        out = co.enroll(admin, request)
        assert out.accepted, out.findings
        ids.append(out.person)
    return ids


def test_a_generation_ends_at_the_configured_rank(co, admin):
    root, a, b, c, d = chain(co, admin)
    assert co.generation(admin, c, root, network="gen") == 1
    event = co.change_rank(admin, a, "gold", campaign="2026-11", reason="campaign close")
    assert event == co.last_event()
    assert co.generation(admin, c, root, network="gen") == 2
    assert co.generation_counts(admin, root, network="gen") == [2, 2]
    page = co.downline(admin, root, network="gen", max_generation=1)
    assert {m.id for m in page.members} == {a, d}
    assert all(m.generation == 1 for m in page.members)
    assert [m.generation for m in co.upline(admin, c, network="gen")] == [1, 1, 2]
    # Without a rank, generations are levels.
    assert co.generation(admin, c, root) == 3
    with pytest.raises(downline.FailedPrecondition) as e:
        co.generation(admin, root, c, network="gen")
    assert e.value.field == "upline"


def test_rank_history_and_refusals(co, admin):
    root, a, *_ = chain(co, admin)
    t1 = datetime.datetime(2026, 2, 1, tzinfo=datetime.timezone.utc)
    t2 = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
    co.change_rank(admin, a, "bronze", campaign="2026-02", effective_at=t1)
    co.change_rank(admin, a, "silver", campaign="2026-03", effective_at=t2)
    first, second = co.rank_history(admin, a)
    assert (first.rank, first.previous_rank, first.campaign) == ("bronze", "", "2026-02")
    assert (first.since, first.until, first.held_days) == (t1, t2, 28)
    assert (second.previous_rank, second.rank, second.until) == ("bronze", "silver", None)
    assert co.rank_history(admin, root) == []
    before = co.last_event()
    with pytest.raises(downline.InvalidArgument) as e:
        co.change_rank(admin, a, "tin")
    assert e.value.field == "rank"
    with pytest.raises(downline.FailedPrecondition) as e:
        co.change_rank(admin, a, "gold", effective_at=t1)
    assert e.value.field == "effective_at"
    with pytest.raises(downline.PermissionDenied):
        co.change_rank(downline.Actor.of_person(a, "a"), a, "gold")
    with pytest.raises(TypeError):
        co.change_rank(admin, a, 3)  # type: ignore[arg-type]
    assert co.last_event() == before


def test_legs_and_recalculated_figures(co, admin):
    root, a, b, c, d = chain(co, admin)
    # bin: a left and d right of root; b and c below a.
    assert co.legs(admin, root, network="bin") == [
        downline.LegTotals(a, 0, 3, 3),
        downline.LegTotals(d, 1, 1, 1),
    ]
    with pytest.raises(downline.FailedPrecondition):
        co.figures(admin, root, network="bin")
    summary = co.recalculate(admin, "bin", {a: Decimal("10.5"), c: 3, d: "0.25"}, levels=2)
    assert (summary.network, summary.persons, summary.total_volume) == ("bin", 5, Decimal("13.75"))
    assert summary.at.tzinfo is not None
    f = co.figures(admin, root, network="bin")
    assert f.group_volume == Decimal("13.75")
    assert (f.downline, f.active_downline, f.level_counts) == (4, 4, [2, 1])
    assert f.legs == [
        downline.LegVolume(a, 0, 3, Decimal("13.5")),
        downline.LegVolume(d, 1, 1, Decimal("0.25")),
    ]
    assert f.recalculated_at == summary.at
    with pytest.raises(TypeError):
        co.recalculate(admin, "bin", {a: 1.5})  # never a float
    with pytest.raises(downline.InvalidArgument) as e:
        co.recalculate(admin, "bin", [(a, "-1")])
    assert e.value.field == "personal_volumes[0].volume"
    with pytest.raises(downline.NotFound) as e:
        co.recalculate(admin, "bin", [(a, 1), (999, 1)])
    assert e.value.field == "personal_volumes[1].person"
    assert co.figures(admin, a, network="bin").group_volume == Decimal("13.5")
