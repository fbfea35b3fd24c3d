# Type stubs of the public package `downline`.
import datetime
import decimal
import os
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Final, Literal

from ._downline import Actor as Actor
from ._downline import AdjustmentOutcome as AdjustmentOutcome
from ._downline import BulkEnrollmentOutcome as BulkEnrollmentOutcome
from ._downline import DownlinePage as DownlinePage
from ._downline import EnrollmentOutcome as EnrollmentOutcome
from ._downline import Event as Event
from ._downline import Finding as Finding
from ._downline import InvariantViolation as InvariantViolation
from ._downline import NetworkMember as NetworkMember
from ._downline import OpenSlot as OpenSlot
from ._downline import Person as Person
from ._downline import PersonData as PersonData
from ._downline import VerifyReport as VerifyReport
from ._errors import Aborted as Aborted
from ._errors import AlreadyExists as AlreadyExists
from ._errors import DataLoss as DataLoss
from ._errors import Error as Error
from ._errors import FailedPrecondition as FailedPrecondition
from ._errors import ResourceExhausted as ResourceExhausted
from ._errors import Internal as Internal
from ._errors import InvalidArgument as InvalidArgument
from ._errors import NotFound as NotFound
from ._errors import OutOfRange as OutOfRange
from ._errors import PermissionDenied as PermissionDenied
from ._errors import Unavailable as Unavailable
from ._errors import Unimplemented as Unimplemented

__version__: Final[str]
SPONSOR: Final = "sponsor"
REFERRAL: Final = "referral"

_Names = Iterable[str] | str

@dataclass(frozen=True)
class Money:
    """An exact amount in a currency; built through the library's parser."""

    amount: decimal.Decimal
    currency: str
    def __init__(self, amount: decimal.Decimal | str | int, currency: str) -> None: ...
    def __post_init__(self) -> None: ...

def money(amount: decimal.Decimal | str | int, currency: str) -> Money: ...

@dataclass(frozen=True)
class LegTotals:
    leg: int | None
    position: int
    persons: int
    active: int

@dataclass(frozen=True)
class RankPeriod:
    rank: str
    previous_rank: str
    campaign: str
    since: datetime.datetime
    until: datetime.datetime | None
    held_days: int
    event: int

@dataclass(frozen=True)
class RecalculationSummary:
    network: str
    persons: int
    total_volume: decimal.Decimal
    at: datetime.datetime

@dataclass(frozen=True)
class LegVolume:
    leg: int | None
    position: int
    persons: int
    group_volume: decimal.Decimal

@dataclass(frozen=True)
class PersonFigures:
    person: int
    personal_volume: decimal.Decimal
    group_volume: decimal.Decimal
    downline: int
    active_downline: int
    level_counts: list[int]
    active_level_counts: list[int]
    legs: list[LegVolume]
    recalculated_at: datetime.datetime

