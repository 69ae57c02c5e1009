"""The plan sent as a delta: after a first full apply the service sends only what changed
(and what went), Odoo ends as a full plan leaves it, and whenever Odoo does not show the run
the delta is based on, the full plan goes in the same poll."""

from __future__ import annotations

from typing import Any

import test_sync_poll
from test_sync_poll import (
    edit_line,
    made_quotation_line,
    on_the_odoo_clock,
    service_for,
)

from sync.payload import ITEM_NAMES, build_payload

odoo = test_sync_poll.odoo  # the fake Odoo whose addon writes what it is sent


def whole_plan(service) -> dict[str, Any]:
    """The service's current plan as a full payload."""
    current = service.current
    return build_payload(current.snapshot, current.plan, 1, current.computed_at,
                         current.computed_at)


def by_name(payload: dict[str, Any]) -> dict[str, dict[Any, Any]]:
    """Each family's items by name (order does not matter to Odoo)."""
    return {family: {repr(name_of(item)): item for item in payload.get(family) or []}
            for family, name_of in ITEM_NAMES.items()}


def order_of_line(service, line_id: int) -> int:
    return next(order.id for order in service.current.snapshot.sale_orders
                if any(line.id == line_id for line in order.lines))


def test_a_changed_line_sends_only_its_order_and_odoo_ends_as_with_the_full_plan(odoo,
                                                                                  tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    first = addon.received[-1]
    assert "base_run_key" not in first and first["orders"], "the first apply is a full one"
    line_id = made_quotation_line(service)
    order_id = order_of_line(service, line_id)
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 2500.0)
    service.run_once()
    assert service.metrics.last_poll.outcome == "applied"
    delta = addon.received[-1]
    assert delta["version"] == 2 and delta["base_run_key"] == first["run_key"]
    assert [order["order_id"] for order in delta["orders"]] == [order_id]
    assert len(delta["productions"]) < len(first["productions"]) or not first["productions"]
    assert delta["totals"]["orders"] == len(first["orders"])
    # Odoo now shows, item for item, the plan a full apply would have written
    assert by_name(addon.applied[-1]) == by_name(whole_plan(service))
    assert len(addon.received) == 2


def test_a_deleted_quotation_is_removed_by_name(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    line_id = made_quotation_line(service)
    order_id = order_of_line(service, line_id)
    server.dataset.advance(seconds=600)
    with server.dataset.acting_as(6):
        for line in list(server.dataset.get("sale.order", order_id)["order_line"]):
            server.dataset.delete("sale.order.line", line)
        server.dataset.delete("sale.order", order_id)
    service.run_once()
    delta = addon.received[-1]
    assert delta["base_run_key"] and delta["removed"]["orders"] == [order_id]
    assert order_id not in {order["order_id"] for order in delta["orders"]}
    assert by_name(addon.applied[-1]) == by_name(whole_plan(service))
    assert order_id not in by_name(addon.applied[-1])["orders"]


def test_when_odoo_shows_another_run_the_full_plan_goes_in_the_same_poll(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    # another run applied in Odoo since (another service, a restore): the base is gone
    addon.applied.append(dict(addon.applied[-1], run_key="cp-someone-else"))
    line_id = made_quotation_line(service)
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 2500.0)
    server.reset_calls()
    current = service.run_once()
    assert service.metrics.last_poll.outcome == "applied" and current.applied
    delta, full = addon.received[-2:]
    assert delta["base_run_key"] and "base_run_key" not in full
    assert len(server.calls_for("capacity.planner.run", "apply_plan")) == 2
    assert full["run_key"] == delta["run_key"] == addon.applied[-1]["run_key"]
    assert by_name(addon.applied[-1]) == by_name(whole_plan(service))
    # and the next change is a delta again, on the run the full plan made
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 3000.0)
    service.run_once()
    assert addon.received[-1]["base_run_key"] == full["run_key"]


def test_a_restarted_service_sends_the_full_plan_first(odoo, tmp_path):
    server, addon = odoo
    service_for(server, tmp_path).run_once()
    restarted = service_for(server, tmp_path)  # the same store, its memory gone
    line_id = made_quotation_line(restarted) if restarted.current else None
    if line_id is None:
        restarted.run_once(force=True)
        line_id = made_quotation_line(restarted)
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 2500.0)
    restarted.run_once()
    assert restarted.metrics.last_poll.outcome == "applied"
    assert "base_run_key" not in addon.received[-1]
    assert by_name(addon.applied[-1]) == by_name(whole_plan(restarted))


def test_a_line_edited_between_read_and_apply_is_sent_again_by_the_next_poll(odoo, tmp_path):
    """The order's promise may not change with the edit, but its lines did: the next poll
    reads them and sends the order again, so Odoo confirms its promise (not stale)."""
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    line_id = made_quotation_line(service)
    order_id = order_of_line(service, line_id)
    quantity = server.dataset.get("sale.order.line", line_id)["product_uom_qty"]
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, quantity + 1)
    edited: list[bool] = []

    def edit_while_planning() -> None:
        if not edited:
            edited.append(True)
            server.dataset.advance(seconds=5)
            edit_line(server, line_id, quantity + 2)

    addon.while_planning.append(edit_while_planning)
    service.run_once()
    server.dataset.advance(seconds=600)
    service.run_once()
    assert service.metrics.last_poll.outcome == "applied"
    assert order_id in {order["order_id"] for order in addon.received[-1]["orders"]}
    line = next(line for order in service.current.snapshot.sale_orders
                for line in order.lines if line.id == line_id)
    assert line.quantity == quantity + 2
    assert by_name(addon.applied[-1]) == by_name(whole_plan(service))


def test_a_manufacturing_order_edited_while_a_delta_is_planned_is_in_the_next_plan(odoo,
                                                                                  tmp_path):
    server, addon = odoo
    data = server.dataset
    service = on_the_odoo_clock(server, tmp_path)
    service.run_once()
    planned_ids = {item["production_id"] for item in addon.applied[0]["productions"]}
    production = next(mo for mo in service.current.snapshot.manufacturing_orders
                      if mo.id in planned_ids)
    quantity = data.get("mrp.production", production.id)["product_qty"] + 3

    def planner_edits_the_order() -> None:  # after the service's read, before its apply
        data.advance(seconds=2)
        with data.acting_as(6):
            data.update("mrp.production", production.id, product_qty=quantity)

    data.advance(seconds=5)
    edit_line(server, made_quotation_line(service), 300.0)
    addon.while_planning.append(planner_edits_the_order)
    service.run_once()
    addon.while_planning.clear()
    assert addon.received[-1]["base_run_key"], "a delta was sent"
    data.advance(seconds=5)
    service.run_once()
    planned = {mo.id: mo for mo in service.current.snapshot.manufacturing_orders}
    assert planned[production.id].quantity == quantity
    # the plan for it is the same: nothing is sent, and the next apply sends its item again
    # (its records as read changed), so Odoo shows what a full plan would
    assert service.metrics.last_poll.outcome == "unchanged"
    data.advance(seconds=5)
    edit_line(server, made_quotation_line(service), 310.0)
    service.run_once()
    assert addon.received[-1]["base_run_key"]
    assert production.id in {item["production_id"] for item in addon.received[-1]["productions"]}
    assert by_name(addon.applied[-1]) == by_name(whole_plan(service))
