"""Company.verify: the genealogy's invariants, and the index against the store.

The tree is conftest's::

    root ─ ana ─ carla
         └ bruno
"""

from __future__ import annotations

import json
import sqlite3

import pytest

import downline
from conftest import CONFIG, Tree, person


def test_a_healthy_company_passes(company, admin, tree: Tree):
    report = company.verify(admin)
    assert isinstance(report, downline.VerifyReport)
    assert report.ok is True
    assert report.persons == 4
    assert report.violations == []
    assert json.loads(report.to_json()) == {"ok": True, "persons": "4", "violations": []}
    assert repr(report) == "VerifyReport(ok=True, persons=4, violations=0)"


def test_an_empty_company_passes(company, admin):
    report = company.verify(admin)
    assert (report.ok, report.persons, report.violations) == (True, 0, [])


def test_only_staff_may_verify(company, admin, tree: Tree):
    ana = downline.Actor.of_person(tree.ana, "ana")
    with pytest.raises(downline.PermissionDenied) as caught:
        company.verify(ana)
    assert caught.value.field == "actor"
    assert isinstance(caught.value, PermissionError)
    assert company.verify(downline.Actor.staff("ops", ["operator"])).ok


def test_a_row_changed_behind_the_index_is_reported(tmp_path, admin):
    path = tmp_path / "co.db"
    with downline.open(f"sqlite:{path}", CONFIG) as co:
        root = co.enroll(admin, {"person": person("Root")}).person
        ana = co.enroll(admin, {"sponsor": root, "person": person("Ana")}).person
        bruno = co.enroll(admin, {"sponsor": root, "person": person("Bruno")}).person
        carla = co.enroll(admin, {"sponsor": ana, "person": person("Carla")}).person
        assert co.verify(admin).ok

        # Carla moves under Bruno and Ana is blocked, in the file only.
        db = sqlite3.connect(path)
        with db:
            (sponsor,) = db.execute("SELECT id FROM networks WHERE name = 'sponsor'").fetchone()
            db.execute(
                "UPDATE network_nodes SET parent_id = ? WHERE person_id = ? AND network_id = ?",
                (bruno, carla, sponsor),
            )
            db.execute("UPDATE customers SET status = 4 WHERE person_id = ?", (ana,))
        db.close()

        report = co.verify(admin)
        assert report.ok is False
        assert report.persons == 4
        assert [(v.rule, v.network, v.person) for v in report.violations] == [
            ("index_storage_mismatch", "", ana),
            ("index_storage_mismatch", "sponsor", carla),
        ]
        status, parent = report.violations
        assert isinstance(status, downline.InvariantViolation)
        assert status.message == "status active in the index, blocked in the store"
        assert parent.message == f"parent {ana} in the index, {bruno} in the store"
        assert repr(parent).startswith("InvariantViolation(rule='index_storage_mismatch', ")
        doc = json.loads(report.to_json())
        assert doc["ok"] is False
        assert doc["violations"][1] == {
            "rule": "index_storage_mismatch",
            "network": "sponsor",
            "person": str(carla),
            "message": parent.message,
        }

    # Reopened, the index is built from the file: they agree again.
    with downline.open(f"sqlite:{path}", CONFIG) as co:
        assert co.verify(admin).ok


def test_a_closed_company_cannot_verify(admin):
    co = downline.open("memory:", CONFIG)
    co.close()
    with pytest.raises(downline.FailedPrecondition):
        co.verify(admin)
