"""Three enrollment journeys of seed 004 through the Python package: a guest
with a quick-access code, a consultant through a two-step approval (and a
rejection), and a credit request approved with an amount."""

from __future__ import annotations

import decimal

import pytest

import downline

CONFIG = {
    "workflows": [
        {"item": "registration", "steps": [{"id": "sales", "roles": ["sales"]},
                                           {"id": "compliance", "roles": ["compliance"]}]},
        {"item": "credit_request", "steps": [{"id": "credit", "roles": ["credit"]}]},
    ],
    "channels": [
        {"id": "web", "kind": "corporate_site",
         "forms": {"guest": {"required_fields": ["first_name", "email"]}, "customer": {},
                   "consultant": {"outcome": "pending_approval"}}},
        {"id": "backend", "kind": "backend"},
    ],
}


def staff(role: str) -> downline.Actor:
    return downline.Actor.staff(f"{role}-user", ["operator", role])


@pytest.fixture
def company():
    with downline.open("memory:", CONFIG) as co:
        yield co


@pytest.fixture
def root(company, admin) -> int:
    out = company.enroll(admin, {"channel": "backend", "person": {
        "first_name": "Ana", "last_name": "G", "email": "ana@example.com"}})
    assert out.accepted
    return out.person


def test_a_guest_gets_a_quick_access_code(company, admin, root):
    out = company.enroll(admin, {"type": "guest", "channel": "web", "sponsor": root,
                                 "person": {"first_name": "Gus", "email": "gus@example.com"}})
    assert out.accepted and out.outcome == "guest"
    assert len(out.quick_code) == 8
    assert company.find_guest(admin, out.quick_code) == out.person
    assert company.find_guest(admin, "ZZZZZZZZ") is None
    assert company.person(admin, out.person).type == "guest"


def test_a_consultant_waits_for_every_step(company, admin, root):
    out = company.enroll(admin, {"channel": "web", "sponsor": root, "person": {
        "first_name": "Carla", "last_name": "R", "email": "c@example.com"}})
    assert out.outcome == "pending_approval"
    assert company.person(admin, out.person).status == "pre_registered"
    [item] = company.work_items(staff("sales"), decidable_only=True)
    assert item["id"] == out.work_item and item["step"] == "sales" and item["person"] == out.person
    assert company.work_items(staff("compliance"), decidable_only=True) == []
    with pytest.raises(downline.PermissionDenied) as e:
        company.decide(staff("compliance"), out.work_item, approve=True)
    assert e.value.field == "roles"
    assert company.decide(staff("sales"), out.work_item, approve=True)["step"] == "compliance"
    done = company.decide(staff("compliance"), out.work_item, approve=True, reason="ok")
    assert done["state"] == "approved"
    assert [d["by"] for d in done["decisions"]] == ["sales-user", "compliance-user"]
    assert company.person(admin, out.person).status == "active"


def test_a_rejection_needs_a_reason_and_leaves_the_person_inactive(company, admin, root):
    out = company.enroll(admin, {"channel": "web", "sponsor": root, "person": {
        "first_name": "Bruno", "last_name": "R", "email": "b@example.com"}})
    with pytest.raises(downline.InvalidArgument):
        company.decide(staff("sales"), out.work_item, approve=False)
    company.decide(staff("sales"), out.work_item, approve=False, reason="out of coverage")
    assert company.person(admin, out.person).status == "inactive"
    [item] = company.work_items(admin, state="rejected")
    assert item["decisions"][0]["reason"] == "out of coverage"


def test_a_credit_limit_is_zero_until_approved(company, admin, root):
    request = company.request_credit(downline.Actor.of_person(root), root,
                                     amount=decimal.Decimal("2000"), references=["Marta"])
    assert request["kind"] == "credit_request" and request["amount"] == decimal.Decimal("2000")
    assert company.person(admin, root).credit_limit == decimal.Decimal("0")
    with pytest.raises(downline.FailedPrecondition):
        company.request_credit(admin, root)
    with pytest.raises(TypeError):
        company.decide(staff("credit"), request["id"], approve=True, amount=1500.5)
    company.decide(staff("credit"), request["id"], approve=True, amount="1500.50")
    assert company.person(admin, root).credit_limit == decimal.Decimal("1500.5")


def test_a_customer_becomes_a_consultant(company, admin, root):
    out = company.enroll(admin, {"type": "customer", "channel": "web", "sponsor": root, "person": {
        "first_name": "Cam", "last_name": "R", "email": "cam@example.com"}})
    converted = company.convert(admin, out.person, "consultant", channel="web")
    assert converted.accepted and converted.continuation == "converted"
    assert converted.outcome == "pending_approval" and converted.work_item is not None
    assert company.person(admin, out.person).type == "consultant"
    with pytest.raises(downline.FailedPrecondition):
        company.convert(admin, out.person, "consultant", channel="web")
