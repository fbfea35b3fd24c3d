"""The commercial cycle through the Python package: campaigns in the
company's zone, orders one by one and in bulk, activity, the kit rule and
the close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import downline

CONFIG = {
    "company": {"name": "Py", "currency": "COP", "time_zone": "America/Bogota"},
    "channels": [{"id": "web", "kind": "corporate_site",
                  "forms": {"consultant": {"outcome": "pending_kit"}}}],
    "rules": [{"id": "kit", "trigger": "order_state_changed",
               "when": {"and": [{"==": [{"var": "order.state"}, "paid"]},
                                {"some": [{"var": "order.lines"},
                                          {"in": ["starter_kit", {"var": "flags"}]}]}]},
               "then": [{"action": "activate"}]}],
    "commercial_states": [{"id": "active", "after_campaigns_without_order": 0},
                          {"id": "inactive", "after_campaigns_without_order": 3,
                           "inactivates": True}],
    "reinstatement": {"free_within": 5, "fee_within": 13},
}

UTC = dt.timezone.utc


def test_orders_follow_the_calendar_and_the_kit_activates(admin):
    with downline.open("memory:", CONFIG) as co:
        ana = co.enroll(admin, {"channel": "web", "type": "consultant",
                                "person": {"external_id": "A", "first_name": "Ana",
                                           "last_name": "G", "email": "a@example.com"}})
        pid = ana.person
        added = co.add_campaigns(admin, [
            {"id": "2026-11", "start": dt.date(2026, 11, 1), "end": "2026-11-30"},
            {"id": "2026-12", "start": "2026-12-01", "end": "2026-12-31"}])
        assert added[0]["ends_at"] == dt.datetime(2026, 12, 1, 5, tzinfo=UTC)
        assert [c["id"] for c in co.campaigns()] == ["2026-11", "2026-12"]

        placed = co.report_order(admin, {
            "id": "K-1", "owner": pid, "state": "placed",
            "at": dt.datetime(2026, 12, 1, 4, 59, 59, tzinfo=UTC),
            "lines": [{"sku": "KIT", "quantity": 1, "amount": Decimal("150.50"),
                       "volume": 20, "flags": ["starter_kit"]}]})
        assert placed["result"] == "created"
        assert placed["campaign"] == "2026-11"
        paid = co.report_order(admin, {"id": "K-1", "state": "paid",
                                       "at": dt.datetime(2026, 12, 2, tzinfo=UTC)})
        assert paid["first_purchase"] is True
        assert paid["decisions"][0]["rule"] == "kit"
        assert co.person(admin, pid).status == "active"
        order = co.order(admin, "K-1")
        assert order["amount"] == Decimal("150.5")
        assert [h["state"] for h in order["history"]] == ["placed", "paid"]

        report = co.report_orders(admin, [
            {"id": "B-1", "owner": pid, "at": dt.datetime(2026, 11, 20, tzinfo=UTC),
             "amount": "40", "volume": "4"},
            {"id": "B-2", "owner": 99, "at": dt.datetime(2026, 11, 20, tzinfo=UTC)}])
        assert report["created"] == 1
        assert report["rejected"][0]["findings"][0]["field"] == "orders[1].owner"
        activity = co.activity(admin, pid, "2026-11")
        assert activity["orders"] == 2
        assert activity["personal_volume"] == Decimal("24")

        summary = co.close_campaign(admin, "2026-11")
        assert summary["orders"] == 2 and summary["already_closed"] is False
        assert summary["commercial_states"] == {"active": 1}
        assert co.person(admin, pid).commercial_state == "active"
        assert co.close_campaign(admin, "2026-11")["already_closed"] is True
        (change,) = co.commercial_state_history(admin, pid)
        assert (change["campaign"], change["previous_state"], change["state"]) == (
            "2026-11", "", "active")
        assert change["effective_at"] == dt.datetime(2026, 12, 1, 5, tzinfo=UTC)
        with pytest.raises(downline.FailedPrecondition) as e:
            co.report_order(admin, {"id": "B-1", "state": "cancelled",
                                    "at": dt.datetime(2026, 12, 3, tzinfo=UTC)})
        assert e.value.field == "campaign"


def test_bad_order_input_names_its_field(admin):
    with downline.open("memory:", CONFIG) as co:
        co.add_campaigns(admin, [{"id": "n", "start": "2026-11-01", "end": "2026-11-30"}])
        with pytest.raises(downline.InvalidArgument) as e:
            co.report_order(admin, {"id": "X", "owner": 1, "amount": 12.5})
        assert e.value.field == "amount"
        with pytest.raises(downline.InvalidArgument) as e:
            co.add_campaigns(admin, [{"id": "m", "start": "2026-12-05", "end": "2026-12-01"}])
        assert e.value.field == "campaigns[0].end"
        with pytest.raises(downline.NotFound):
            co.order(admin, "nope")


CAREER = {
    "company": {"name": "Py", "time_zone": "UTC"},
    "ranks": [{"id": "bronze", "requirements": {"personal_volume": "100"}},
              {"id": "silver", "requirements": {"personal_volume": "100", "active_recruits": 2}},
              {"id": "gold", "requirements": {"group_volume": "1000", "max_per_leg": "400"}}],
    "segments": [{"id": "big"}, {"id": "small"}],
    "segmentation": [{"segment": "big", "average_order": {"above": "400"}},
                     {"segment": "small", "consecutive_campaigns": {"at_least": 1}}],
}


def test_the_close_ranks_and_explains(admin):
    with downline.open("memory:", CAREER) as co:
        def consultant(name, sponsor=None):
            request = {"type": "consultant",
                       "person": {"external_id": name, "first_name": name, "last_name": "P",
                                  "email": f"{name}@example.com"}}
            if sponsor:
                request["sponsor"] = sponsor
            return co.enroll(admin, request).person

        ana = consultant("ana")
        ben, cid = consultant("ben", ana), consultant("cid", ana)
        co.add_campaigns(admin, [{"id": "oct", "start": "2026-10-01", "end": "2026-10-31"}])
        when = dt.datetime(2026, 10, 10, tzinfo=UTC)
        co.report_orders(admin, [
            {"id": "A", "owner": ana, "at": when, "volume": "150", "amount": Decimal("150")},
            {"id": "B", "owner": ben, "at": when, "volume": "600", "amount": Decimal("600")},
            {"id": "C", "owner": cid, "at": when, "volume": "300", "amount": Decimal("300")}])
        preview = co.precalculate(admin, "oct")
        assert preview["pre_calculated"] is True and preview["paid_as"] == {"bronze": 2, "silver": 1}
        assert co.rank_report(admin, ana, "oct")["paid_as"] == "silver"
        assert co.person(admin, ana).rank == ""
        summary = co.close_campaign(admin, "oct")
        assert summary["pre_calculated"] is False and summary["digest"] != ""
        assert summary["paid_as"] == {"bronze": 2, "silver": 1}
        assert summary["promotions"] == 3
        assert summary["segments"] == {"big": 1, "small": 2}
        assert len(summary["digest"]) == 64

        card = co.rank_report(admin, ana, "oct")
        assert card["paid_as"] == "silver" and card["highest"] == "silver"
        gold = next(r for r in card["ranks"] if r["rank"] == "gold")
        assert gold["met"] is False
        (gv,) = gold["requirements"]
        assert (gv["requirement"], gv["actual"], gv["required"]) == (
            "group_volume", Decimal("850"), Decimal("1000"))
        assert gv["max_per_leg"] == Decimal("400")
        assert co.person(admin, ana).rank == "silver"
        assert co.person(admin, ben).rank == "bronze"
        assert (co.person(admin, ben).segment, co.person(admin, ana).segment) == ("big", "small")

        # The closed October's KPIs, as the close decided them.
        k = co.kpis(admin, "oct")
        assert (k["closed"], k["root"], k["persons"], k["consultants"]) == (True, None, 3, 3)
        assert (k["with_orders"], k["without_orders"], k["orders"]) == (3, 0, 3)
        assert k["group_volume"] == Decimal("1050") and k["amount"] == Decimal("1050")
        assert k["ranks"] == {"bronze": 2, "silver": 1}
        assert k["segments"] == {"big": 1, "small": 2}
        assert [(t["person"], t["volume"]) for t in k["top_sellers"]] == [
            (ben, Decimal("600")), (cid, Decimal("300")), (ana, Decimal("150"))]
        assert [lv["persons"] for lv in k["levels"]] == [1, 2]
        mine = co.kpis(admin, "oct", root=cid, top=1)
        assert (mine["root"], mine["persons"], mine["personal_volume"]) == (cid, 1, Decimal("300"))
        listed = co.genealogy_list(admin, "oct", root=ana, with_orders=True, max_depth=1)
        assert listed["total"] == 3
        assert [(e["person"], e["level"], e["rank"]) for e in listed["entries"]] == [
            (ana, 0, "silver"), (ben, 1, "bronze"), (cid, 1, "bronze")]
        assert co.genealogy_list(admin, "oct", with_orders=False)["total"] == 0
        assert co.commercial_state_history(admin, ana) == []
        with pytest.raises(downline.NotFound):
            co.kpis(admin, "nope")
        with pytest.raises(downline.InvalidArgument):
            co.genealogy_list(admin, "oct", lights=["blue"])
        with pytest.raises(TypeError):
            co.genealogy_list(admin, "oct", with_orders=1)
        with pytest.raises(downline.NotFound) as e:
            co.rank_report(admin, 99, "oct")
        assert e.value.field == "person"
