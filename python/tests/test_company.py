"""The Python layer: the main path, and bad input raising the right class
with nothing written. Every decision is the C++ library's; these tests check
that the package carries it over faithfully."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import threading
from decimal import Decimal

import pytest

import downline
from conftest import CONFIG, Tree, person

UTC = dt.timezone.utc


def snapshot(co: downline.Company, admin: downline.Actor) -> tuple[int, int]:
    """What must not change when a call is refused."""
    return co.person_count(admin), co.last_event()


# --- the main path -------------------------------------------------------------


def test_open_memory_and_enroll_returns_ids(company, admin):
    assert company.networks() == ["sponsor", "referral"]
    assert company.person_count(admin) == 0
    assert company.last_event() == 0
    out = company.enroll(admin, {"person": person("Root")})
    assert out.accepted is True
    assert isinstance(out.person, int) and out.person >= 1
    assert isinstance(out.event, int) and out.event >= 1
    assert out.findings == []
    assert company.person_count(admin) == 1
    assert company.last_event() == out.event


def test_enroll_many_returns_ids_in_request_order(company, admin, tree: Tree):
    assert [tree.root, tree.ana, tree.bruno, tree.carla] == sorted(
        [tree.root, tree.ana, tree.bruno, tree.carla]
    )
    assert company.person_count(admin) == 4
    assert company.find_person(admin, "C") == tree.carla
    assert company.find_person(admin, "nobody") is None


def test_person_has_data_and_tz_aware_utc_enrolled_at(company, admin):
    effective = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    root = company.enroll(admin, {"person": person("Root")}).person
    out = company.enroll(
        admin,
        {
            "type": "consultant",
            "sponsor": root,
            "person": person("Ana", "Ruiz", external_id="X-1", country="CO", birth_date=dt.date(1990, 5, 17)),
            "channel": "web",
            "effective_at": effective,
        },
    )
    assert out.accepted, out.findings
    p = company.person(admin, out.person)
    assert isinstance(p, downline.Person)
    assert p.id == out.person
    assert (p.data.first_name, p.data.last_name, p.data.external_id) == ("Ana", "Ruiz", "X-1")
    assert p.data.country == "CO"
    assert p.data.birth_date == dt.date(1990, 5, 17)
    assert p.type == "consultant"
    assert p.status == "active"
    assert p.sponsor == root
    assert p.referrer == root
    assert p.channel == "web"
    assert p.enrolled_at.tzinfo is not None
    assert p.enrolled_at.utcoffset() == dt.timedelta(0)
    assert p.enrolled_at == effective  # exact, to the microsecond
    assert company.person(admin, root).sponsor is None
    assert json.loads(p.to_json())["first_name"] == "Ana"


def test_unicode_round_trips(company, admin):
    out = company.enroll(admin, {"person": {"first_name": "José 🌱", "last_name": "Núñez", "email": "jn@example.com"}})
    assert out.accepted, out.findings
    data = company.person(admin, out.person).data
    assert (data.first_name, data.last_name) == ("José 🌱", "Núñez")


def test_enroll_many_takes_any_iterable(company, admin):
    out = company.enroll_many(admin, ({"person": person(f"G{i}")} for i in range(3)))
    assert out.accepted and len(out.persons) == 3
    assert out.last_event == company.last_event()


def test_enrolled_at_defaults_to_now(company, admin):
    before = dt.datetime.now(UTC)
    out = company.enroll(admin, {"person": person("Root")})
    after = dt.datetime.now(UTC)
    enrolled_at = company.person(admin, out.person).enrolled_at
    assert before - dt.timedelta(seconds=1) <= enrolled_at <= after + dt.timedelta(seconds=1)


def test_genealogy_queries(company, admin, tree: Tree):
    up = company.upline(admin, tree.carla)
    assert [m.id for m in up] == [tree.ana, tree.root]
    assert all(isinstance(m, downline.NetworkMember) for m in up)
    assert [m.id for m in company.upline(admin, tree.carla, max_levels=1)] == [tree.ana]

    page = company.downline(admin, tree.root)
    assert isinstance(page, downline.DownlinePage)
    assert page.total == 3
    assert [m.id for m in page.members] == [tree.ana, tree.carla, tree.bruno]  # depth-first
    assert [m.relative_level for m in page] == [1, 2, 1]
    assert [m.level for m in page] == [1, 2, 1]
    assert [m.parent for m in page] == [tree.root, tree.ana, tree.root]
    assert page.members[0].type == "consultant" and page.members[0].status == "active"
    assert len(page) == 3

    direct = company.downline(admin, tree.root, max_depth=1)
    assert [m.id for m in direct] == [tree.ana, tree.bruno]
    paged = company.downline(admin, tree.root, offset=1, limit=1)
    assert paged.total == 3 and [m.id for m in paged] == [tree.carla]
    assert company.downline(admin, tree.root, statuses=["inactive"]).total == 0
    assert company.downline(admin, tree.root, types="consultant").total == 3

    assert company.level(admin, tree.root) == 0
    assert company.level(admin, tree.carla) == 2
    assert company.relative_level(admin, tree.carla, tree.root) == 2
    assert company.network_id(admin, tree.carla) == f"{tree.root}.{tree.ana}.{tree.carla}"
    assert company.is_in_downline(admin, tree.carla, tree.root) is True
    assert company.is_in_downline(admin, tree.carla, tree.bruno) is False
    assert company.is_in_downline(admin, tree.root, tree.root) is False
    assert company.level_counts(admin, tree.root) == [2, 1]
    assert company.level_counts(admin, tree.root, max_depth=1) == [2]
    # the referral network defaults to the sponsor
    assert company.network_id(admin, tree.carla, network="referral") == company.network_id(admin, tree.carla)


def test_relative_level_of_a_person_not_below(company, admin, tree: Tree):
    with pytest.raises(downline.FailedPrecondition) as info:
        company.relative_level(admin, tree.bruno, tree.ana)
    assert info.value.code == "FAILED_PRECONDITION"


def test_events(company, admin, tree: Tree):
    events = company.events(admin)
    assert [e.seq for e in events] == list(range(1, 5))
    assert all(e.kind == "enrolled" for e in events)
    assert events[0].person == tree.root and events[0].actor == "backend"
    assert events[0].effective_at.utcoffset() == dt.timedelta(0)
    assert events[1].payload["parents"]["sponsor"] == tree.root
    assert [e.seq for e in company.events(admin, after=2, limit=1)] == [3]
    assert company.last_event() == 4


def test_sqlite_file_reopens_with_the_same_network(tmp_path, admin):
    path = tmp_path / "acme.db"
    with downline.open(f"sqlite:{path}", json.dumps(CONFIG)) as co:
        root = co.enroll(admin, {"person": person("Root")}).person
        kids = co.enroll_many(
            admin,
            [
                {"sponsor": root, "person": person("Ana", external_id="A")},
                {"sponsor_external_id": "A", "person": person("Carla")},
            ],
        ).persons
        before = ([m.id for m in co.downline(admin, root)], co.network_id(admin, kids[1]), co.last_event())
    assert co.closed
    with downline.open(path, CONFIG, write_cache_mib=8) as co:  # a path-like is a SQLite file
        assert co.person_count(admin) == 3
        after = ([m.id for m in co.downline(admin, root)], co.network_id(admin, kids[1]), co.last_event())
        assert after == before
        assert co.person(admin, kids[0]).data.external_id == "A"


def test_a_write_cache_out_of_range_is_refused(tmp_path):
    with pytest.raises(downline.InvalidArgument) as e:
        downline.open(tmp_path / "x.db", CONFIG, write_cache_mib=0)
    assert e.value.field == "write_cache_mib"


def test_two_handles_on_one_file_see_each_other(tmp_path, admin):
    uri = f"sqlite:{tmp_path / 'shared.db'}"
    with downline.open(uri, CONFIG) as a, downline.open(uri, CONFIG) as b:
        root = a.enroll(admin, {"person": person("Root")}).person
        assert b.person_count(admin) == 1
        b.enroll(admin, {"sponsor": root, "person": person("Ana")})
        assert a.level_counts(admin, root) == [1]


def test_consultant_sees_own_downline(company, tree: Tree):
    ana = downline.Actor.of_person(tree.ana)
    assert ana.person == tree.ana and ana.sees_everyone is False
    assert company.person_count(ana) == 2
    assert [m.id for m in company.downline(ana, tree.ana)] == [tree.carla]
    assert company.person(ana, tree.carla).data.first_name == "Carla"


def test_progress_is_reported(company, admin):
    calls = []
    out = company.enroll_many(
        admin, [{"person": person(f"P{i}")} for i in range(5)], progress=lambda d, t: calls.append((d, t))
    )
    assert out.accepted
    assert calls and calls[-1] == (5, 5)


def test_reads_from_threads_while_writing(company, admin, tree: Tree):
    errors = []

    def read() -> None:
        try:
            for _ in range(200):
                assert company.is_in_downline(admin, tree.carla, tree.root)
                assert company.downline(admin, tree.root).total >= 3
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(50):
        assert company.enroll(admin, {"sponsor": tree.bruno, "person": person(f"W{i}")}).accepted
    for t in threads:
        t.join()
    assert errors == []
    assert company.level_counts(admin, tree.bruno) == [50]


# --- rejected enrollments: data, not exceptions; nothing written -------------------


def assert_rejected(out, reason: str, field: str, code: str) -> downline.Finding:
    assert out.accepted is False
    assert out.person is None and out.event is None
    matching = [f for f in out.findings if f.reason == reason]
    assert matching, out.findings
    finding = matching[0]
    assert isinstance(finding, downline.Finding)
    assert finding.field == field
    assert finding.code == code
    assert finding.message
    return finding


def test_duplicate_external_id_is_rejected(company, admin, tree: Tree):
    before = snapshot(company, admin)
    out = company.enroll(admin, {"sponsor": tree.root, "person": person("Dup", external_id="A")})
    f = assert_rejected(out, "duplicate_external_id", "person.external_id", "ALREADY_EXISTS")
    assert f.actual == "A"
    assert snapshot(company, admin) == before


def test_malformed_email_is_rejected(company, admin, tree: Tree):
    before = snapshot(company, admin)
    out = company.enroll(
        admin, {"sponsor": tree.root, "person": {"first_name": "E", "last_name": "M", "email": "not-an-email"}}
    )
    f = assert_rejected(out, "invalid_email", "person.email", "INVALID_ARGUMENT")
    assert f.actual == "not-an-email"
    assert snapshot(company, admin) == before


def test_missing_required_field_is_rejected_with_every_finding(company, admin, tree: Tree):
    before = snapshot(company, admin)
    out = company.enroll(admin, {"sponsor": tree.root, "person": {"email": "x@example.com"}})
    assert_rejected(out, "required", "person.first_name", "INVALID_ARGUMENT")
    assert sorted(f.field for f in out.findings) == ["person.first_name", "person.last_name"]
    assert snapshot(company, admin) == before


def test_unknown_sponsor_is_rejected(company, admin, tree: Tree):
    before = snapshot(company, admin)
    out = company.enroll(admin, {"sponsor": 999, "person": person("Orphan")})
    assert_rejected(out, "sponsor_not_found", "sponsor", "NOT_FOUND")
    assert snapshot(company, admin) == before


def test_bulk_is_all_or_nothing_with_indexed_fields(company, admin, tree: Tree):
    before = snapshot(company, admin)
    out = company.enroll_many(
        admin,
        [
            {"sponsor": tree.root, "person": person("Good")},
            {"sponsor": tree.root, "person": {"first_name": "B", "last_name": "M", "email": "bad@"}},
            {"sponsor": 12345, "person": person("Lost")},
        ],
    )
    assert out.accepted is False and out.persons == [] and out.last_event is None
    assert {(f.field, f.reason) for f in out.findings} == {
        ("[1].person.email", "invalid_email"),
        ("[2].sponsor", "sponsor_not_found"),
    }
    assert snapshot(company, admin) == before


# --- errors: the class of the code, .code, .field, nothing written -----------------


def test_malformed_config_text_raises_invalid_argument():
    with pytest.raises(downline.InvalidArgument) as info:
        downline.open("memory:", "{not json")
    e = info.value
    assert isinstance(e, downline.Error) and isinstance(e, ValueError)
    assert e.code == "INVALID_ARGUMENT"
    assert e.field == "$"


def test_bad_config_value_names_its_json_path():
    with pytest.raises(downline.InvalidArgument) as info:
        downline.open("memory:", {"company": {"name": "X", "currency": "dollars"}})
    assert info.value.field == "company.currency"
    with pytest.raises(downline.InvalidArgument) as info:
        downline.open("memory:", {"company": {"name": "X"}, "colour": "blue"})
    assert info.value.field == "colour"


def test_config_of_the_wrong_type_raises_type_error():
    with pytest.raises(TypeError):
        downline.open("memory:", 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        downline.open(None, CONFIG)  # type: ignore[arg-type]


def test_wrong_python_types_raise_type_error_and_write_nothing(company, admin, tree: Tree):
    before = snapshot(company, admin)
    calls = [
        lambda: company.person(admin, "abc"),
        lambda: company.person(admin, 1.0),
        lambda: company.person(admin, True),
        lambda: company.person("admin", tree.root),
        lambda: company.person(None, tree.root),
        lambda: company.enroll(admin, 42),
        lambda: company.enroll(admin, [{"person": person("L")}]),
        lambda: company.enroll(admin, {"person": person("S"), "sponsor": object()}),
        lambda: company.enroll_many(admin, {"person": person("D")}),
        lambda: company.enroll_many(admin, "requests"),
        lambda: company.enroll_many(admin, [42]),
        lambda: company.enroll_many(admin, [{"person": person("P")}], progress=42),
        lambda: company.downline(admin, tree.root, max_depth="3"),
        lambda: company.downline(admin, tree.root, statuses=[1]),
        lambda: company.downline(admin, tree.root, network=None),
        lambda: company.upline(admin, tree.root, max_levels=2.5),
        lambda: company.find_person(admin, 7),
        lambda: company.is_in_downline(admin, tree.carla, "root"),
        lambda: downline.Actor.of_person("abc"),  # type: ignore[arg-type]
        lambda: downline.Actor.of_person(True),
        lambda: downline.Actor.staff("x", "admin"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()
    assert snapshot(company, admin) == before


def test_bad_values_in_a_request_raise_invalid_argument_naming_the_field(company, admin, tree: Tree):
    before = snapshot(company, admin)
    cases = [
        ({"type": "wizard", "person": person("W")}, "type"),
        ({"person": person("N", nickname="Nico")}, "person.nickname"),
        ({"sponsor": "abc", "person": person("S")}, "sponsor"),
        ({"sponsor": -1, "person": person("S")}, "sponsor"),
        ({"person": person("B", birth_date="1990-02-30")}, "person.birth_date"),
        # A naive datetime has no offset: the library refuses it, not Python.
        ({"person": person("T"), "effective_at": dt.datetime(2026, 1, 1)}, "effective_at"),
    ]
    for request, field in cases:
        with pytest.raises(downline.InvalidArgument) as info:
            company.enroll(admin, request)
        assert isinstance(info.value, ValueError)
        assert info.value.code == "INVALID_ARGUMENT"
        assert info.value.field == field, (request, info.value)
    with pytest.raises(downline.InvalidArgument) as info:
        company.downline(admin, tree.root, statuses=["sleeping"])
    assert info.value.field == "statuses[0]"
    with pytest.raises(downline.InvalidArgument) as info:
        company.downline(admin, tree.root, offset=-1)
    assert info.value.field == "offset"
    assert snapshot(company, admin) == before


def test_consultant_reading_outside_their_downline_is_denied(company, admin, tree: Tree):
    before = snapshot(company, admin)
    ana = downline.Actor.of_person(tree.ana)
    for call in (
        lambda: company.person(ana, tree.root),
        lambda: company.person(ana, tree.bruno),
        lambda: company.downline(ana, tree.root),
        lambda: company.network_id(ana, tree.bruno),
        lambda: company.events(ana),
    ):
        with pytest.raises(downline.PermissionDenied) as info:
            call()
        e = info.value
        assert isinstance(e, PermissionError) and isinstance(e, downline.Error)
        assert e.code == "PERMISSION_DENIED"
        assert e.field
    # enrolling under someone outside the downline is refused too, nothing written
    with pytest.raises(PermissionError) as denied:
        company.enroll(ana, {"sponsor": tree.bruno, "person": person("Z")})
    assert isinstance(denied.value, downline.PermissionDenied)
    # The core names the request in the field ("[0].sponsor" today).
    assert denied.value.field.endswith("sponsor")
    assert snapshot(company, admin) == before


def test_actor_who_sees_no_one_is_denied(company, tree: Tree):
    with pytest.raises(downline.PermissionDenied) as info:
        company.person_count(downline.Actor.staff("intern", []))
    assert info.value.field == "actor"


def test_unknown_person_and_network_raise_not_found(company, admin, tree: Tree):
    with pytest.raises(downline.NotFound) as info:
        company.person(admin, 999)
    assert isinstance(info.value, LookupError)
    assert (info.value.code, info.value.field) == ("NOT_FOUND", "person")
    with pytest.raises(LookupError) as lookup:
        company.downline(admin, tree.root, network="binary")
    assert isinstance(lookup.value, downline.NotFound)
    assert lookup.value.field == "network"


def test_out_of_range_ints(company, admin, tree: Tree):
    with pytest.raises(downline.OutOfRange) as info:
        company.person(admin, 2**64)
    assert isinstance(info.value, ValueError)
    assert info.value.field == "person"
    with pytest.raises(downline.OutOfRange):
        company.upline(admin, tree.carla, max_levels=-1)


def test_progress_callback_exception_cancels_and_writes_nothing(company, admin, tree: Tree):
    before = snapshot(company, admin)

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop(f"{done}/{total}")

    with pytest.raises(Stop):
        company.enroll_many(admin, [{"sponsor": tree.root, "person": person("P")}], progress=stop)
    assert snapshot(company, admin) == before


def test_closed_company_raises_failed_precondition(admin):
    co = downline.open("memory:", CONFIG)
    co.close()
    co.close()  # idempotent
    assert "closed" in repr(co)
    with pytest.raises(downline.FailedPrecondition) as info:
        co.person_count(admin)
    assert info.value.code == "FAILED_PRECONDITION"


def test_error_classes():
    pairs = {
        downline.InvalidArgument: ("INVALID_ARGUMENT", ValueError),
        downline.NotFound: ("NOT_FOUND", LookupError),
        downline.AlreadyExists: ("ALREADY_EXISTS", downline.Error),
        downline.PermissionDenied: ("PERMISSION_DENIED", PermissionError),
        downline.FailedPrecondition: ("FAILED_PRECONDITION", downline.Error),
        downline.Aborted: ("ABORTED", downline.Error),
        downline.OutOfRange: ("OUT_OF_RANGE", ValueError),
        downline.Unimplemented: ("UNIMPLEMENTED", NotImplementedError),
        downline.Internal: ("INTERNAL", downline.Error),
        downline.Unavailable: ("UNAVAILABLE", downline.Error),
        downline.DataLoss: ("DATA_LOSS", downline.Error),
    }
    for cls, (code, builtin) in pairs.items():
        e = cls("boom", field="x.y")
        assert isinstance(e, downline.Error) and isinstance(e, builtin)
        assert (e.code, e.field, e.message) == (code, "x.y", "boom")
        copy = pickle.loads(pickle.dumps(e))
        assert type(copy) is cls and (copy.code, copy.field) == (code, "x.y")


def test_a_binary_sponsor_network_is_refused_with_its_path():
    # The sponsor network is who enrolled whom: placement structures get their own network.
    with pytest.raises(downline.InvalidArgument) as info:
        downline.open("memory:", {"networks": [{"name": "sponsor", "structure": "binary"}]})
    assert info.value.code == "INVALID_ARGUMENT"
    assert info.value.field == "networks[0].structure"


def test_unimplemented_maps_to_not_implemented_error():
    from downline._errors import class_for_code

    assert issubclass(class_for_code("UNIMPLEMENTED"), NotImplementedError)


# --- money ------------------------------------------------------------------------------


def test_money_is_an_exact_decimal():
    m = downline.money("12.345", "USD")
    assert m == downline.Money(Decimal("12.345"), "USD")
    assert m.amount == Decimal("12.345") and str(m.amount) == "12.345"
    assert isinstance(m.amount, Decimal)
    assert m.currency == "USD"
    assert str(m) == "12.345 USD"
    assert downline.money("12.50", "EUR").amount == Decimal("12.5")
    assert downline.money(7, "COP").amount == Decimal(7)
    assert downline.money(Decimal("1E+2"), "USD").amount == Decimal(100)
    with pytest.raises(AttributeError):
        m.amount = Decimal(1)  # type: ignore[misc]


def test_money_rejects_bad_input():
    with pytest.raises(downline.InvalidArgument) as info:
        downline.money("12.34", "usd")
    assert isinstance(info.value, ValueError)
    assert (info.value.code, info.value.field) == ("INVALID_ARGUMENT", "currency")
    with pytest.raises(downline.InvalidArgument) as info:
        downline.money("1.1234567", "USD")
    assert info.value.field == "amount"
    with pytest.raises(downline.InvalidArgument):
        downline.money("twelve", "USD")
    with pytest.raises(TypeError):
        downline.money(12.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        downline.money("12.5", None)  # type: ignore[arg-type]


# --- the package surface ----------------------------------------------------------------


def test_result_types_are_read_only(company, admin, tree: Tree):
    p = company.person(admin, tree.root)
    with pytest.raises(AttributeError):
        p.id = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        downline.Person()  # no public constructor
    assert repr(p).startswith("Person(id=")
    assert "Actor.staff('backend', ['admin'])" == repr(admin)


def test_public_names_exist():
    for name in downline.__all__:
        assert hasattr(downline, name), name
    assert downline.__version__.count(".") == 2


def test_to_pandas(company, admin, tree: Tree):
    pd = pytest.importorskip("pandas")
    df = company.downline(admin, tree.root).to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df["id"]) == [tree.ana, tree.carla, tree.bruno]


# --- users ----------------------------------------------------------------------------


def test_a_stored_user_acts_with_its_roles_and_person(company, admin, tree: Tree):
    company.add_user(admin, "ana", ["leader"], person=tree.ana)
    company.add_user(admin, "ops", ["operator"])
    ana = company.actor_for("ana")
    assert (ana.login, ana.person, ana.roles) == ("ana", tree.ana, ["leader"])
    assert company.person(ana, tree.ana).id == tree.ana
    with pytest.raises(downline.PermissionDenied):
        company.person(ana, tree.root)
    assert company.actor_for("ops").sees_everyone
    assert company.events(admin)[-1].kind == "user_added"


def test_bad_users_are_refused_and_nothing_is_written(company, admin, tree: Tree):
    company.add_user(admin, "taken", ["seller"])
    before = company.last_event()
    with pytest.raises(downline.AlreadyExists) as info:
        company.add_user(admin, "taken", ["seller"])
    assert info.value.field == "login"
    with pytest.raises(downline.NotFound):
        company.add_user(admin, "ghost", ["seller"], person=999)
    with pytest.raises(downline.InvalidArgument) as info:
        company.add_user(admin, "shouty", ["ADMIN"])
    assert info.value.field == "roles[0]"
    with pytest.raises(downline.PermissionDenied):
        company.add_user(downline.Actor.of_person(tree.ana), "x", ["admin"])
    with pytest.raises(TypeError):
        company.add_user(admin, 42, ["seller"])  # type: ignore[arg-type]
    assert company.last_event() == before
    with pytest.raises(downline.NotFound):
        company.actor_for("ghost")


def test_every_error_code_has_its_class():
    from downline import _errors

    for code, base in [
        ("INVALID_ARGUMENT", ValueError),
        ("NOT_FOUND", LookupError),
        ("PERMISSION_DENIED", PermissionError),
        ("RESOURCE_EXHAUSTED", downline.Error),
        ("OUT_OF_RANGE", ValueError),
        ("UNIMPLEMENTED", NotImplementedError),
    ]:
        cls = _errors.class_for_code(code)
        assert cls.code == code and issubclass(cls, downline.Error) and issubclass(cls, base)
    assert downline.ResourceExhausted.code == "RESOURCE_EXHAUSTED"
