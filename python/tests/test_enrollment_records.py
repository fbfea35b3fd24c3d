"""Enrollment with documents, phones, extended fields, contracts and
attachments; the blacklist, status changes, pending contracts, acceptances
and profile completion, through the Python package."""

from __future__ import annotations

import datetime

import pytest

import downline

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
DA = "sha256:" + "a" * 64

CONFIG = {
    "enrollment": {"unique_email": True, "identification": "document"},
    "document_types": [{"id": "CC", "countries": ["CO"], "mask": "##########"}],
    "masks": [{"country": "CO", "phone": "### ### ## ##", "birth_date": "DD/MM/YYYY"}],
    "extended_fields": [
        {"slot": 1, "id": "co_debtor"},
        {"slot": 2, "id": "children", "type": "integer"},
        {"slot": 3, "id": "income", "type": "decimal"},
    ],
    "attachment_types": [{"id": "id_copy", "extensions": ["pdf"], "mandatory": True}],
    "contracts": [
        {"id": "terms", "version": 1, "digest": D1},
        {"id": "privacy", "version": 1, "mandatory": False, "digest": D2},
    ],
    "blacklist_reasons": ["fraud"],
}


def request(ext: str, document: str, email: str, sponsor: int | None = None, **person: object) -> dict:
    data: dict[str, object] = {
        "external_id": ext, "first_name": "Ana", "last_name": "Gómez", "email": email,
        "phone": "304 535 15 81", "country": "CO", "birth_date": "1986-10-10",
        "document_type": "CC", "document_number": document,
        "extended": {"co_debtor": "Luis", "children": 2, "income": "1250.50"},
    }
    data.update(person)
    r: dict[str, object] = {
        "person": data,
        "accepted_contracts": [{"contract": "terms", "version": 1}],
        "attachments": [{"type": "id_copy", "file_name": "id.pdf", "size_bytes": 10, "digest": DA}],
    }
    if sponsor is not None:
        r["sponsor"] = sponsor
    return r


@pytest.fixture
def company():
    with downline.open("memory:", CONFIG) as co:
        yield co


def test_a_person_is_stored_normalised_and_displayed_by_the_masks(company, admin):
    out = company.enroll(admin, request("L1", "123.456.7890", "Leader@Example.com"))
    assert out.accepted
    p = company.person(admin, out.person)
    assert p.data.phone == "+573045351581"
    assert p.data.document_type == "CC"
    assert p.data.document_number == "1234567890"
    assert p.data.extended == {"co_debtor": "Luis", "children": "2", "income": "1250.5"}
    assert p.display == {"phone": "304 535 15 81", "birth_date": "10/10/1986", "document": "1234567890"}
    assert company.profile_completion(admin, out.person) == {
        "filled": 11, "total": 11, "percent": 100, "missing": []}


def test_every_finding_comes_back_at_once_and_nothing_is_written(company, admin):
    leader = company.enroll(admin, request("L1", "1234567890", "leader@example.com")).person
    before = company.last_event()
    bad = request("N1", "123.456.789-0", "LEADER@example.com", leader, phone="123",
                  extended={"children": "two", "unknown": "x"})
    bad["attachments"] = [{"type": "id_copy", "file_name": "id.docx", "size_bytes": 10, "digest": DA}]
    bad["accepted_contracts"] = []
    out = company.enroll(admin, bad)
    assert not out.accepted
    got = [(f.reason, f.field) for f in out.findings]
    assert got == [
        ("invalid_phone", "person.phone"),
        ("invalid_extended_field", "person.extended.children"),
        ("unknown_extended_field", "person.extended.unknown"),
        ("attachment_extension", "attachments[0].file_name"),
        ("contract_required", "accepted_contracts"),
        ("duplicate_email", "person.email"),
        ("duplicate_document", "person.document_number"),
    ]
    assert company.last_event() == before
    assert company.person_count(admin) == 1


def test_a_float_for_an_extended_field_is_refused(company, admin):
    with pytest.raises(downline.InvalidArgument) as e:
        company.enroll(admin, request("L1", "1234567890", "a@example.com", extended={"income": 1.5}))
    assert e.value.field == "person.extended.income"


def test_the_blacklist_bars_a_phone_in_any_format(company, admin):
    leader = company.enroll(admin, request("L1", "1234567890", "leader@example.com")).person
    event = company.add_to_blacklist(admin, "phone", "+57 300 123 4567", "fraud", country="CO", note="chargebacks")
    assert event > 0
    [entry] = company.blacklist(admin)
    assert entry["key"] == "+573001234567"
    assert entry["reason"] == "fraud"
    assert isinstance(entry["added_at"], datetime.datetime)
    out = company.enroll(admin, request("N1", "2222222222", "n1@example.com", leader, phone="300-123-45-67"))
    assert [(f.reason, f.field, f.actual) for f in out.findings] == [("blacklisted", "person.phone", "fraud")]
    with pytest.raises(downline.AlreadyExists):
        company.add_to_blacklist(admin, "phone", "3001234567", "fraud", country="CO")
    with pytest.raises(downline.InvalidArgument) as e:
        company.add_to_blacklist(admin, "email", "x@example.com", "spam")
    assert e.value.field == "reason"
    with pytest.raises(downline.PermissionDenied):
        company.blacklist(downline.Actor.of_person(leader))
    company.remove_from_blacklist(admin, "phone", "300 123 4567", country="CO")
    assert company.enroll(admin, request("N1", "2222222222", "n1@example.com", leader, phone="300-123-45-67")).accepted


def test_contracts_pending_accepted_and_reported(company, admin):
    ana = company.enroll(admin, request("L1", "1234567890", "ana@example.com")).person
    assert [c["contract"] for c in company.contracts()] == ["terms", "privacy"]
    assert [c["contract"] for c in company.pending_contracts(admin, ana)] == ["privacy"]
    company.accept_contract(downline.Actor.of_person(ana), ana, "privacy", 1, channel="login")
    assert company.pending_contracts(admin, ana) == []
    accepted = company.contract_acceptances(admin, ana)
    assert [(a["contract"], a["channel"], a["person"]) for a in accepted] == [
        ("terms", "registration", ana), ("privacy", "login", ana)]
    assert [a["digest"] for a in company.acceptances_of(admin, "privacy")] == [D2]
    with pytest.raises(downline.AlreadyExists):
        company.accept_contract(admin, ana, "privacy", 1)
    with pytest.raises(downline.NotFound):
        company.accept_contract(admin, ana, "privacy", 7)
    [attachment] = company.attachments(admin, ana)
    assert attachment["extension"] == "pdf" and attachment["person"] == ana


def test_a_leader_reactivates_an_inactive_recruit(company, admin):
    leader = company.enroll(admin, request("L1", "1234567890", "l@example.com")).person
    recruit = company.enroll(admin, request("R1", "2222222222", "r@example.com", leader)).person
    company.change_status(admin, recruit, "inactive", reason="no orders")
    assert company.person(admin, recruit).status == "inactive"
    with pytest.raises(downline.FailedPrecondition):
        company.change_status(admin, recruit, "inactive")
    with pytest.raises(downline.PermissionDenied):
        company.change_status(downline.Actor.of_person(recruit), recruit, "active")
    company.change_status(downline.Actor.of_person(leader), recruit, "active")
    assert company.person(admin, recruit).status == "active"
    kinds = [e.kind for e in company.events(admin, 0, 100)]
    assert kinds[-2:] == ["inactivated", "activated"]