class Company:
    """A direct-selling company: its persons, networks and history."""

    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def uri(self) -> str: ...
    def __enter__(self) -> Company: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def enroll(self, actor: Actor, request: Mapping[str, Any]) -> EnrollmentOutcome: ...
    def enroll_many(
        self,
        actor: Actor,
        requests: Iterable[Mapping[str, Any]],
        *,
        progress: Callable[[int, int], object] | None = None,
    ) -> BulkEnrollmentOutcome: ...
    def import_csv(
        self,
        actor: Actor,
        path: str | os.PathLike[str],
        *,
        channel: str | None = None,
        type: str | None = None,
        columns: Mapping[str, str] | None = None,
        batch_size: int | None = None,
        delimiter: str | None = None,
        reason: str | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> dict[str, Any]: ...
    def person(self, actor: Actor, person: int) -> Person: ...
    def find_person(self, actor: Actor, external_id: str) -> int | None: ...
    def person_count(self, actor: Actor) -> int: ...
    def upline(
        self, actor: Actor, person: int, *, network: str = "sponsor", max_levels: int | None = None
    ) -> list[NetworkMember]: ...
    def downline(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = "sponsor",
        max_depth: int | None = None,
        types: _Names | None = None,
        statuses: _Names | None = None,
        offset: int = 0,
        limit: int | None = None,
        max_generation: int | None = None,
    ) -> DownlinePage: ...
    def is_in_downline(
        self, actor: Actor, person: int, of: int, *, network: str = "sponsor"
    ) -> bool: ...
    def level(self, actor: Actor, person: int, *, network: str = "sponsor") -> int: ...
    def relative_level(
        self, actor: Actor, person: int, upline: int, *, network: str = "sponsor"
    ) -> int: ...
    def network_id(self, actor: Actor, person: int, *, network: str = "sponsor") -> str: ...
    def level_counts(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = "sponsor",
        max_depth: int | None = None,
        types: _Names | None = None,
        statuses: _Names | None = None,
    ) -> list[int]: ...
    def generation(
        self, actor: Actor, person: int, upline: int, *, network: str = "sponsor"
    ) -> int: ...
    def generation_counts(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = "sponsor",
        max_depth: int | None = None,
        max_generation: int | None = None,
        types: _Names | None = None,
        statuses: _Names | None = None,
    ) -> list[int]: ...
    def legs(self, actor: Actor, person: int, *, network: str = "sponsor") -> list[LegTotals]: ...
    def change_rank(
        self,
        actor: Actor,
        person: int,
        rank: str,
        *,
        campaign: str = "",
        effective_at: datetime.datetime | None = None,
        reason: str = "",
    ) -> int: ...
    def rank_history(self, actor: Actor, person: int) -> list[RankPeriod]: ...
    def recalculate(
        self,
        actor: Actor,
        network: str,
        personal_volumes: Mapping[int, decimal.Decimal | str | int]
        | Iterable[tuple[int, decimal.Decimal | str | int]] = (),
        *,
        levels: int = 3,
    ) -> RecalculationSummary: ...
    def figures(
        self, actor: Actor, person: int, *, network: str = "sponsor"
    ) -> PersonFigures: ...
    def export_tree(
        self,
        actor: Actor,
        person: int,
        *,
        network: str = "sponsor",
        depth: int | None = None,
        format: Literal["json", "csv", "dot"] = "json",
    ) -> str: ...
    def networks(self) -> list[str]: ...
    def convert(
        self, actor: Actor, person: int, type: Literal["customer", "consultant"],
        *, channel: str = "", reason: str = ""
    ) -> EnrollmentOutcome: ...
    def find_guest(self, actor: Actor, quick_code: str) -> int | None: ...
    def work_items(
        self, actor: Actor, *, kind: Literal["registration", "document", "credit_request"] | None = None,
        state: Literal["open", "approved", "rejected"] | None = "open", person: int | None = None,
        decidable_only: bool = False
    ) -> list[dict[str, Any]]: ...
    def decide(
        self, actor: Actor, item: int, *, approve: bool, reason: str = "",
        amount: decimal.Decimal | str | int | None = None
    ) -> dict[str, Any]: ...
    def request_credit(
        self, actor: Actor, person: int, *, amount: decimal.Decimal | str | int | None = None,
        references: Iterable[str] = (), attachments: Iterable[Mapping[str, Any]] = ()
    ) -> dict[str, Any]: ...
    def change_status(
        self, actor: Actor, person: int,
        status: Literal["pre_registered", "pending_kit", "active", "inactive", "blocked", "retired"],
        *, reason: str = ""
    ) -> int: ...
    def add_campaigns(
        self, actor: Actor, campaigns: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]: ...
    def campaigns(self) -> list[dict[str, Any]]: ...
    def report_order(self, actor: Actor, order: Mapping[str, Any]) -> dict[str, Any]: ...
    def report_orders(
        self, actor: Actor, orders: Iterable[Mapping[str, Any]], *,
        progress: Callable[[int, int], object] | None = None
    ) -> dict[str, Any]: ...
    def order(self, actor: Actor, id: str) -> dict[str, Any]: ...
    def activity(self, actor: Actor, person: int, campaign: str) -> dict[str, Any]: ...
    def close_campaign(self, actor: Actor, campaign: str) -> dict[str, Any]: ...
    def rank_report(self, actor: Actor, person: int, campaign: str) -> dict[str, Any]: ...
    def add_to_blacklist(
        self, actor: Actor, kind: Literal["document", "email", "phone"], value: str, reason: str,
        *, country: str = "", note: str = ""
    ) -> int: ...
    def remove_from_blacklist(
        self, actor: Actor, kind: Literal["document", "email", "phone"], value: str,
        *, country: str = ""
    ) -> int: ...
    def blacklist(self, actor: Actor) -> list[dict[str, Any]]: ...
    def contracts(self) -> list[dict[str, Any]]: ...
    def accept_contract(
        self, actor: Actor, person: int, contract: str, version: int,
        *, channel: Literal["registration", "profile", "login"] = "profile"
    ) -> int: ...
    def pending_contracts(self, actor: Actor, person: int) -> list[dict[str, Any]]: ...
    def contract_acceptances(self, actor: Actor, person: int) -> list[dict[str, Any]]: ...
    def acceptances_of(self, actor: Actor, contract: str) -> list[dict[str, Any]]: ...
    def attachments(self, actor: Actor, person: int) -> list[dict[str, Any]]: ...
    def profile_completion(self, actor: Actor, person: int) -> dict[str, Any]: ...
    def children(
        self, actor: Actor, person: int, network: str = "sponsor"
    ) -> list[NetworkMember]: ...
    def open_positions(
        self, actor: Actor, person: int, network: str = "sponsor", limit: int = 10
    ) -> list[OpenSlot]: ...
    def lobby(self, actor: Actor, network: str) -> list[int]: ...
    def place(
        self,
        actor: Actor,
        person: int,
        network: str,
        parent: int | None = None,
        position: int | None = None,
        reason: str = "",
    ) -> AdjustmentOutcome: ...
    def place_expired(self, actor: Actor, network: str) -> AdjustmentOutcome: ...
    def transfer(
        self,
        actor: Actor,
        person: int,
        new_parent: int | None = None,
        *,
        network: str = "sponsor",
        position: int | None = None,
        with_downline: bool = True,
        effective_at: datetime.datetime | None = None,
        reason: str = "",
    ) -> AdjustmentOutcome: ...
    def compress(
        self,
        actor: Actor,
        network: str,
        persons: Iterable[int] | None = None,
        *,
        effective_at: datetime.datetime | None = None,
        reason: str = "",
    ) -> AdjustmentOutcome: ...
    def add_user(
        self, actor: Actor, login: str, roles: list[str], *, person: int | None = None
    ) -> None: ...
    def actor_for(self, login: str) -> Actor: ...
    def events(self, actor: Actor, after: int = 0, limit: int = 1000) -> list[Event]: ...
    def last_event(self) -> int: ...
    def refresh(self) -> None: ...
    def verify(self, actor: Actor) -> VerifyReport: ...

@dataclass(frozen=True)
class RuleTestReport:
    """How a rules unit test went; true when every case passed."""

    passed: bool
    total: int
    failed: int
    cases: list[dict[str, Any]]
    text: str
    def __bool__(self) -> bool: ...

class RuleBook:
    """A compiled set of business rules; evaluates without a store."""

    @classmethod
    def load(cls, document: str | Mapping[str, Any] | os.PathLike[str]) -> RuleBook: ...
    def evaluate(
        self,
        trigger: str,
        facts: Mapping[str, Any],
        at: datetime.datetime | None = None,
        trace: bool = False,
    ) -> dict[str, Any]: ...
    def test(
        self, cases: str | Mapping[str, Any] | list[Any] | os.PathLike[str]
    ) -> RuleTestReport: ...
    def __len__(self) -> int: ...

def rfm(
    transactions: Any,
    analysis_date: datetime.date | str,
    *,
    bins: Mapping[str, int] | None = None,
    thresholds: Mapping[str, list[Any]] | None = None,
    segments: list[Mapping[str, Any]] | None = None,
) -> dict[str, Any]: ...
def open(
    uri: str | os.PathLike[str],
    config: str | Mapping[str, Any] | os.PathLike[str],
    *,
    busy_timeout_ms: int = 5000,
) -> Company: ...
