"""downline.RuleBook: loading, evaluating and unit-testing business rules
from Python, on the seeds' rule examples in examples/rules. Every decision
is the C++ library's; these tests check that the package carries it over
faithfully (values, errors with their field, the report's text)."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import threading
from decimal import Decimal

import pytest

import downline

UTC = dt.timezone.utc

# The examples live in the source tree, next to python/.
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "rules"
RULES = EXAMPLES / "seeds.rules.json"
SEED_CASES = EXAMPLES / "seeds.cases.json"
FAILING_CASES = EXAMPLES / "failing.cases.json"
FAILING_EXPECTED = EXAMPLES / "failing.expected.txt"

# Seed 000's segment AA: average order above 300,000 and 6+ consecutive campaigns.
FACTS_AA = {"campaign": {"average_order": "300000.01", "consecutive_campaigns": 6}}
DECISION_AA = {"rule": "segment-aa", "version": 1, "action": "assign_segment", "segment": "AA"}
AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def read_json(path: pathlib.Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book() -> downline.RuleBook:
    return downline.RuleBook.load(RULES)


# --- loading ------------------------------------------------------------------------


def test_load_from_path_dict_and_str_gives_the_same_book(book: downline.RuleBook) -> None:
    document = read_json(RULES)
    assert isinstance(document, dict)
    assert len(book) == len(document["rules"])  # one per rule version
    assert len(downline.RuleBook.load(document)) == len(book)
    assert len(downline.RuleBook.load(RULES.read_text(encoding="utf-8"))) == len(book)
    assert repr(book) == f"<downline.RuleBook {len(book)} rule versions>"
    assert len(downline.RuleBook.load({"rules": []})) == 0


def test_unknown_segment_is_invalid_argument_naming_the_action_field() -> None:
    document = {
        "segments": [{"id": "AA"}],
        "rules": [
            {
                "id": "r",
                "trigger": "campaign_close",
                "then": [{"action": "assign_segment", "segment": "ZZ"}],
            }
        ],
    }
    with pytest.raises(downline.InvalidArgument) as info:
        downline.RuleBook.load(document)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.code == "INVALID_ARGUMENT"
    assert e.field == "rules[0].then[0].segment"
    assert "ZZ" in e.message


def test_malformed_json_is_invalid_argument_on_the_whole_document() -> None:
    with pytest.raises(downline.InvalidArgument) as info:
        downline.RuleBook.load('{"rules": [')
    assert info.value.field == "$"


def test_cyclic_dict_is_invalid_argument_not_a_bare_value_error() -> None:
    document: dict[str, object] = {"segments": [{"id": "AA"}]}
    document["rules"] = [document]
    with pytest.raises(downline.InvalidArgument) as info:
        downline.RuleBook.load(document)
    assert info.value.field == "$"
    assert "rules document is cyclic" in info.value.message


def test_load_refuses_other_types() -> None:
    documents: list[object] = [42, None, b"{}", [{"rules": []}]]
    for document in documents:
        with pytest.raises(TypeError):
            downline.RuleBook.load(document)  # type: ignore[arg-type]


# --- unit tests of rules --------------------------------------------------------------


def test_seed_cases_pass(book: downline.RuleBook) -> None:
    report = book.test(SEED_CASES)
    assert isinstance(report, downline.RuleTestReport)
    assert report.passed is True
    assert bool(report)
    assert (report.total, report.failed) == (13, 0)
    assert len(report.cases) == 13
    assert all(case["passed"] and case["diff"] == "" for case in report.cases)
    assert str(report) == report.text
    assert report.text.startswith("rules test: 13 cases, 13 passed, 0 failed\n")
    # The same cases as Python values and as JSON text.
    cases = read_json(SEED_CASES)
    assert book.test(cases) == report  # type: ignore[arg-type]
    assert book.test(SEED_CASES.read_text(encoding="utf-8")) == report


def test_failing_case_is_data_with_the_report_the_cli_prints(book: downline.RuleBook) -> None:
    report = book.test(FAILING_CASES)
    assert report.passed is False
    assert not report
    assert (report.total, report.failed) == (2, 1)
    assert report.text == FAILING_EXPECTED.read_text(encoding="utf-8")
    assert str(report) == report.text
    assert "  - assign_segment {\"segment\":\"AA\"}\n" in report.text
    assert "  + assign_segment {\"segment\":\"B\"}  (rule segment-b v1)\n" in report.text

    passing, failing = report.cases
    assert passing["passed"] is True and passing["diff"] == ""
    assert passing["decisions"] == [
        {"rule": "segment-c", "version": 1, "action": "assign_segment", "segment": "C"}
    ]
    assert failing["name"] == "a wrong expectation: exactly 300,000 is not above 300,000"
    assert failing["passed"] is False
    assert failing["decisions"] == [
        {"rule": "segment-b", "version": 1, "action": "assign_segment", "segment": "B"}
    ]
    assert failing["diff"] and failing["diff"] in report.text
    # The report is frozen, and its repr is short.
    with pytest.raises(AttributeError):
        report.passed = True  # type: ignore[misc]
    assert repr(report) == "RuleTestReport(passed=False, total=2, failed=1)"


def test_cases_as_a_list_of_dicts(book: downline.RuleBook) -> None:
    report = book.test(
        [
            {
                "name": "AA",
                "trigger": "campaign_close",
                "facts": FACTS_AA,
                "expect": [{"action": "assign_segment", "segment": "AA"}],
            }
        ]
    )
    assert report.passed and report.total == 1


def test_malformed_cases_are_invalid_argument_naming_the_field(book: downline.RuleBook) -> None:
    with pytest.raises(downline.InvalidArgument) as info:
        book.test([{"name": "x", "trigger": "nope", "facts": {}, "expect": []}])
    assert info.value.field == "[0].trigger"
    with pytest.raises(downline.InvalidArgument) as info:
        book.test("[{")
    assert info.value.field == "$"
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(downline.InvalidArgument) as info:
        book.test(cyclic)
    assert info.value.field == "$"
    with pytest.raises(TypeError):
        book.test(42)  # type: ignore[arg-type]


# --- evaluation ---------------------------------------------------------------------


def test_evaluate_decides_segment_aa(book: downline.RuleBook) -> None:
    result = book.evaluate("campaign_close", FACTS_AA, AT)
    assert result == {"decisions": [DECISION_AA], "trace": None}
    # Decimals are exact on the way in; `at` defaults to now.
    facts = {"campaign": {"average_order": Decimal("300000.01"), "consecutive_campaigns": 6}}
    assert book.evaluate("campaign_close", facts)["decisions"] == [DECISION_AA]
    # Exactly 300,000 is not above 300,000.
    facts = {"campaign": {"average_order": Decimal("300000.00"), "consecutive_campaigns": 6}}
    assert book.evaluate("campaign_close", facts, AT)["decisions"][0]["segment"] == "B"


def test_evaluate_with_trace_lists_every_rule_of_the_trigger(book: downline.RuleBook) -> None:
    result = book.evaluate("campaign_close", FACTS_AA, AT, trace=True)
    assert result["decisions"] == [DECISION_AA]
    trace = result["trace"]
    assert isinstance(trace, list) and trace
    by_rule = {entry["rule"]: entry for entry in trace}
    assert by_rule["segment-aa"]["outcome"] == "fired"
    assert by_rule["rank-platinum"]["outcome"] == "not_met"
    outcomes = {"fired", "not_met", "not_effective", "skipped"}
    assert all(entry["outcome"] in outcomes for entry in trace)
    assert by_rule["segment-aa"]["conditions"]


def test_no_rule_firing_is_an_empty_list(book: downline.RuleBook) -> None:
    result = book.evaluate("order_state_changed", {"order": {"state": "draft"}}, AT)
    assert result == {"decisions": [], "trace": None}


def test_at_selects_the_rule_version_in_effect(book: downline.RuleBook) -> None:
    facts = {
        "person": {"status": "active"},
        "order": {
            "state": "paid",
            "previous_state": "placed",
            "amount": Decimal("50000.00"),
            "first_purchase": True,
            "lines": [{"sku": "X", "quantity": 1}],
        },
    }

    def gift(at: dt.datetime) -> str:
        (decision,) = book.evaluate("order_state_changed", facts, at)["decisions"]
        assert decision["rule"] == "first-purchase-gift"
        return f'{decision["sku"]} v{decision["version"]}'

    # Version 2 is effective from 2026-07-01T05:00:00Z; other offsets count.
    assert gift(dt.datetime(2026, 7, 1, 4, 59, 59, tzinfo=UTC)) == "GIFT-01 v1"
    assert gift(dt.datetime(2026, 7, 1, 5, 0, tzinfo=UTC)) == "GIFT-02 v2"
    bogota = dt.timezone(dt.timedelta(hours=-5))
    assert gift(dt.datetime(2026, 6, 30, 23, 59, tzinfo=bogota)) == "GIFT-01 v1"
    assert gift(dt.datetime(2026, 7, 1, 0, 0, tzinfo=bogota)) == "GIFT-02 v2"


def test_bad_evaluate_arguments(book: downline.RuleBook) -> None:
    with pytest.raises(downline.InvalidArgument) as info:
        book.evaluate("campaign_closed", FACTS_AA, AT)
    assert info.value.field == "trigger"
    # A naive datetime has no offset: the library refuses it, not Python.
    with pytest.raises(downline.InvalidArgument) as info:
        book.evaluate("campaign_close", FACTS_AA, dt.datetime(2026, 3, 1, 12, 0))
    assert info.value.field == "at"
    # Facts outside the model name their path.
    with pytest.raises(downline.InvalidArgument) as info:
        book.evaluate("campaign_close", {"campaign": {"average_order": [1]}}, AT)
    assert info.value.field.startswith("campaign.average_order")
    cyclic: dict[str, object] = {}
    cyclic["campaign"] = cyclic
    with pytest.raises(downline.InvalidArgument) as info:
        book.evaluate("campaign_close", cyclic, AT)
    assert info.value.field == "$"
    for call in (
        lambda: book.evaluate(42, FACTS_AA),  # type: ignore[arg-type]
        lambda: book.evaluate("campaign_close", "{}"),  # type: ignore[arg-type]
        lambda: book.evaluate("campaign_close", FACTS_AA, "2026-03-01T12:00:00Z"),  # type: ignore[arg-type]
        lambda: book.evaluate("campaign_close", FACTS_AA, dt.date(2026, 3, 1)),  # type: ignore[arg-type]
        lambda: book.evaluate("campaign_close", FACTS_AA, AT, trace=1),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            call()


def test_rule_over_its_budget_is_resource_exhausted() -> None:
    # 1000 x 1000 literal elements: more than the million operations one
    # evaluation may perform (LogicLimits::max_operations).
    numbers = list(range(1000))
    document = {
        "segments": [{"id": "AA"}],
        "rules": [
            {
                "id": "hostile",
                "trigger": "campaign_close",
                "when": {
                    "some": [
                        {"map": [numbers, {"map": [numbers, {"var": ""}]}]},
                        {"==": [{"var": ""}, 0]},
                    ]
                },
                "then": [{"action": "assign_segment", "segment": "AA"}],
            }
        ],
    }
    hostile = downline.RuleBook.load(document)
    with pytest.raises(downline.ResourceExhausted) as info:
        hostile.evaluate("campaign_close", {}, AT)
    assert info.value.code == "RESOURCE_EXHAUSTED"
    assert info.value.field == "rules[0].when"
    # The book is still usable, for the triggers the rule is not on.
    assert hostile.evaluate("enrollment", {}, AT) == {"decisions": [], "trace": None}


def test_one_book_from_many_threads(book: downline.RuleBook) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for i in range(50):
                result = book.evaluate("campaign_close", FACTS_AA, AT, trace=i % 2 == 0)
                assert result["decisions"] == [DECISION_AA]
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_enrollment_rules_of_a_company_decide_and_are_returned() -> None:
    config = {
        "company": {"name": "Rules Inc"},
        "rules": [
            {
                "id": "review-foreign",
                "trigger": "enrollment",
                "when": {"!": {"in": [{"var": "person.country"}, ["CO"]]}},
                "then": [
                    {"action": "flag_for_review", "reason": "outside coverage"},
                    {"action": "inactivate"},
                ],
            }
        ],
    }
    admin = downline.Actor.staff("backend", ["admin"])
    person = {"first_name": "Ana", "last_name": "Ruiz", "email": "ana@example.com"}
    with downline.open("memory:", config) as co:
        home = co.enroll(admin, {"person": {**person, "country": "CO"}})
        assert home.accepted and home.decisions == []
        abroad = co.enroll(admin, {"sponsor": home.person, "person": {**person, "email": "b@example.com", "country": "US"}})
        assert abroad.accepted
        assert [d["action"] for d in abroad.decisions] == ["flag_for_review", "inactivate"]
        assert abroad.decisions[0]["rule"] == "review-foreign" and abroad.decisions[0]["version"] == 1
        assert co.person(admin, abroad.person).status == "inactive"
        bulk = co.enroll_many(admin, [{"sponsor": home.person, "person": {**person, "email": "c@example.com", "country": "PE"}}])
        assert bulk.decisions[0][1]["action"] == "inactivate"
