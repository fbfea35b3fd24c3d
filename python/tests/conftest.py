"""Shared fixtures: a company in memory and a small sponsor tree.

    root (R)
    ├── ana (A)
    │   └── carla (C)
    └── bruno (B)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import downline

CONFIG = {"company": {"name": "Test", "currency": "USD", "time_zone": "UTC"}}

_serial = itertools.count(1)


def person(first: str, last: str = "Tester", **extra: object) -> dict:
    """Person data for an enrollment request, with a unique e-mail."""
    data: dict[str, object] = {"first_name": first, "last_name": last, "email": f"{first.lower()}{next(_serial)}@example.com"}
    data.update(extra)
    return data


@pytest.fixture
def admin() -> downline.Actor:
    return downline.Actor.staff("backend", ["admin"])


@pytest.fixture
def company() -> Iterator[downline.Company]:
    with downline.open("memory:", CONFIG) as co:
        yield co


@dataclass
class Tree:
    root: int
    ana: int
    bruno: int
    carla: int


@pytest.fixture
def tree(company: downline.Company, admin: downline.Actor) -> Tree:
    out = company.enroll(admin, {"person": person("Root", external_id="R"), "channel": "backoffice"})
    assert out.accepted, out.findings
    root = out.person
    assert root is not None
    bulk = company.enroll_many(
        admin,
        [
            {"sponsor": root, "person": person("Ana", external_id="A")},
            {"sponsor": root, "person": person("Bruno", external_id="B")},
            {"sponsor_external_id": "A", "person": person("Carla", external_id="C")},
        ],
    )
    assert bulk.accepted, bulk.findings
    ana, bruno, carla = bulk.persons
    return Tree(root, ana, bruno, carla)
