"""downline — enrollment and genealogy of direct-selling companies, from Python.

A thin layer over the C++ library: every decision (validation, permissions,
levels, ...) is taken by the library. This package only turns Python values
into the library's JSON forms and back::

    import downline

    config = {"company": {"name": "Acme", "currency": "USD", "time_zone": "UTC"}}
    with downline.open("sqlite:acme.db", config) as co:
        admin = downline.Actor.staff("backend", ["admin"])
        out = co.enroll(admin, {"person": {"first_name": "Ana", "last_name": "Ruiz",
                                           "email": "ana@example.com"}})
        if out.accepted:
            print(co.person(admin, out.person))
        else:
            for f in out.findings:
                print(f.field, f.reason, f.message)

Failures raise subclasses of :class:`downline.Error` (``.code``, ``.field``);
expected negative outcomes (a rejected enrollment) come back as data.
"""

from __future__ import annotations

import builtins as _builtins
import datetime as _datetime
import decimal as _decimal
import json as _json
import operator as _operator
import os as _os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from . import _downline as _native
from ._downline import (
    Actor,
    AdjustmentOutcome,
    BulkEnrollmentOutcome,
    DownlinePage,
    EnrollmentOutcome,
    Event,
    Finding,
    InvariantViolation,
    NetworkMember,
    OpenSlot,
    Person,
    PersonData,
    VerifyReport,
)
from ._errors import (
    Aborted,
    AlreadyExists,
    DataLoss,
    Error,
    FailedPrecondition,
    ResourceExhausted,
    Internal,
    InvalidArgument,
    NotFound,
    OutOfRange,
    PermissionDenied,
    Unavailable,
    Unimplemented,
)

__version__: str = _native.__version__

__all__ = [
    "open",
    "rfm",
    "Company",
    "Actor",
    "Money",
    "money",
    "Person",
    "PersonData",
    "NetworkMember",
    "OpenSlot",
    "AdjustmentOutcome",
    "DownlinePage",
    "EnrollmentOutcome",
    "BulkEnrollmentOutcome",
    "Finding",
    "Event",
    "VerifyReport",
    "InvariantViolation",
    "LegTotals",
    "LegVolume",
    "PersonFigures",
    "RankPeriod",
    "RecalculationSummary",
    "RuleBook",
    "RuleTestReport",
    "Error",
    "InvalidArgument",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "FailedPrecondition",
    "ResourceExhausted",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "SPONSOR",
    "REFERRAL",
    "__version__",
]

#: The network every query uses unless told otherwise.
SPONSOR = "sponsor"
#: The network of who invited whom.
REFERRAL = "referral"


# --- Python values to the library's JSON forms ---------------------------------
# Type conversion only: whether a value is acceptable is the library's call.


def _json_default(value: Any) -> Any:
    if isinstance(value, _datetime.datetime):
        # RFC 3339; a naive datetime has no offset and the library refuses it.
        return value.isoformat()
    if isinstance(value, _datetime.date):
        return value.isoformat()
    if isinstance(value, _decimal.Decimal):
        return format(value, "f")
    if isinstance(value, Money):
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    raise TypeError(f"{type(value).__name__} is not a JSON value downline understands")


def _to_json(value: Any) -> str:
    # ASCII with \u escapes: the library's parser decodes them, and decides
    # about lone surrogates (a str that is not valid Unicode).
    return _json.dumps(value, default=_json_default)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {_type_name(value)}")
    return value


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{name} must be an int, not {_type_name(value)}")
    return _operator.index(value)


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {_type_name(value)}")
    return value


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {_type_name(value)}")
    return value


def _datetime_arg(value: Any, name: str) -> str:
    # A naive datetime has no offset: the library refuses it, not Python.
    if not isinstance(value, _datetime.datetime):
        raise TypeError(f"{name} must be a datetime, not {_type_name(value)}")
    return value.isoformat()


def _names(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable) or isinstance(value, (bytes, Mapping)):
        raise TypeError(f"{name} must be a str or a list of str, not {_type_name(value)}")
    names = list(value)
    for item in names:
        _str(item, f"{name}[]")
    return names


def _query(
    network: str,
    max_depth: int | None,
    types: Iterable[str] | str | None,
    statuses: Iterable[str] | str | None,
    offset: int = 0,
    limit: int | None = None,
    max_generation: int | None = None,
) -> str:
    query: dict[str, Any] = {"network": _str(network, "network"), "offset": _int(offset, "offset")}
    if max_depth is not None:
        query["max_depth"] = _int(max_depth, "max_depth")
    if max_generation is not None:
        query["max_generation"] = _int(max_generation, "max_generation")
    if types is not None:
        query["types"] = _names(types, "types")
    if statuses is not None:
        query["statuses"] = _names(statuses, "statuses")
    if limit is not None:
        query["limit"] = _int(limit, "limit")
    return _to_json(query)


def _config_json(config: Any) -> str:
    if isinstance(config, str):
        return config
    if isinstance(config, Mapping):
        return _to_json(config)
    if isinstance(config, _os.PathLike):
        with _builtins.open(config, encoding="utf-8") as f:
            return f.read()
    raise TypeError(f"config must be a JSON str, a dict or a path, not {_type_name(config)}")


def _document_json(value: Any, what: str) -> str:
    # A dict or list that contains itself has no JSON form: the caller's
    # input is at fault, so it is InvalidArgument on the whole document.
    try:
        return _to_json(value)
    except ValueError as e:
        if "Circular reference" not in str(e):
            raise
        raise InvalidArgument(
            f"{what} is cyclic: a dict or list in it contains itself", field="$"
        ) from e


def _document_text(value: Any, name: str, what: str, containers: tuple[type, ...]) -> str:
    # JSON text as is, a path-like read from its file, Python values encoded.
    if isinstance(value, str):
        return value
    if isinstance(value, _os.PathLike):
        with _builtins.open(value, encoding="utf-8") as f:
            return f.read()
    if isinstance(value, containers):
        return _document_json(value, what)
    kinds = ", a ".join("dict" if t is Mapping else t.__name__ for t in containers)
    raise TypeError(f"{name} must be a {kinds}, a JSON str or a path, not {_type_name(value)}")



# --- money ------------------------------------------------------------------------


def _amount_text(amount: Any) -> str:
    if isinstance(amount, str):
        return amount
    if isinstance(amount, _decimal.Decimal):
        return format(amount, "f")
    if isinstance(amount, int) and not isinstance(amount, bool):
        return str(amount)
    raise TypeError(f"amount must be a str, int or Decimal (never a float), not {_type_name(amount)}")


