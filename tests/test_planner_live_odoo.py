"""Against a live Odoo of each configured series (``tests/live.py``): the planner plans a
manufacturing order's work orders to the minute as Odoo's own "Plan" button does, on the work
center's own capacity, on a faster alternative, and on a capacity for the product with its own
set-up and clean-up (``mrp.workcenter.capacity``).

Needs ``..._URL``, ``_DB``, ``_LOGIN``, ``_API_KEY`` and ``..._WRITE=1``: it creates a calendar,
work centers, a product with a two-step routing and a confirmed manufacturing order in that
database (use a copy), as ``..._ADMIN_LOGIN`` / ``_ADMIN_API_KEY`` when set.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from live import by_target, live_settings, writes

from optimizer import PlannerSettings, plan
from optimizer.checker import check_plan
from sync.build import build_snapshot, utc_datetime
from sync.service import PlanningService, _next_minute

UTC = dt.timezone.utc


def odoo_time(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def capacity(client, units: int, setup: float, cleanup: float) -> dict[str, Any]:
    """A work center's capacity as this series stores it: up to 18 its own ``default_capacity``
    (and set-up, clean-up); 19 has none, so a capacity line for every product in Units."""
    if "default_capacity" in client.fields("mrp.workcenter"):
        return {"default_capacity": units, "time_start": setup, "time_stop": cleanup}
    unit = client.call("product.product", "default_get", ["uom_id"])["uom_id"]
    return {"time_start": setup, "time_stop": cleanup, "capacity_ids": [
        (0, 0, {"product_id": False, "product_uom_id": unit, "capacity": units,
                "time_start": setup, "time_stop": cleanup})]}


def storable(client) -> dict[str, Any]:
    """A stocked product: 17's ``detailed_type``, 18's ``is_storable``."""
    if "is_storable" in client.fields("product.product"):
        return {"type": "consu", "is_storable": True}
    return {"detailed_type": "product"}


def create_shop(client, tag: str, start: dt.datetime, variant: str) -> int:
    """A confirmed manufacturing order alone on its new work centers; returns its id. With
    ``alternative`` the press has a faster alternative (one cycle for all five units); with
    ``product capacity`` the press makes this product five at a time with its own set-up
    and clean-up."""
    attendances = [(0, 0, {"name": f"{day} {period}", "dayofweek": str(day), "hour_from": h0,
                           "hour_to": h1, "day_period": period})
                   for day in range(5)
                   for h0, h1, period in ((8, 12, "morning"), (13, 17, "afternoon"))]
    calendar = client.call("resource.calendar", "create", {
        "name": f"Planner test {tag}", "tz": "Europe/Brussels", "attendance_ids": attendances})
    press = client.call("mrp.workcenter", "create", {
        "name": f"Press {tag}", "resource_calendar_id": calendar, "time_efficiency": 80,
        **capacity(client, 2, 10, 5)})
    if variant == "alternative":
        big_press = client.call("mrp.workcenter", "create", {
            "name": f"Big press {tag}", "resource_calendar_id": calendar,
            "time_efficiency": 100, **capacity(client, 5, 20, 0)})
        client.call("mrp.workcenter", "write", [press],
                    {"alternative_workcenter_ids": [(6, 0, [big_press])]})
    paint = client.call("mrp.workcenter", "create", {
        "name": f"Paint {tag}", "resource_calendar_id": calendar, "time_start": 0,
        "time_stop": 0})
    product = client.call("product.product", "create", {
        "name": f"Bracket {tag}", **storable(client)})
    if variant == "product capacity":
        unit = client.call("product.product", "read", [product], ["uom_id"])[0]["uom_id"][0]
        client.call("mrp.workcenter.capacity", "create", {
            "workcenter_id": press, "product_id": product, "product_uom_id": unit,
            "capacity": 5, "time_start": 25, "time_stop": 3})
    template = client.call("product.product", "read", [product], ["product_tmpl_id"])[0][
        "product_tmpl_id"][0]
    bom = client.call("mrp.bom", "create", {
        "product_tmpl_id": template, "product_qty": 1, "type": "normal",
        "operation_ids": [
            (0, 0, {"name": "Press", "workcenter_id": press, "sequence": 10,
                    "time_mode": "manual", "time_cycle_manual": 90}),
            (0, 0, {"name": "Paint", "workcenter_id": paint, "sequence": 20,
                    "time_mode": "manual", "time_cycle_manual": 45})]})
    production = client.call("mrp.production", "create", {
        "product_id": product, "product_qty": 5, "bom_id": bom,
        "date_start": odoo_time(start)})
    client.call("mrp.production", "action_confirm", [production])
    return production


@pytest.mark.odoo
@by_target
@pytest.mark.parametrize("variant", ["own capacity", "alternative", "product capacity"])
def test_planner_books_work_orders_as_odoos_plan_button(prefix, series, tmp_path, variant):
    settings = live_settings(prefix, series, tmp_path, admin=True, solver="none")
    writes(prefix, "creates records")
    service = PlanningService(settings)
    client = service.client
    tag = uuid.uuid4().hex[:6]
    tomorrow = dt.datetime.now(UTC).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(10, 17), UTC)  # mid-morning, odd minute
    production = create_shop(client, tag, start, variant)

    report = service.read()
    # from the next whole minute, as the service plans
    snapshot = build_snapshot(service.store.all_rows(), service.reader.user,
                              _next_minute(report.started_at))
    result = plan(snapshot, PlannerSettings(solver="none"))
    assert check_plan(snapshot, result) == []
    [job] = [j for j in result.jobs if j.manufacturing_order_id == production]
    ours = {op.workorder_id: (op.start_at, op.finish_at) for op in job.operations}
    our_centers = {op.workorder_id: op.workcenter_id for op in job.operations}

    client.call("mrp.production", "button_plan", [production])
    rows = client.search_read("mrp.workorder", [("production_id", "=", production)],
                              ["date_start", "date_finished", "workcenter_id"])
    odoo = {row["id"]: (utc_datetime(row["date_start"]), utc_datetime(row["date_finished"]))
            for row in rows}
    assert set(ours) == set(odoo) and len(odoo) == 2
    assert our_centers == {row["id"]: row["workcenter_id"][0] for row in rows}

    for workorder_id, (odoo_start, odoo_end) in odoo.items():
        our_start, our_end = ours[workorder_id]
        assert odoo_start and odoo_end and our_start and our_end
        # Odoo keeps seconds; the same to the minute, and here even to the second
        assert abs((our_start - odoo_start).total_seconds()) <= 1 and \
            abs((our_end - odoo_end).total_seconds()) <= 1, \
            f"work order {workorder_id}: Odoo {odoo_start}-{odoo_end}, planner " \
            f"{our_start}-{our_end}"
