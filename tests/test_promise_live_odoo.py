"""Against a live Odoo 17 with the addon: a promise given to a customer that a later run lets
slip raises one "Delivery promise at risk" activity for the salesperson, and no second one.

The loop of issue #12: a quotation is planned, its date used and the order confirmed; two
other orders, due earlier, are confirmed elsewhere; the next run moves the first order's
projection past its commitment date. Needs ``CAPACITY_PROMISE_TEST_ODOO_URL``, ``_DB``,
``_LOGIN``, ``_API_KEY`` (an administrator: the test creates the orders as that user, the
salesperson, and a planning-service user of its own for the service, which does not read back
what its own user wrote) and ``CAPACITY_PROMISE_TEST_ODOO_WRITE=1``: it creates a user, a
calendar, a work center, a product and three sale orders in that database, so use a copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import uuid
from pathlib import Path

import pytest

from sync.config import Secret, Settings
from sync.service import PlanningService

ENV = os.environ
UTC = dt.timezone.utc
ALERT = "Delivery promise at risk"


def live_settings(tmp_path: Path) -> Settings:
    missing = [name for name in ("URL", "DB", "LOGIN", "API_KEY")
               if not ENV.get(f"CAPACITY_PROMISE_TEST_ODOO_{name}")]
    if missing:
        pytest.skip("no live Odoo: set CAPACITY_PROMISE_TEST_ODOO_" + ", _".join(missing))
    if ENV.get("CAPACITY_PROMISE_TEST_ODOO_WRITE") != "1":
        pytest.skip("creates records: set CAPACITY_PROMISE_TEST_ODOO_WRITE=1 (on a copy)")
    return Settings(odoo_url=ENV["CAPACITY_PROMISE_TEST_ODOO_URL"],
                    odoo_db=ENV["CAPACITY_PROMISE_TEST_ODOO_DB"],
                    odoo_login=ENV["CAPACITY_PROMISE_TEST_ODOO_LOGIN"],
                    odoo_api_key=Secret(ENV["CAPACITY_PROMISE_TEST_ODOO_API_KEY"]),
                    state_url=f"sqlite:///{tmp_path / 'live.sqlite'}", solver="none")


def create_product(client, tag: str) -> int:
    """A product made on a press of its own, one hour a unit, eight hours a working day."""
    attendances = [(0, 0, {"name": f"{day} {period}", "dayofweek": str(day), "hour_from": h0,
                           "hour_to": h1, "day_period": period})
                   for day in range(5)
                   for h0, h1, period in ((8, 12, "morning"), (13, 17, "afternoon"))]
    calendar = client.call("resource.calendar", "create", {
        "name": f"Promise test {tag}", "tz": "UTC", "attendance_ids": attendances})
    press = client.call("mrp.workcenter", "create", {
        "name": f"Promise press {tag}", "resource_calendar_id": calendar,
        "time_start": 0, "time_stop": 0})
    storable = ({"detailed_type": "product"}
                if "detailed_type" in client.fields("product.product")
                else {"type": "consu", "is_storable": True})
    product = client.call("product.product", "create", {
        "name": f"Promise widget {tag}", **storable})
    template = client.call("product.product", "read", [product], ["product_tmpl_id"])[0][
        "product_tmpl_id"][0]
    client.call("mrp.bom", "create", {
        "product_tmpl_id": template, "product_qty": 1, "type": "normal",
        "operation_ids": [(0, 0, {"name": "Press", "workcenter_id": press, "sequence": 10,
                                  "time_mode": "manual", "time_cycle_manual": 60})]})
    return product


def create_order(client, partner: int, product: int, quantity: float,
                 commitment: dt.date | None = None) -> int:
    values = {"partner_id": partner, "user_id": client.uid,
              "order_line": [(0, 0, {"product_id": product, "product_uom_qty": quantity})]}
    if commitment:
        values["commitment_date"] = f"{commitment.isoformat()} 12:00:00"
    return client.call("sale.order", "create", values)


def alerts(client, order: int) -> list[dict]:
    return client.search_read("mail.activity", [("res_model", "=", "sale.order"),
                                                ("res_id", "=", order),
                                                ("summary", "=", ALERT)],
                              ["user_id", "note"])


def service_user(client, tag: str) -> tuple[str, str]:
    """A user of the group "Capacity Promise: Planning Service" only; its login and password."""
    [group] = client.search_read("ir.model.data", [
        ("module", "=", "sale_capacity_promise"),
        ("name", "=", "group_capacity_promise_service")], ["res_id"])
    login, password = f"promise-service-{tag}", secrets.token_urlsafe(16)
    groups = "group_ids" if "group_ids" in client.fields("res.users") else "groups_id"
    client.call("res.users", "create", {"name": f"Planning service {tag}", "login": login,
                                        "password": password,
                                        groups: [(6, 0, [group["res_id"]])]})
    return login, password


@pytest.mark.odoo
def test_live_a_slipping_promise_raises_one_activity(tmp_path):
    settings = live_settings(tmp_path)
    client = PlanningService(settings).client  # the salesperson's side
    tag = uuid.uuid4().hex[:6]
    login, password = service_user(client, tag)
    service = PlanningService(dataclasses.replace(
        settings, odoo_login=login, odoo_api_key=Secret(password)))
    product = create_product(client, tag)
    partner = client.call("res.partner", "create", {"name": f"Promise customer {tag}"})

    # a quotation planned, its date used, then confirmed
    first = create_order(client, partner, product, 16)
    service.run_once(force=True)
    [order] = client.call("sale.order", "read", [first], ["capacity_promise_date"])
    promised = order["capacity_promise_date"]
    assert promised, "the run gave the quotation no promise"
    client.call("sale.order", "action_use_promise_date", [first])
    client.call("sale.order", "action_confirm", [first])
    service.run_once(force=True)
    assert alerts(client, first) == []

    # two orders due earlier are confirmed elsewhere: they take the press first
    tomorrow = dt.datetime.now(UTC).date() + dt.timedelta(days=1)
    for _ in range(2):
        other = create_order(client, partner, product, 24, commitment=tomorrow)
        client.call("sale.order", "action_confirm", [other])
    service.run_once(force=True)
    [order] = client.call("sale.order", "read", [first], [
        "capacity_promise_date", "capacity_slipped", "capacity_status"])
    assert order["capacity_promise_date"] > promised, order
    assert order["capacity_slipped"] and order["capacity_status"] == "late"
    [activity] = alerts(client, first)
    assert activity["user_id"][0] == client.uid
    assert order["capacity_promise_date"] in activity["note"] or \
        dt.date.fromisoformat(order["capacity_promise_date"]).strftime("%m/%d/%Y") in \
        activity["note"]
    # the chatter note (the activity's assignment notice to the salesperson is another)
    messages = client.search_read("mail.message", [("model", "=", "sale.order"),
                                                   ("res_id", "=", first),
                                                   ("message_type", "!=", "user_notification"),
                                                   ("body", "ilike", ALERT)], ["id"])
    assert len(messages) == 1

    # the next run finds the same: still one activity
    service.run_once(force=True)
    assert len(alerts(client, first)) == 1
