"""Event subscriptions through the Python package: a callable gets every
committed event in order on the library's thread, a raising one stops no
one, and unsubscribing stops it."""

from __future__ import annotations

import threading

import pytest

import downline


def person(ext: str) -> dict:
    return {"person": {"external_id": ext, "first_name": ext, "last_name": "T",
                       "email": f"{ext}@example.com"}}


class Seen:
    def __init__(self) -> None:
        self.events: list[downline.Event] = []
        self.cond = threading.Condition()

    def __call__(self, event: downline.Event) -> None:
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait_for(self, seq: int) -> bool:
        with self.cond:
            return self.cond.wait_for(
                lambda: bool(self.events) and self.events[-1].seq >= seq, timeout=10)


def test_a_subscriber_gets_every_committed_event_in_order(admin):
    with downline.open("memory:", {}) as co:
        co.enroll(admin, person("before"))
        seen = Seen()
        sid = co.subscribe(admin, seen)
        a = co.enroll(admin, person("a"))
        last = co.set_vip(admin, a.person, True, reason="top seller")
        assert seen.wait_for(last)
        assert [e.kind for e in seen.events] == ["enrolled", "vip_granted"]
        assert seen.events[0].person == a.person
        co.unsubscribe(sid)
        co.set_vip(admin, a.person, False)
        other = Seen()
        co.subscribe(admin, other)
        seq = co.enroll(admin, person("b")).event
        assert other.wait_for(seq)
        assert len(seen.events) == 2


def test_a_raising_subscriber_stops_no_one(admin):
    with downline.open("memory:", {}) as co:
        calls: list[int] = []

        def broken(event: downline.Event) -> None:
            calls.append(event.seq)
            raise RuntimeError("the mail server is down")

        seen = Seen()
        co.subscribe(admin, broken)
        co.subscribe(admin, seen)
        first = co.enroll(admin, person("a")).event
        second = co.enroll(admin, person("b")).event
        assert seen.wait_for(second)
        assert calls == [first, second]
        with pytest.raises(TypeError):
            co.subscribe(admin, "not callable")  # type: ignore[arg-type]
        leader = downline.Actor.of_person(co.find_person(admin, "a"))
        with pytest.raises(downline.PermissionDenied):
            co.subscribe(leader, seen)