@dataclass(frozen=True)
class Money:
    """An exact amount in a currency (ISO 4217 code).

    Built through the library's parser, so an instance always holds a valid
    amount (at most 6 decimals) and currency; ``amount`` is a
    :class:`decimal.Decimal` in canonical form (``Decimal('12.5')``).
    Raises InvalidArgument (bad amount or currency) or OutOfRange.
    """

    amount: _decimal.Decimal
    currency: str

    def __post_init__(self) -> None:
        amount, currency = _native.money(_amount_text(self.amount), _str(self.currency, "currency"))
        object.__setattr__(self, "amount", _decimal.Decimal(amount))
        object.__setattr__(self, "currency", currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def money(amount: str | int | _decimal.Decimal, currency: str) -> Money:
    """``money("12.345", "USD")`` → ``Money(amount=Decimal('12.345'), currency='USD')``."""
    return Money(amount, currency)  # type: ignore[arg-type]


# --- segmentation -----------------------------------------------------------------


def _transactions(transactions: Any) -> list[dict[str, Any]]:
    # A DataFrame (columns customer, date, revenue), or dicts, or tuples.
    if hasattr(transactions, "itertuples") and hasattr(transactions, "columns"):
        frame = transactions[["customer", "date", "revenue"]]
        transactions = frame.itertuples(index=False, name=None)
    out = []
    for t in transactions:
        customer, date, revenue = (
            (t["customer"], t["date"], t["revenue"]) if isinstance(t, Mapping) else t
        )
        if hasattr(date, "date") and callable(date.date):  # a datetime or pandas Timestamp
            date = date.date()
        out.append({"customer": customer, "date": date, "revenue": _amount_text(revenue)})
    return out


def rfm(
    transactions: Any,
    analysis_date: _datetime.date | str,
    *,
    bins: Mapping[str, int] | None = None,
    thresholds: Mapping[str, list[Any]] | None = None,
    segments: list[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """RFM scores with the R ``rfm`` package's semantics (docs/segments.md).

    ``transactions``: a DataFrame with columns ``customer``, ``date``,
    ``revenue``, or an iterable of such dicts or ``(customer, date,
    revenue)`` tuples; revenue as str, int or Decimal (never a float).
    ``bins``: ``{"recency": 5, "frequency": 5, "monetary": 5}``;
    ``thresholds``: fixed ascending cuts per measure instead of quantiles;
    ``segments``: ``[{"name", "recency": [lo, hi], "frequency": [...],
    "monetary": [...]}]`` checked in order. Returns ``{"rows": [...],
    "bins": {...}}``, a row per customer in byte order with ``amount`` a
    Decimal and ``most_recent`` a date. Raises InvalidArgument naming the
    field, OutOfRange."""
    options: dict[str, Any] = {"analysis_date": analysis_date}
    if bins is not None:
        options["bins"] = dict(bins)
    if thresholds is not None:
        options["thresholds"] = {k: [_amount_text(v) for v in vs] for k, vs in thresholds.items()}
    if segments is not None:
        options["segments"] = [dict(s) for s in segments]
    x: dict[str, Any] = _json.loads(
        _native.rfm_json(_to_json(_transactions(transactions)), _to_json(options))
    )
    for row in x["rows"]:
        row["amount"] = _decimal.Decimal(row["amount"])
        row["most_recent"] = _datetime.date.fromisoformat(row["most_recent"])
    for measure in x["bins"].values():
        for b in measure:
            b["lower"] = _decimal.Decimal(b["lower"])
            b["upper"] = _decimal.Decimal(b["upper"])
    return x


# --- figures and ranks ------------------------------------------------------------
# The library answers these in its JSON forms; they become frozen dataclasses
# with Decimal volumes and tz-aware datetimes here.


def _instant(text: str | None) -> _datetime.datetime | None:
    return None if text is None else _datetime.datetime.fromisoformat(text)


def _id(text: str | None) -> int | None:
    return None if text is None else int(text)


def _campaign(x: dict[str, Any]) -> dict[str, Any]:
    x["start"] = _datetime.date.fromisoformat(x["start"])
    x["end"] = _datetime.date.fromisoformat(x["end"])
    x["starts_at"] = _instant(x["starts_at"])
    x["ends_at"] = _instant(x["ends_at"])
    x["closed_at"] = _instant(x["closed_at"])
    return x


@dataclass(frozen=True)
class LegTotals:
    """One leg of a person: a direct child (``leg``; None when the actor may
    not see them) and everyone below, counting the persons the actor sees."""

    leg: int | None
    position: int
    persons: int
    active: int


@dataclass(frozen=True)
class RankPeriod:
    """One period of a person's rank history; ``until`` is None while held,
    ``held_days`` whole days held (to now while held)."""

    rank: str
    previous_rank: str
    campaign: str
    since: _datetime.datetime
    until: _datetime.datetime | None
    held_days: int
    event: int


@dataclass(frozen=True)
class RecalculationSummary:
    """What a recalculation covered: the persons placed, their PV summed, and
    when it ran (its figures describe the tree of that instant)."""

    network: str
    persons: int
    total_volume: _decimal.Decimal
    at: _datetime.datetime


@dataclass(frozen=True)
class LegVolume:
    """One leg as the last recalculation saw it."""

    leg: int | None
    position: int
    persons: int
    group_volume: _decimal.Decimal


@dataclass(frozen=True)
class PersonFigures:
    """A person's figures from the last recalculation of a network, as the
    tree was then: PV, group volume, downline and active counts, per-level
    counts (index 0 = level 1) and one :class:`LegVolume` per direct child."""

    person: int
    personal_volume: _decimal.Decimal
    group_volume: _decimal.Decimal
    downline: int
    active_downline: int
    level_counts: list[int]
    active_level_counts: list[int]
    legs: list[LegVolume]
    recalculated_at: _datetime.datetime


def _records(
    text: str, *, ids: tuple[str, ...] = (), instants: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """A JSON array of objects with its id strings as ints and its instants
    as datetimes."""
    rows: list[dict[str, Any]] = _json.loads(text)
    for row in rows:
        for key in ids:
            row[key] = _id(row[key])
        for key in instants:
            row[key] = _instant(row[key])
    return rows


def _work_item(x: dict[str, Any]) -> dict[str, Any]:
    """A work item's JSON with ints, Decimals and datetimes."""
    x["id"] = int(x["id"])
    x["person"] = _id(x["person"])
    x["created_at"] = _instant(x["created_at"])
    x["amount"] = None if x["amount"] is None else _decimal.Decimal(x["amount"])
    for d in x["decisions"]:
        d["at"] = _instant(d["at"])
        d["amount"] = None if d["amount"] is None else _decimal.Decimal(d["amount"])
    return x


def _volumes(personal_volumes: Any) -> list[dict[str, Any]]:
    if isinstance(personal_volumes, Mapping):
        items = list(personal_volumes.items())
    elif isinstance(personal_volumes, Iterable) and not isinstance(personal_volumes, (str, bytes)):
        items = list(personal_volumes)
    else:
        raise TypeError(
            "personal_volumes must be a dict {person: volume} or a list of (person, volume), "
            f"not {_type_name(personal_volumes)}"
        )
    out = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError(f"personal_volumes items must be (person, volume), not {item!r}")
        out.append(
            {"person": _int(item[0], "person"), "volume": _amount_text(item[1])}
        )
    return out


# --- the company --------------------------------------------------------------------


class Company:
    """A direct-selling company: its persons, networks and history.

    Returned by :func:`downline.open`. Safe to use from several threads (the
    library serialises writes); calls release the GIL. Close it with
    :meth:`close` or a ``with`` block.
    """

    __slots__ = ("_native", "_uri")

    def __init__(self, native: Any, uri: str) -> None:
        self._native = native
        self._uri = uri

    # lifecycle
    def close(self) -> None:
        """Closes the store; later calls raise FailedPrecondition. Idempotent."""
        self._native.close()

    @property
    def closed(self) -> bool:
        return bool(self._native.closed)

    @property
    def uri(self) -> str:
        return self._uri

    def __enter__(self) -> Company:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<downline.Company {self._uri!r} {state}>"

    # enrollment
    def enroll(self, actor: Actor, request: Mapping[str, Any]) -> EnrollmentOutcome:
        """Enrolls one person (one transaction). A rejection is an outcome with
        ``accepted == False`` and every finding, nothing written."""
        return self._native.enroll(actor, _to_json(_mapping(request, "request")))

    def enroll_many(
        self,
        actor: Actor,
        requests: Iterable[Mapping[str, Any]],
        *,
        progress: Callable[[int, int], object] | None = None,
    ) -> BulkEnrollmentOutcome:
        """Enrolls many persons in one transaction, all or nothing. A sponsor
        may be named by ``sponsor_external_id`` of an earlier request.
        ``progress(done, total)`` is called as work goes on; it must not call
        back into this Company, and an exception it raises cancels the call."""
        if isinstance(requests, (str, bytes, Mapping)) or not isinstance(requests, Iterable):
            raise TypeError(f"requests must be a list of dicts, not {_type_name(requests)}")
        items = [_mapping(r, f"requests[{i}]") for i, r in enumerate(requests)]
        return self._native.enroll_many(actor, _to_json(items), progress)

    def import_csv(
        self,
        actor: Actor,
        path: str | _os.PathLike[str],
        *,
        channel: str | None = None,
        type: str | None = None,
        columns: Mapping[str, str] | None = None,
        batch_size: int | None = None,
        delimiter: str | None = None,
        reason: str | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> dict[str, Any]:
        """Enrolls the rows of a CSV file batch by batch: rejected rows are
        reported with their findings, the others enrolled, and rows whose
        external id is enrolled already are left alone (a second run adds
        nothing). ``columns`` maps headers to field names; ``progress(done,
        total)`` gets bytes read and the file size. Returns ``rows``,
        ``enrolled``, ``existing``, ``rejected`` (``line``, ``external_id``,
        ``findings``) and ``last_event``."""
        options: dict[str, Any] = {}
        for key, value in (
            ("channel", channel), ("type", type), ("batch_size", batch_size),
            ("delimiter", delimiter), ("reason", reason),
        ):
            if value is not None:
                options[key] = value
        if columns is not None:
            options["columns"] = dict(_mapping(columns, "columns"))
        report: dict[str, Any] = _json.loads(
            self._native.import_csv_json(actor, _os.fspath(path), _to_json(options), progress)
        )
        report["last_event"] = _id(report["last_event"])
        return report

    # persons
    def person(self, actor: Actor, person: int) -> Person:
        """The person with this id; raises NotFound, PermissionDenied."""
        return self._native.person(actor, _int(person, "person"))

    def find_person(self, actor: Actor, external_id: str) -> int | None:
        """The id of the visible person with this external id, or None."""
        return self._native.find_person(actor, _str(external_id, "external_id"))

    def person_count(self, actor: Actor) -> int:
        """Number of persons the actor sees."""
        return self._native.person_count(actor)

    # genealogy
    def upline(
        self, actor: Actor, person: int, *, network: str = SPONSOR, max_levels: int | None = None
    ) -> list[NetworkMember]:
        """The upline of ``person``, nearest first, up to ``max_levels``."""
        return self._native.upline(
            actor,
            _int(person, "person"),
            _str(network, "network"),
            None if max_levels is None else _int(max_levels, "max_levels"),
        )

    def downline(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = SPONSOR,
        max_depth: int | None = None,
        types: Iterable[str] | str | None = None,
        statuses: Iterable[str] | str | None = None,
        offset: int = 0,
        limit: int | None = None,
        max_generation: int | None = None,
    ) -> DownlinePage:
        """A page of ``person``'s downline, depth-first in enrollment order.
        ``max_depth`` 1 = direct recruits; ``max_generation`` 1 = the first
        generation; ``types`` / ``statuses`` filter by lower-case names
        ("consultant", "active"); ``total`` counts the matches before
        paging. Each member's ``generation`` is counted below ``person``."""
        return self._native.downline(
            actor,
            _int(person, "person"),
            _query(network, max_depth, types, statuses, offset, limit, max_generation),
        )

    def is_in_downline(self, actor: Actor, person: int, of: int, *, network: str = SPONSOR) -> bool:
        """True when ``person`` is strictly below ``of``."""
        return self._native.is_in_downline(
            actor, _int(person, "person"), _int(of, "of"), _str(network, "network")
        )

    def level(self, actor: Actor, person: int, *, network: str = SPONSOR) -> int:
        """Absolute level of ``person`` (0 for a parent of the network)."""
        return self._native.level(actor, _int(person, "person"), _str(network, "network"))

    def relative_level(
        self, actor: Actor, person: int, upline: int, *, network: str = SPONSOR
    ) -> int:
        """Level of ``person`` below ``upline`` (1 = direct); FailedPrecondition
        when ``upline`` is not above ``person``."""
        return self._native.relative_level(
            actor, _int(person, "person"), _int(upline, "upline"), _str(network, "network")
        )

    def network_id(self, actor: Actor, person: int, *, network: str = SPONSOR) -> str:
        """Ids from the network's parent down to ``person``: ``"1.5.42"``."""
        return self._native.network_id(actor, _int(person, "person"), _str(network, "network"))

    def level_counts(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = SPONSOR,
        max_depth: int | None = None,
        types: Iterable[str] | str | None = None,
        statuses: Iterable[str] | str | None = None,
    ) -> list[int]:
        """Members of ``person``'s downline per relative level (index 0 = level 1)."""
        return self._native.level_counts(
            actor, _int(person, "person"), _query(network, max_depth, types, statuses)
        )

    def generation(
        self, actor: Actor, person: int, upline: int, *, network: str = SPONSOR
    ) -> int:
        """Generation of ``person`` below ``upline``: 1 + the persons of the
        network's generation rank or above strictly between them (the
        relative level when the network names no rank); FailedPrecondition
        when ``upline`` is not above ``person``."""
        return self._native.generation(
            actor, _int(person, "person"), _int(upline, "upline"), _str(network, "network")
        )

    def generation_counts(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = SPONSOR,
        max_depth: int | None = None,
        max_generation: int | None = None,
        types: Iterable[str] | str | None = None,
        statuses: Iterable[str] | str | None = None,
    ) -> list[int]:
        """Members of ``person``'s downline per generation (index 0 = the first)."""
        query = _query(network, max_depth, types, statuses, max_generation=max_generation)
        return self._native.generation_counts(actor, _int(person, "person"), query)

    def legs(self, actor: Actor, person: int, *, network: str = SPONSOR) -> list[LegTotals]:
        """``person``'s legs, one per direct child in slot order, with the
        persons in each and the active ones, counting those the actor sees."""
        raw = _json.loads(
            self._native.legs_json(actor, _int(person, "person"), _str(network, "network"))
        )
        return [LegTotals(_id(x["leg"]), x["position"], x["persons"], x["active"]) for x in raw]

    # ranks and figures
    def change_rank(
        self,
        actor: Actor,
        person: int,
        rank: str,
        *,
        campaign: str = "",
        effective_at: _datetime.datetime | None = None,
        reason: str = "",
    ) -> int:
        """Gives ``person`` a new rank (``""``: none) and records it in their
        rank history (staff only); returns the event's sequence. Raises
        InvalidArgument (a rank not in the catalog), FailedPrecondition (the
        rank already held, or effective before their latest change),
        NotFound, PermissionDenied."""
        change: dict[str, Any] = {
            "person": _int(person, "person"),
            "rank": _str(rank, "rank"),
            "campaign": _str(campaign, "campaign"),
            "reason": _str(reason, "reason"),
        }
        if effective_at is not None:
            change["effective_at"] = _datetime_arg(effective_at, "effective_at")
        return self._native.change_rank(actor, _to_json(change))

    def rank_history(self, actor: Actor, person: int) -> list[RankPeriod]:
        """``person``'s rank history, oldest first."""
        raw = _json.loads(self._native.rank_history_json(actor, _int(person, "person")))
        return [
            RankPeriod(
                x["rank"],
                x["previous_rank"],
                x["campaign"],
                _instant(x["from"]),  # type: ignore[arg-type]
                _instant(x["until"]),
                x["held_days"],
                int(x["event"]),
            )
            for x in raw
        ]

    def recalculate(
        self,
        actor: Actor,
        network: str,
        personal_volumes: Mapping[int, Any] | Iterable[tuple[int, Any]] = (),
        *,
        levels: int = 3,
    ) -> RecalculationSummary:
        """Recalculates ``network`` in one pass (staff only) from each
        person's PV (``{person: volume}``, volumes as Decimal, str or int,
        never float) and keeps the figures until the next recalculation.
        Raises InvalidArgument (a negative or repeated volume, levels above
        64), NotFound, OutOfRange, PermissionDenied."""
        request = {
            "network": _str(network, "network"),
            "personal_volumes": _volumes(personal_volumes),
            "levels": _int(levels, "levels"),
        }
        x = _json.loads(self._native.recalculate_json(actor, _to_json(request)))
        return RecalculationSummary(
            x["network"], x["persons"], _decimal.Decimal(x["total_volume"]), _instant(x["at"])  # type: ignore[arg-type]
        )

    def figures(self, actor: Actor, person: int, *, network: str = SPONSOR) -> PersonFigures:
        """``person``'s figures from ``network``'s last recalculation. Raises
        FailedPrecondition (none yet, or no place then), NotFound,
        PermissionDenied."""
        x = _json.loads(
            self._native.figures_json(actor, _int(person, "person"), _str(network, "network"))
        )
        return PersonFigures(
            int(x["person"]),
            _decimal.Decimal(x["personal_volume"]),
            _decimal.Decimal(x["group_volume"]),
            x["downline"],
            x["active_downline"],
            x["level_counts"],
            x["active_level_counts"],
            [
                LegVolume(_id(leg["leg"]), leg["position"], leg["persons"],
                          _decimal.Decimal(leg["group_volume"]))
                for leg in x["legs"]
            ],
            _instant(x["recalculated_at"]),  # type: ignore[arg-type]
        )

    def export_tree(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = SPONSOR,
        depth: int | None = None,
        format: str = "json",  # noqa: A002 - the natural name
    ) -> str:
        """``person`` and their downline as text, in pre-order, with only the
        persons the actor sees: ``format`` ``"json"`` (nested objects with
        ``"children"``), ``"csv"`` (a header and one row per person) or
        ``"dot"`` (a Graphviz digraph). ``depth`` 0 is the person alone, 1
        adds their direct recruits; None is the whole downline. Raises
        NotFound (person, network), PermissionDenied, InvalidArgument (an
        unknown format)."""
        options: dict[str, Any] = {
            "network": _str(network, "network"),
            "format": _str(format, "format"),
        }
        if depth is not None:
            options["max_depth"] = _int(depth, "depth")
        return self._native.export_tree(actor, _int(person, "person"), _to_json(options))

    def networks(self) -> list[str]:
        """Names of the configured networks."""
        return self._native.networks()

    # conversions, guests, approval workflows and credit
    def convert(
        self, actor: Actor, person: int, type: str, *, channel: str = "", reason: str = ""  # noqa: A002
    ) -> EnrollmentOutcome:
        """Converts ``person`` to ``type`` (a customer or guest becomes a
        consultant, a consultant a customer; an inactive consultant rejoins);
        ``channel``'s form decides the outcome, as at enrollment. Raises
        FailedPrecondition (of that type already), InvalidArgument, NotFound,
        PermissionDenied."""
        conversion = {"person": _int(person, "person"), "type": _str(type, "type"),
                      "channel": _str(channel, "channel"), "reason": _str(reason, "reason")}
        return self._native.convert(actor, _to_json(conversion))

    def find_guest(self, actor: Actor, quick_code: str) -> int | None:
        """The guest holding ``quick_code`` (their enrollment's
        ``quick_code``), or None."""
        return self._native.find_guest(actor, _str(quick_code, "quick_code"))

    def work_items(
        self,
        actor: Actor,
        *,
        kind: str | None = None,
        state: str | None = "open",
        person: int | None = None,
        decidable_only: bool = False,
    ) -> list[dict[str, Any]]:
        """Work items of the approval workflows (staff only), by id; ``state``
        None lists every state, ``decidable_only`` the actor's inbox. Each is a
        dict with ``id``, ``kind``, ``person``, ``state``, ``step``,
        ``roles``, ``amount`` (Decimal or None), ``detail``, ``created_at``
        and ``decisions``."""
        query: dict[str, Any] = {"state": state, "decidable_only": _bool(decidable_only, "decidable_only")}
        if kind is not None:
            query["kind"] = _str(kind, "kind")
        if person is not None:
            query["person"] = _int(person, "person")
        return [_work_item(x) for x in _json.loads(self._native.work_items_json(actor, _to_json(query)))]

    def decide(
        self, actor: Actor, item: int, *, approve: bool, reason: str = "", amount: Any = None
    ) -> dict[str, Any]:
        """Approves or rejects the next step of work item ``item``; returns
        the item as it now stands. Raises PermissionDenied (a role the step
        does not allow: ``field == "roles"``), FailedPrecondition (decided
        already), InvalidArgument, NotFound."""
        decision: dict[str, Any] = {
            "item": _int(item, "item"), "approve": _bool(approve, "approve"),
            "reason": _str(reason, "reason"),
        }
        if amount is not None:
            decision["amount"] = _amount_text(amount)
        return _work_item(_json.loads(self._native.decide_json(actor, _to_json(decision))))

    def request_credit(
        self,
        actor: Actor,
        person: int,
        *,
        amount: Any = None,
        references: Iterable[str] = (),
        attachments: Iterable[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        """Opens a credit request for ``person`` (themselves or staff); their
        credit limit stays zero until it is approved. Returns the new work
        item."""
        request: dict[str, Any] = {
            "person": _int(person, "person"),
            "references": [_str(r, "references") for r in references],
            "attachments": [dict(_mapping(a, "attachments")) for a in attachments],
        }
        if amount is not None:
            request["amount"] = _amount_text(amount)
        return _work_item(_json.loads(self._native.request_credit_json(actor, _to_json(request))))

    # activation, blacklist, contracts, attachments
    def change_status(self, actor: Actor, person: int, status: str, *, reason: str = "") -> int:
        """Changes ``person``'s status now (forced activation or
        inactivation); returns the event's sequence. Staff may change
        anyone's; a leader may reactivate an inactive member of their
        downline. Raises FailedPrecondition (the status held already),
        NotFound, PermissionDenied."""
        change = {"person": _int(person, "person"), "status": _str(status, "status"),
                  "reason": _str(reason, "reason")}
        return self._native.change_status(actor, _to_json(change))

    # --- the commercial cycle: campaigns and orders ---------------------------

    def add_campaigns(self, actor: Actor, campaigns: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Adds campaigns to the calendar (staff only): each ``{"id", "start",
        "end"}`` with local dates of the company's time zone (``date`` or
        ``"YYYY-MM-DD"``, ``end`` inclusive). Returns them with ``starts_at``
        and ``ends_at`` as tz-aware datetimes. Raises InvalidArgument (field
        ``campaigns[i].end`` ...), AlreadyExists, PermissionDenied."""
        specs = [dict(_mapping(c, "campaign")) for c in campaigns]
        return [_campaign(x) for x in _json.loads(self._native.add_campaigns_json(actor, _to_json(specs)))]

    def campaigns(self) -> list[dict[str, Any]]:
        """The calendar, by start (``id``, ``start``, ``end``, ``starts_at``,
        ``ends_at``, ``state``, ``closed_at``)."""
        return [_campaign(x) for x in _json.loads(self._native.campaigns_json())]

    def report_order(self, actor: Actor, order: Mapping[str, Any]) -> dict[str, Any]:
        """Records what the host reports of one order (staff only): ``id``,
        ``owner``, ``created_by``, ``campaign``, ``state``, ``at`` (a tz-aware
        datetime), ``amount``, ``volume`` (str, int or Decimal, never float),
        ``lines`` ([{``sku``, ``quantity``, ``amount``, ``volume``,
        ``flags``}]), ``comments`` ([{``stage``, ``text``}]). Returns
        ``result`` (created, changed, unchanged), ``campaign``,
        ``previous_state``, ``first_purchase``, ``decisions``, ``event``.
        Raises InvalidArgument, NotFound, FailedPrecondition (a state step
        back, a closed campaign, ...), PermissionDenied."""
        x: dict[str, Any] = _json.loads(
            self._native.report_order_json(actor, _to_json(dict(_mapping(order, "order"))))
        )
        x["event"] = _id(x["event"])
        return x

    def report_orders(
        self,
        actor: Actor,
        orders: Iterable[Mapping[str, Any]],
        *,
        progress: Callable[[int, int], object] | None = None,
    ) -> dict[str, Any]:
        """Records many order reports in one transaction: refused ones are
        listed in ``rejected`` (``index``, ``id``, ``findings``) with nothing
        of them written. Returns ``created``, ``changed``, ``unchanged``,
        ``rejected``, ``first_purchases``, ``rule_changes``, ``event``.
        Raises PermissionDenied, Aborted (``progress`` raised)."""
        reports = [dict(_mapping(o, "order")) for o in orders]
        x: dict[str, Any] = _json.loads(
            self._native.report_orders_json(actor, _to_json(reports), progress)
        )
        x["event"] = _id(x["event"])
        return x

    def order(self, actor: Actor, id: str) -> dict[str, Any]:
        """The order with this host id: owner, state, amounts (Decimal),
        lines, comments and ``history`` (state, at, event). Raises NotFound,
        PermissionDenied."""
        x: dict[str, Any] = _json.loads(self._native.order_json(actor, _str(id, "id")))
        x["owner"] = _id(x["owner"])
        x["created_by"] = _id(x["created_by"])
        x["amount"] = _decimal.Decimal(x["amount"])
        x["volume"] = _decimal.Decimal(x["volume"])
        for line in x["lines"]:
            line["amount"] = _decimal.Decimal(line["amount"])
            line["volume"] = _decimal.Decimal(line["volume"])
        for h in x["history"]:
            h["at"] = _instant(h["at"])
            h["event"] = _id(h["event"])
        return x

    def activity(self, actor: Actor, person: int, campaign: str) -> dict[str, Any]:
        """What ``person``'s orders add up to in ``campaign``: ``orders``,
        ``personal_volume``, ``amount`` (Decimal), ``drafts``. Raises
        NotFound, PermissionDenied."""
        x: dict[str, Any] = _json.loads(
            self._native.activity_json(actor, _int(person, "person"), _str(campaign, "campaign"))
        )
        x["personal_volume"] = _decimal.Decimal(x["personal_volume"])
        x["amount"] = _decimal.Decimal(x["amount"])
        return x

    def close_campaign(self, actor: Actor, campaign: str) -> dict[str, Any]:
        """Closes ``campaign`` (staff only), locking its orders; closing it
        again changes nothing (``already_closed``). Returns ``orders``,
        ``persons_with_orders``, ``drafts``, ``volume``, ``amount``,
        ``closed_at``, ``commercial_states``, ``paid_as`` (consultants per
        rank), ``promotions``, ``segments`` and ``digest``. Raises NotFound, FailedPrecondition (an earlier
        campaign open, or it has not ended), PermissionDenied."""
        x: dict[str, Any] = _json.loads(self._native.close_campaign_json(actor, _str(campaign, "campaign")))
        x["volume"] = _decimal.Decimal(x["volume"])
        x["amount"] = _decimal.Decimal(x["amount"])
        x["closed_at"] = _instant(x["closed_at"])
        return x

    def precalculate(self, actor: Actor, campaign: str) -> dict[str, Any]:
        """Pre-calculates ``campaign`` (staff only): the close's summary as it
        would be now (``pre_calculated`` True), kept with its explanations
        for rank_report, without changing anyone or locking the campaign;
        run it again or close to replace it. Raises NotFound,
        FailedPrecondition (closed, or an earlier campaign open),
        PermissionDenied."""
        x: dict[str, Any] = _json.loads(self._native.precalculate_json(actor, _str(campaign, "campaign")))
        x["volume"] = _decimal.Decimal(x["volume"])
        x["amount"] = _decimal.Decimal(x["amount"])
        x["closed_at"] = _instant(x["closed_at"])
        return x

    def rank_report(self, actor: Actor, person: int, campaign: str) -> dict[str, Any]:
        """The rank report card of ``person`` in a closed (or pre-calculated) ``campaign``:
        ``paid_as``, ``highest``, ``evaluated`` and ``ranks`` — each rank with
        ``met`` and its ``requirements`` (``requirement``, ``actual``,
        ``required``, ``met``; volumes as Decimal). Raises NotFound,
        PermissionDenied, FailedPrecondition (not closed, or no career plan)."""
        x: dict[str, Any] = _json.loads(
            self._native.rank_report_json(actor, _int(person, "person"), _str(campaign, "campaign"))
        )
        x["person"] = int(x["person"])
        for rank in x["ranks"]:
            for q in rank["requirements"]:
                if isinstance(q["actual"], str):
                    q["actual"] = _decimal.Decimal(q["actual"])
                    q["required"] = _decimal.Decimal(q["required"])
                if "max_per_leg" in q:
                    q["max_per_leg"] = _decimal.Decimal(q["max_per_leg"])
        return x

    def kpis(
        self,
        actor: Actor,
        campaign: str,
        *,
        root: int | None = None,
        network: str = SPONSOR,
        top: int = 10,
    ) -> dict[str, Any]:
        """The KPIs of ``campaign`` for ``root``'s network (them included) or,
        without a root, the whole company (a consultant: their own network):
        ``persons``, ``consultants``, ``customers``, ``active``, ``inactive``,
        ``new_consultants``, ``new_customers``, ``reentries``,
        ``with_orders`` / ``without_orders`` (active consultants),
        ``orders``, ``with_drafts``, ``personal_volume``, ``group_volume``,
        ``amount`` (Decimal), ``levels``, ``ranks``, ``commercial_states``,
        ``segments``, ``traffic_lights`` (counts by id), ``top_sellers``,
        ``top_recruiters`` and ``zones``. A closed campaign answers as its
        close decided. Raises NotFound, PermissionDenied, InvalidArgument."""
        query: dict[str, Any] = {
            "campaign": _str(campaign, "campaign"),
            "network": _str(network, "network"),
            "top": _int(top, "top"),
        }
        if root is not None:
            query["root"] = str(_int(root, "root"))
        x: dict[str, Any] = _json.loads(self._native.kpis_json(actor, _json.dumps(query)))
        if x["root"] is not None:
            x["root"] = int(x["root"])
        for key in ("personal_volume", "group_volume", "amount"):
            x[key] = _decimal.Decimal(x[key])
        for level in x["levels"]:
            level["volume"] = _decimal.Decimal(level["volume"])
        for leader in x["top_sellers"] + x["top_recruiters"]:
            leader["person"] = int(leader["person"])
            leader["volume"] = _decimal.Decimal(leader["volume"])
            leader["amount"] = _decimal.Decimal(leader["amount"])
        for zone in x["zones"]:
            zone["volume"] = _decimal.Decimal(zone["volume"])
            if zone["top_seller"] is not None:
                zone["top_seller"] = int(zone["top_seller"])
        return x

    def genealogy_list(
        self,
        actor: Actor,
        campaign: str,
        *,
        root: int | None = None,
        network: str = SPONSOR,
        with_orders: bool | None = None,
        lights: Iterable[str] | str | None = None,
        max_depth: int | None = None,
        limit: int = 1000,
    ) -> dict[str, Any]:
        """The persons of ``campaign``'s network with their figures, in
        pre-order: ``with_orders=False`` lists the active consultants without
        a counted order (the ones to call), ``True`` those with one;
        ``lights`` keeps those traffic lights ("red", "yellow", "green",
        "none"); ``limit`` is the record limit. Returns ``entries`` (each
        ``person``, ``level``, ``type``, ``status``, ``orders``, ``drafts``,
        ``personal_volume``, ``amount``, ``light``, ``commercial_state``,
        ``rank``, ``segment``) and ``total``. Raises like kpis()."""
        query: dict[str, Any] = {
            "campaign": _str(campaign, "campaign"),
            "network": _str(network, "network"),
            "limit": _int(limit, "limit"),
        }
        if root is not None:
            query["root"] = str(_int(root, "root"))
        if with_orders is not None:
            if not isinstance(with_orders, bool):
                raise TypeError(f"with_orders must be a bool, not {_type_name(with_orders)}")
            query["with_orders"] = with_orders
        if lights is not None:
            query["lights"] = [lights] if isinstance(lights, str) else [_str(l, "lights") for l in lights]
        if max_depth is not None:
            query["max_depth"] = _int(max_depth, "max_depth")
        x: dict[str, Any] = _json.loads(self._native.genealogy_list_json(actor, _json.dumps(query)))
        for e in x["entries"]:
            e["person"] = int(e["person"])
            e["personal_volume"] = _decimal.Decimal(e["personal_volume"])
            e["amount"] = _decimal.Decimal(e["amount"])
        return x

    def commercial_state_history(self, actor: Actor, person: int) -> list[dict[str, Any]]:
        """The closes that changed ``person``'s commercial state, oldest
        first: ``campaign``, ``state``, ``previous_state``,
        ``campaigns_without_order``, ``effective_at`` (datetime). Raises
        NotFound, PermissionDenied."""
        history: list[dict[str, Any]] = _json.loads(
            self._native.commercial_state_history_json(actor, _int(person, "person"))
        )
        for change in history:
            change["effective_at"] = _instant(change["effective_at"])
        return history

    def set_vip(self, actor: Actor, person: int, vip: bool, *, reason: str = "") -> int:
        """Marks ``person`` a VIP (exempt from automatic inactivation) or not;
        returns the event's sequence. Staff only. Raises FailedPrecondition
        (so already), NotFound, PermissionDenied."""
        if not isinstance(vip, bool):
            raise TypeError(f"vip must be a bool, not {_type_name(vip)}")
        return self._native.set_vip(actor, _int(person, "person"), vip, _str(reason, "reason"))

    def change_statuses_csv(
        self,
        actor: Actor,
        path: str | _os.PathLike[str],
        *,
        status: str | None = None,
        reason: str | None = None,
        columns: Mapping[str, str] | None = None,
        batch_size: int | None = None,
        delimiter: str | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> dict[str, Any]:
        """Forces the statuses and VIP flags of a CSV file (mass forced
        activation or deactivation; staff only): its header names
        ``external_id`` or ``person`` and optionally ``status``, ``vip`` and
        ``reason``; ``status`` is the status of rows without one (default
        ``inactive``). Each row is applied whole or rejected with its
        findings; a row asking what the person holds already is unchanged.
        Returns ``rows``, ``changed``, ``unchanged``, ``rejected`` and
        ``last_event``."""
        options: dict[str, Any] = {}
        for key, value in (
            ("status", status), ("reason", reason), ("batch_size", batch_size),
            ("delimiter", delimiter),
        ):
            if value is not None:
                options[key] = value
        if columns is not None:
            options["columns"] = dict(_mapping(columns, "columns"))
        report: dict[str, Any] = _json.loads(
            self._native.change_statuses_csv_json(
                actor, _os.fspath(path), _to_json(options), progress
            )
        )
        report["last_event"] = _id(report["last_event"])
        return report

    def add_to_blacklist(
        self,
        actor: Actor,
        kind: str,
        value: str,
        reason: str,
        *,
        country: str = "",
        note: str = "",
    ) -> int:
        """Bars a ``"document"``, ``"email"`` or ``"phone"`` (read in
        ``country``) from enrolling, with one of the configured
        ``blacklist_reasons`` (staff only); returns the event's sequence.
        Values are compared normalised, so another letter case or format is
        barred too. Raises InvalidArgument, AlreadyExists, PermissionDenied."""
        entry = {
            "kind": _str(kind, "kind"),
            "value": _str(value, "value"),
            "reason": _str(reason, "reason"),
            "country": _str(country, "country"),
            "note": _str(note, "note"),
        }
        return self._native.add_to_blacklist(actor, _to_json(entry))

    def remove_from_blacklist(self, actor: Actor, kind: str, value: str, *, country: str = "") -> int:
        """Lifts a bar (staff only); returns the event's sequence. Raises
        NotFound when the value is not barred."""
        entry = {"kind": _str(kind, "kind"), "value": _str(value, "value"),
                 "country": _str(country, "country")}
        return self._native.remove_from_blacklist(actor, _to_json(entry))

    def blacklist(self, actor: Actor) -> list[dict[str, Any]]:
        """Every blacklist entry (staff only), by kind then key: dicts with
        ``kind``, ``value``, ``key`` (the normalised value), ``country``,
        ``reason``, ``note``, ``added_at`` (datetime) and ``added_by``."""
        return _records(self._native.blacklist_json(actor), instants=("added_at",))

    def contracts(self) -> list[dict[str, Any]]:
        """Every configured contract version: dicts with ``contract``,
        ``version``, ``title``, ``digest``, ``countries``, ``ranks``,
        ``active`` and ``mandatory``."""
        return _records(self._native.contracts_json())

    def accept_contract(
        self, actor: Actor, person: int, contract: str, version: int, *, channel: str = "profile"
    ) -> int:
        """Records that ``person`` accepts ``contract`` ``version`` at
        ``"registration"``, in their ``"profile"`` or at ``"login"``; returns
        the event's sequence. Raises FailedPrecondition (an inactive version,
        or one not for the person), AlreadyExists, NotFound,
        PermissionDenied."""
        ref = {"contract": _str(contract, "contract"), "version": _int(version, "version")}
        return self._native.accept_contract(
            actor, _int(person, "person"), _to_json(ref), _str(channel, "channel")
        )

    def pending_contracts(self, actor: Actor, person: int) -> list[dict[str, Any]]:
        """The contracts ``person`` still has to accept (what a login popup
        shows), shaped as :meth:`contracts`."""
        return _records(self._native.pending_contracts_json(actor, _int(person, "person")))

    def contract_acceptances(self, actor: Actor, person: int) -> list[dict[str, Any]]:
        """``person``'s contract acceptances, oldest first: dicts with
        ``person``, ``contract``, ``version``, ``digest``, ``channel``,
        ``accepted_at`` and ``event``."""
        return _records(
            self._native.contract_acceptances_json(actor, _int(person, "person")),
            ids=("person", "event"), instants=("accepted_at",),
        )

    def acceptances_of(self, actor: Actor, contract: str) -> list[dict[str, Any]]:
        """Every acceptance of ``contract`` (the legal texts report, staff
        only), shaped as :meth:`contract_acceptances`; ready for
        ``pandas.DataFrame``."""
        return _records(
            self._native.acceptances_of_json(actor, _str(contract, "contract")),
            ids=("person", "event"), instants=("accepted_at",),
        )

    def attachments(self, actor: Actor, person: int) -> list[dict[str, Any]]:
        """The documents ``person`` attached (metadata only), oldest first."""
        return _records(
            self._native.attachments_json(actor, _int(person, "person")),
            ids=("person", "event"), instants=("added_at",),
        )

    def profile_completion(self, actor: Actor, person: int) -> dict[str, Any]:
        """How complete ``person``'s profile is: ``filled``, ``total``,
        ``percent`` and the ``missing`` items."""
        result: dict[str, Any] = _json.loads(
            self._native.profile_completion_json(actor, _int(person, "person"))
        )
        return result

    # placement networks and adjustments
    def children(self, actor: Actor, person: int, network: str = SPONSOR) -> list[NetworkMember]:
        """Direct children of ``person`` with their ``position``: slot order in
        a width-limited network (binary: 0 left, 1 right), arrival order
        otherwise; ``[]`` for a person without a place (in a lobby, dropped
        out). Raises NotFound, PermissionDenied."""
        return self._native.children(actor, _int(person, "person"), _str(network, "network"))

    def open_positions(
        self, actor: Actor, person: int, network: str = SPONSOR, limit: int = 10
    ) -> list[OpenSlot]:
        """Up to ``limit`` free positions below ``person``, breadth first (their
        own free slots first): ``OpenSlot(parent, position, level)``, level
        being the absolute level a newcomer would have."""
        return self._native.open_positions(
            actor, _int(person, "person"), _str(network, "network"), _int(limit, "limit")
        )

    def lobby(self, actor: Actor, network: str) -> list[int]:
        """Ids of the persons waiting in ``network``'s lobby that the actor
        sees, in id order."""
        return self._native.lobby(actor, _str(network, "network"))

    def place(
        self,
        actor: Actor,
        person: int,
        network: str,
        parent: int | None = None,
        position: int | None = None,
        reason: str = "",
    ) -> AdjustmentOutcome:
        """Places ``person``, waiting in ``network``'s lobby, under ``parent``
        at ``position`` (None: the first free slot); without a parent the
        network's policy searches from their sponsor. Staff, or a leader who
        sees both persons within the lobby window, may. Raises
        FailedPrecondition (not waiting, window over, slot taken, network
        full), PermissionDenied, NotFound, InvalidArgument; nothing is
        written then."""
        choice: dict[str, Any] = {"network": _str(network, "network")}
        if parent is not None:
            choice["parent"] = _int(parent, "parent")
        if position is not None:
            choice["position"] = _int(position, "position")
        return self._native.place(
            actor, _int(person, "person"), _to_json(choice), _str(reason, "reason")
        )

    def place_expired(self, actor: Actor, network: str) -> AdjustmentOutcome:
        """Places everyone whose lobby window is over by the network's
        fallback policy (staff only)."""
        return self._native.place_expired(actor, _str(network, "network"))

    def transfer(
        self,
        actor: Actor,
        person: int,
        new_parent: int | None = None,
        *,
        network: str = SPONSOR,
        position: int | None = None,
        with_downline: bool = True,
        effective_at: _datetime.datetime | None = None,
        reason: str = "",
    ) -> AdjustmentOutcome:
        """Moves ``person`` under ``new_parent`` (None: a parent of the
        network) in one transaction, staff only. ``with_downline=False``
        moves them alone: their children move up to their former parent.
        ``effective_at`` (tz-aware; None is now) may be neither later than
        now nor earlier than the network's latest change. Raises
        FailedPrecondition for a forbidden move, ``.field`` saying why
        (``"new_parent"``: under their own downline, full, another
        territory; ``"person"``: window over, too many moves;
        ``"effective_at"``), NotFound, InvalidArgument, PermissionDenied."""
        request: dict[str, Any] = {
            "person": _int(person, "person"),
            "network": _str(network, "network"),
            "with_downline": _bool(with_downline, "with_downline"),
            "reason": _str(reason, "reason"),
        }
        if new_parent is not None:
            request["new_parent"] = _int(new_parent, "new_parent")
        if position is not None:
            request["position"] = _int(position, "position")
        if effective_at is not None:
            request["effective_at"] = _datetime_arg(effective_at, "effective_at")
        return self._native.transfer(actor, _to_json(request))

    def compress(
        self,
        actor: Actor,
        network: str,
        persons: Iterable[int] | None = None,
        *,
        effective_at: _datetime.datetime | None = None,
        reason: str = "",
    ) -> AdjustmentOutcome:
        """Takes ``persons`` out of ``network`` (None: everyone whose status
        the network compresses) as dropouts; their children move up to the
        nearest remaining upline. One transaction, staff only. Raises
        FailedPrecondition (a person without a place, children that do not
        fit), NotFound, InvalidArgument, PermissionDenied."""
        request: dict[str, Any] = {
            "network": _str(network, "network"),
            "reason": _str(reason, "reason"),
        }
        if persons is not None:
            if isinstance(persons, (str, bytes, Mapping)) or not isinstance(persons, Iterable):
                raise TypeError(f"persons must be a list of int, not {_type_name(persons)}")
            request["persons"] = [_int(p, "persons[]") for p in persons]
        if effective_at is not None:
            request["effective_at"] = _datetime_arg(effective_at, "effective_at")
        return self._native.compress(actor, _to_json(request))

    # users
    def add_user(
        self, actor: Actor, login: str, roles: list[str], *, person: int | None = None
    ) -> None:
        """Registers a user of the host (admin actors only); raises AlreadyExists,
        NotFound (person), InvalidArgument, PermissionDenied."""
        person_id = None if person is None else _int(person, "person")
        user = Actor._make(_str(login, "login"), person_id, _names(roles, "roles"))
        self._native.add_user(actor, user)

    def actor_for(self, login: str) -> Actor:
        """The actor a stored login acts as; raises NotFound."""
        return self._native.actor_for(_str(login, "login"))

    # history
    def events(self, actor: Actor, after: int = 0, limit: int = 1000) -> list[Event]:
        """Events with a sequence after ``after``, oldest first (staff only)."""
        return self._native.events(actor, _int(after, "after"), _int(limit, "limit"))

    def subscribe(self, actor: Actor, fn: Callable[[Event], object]) -> int:
        """Calls ``fn(event)`` with every event committed from now on, in
        order, on a thread of the library (staff only); what it raises is
        reported as unraisable and dropped. Returns the subscription's id
        for :meth:`unsubscribe`. Raises PermissionDenied."""
        if not callable(fn):
            raise TypeError(f"fn must be callable, not {_type_name(fn)}")
        return self._native.subscribe(actor, fn)

    def unsubscribe(self, id: int) -> None:
        """Ends a subscription: once this returns its function is not called
        again. An unknown id is ignored."""
        self._native.unsubscribe(_int(id, "id"))

    def last_event(self) -> int:
        """Sequence of the last event applied to this Company (0 when none)."""
        return self._native.last_event()

    def refresh(self) -> None:
        """Applies what other processes have committed (queries do it anyway)."""
        self._native.refresh()

    # maintenance
    def verify(self, actor: Actor) -> VerifyReport:
        """Checks the genealogy (staff only): every invariant of the in-memory
        index, then the index against a fresh read of the store, person by
        person. Violations are data: ``report.ok`` is False and
        ``report.violations`` lists them (``rule``, ``network``, ``person``,
        ``message``; at most 100). Writers wait while it runs. Raises
        PermissionDenied, Unavailable (other processes kept writing: retry)."""
        return self._native.verify(actor)


# --- rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleTestReport:
    """How a rules unit test went: true when every case passed, printed as
    the report the ``downline rules test`` command prints.

    ``cases`` holds one dict per case: ``{"name", "passed", "decisions",
    "diff"}``, where ``diff`` explains a failure (expected vs decided
    decisions and the conditions of each rule that ran; ``""`` when it
    passed).
    """

    passed: bool
    total: int
    failed: int
    cases: list[dict[str, Any]] = _field(repr=False)
    text: str = _field(repr=False)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.text


class RuleBook:
    """A compiled set of business rules with the catalogs they name (ranks,
    segments, commercial states); docs/rules.md is the reference.

    Evaluates without a company or a store. Immutable, so safe to share
    between threads; calls release the GIL. ``len(book)`` is the number of
    rule versions.
    """

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def load(cls, document: str | Mapping[str, Any] | _os.PathLike[str]) -> RuleBook:
        """Compiles a rules document ``{"ranks", "segments",
        "commercial_states", "rules"}`` (or a whole company configuration),
        given as a dict, JSON text or a path-like to a JSON file. Raises
        InvalidArgument naming the JSON path of the fault
        (``"rules[2].then[0].segment"``; ``"$"`` for the whole document)."""
        text = _document_text(document, "document", "the rules document", (Mapping,))
        return cls(_native.RuleBook.load(text))

    def evaluate(
        self,
        trigger: str,
        facts: Mapping[str, Any],
        at: _datetime.datetime | None = None,
        trace: bool = False,
    ) -> dict[str, Any]:
        """Runs the rules of ``trigger`` (``"enrollment"``,
        ``"order_state_changed"``, ``"campaign_close"``) effective at ``at``
        (a tz-aware datetime; None is now) on ``facts`` (``{"person",
        "order", "campaign", "network"}``, decimals as str or Decimal).

        Returns ``{"decisions": [{"rule", "version", "action", ...}],
        "trace": [...] or None}``; ``trace=True`` lists every rule of the
        trigger with its outcome and the values each condition saw. No rule
        firing is an empty list, not an error. Raises InvalidArgument (unknown
        trigger, naive ``at``, facts outside the model: ``.field`` is their
        path), ResourceExhausted (a rule exceeded its evaluation budget) or
        OutOfRange (a decimal overflowed)."""
        if at is not None and not isinstance(at, _datetime.datetime):
            raise TypeError(f"at must be a datetime or None, not {_type_name(at)}")
        if not isinstance(trace, bool):
            raise TypeError(f"trace must be a bool, not {_type_name(trace)}")
        facts_json = _document_json(_mapping(facts, "facts"), "the facts")
        # A naive datetime has no offset: the library refuses it, not Python.
        at_text = None if at is None else at.isoformat()
        result: dict[str, Any] = _json.loads(
            self._native.evaluate(_str(trigger, "trigger"), facts_json, at_text, trace)
        )
        return result

    def test(
        self, cases: str | Mapping[str, Any] | list[Any] | _os.PathLike[str]
    ) -> RuleTestReport:
        """Runs unit test cases — a list (or ``{"cases": [...]}``) of
        ``{"name", "trigger", "at"?, "facts", "expect": [decisions]}``, given
        as Python values, JSON text or a path-like to a JSON file — and
        reports each. Failing cases are data: check ``report.passed`` (or
        ``bool(report)``) and print ``report``. Raises InvalidArgument for a
        malformed case file (``.field`` is the JSON path)."""
        text = _document_text(cases, "cases", "the cases document", (Mapping, list))
        report = _json.loads(self._native.test(text))
        return RuleTestReport(
            passed=report["passed"],
            total=report["total"],
            failed=report["failed"],
            cases=report["cases"],
            text=report["text"],
        )

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return f"<downline.RuleBook {len(self)} rule versions>"


def open(  # noqa: A001 - the natural name, like io.open / sqlite3.connect
    uri: str | _os.PathLike[str],
    config: str | Mapping[str, Any] | _os.PathLike[str],
    *,
    busy_timeout_ms: int = 5000,
    write_cache_mib: int = 256,
) -> Company:
    """Opens (creating if needed) the company stored at ``uri``:
    ``"sqlite:PATH"`` (a path-like is a SQLite file too) or ``"memory:"``.

    ``config`` is the configuration as JSON text, a dict, or a path-like to a
    JSON file. Raises InvalidArgument for a bad URI or configuration (``.field``
    names the JSON path), Unavailable when the store cannot be opened,
    DataLoss for a corrupt or newer store. ``write_cache_mib`` bounds the
    SQLite pages the writing connection keeps in memory (1 to 65536).
    """
    if isinstance(uri, _os.PathLike):
        uri = "sqlite:" + _os.fsdecode(uri)
    uri = _str(uri, "uri")
    native = _native.Company.open(
        uri,
        _config_json(config),
        _int(busy_timeout_ms, "busy_timeout_ms"),
        _int(write_cache_mib, "write_cache_mib"),
    )
    return Company(native, uri)
