"""Flat files through the Python package: a CSV import with its per-row
report and progress, a second run that adds nothing, a callback that raises,
and bad headers."""

from __future__ import annotations

import pytest

import downline

CONFIG = {
    "enrollment": {"unique_email": True},
    "channels": [{"id": "file", "kind": "flat_file"}],
    "extended_fields": [{"slot": 1, "id": "line", "type": "choice", "options": ["skin", "hair"]}],
}

CSV = (
    "Code;Name;last_name;Mail;Sponsor;Line\n"
    "A;Ana;Gómez;a@example.com;;skin\n"
    "B;Bea;Ruiz;b@example.com;A;wool\n"
    "C;Cris;Díaz;c@example.com;A;hair\n"
)
COLUMNS = {"Code": "external_id", "Name": "first_name", "Mail": "email",
           "Sponsor": "sponsor_external_id", "Line": "extended.line"}


@pytest.fixture
def company():
    with downline.open("memory:", CONFIG) as co:
        yield co


def test_import_reports_the_bad_row_and_a_rerun_adds_nothing(company, admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    calls: list[tuple[int, int]] = []
    report = company.import_csv(admin, path, channel="file", columns=COLUMNS, delimiter=";",
                                progress=lambda done, total: calls.append((done, total)))
    assert (report["rows"], report["enrolled"], report["existing"]) == (3, 2, 0)
    [bad] = report["rejected"]
    assert (bad["line"], bad["external_id"]) == (3, "B")
    assert bad["findings"][0]["reason"] == "invalid_extended_field"
    assert bad["findings"][0]["field"] == "person.extended.line"
    assert isinstance(report["last_event"], int)
    size = len(CSV.encode("utf-8"))
    assert calls[-1] == (size, size)
    c = company.person(admin, company.find_person(admin, "C"))
    assert company.person(admin, c.sponsor).data.external_id == "A"

    again = company.import_csv(admin, str(path), channel="file", columns=COLUMNS, delimiter=";")
    assert (again["enrolled"], again["existing"], again["last_event"]) == (0, 2, None)
    assert [r["line"] for r in again["rejected"]] == [3]
    assert company.person_count(admin) == 2


def test_an_exception_in_progress_is_raised_as_it_was(company, admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")

    def stop(done: int, total: int) -> None:
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        company.import_csv(admin, path, channel="file", columns=COLUMNS, delimiter=";",
                           batch_size=1, progress=stop)
    assert company.person_count(admin) == 1  # the first batch stays committed


def test_bad_headers_and_files_raise_with_the_field(company, admin, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("external_id,colour\nX,red\n", encoding="utf-8")
    with pytest.raises(downline.InvalidArgument) as e:
        company.import_csv(admin, path, channel="file")
    assert e.value.field == "header[1]"
    with pytest.raises(downline.NotFound):
        company.import_csv(admin, tmp_path / "missing.csv", channel="file")
    with pytest.raises(downline.InvalidArgument) as e:
        company.import_csv(admin, path, channel="file", batch_size=0)
    assert e.value.field == "batch_size"


def test_a_file_of_status_changes_inactivates_row_by_row(company, admin, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(CSV, encoding="utf-8")
    company.import_csv(admin, people, channel="file", columns=COLUMNS, delimiter=";")
    changes = tmp_path / "inactivate.csv"
    changes.write_text("Code,vip\nA,\nC,true\nNOBODY,\n", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    report = company.change_statuses_csv(admin, changes, columns={"Code": "external_id"},
                                         reason="no orders",
                                         progress=lambda d, t: calls.append((d, t)))
    assert (report["rows"], report["changed"], report["unchanged"]) == (3, 2, 0)
    [bad] = report["rejected"]
    assert (bad["line"], bad["findings"][0]["reason"]) == (4, "person_not_found")
    assert calls[-1][0] == calls[-1][1] == changes.stat().st_size
    a = company.person(admin, company.find_person(admin, "A"))
    c = company.person(admin, company.find_person(admin, "C"))
    assert (a.status, a.vip) == ("inactive", False)
    assert (c.status, c.vip) == ("active", True)  # a VIP cell alone keeps the status
    again = company.change_statuses_csv(admin, changes, columns={"Code": "external_id"})
    assert (again["changed"], again["unchanged"]) == (0, 2)
    with pytest.raises(downline.InvalidArgument) as err:
        company.change_statuses_csv(admin, changes, status="sleepy")
    assert err.value.field == "status"


def test_the_vip_flag_is_set_once_with_its_event(company, admin):
    a = company.enroll(admin, {"person": {"external_id": "V", "first_name": "Vi",
                                          "last_name": "P", "email": "v@example.com"},
                               "channel": "file"}).person
    event = company.set_vip(admin, a, True, reason="top seller")
    assert event > 0 and company.person(admin, a).vip
    with pytest.raises(downline.FailedPrecondition) as err:
        company.set_vip(admin, a, True)
    assert err.value.field == "vip"
    with pytest.raises(TypeError):
        company.set_vip(admin, a, "yes")  # type: ignore[arg-type]
