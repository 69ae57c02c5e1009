"""Enrich a live Odoo 17 demo database with what the planner needs, before recording it.

    CAPACITY_PROMISE_ODOO_URL=http://localhost:8069 CAPACITY_PROMISE_ODOO_DB=odoo17_base \\
    CAPACITY_PROMISE_ODOO_LOGIN=admin CAPACITY_PROMISE_ODOO_API_KEY=... \\
        python tests/fake_odoo/seed_live.py

Adds, through XML-RPC only and only if not there yet (each record carries a "CP seed" name or
reference): a public holiday and a work-center maintenance leave, vendor offers with minimum
quantities and lead times for components, an RFQ and a confirmed purchase order, a confirmed
sale order with a commitment date, two quotations, and planned work orders for the confirmed
manufacturing orders. Dates are relative to today. Never deletes or changes demo records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
import xmlrpc.client
from typing import Any
from zoneinfo import ZoneInfo

TAG = "CP seed"


class Odoo:
    """Minimal XML-RPC access with the secret kept out of messages."""

    def __init__(self, url: str, db: str, login: str, secret: str) -> None:
        self.db = db
        common = xmlrpc.client.ServerProxy(f"{url.rstrip('/')}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, secret, {})
        if not self.uid:
            raise SystemExit(f"login refused for {login!r} on {db!r}")
        self._secret = secret
        self._object = xmlrpc.client.ServerProxy(f"{url.rstrip('/')}/xmlrpc/2/object")

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``execute_kw``; an action method returning None still counts as done."""
        try:
            return self._object.execute_kw(self.db, self.uid, self._secret, model, method,
                                           list(args), kwargs)
        except xmlrpc.client.Fault as fault:
            # Odoo commits before marshalling the answer; None cannot be marshalled
            if "cannot marshal None" in str(fault.faultString):
                return None
            raise

    def find(self, model: str, domain: list[Any]) -> int | None:
        """Id of the first record matching, archived ones included."""
        ids = self.call(model, "search", domain, limit=1, context={"active_test": False})
        return ids[0] if ids else None

    def ensure(self, model: str, domain: list[Any], values: dict[str, Any], label: str) -> int:
        """Create the record unless one matching ``domain`` exists; returns its id."""
        existing = self.find(model, domain)
        if existing:
            print(f"  exists  {model} {existing}: {label}")
            return existing
        record_id = int(self.call(model, "create", values))
        print(f"  created {model} {record_id}: {label}")
        return record_id


def _product(odoo: Odoo, code: str) -> dict[str, Any]:
    found = odoo.call("product.product", "search_read", [("default_code", "=", code)],
                      fields=["id", "product_tmpl_id", "uom_id", "display_name"])
    if not found:
        raise SystemExit(f"demo product {code} not found: is this the Odoo 17 demo database?")
    return found[0]  # type: ignore[no-any-return]


def _partner(odoo: Odoo, name: str) -> int:
    partner_id = odoo.find("res.partner", [("name", "=", name), ("is_company", "=", True)])
    if not partner_id:
        raise SystemExit(f"demo partner {name} not found")
    return partner_id


