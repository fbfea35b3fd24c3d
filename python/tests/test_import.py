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
