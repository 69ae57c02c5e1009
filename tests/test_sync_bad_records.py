"""A bad record in Odoo never stops planning: it is refused or skipped with a warning that
names the model, the record and the field, and the run completes for the rest. Each case is a
value Odoo lets a user store (through the UI, an import or RPC) that once crashed every run
with a bare traceback (far-future datetimes) or was planned as something else without a word
(efficiency 0 as 100 %, a BoM quantity 0 as 1, negative quantities and durations)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import addon_fake, settings_for

from sync.service import PlanningService

FAR = "9999-12-31 23:59:59"


def used(dataset, model: str) -> int:
    """A record of ``model`` that the plan uses."""
    routing = list(dataset.model("mrp.routing.workcenter").records.values())
    wanted = {
        "sale.order": lambda r: r["state"] == "sale" and r.get("order_line"),
        "sale.order:quotation": lambda r: r["state"] == "draft" and r.get("order_line"),
        "purchase.order.line": lambda r: r["state"] == "purchase",
        "mrp.production": lambda r: r["state"] == "confirmed",
        "mrp.workcenter": lambda r: r["id"] in {op["workcenter_id"] for op in routing},
        "mrp.bom": lambda r: r["id"] in {op["bom_id"] for op in routing},
        "mrp.workorder": lambda r: r["state"] not in ("done", "cancel"),
    }.get(model, lambda r: True)
    records = dataset.model(model.split(":", maxsplit=1)[0]).records.values()
    if model == "sale.order.line":
        quotation = used(dataset, "sale.order:quotation")
        return dataset.get("sale.order", quotation)["order_line"][0]
    if model == "product.template":  # the product of a routed bill of materials
        return dataset.get("mrp.bom", used(dataset, "mrp.bom"))["product_tmpl_id"]
    return next(r["id"] for r in records if wanted(r))


CASES = [
    ("sale.order", "commitment_date", FAR),
    ("sale.order:quotation", "commitment_date", FAR),
    ("sale.order", "date_order", FAR),
    ("sale.order:quotation", "date_order", "0001-01-01 00:00:00"),
    ("purchase.order.line", "date_planned", FAR),
    ("mrp.production", "date_start", FAR),
    ("mrp.production", "date_deadline", FAR),
    ("mrp.workcenter", "time_efficiency", 0),
    ("mrp.workcenter", "time_efficiency", -50),
    ("mrp.workcenter", "time_start", -15),
    ("mrp.bom", "product_qty", 0),
    ("mrp.bom", "produce_delay", -3),
    ("mrp.bom.line", "product_qty", -1),
    ("mrp.routing.workcenter", "time_cycle", -5),
    ("mrp.workorder", "duration_expected", -10),
    ("sale.order.line", "product_uom_qty", -5),
    ("sale.order.line", "customer_lead", -2),
    ("sale.order.line", "customer_lead", 10**9),
    ("purchase.order.line", "product_qty", -3),
    ("mrp.production", "product_qty", -4),
    ("product.supplierinfo", "delay", -2),
    ("product.supplierinfo", "delay", 10**9),
    ("product.supplierinfo", "min_qty", -1),
    ("product.template", "sale_delay", -1),
    ("stock.move", "product_uom_qty", -6),
]


@pytest.mark.parametrize(("model", "field", "value"), CASES,
                         ids=[f"{m}.{f}={v}" for m, f, v in CASES])
def test_a_bad_value_is_named_and_the_run_completes(tmp_path, model, field, value: Any):
    with addon_fake() as (server, addon):
        record = used(server.dataset, model)
        real_model = model.split(":")[0]
        server.dataset.update(real_model, record, **{field: value})
        service = PlanningService(settings_for(server, tmp_path, solver="none"))
        current = service.run_once()
    assert current.applied and addon.applied
    named = [warning for warning in current.plan.warnings
             if f"{real_model} {record}" in warning and field in warning]
    assert named, current.plan.warnings
    assert len(addon.applied[0]["orders"]) > 0