def _weekday_ahead(today: dt.date, days: int) -> dt.date:
    day = today + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _utc(day: dt.date, hour: int, minute: int, second: int, tz: ZoneInfo) -> str:
    local = dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=tz)
    return local.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def seed(odoo: Odoo) -> None:
    """Add the planner's test material to the demo database, idempotently."""
    today = dt.date.today()
    company = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    calendar = odoo.call("res.company", "read", [company], ["resource_calendar_id"])[0]
    calendar_id = calendar["resource_calendar_id"][0]
    tz = ZoneInfo(odoo.call("resource.calendar", "read", [calendar_id], ["tz"])[0]["tz"] or "UTC")

    print("calendar leaves")
    holiday = _weekday_ahead(today, 14)
    odoo.ensure("resource.calendar.leaves", [("name", "=", f"{TAG}: public holiday")], {
        "name": f"{TAG}: public holiday",
        "calendar_id": calendar_id,
        "company_id": company,
        "resource_id": False,
        "time_type": "leave",
        "date_from": _utc(holiday, 0, 0, 0, tz),
        "date_to": _utc(holiday, 23, 59, 59, tz),
    }, f"public holiday on {holiday}")
    workcenter = odoo.call("mrp.workcenter", "search_read", [("name", "=", "Drill Station 1")],
                           fields=["resource_id"])
    if workcenter:
        start = _weekday_ahead(today, 7)
        end = _weekday_ahead(start, 1)
        odoo.ensure("resource.calendar.leaves",
                    [("name", "=", f"{TAG}: Drill Station 1 maintenance")], {
                        "name": f"{TAG}: Drill Station 1 maintenance",
                        "calendar_id": calendar_id,
                        "company_id": company,
                        "resource_id": workcenter[0]["resource_id"][0],
                        "time_type": "leave",
                        "date_from": _utc(start, 8, 0, 0, tz),
                        "date_to": _utc(end, 17, 0, 0, tz),
                    }, f"Drill Station 1 down {start} to {end}")

    print("vendor offers")
    wood_panel, bolt, screw, ply_layer = (
        _product(odoo, code) for code in ("FURN_7023", "CONS_89957", "CONS_25630", "FURN_7111"))
    wood_corner, lumber, azure = (_partner(odoo, n) for n in
                                  ("Wood Corner", "Lumber Inc", "Azure Interior"))
    offers = [
        (wood_corner, wood_panel, 10.0, 5, 40.0),
        (lumber, wood_panel, 50.0, 12, 34.5),
        (wood_corner, bolt, 100.0, 3, 0.45),
        (lumber, screw, 500.0, 7, 0.08),
        (wood_corner, ply_layer, 20.0, 6, 11.0),
    ]
    for partner_id, product, min_qty, delay, price in offers:
        template_id = product["product_tmpl_id"][0]
        odoo.ensure("product.supplierinfo", [
            ("partner_id", "=", partner_id), ("product_tmpl_id", "=", template_id),
            ("min_qty", "=", min_qty), ("delay", "=", delay),
        ], {"partner_id": partner_id, "product_tmpl_id": template_id, "min_qty": min_qty,
            "delay": delay, "price": price},
            f"{product['display_name']}: min {min_qty:g}, {delay} days")

    print("purchase orders")
    odoo.ensure("purchase.order", [("partner_ref", "=", f"{TAG} RFQ")], {
        "partner_id": wood_corner,
        "partner_ref": f"{TAG} RFQ",
        "order_line": [(0, 0, {"product_id": wood_panel["id"], "product_qty": 20.0,
                               "price_unit": 40.0,
                               "date_planned": f"{_weekday_ahead(today, 10)} 08:00:00"})],
    }, "RFQ for 20 Wood Panels")
    po_id = odoo.ensure("purchase.order", [("partner_ref", "=", f"{TAG} PO")], {
        "partner_id": lumber,
        "partner_ref": f"{TAG} PO",
        "order_line": [
            (0, 0, {"product_id": screw["id"], "product_qty": 1000.0, "price_unit": 0.08,
                    "date_planned": f"{_weekday_ahead(today, 7)} 08:00:00"}),
            (0, 0, {"product_id": bolt["id"], "product_qty": 200.0, "price_unit": 0.45,
                    "date_planned": f"{_weekday_ahead(today, 7)} 08:00:00"}),
        ],
    }, "purchase order for screws and bolts")
    if odoo.call("purchase.order", "read", [po_id], ["state"])[0]["state"] in ("draft", "sent"):
        odoo.call("purchase.order", "button_confirm", [po_id])
        print(f"  confirmed purchase.order {po_id}")

    print("sale orders")
    table, table_top, desk, table_kit = (
        _product(odoo, code) for code in ("FURN_9666", "FURN_8522", "FURN_7800", "FURN_78236"))
    deco, ready_mat = _partner(odoo, "Deco Addict"), _partner(odoo, "Ready Mat")
    commitment = _utc(_weekday_ahead(today, 21), 16, 0, 0, tz)
    so_id = odoo.ensure("sale.order", [("client_order_ref", "=", f"{TAG} SO")], {
        "partner_id": deco,
        "client_order_ref": f"{TAG} SO",
        "commitment_date": commitment,
        "order_line": [(0, 0, {"product_id": table["id"], "product_uom_qty": 2.0}),
                       (0, 0, {"product_id": table_top["id"], "product_uom_qty": 3.0})],
    }, f"sale order committed for {commitment} UTC")
    if odoo.call("sale.order", "read", [so_id], ["state"])[0]["state"] in ("draft", "sent"):
        odoo.call("sale.order", "action_confirm", [so_id])
        print(f"  confirmed sale.order {so_id}")
    odoo.ensure("sale.order", [("client_order_ref", "=", f"{TAG} quotation 1")], {
        "partner_id": ready_mat,
        "client_order_ref": f"{TAG} quotation 1",
        "order_line": [(0, 0, {"product_id": table["id"], "product_uom_qty": 5.0})],
    }, "quotation for 5 Tables")
    odoo.ensure("sale.order", [("client_order_ref", "=", f"{TAG} quotation 2")], {
        "partner_id": azure,
        "client_order_ref": f"{TAG} quotation 2",
        "order_line": [(0, 0, {"product_id": desk["id"], "product_uom_qty": 2.0}),
                       (0, 0, {"product_id": table_kit["id"], "product_uom_qty": 4.0})],
    }, "quotation for 2 Desk Combinations and 4 Table Kits")

    print("manufacturing orders")
    unplanned = odoo.call("mrp.production", "search_read",
                          [("state", "=", "confirmed"), ("is_planned", "=", False),
                           ("workorder_ids", "!=", False)], fields=["name"])
    for production in unplanned:
        odoo.call("mrp.production", "button_plan", [production["id"]])
        print(f"  planned work orders of {production['name']}")
    if not unplanned:
        print("  every confirmed MO with work orders is planned")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=env("CAPACITY_PROMISE_ODOO_URL", "http://localhost:8069"))
    parser.add_argument("--db", default=env("CAPACITY_PROMISE_ODOO_DB"))
    parser.add_argument("--login", default=env("CAPACITY_PROMISE_ODOO_LOGIN", "admin"))
    parser.add_argument("--api-key", default=None,
                        help="API key or password (better: CAPACITY_PROMISE_ODOO_API_KEY)")
    options = parser.parse_args(argv)
    if not options.db:
        parser.error("--db or CAPACITY_PROMISE_ODOO_DB is required")
    secret = options.api_key or env("CAPACITY_PROMISE_ODOO_API_KEY") or getpass.getpass(
        f"API key or password for {options.login}: ")
    seed(Odoo(options.url, options.db, options.login, secret))
    return 0


if __name__ == "__main__":
    sys.exit(main())
