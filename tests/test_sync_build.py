"""From Odoo's records to the planner's snapshot: time zones, units, Odoo's work-center time,
what counts as supply and stock, and warnings that name the record."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sync.build import build_snapshot

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)  # Monday, 7:00 in Brussels


def rows() -> dict[str, list[dict]]:
    """A small factory as the reader stores it (Odoo's field names, many2one as [id, name])."""
    calendar = [1, "Standard 40 hours"]
    return {
        "res.company": [{"id": 1, "name": "My Company", "resource_calendar_id": calendar}],
        "uom.uom": [{"id": 1, "name": "Units", "category_id": [1, "Unit"], "factor": 1.0},
                    {"id": 2, "name": "Dozens", "category_id": [1, "Unit"],
                     "factor": 1 / 12}],
        "resource.calendar": [{"id": 1, "name": "Standard 40 hours", "tz": "Europe/Brussels",
                               "two_weeks_calendar": False, "company_id": [1, "My Company"],
                               "active": True}],
        "resource.calendar.attendance": [
            {"id": 10 + d * 3 + k, "calendar_id": calendar, "dayofweek": str(d),
             "hour_from": h0, "hour_to": h1, "day_period": period, "week_type": False,
             "date_from": False, "date_to": False, "display_type": False,
             "resource_id": False}
            for d in range(5)
            for k, (h0, h1, period) in enumerate(((8, 12, "morning"), (12, 13, "lunch"),
                                                  (13, 17, "afternoon")))],
        "resource.calendar.leaves": [
            # a public holiday on Tuesday, written in UTC (Brussels midnight is 23:00 UTC)
            {"id": 501, "name": "Holiday", "calendar_id": calendar, "resource_id": False,
             "date_from": "2026-11-23 23:00:00", "date_to": "2026-11-24 23:00:00",
             "time_type": "leave", "company_id": [1, "My Company"]},
            # a work order's booking of the work center: not time off
            {"id": 502, "name": "WO booking", "calendar_id": calendar, "resource_id": [7, "A"],
             "date_from": "2026-11-25 07:00:00", "date_to": "2026-11-25 15:00:00",
             "time_type": "other", "company_id": [1, "My Company"]}],
        "mrp.workcenter": [{"id": 3, "name": "Assembly", "resource_id": [7, "Assembly"],
                            "resource_calendar_id": calendar, "default_capacity": 2.0,
                            "time_efficiency": 80.0, "time_start": 15.0, "time_stop": 15.0,
                            "alternative_workcenter_ids": [], "company_id": [1, "My Company"],
                            "active": True}],
        "product.template": [
            {"id": 20, "name": "Table", "uom_id": [1, "Units"], "sale_delay": 7,
             "detailed_type": "product", "route_ids": [], "active": True, "company_id": False},
            {"id": 21, "name": "Screw", "uom_id": [1, "Units"], "sale_delay": 0,
             "detailed_type": "product", "route_ids": [], "active": True, "company_id": False},
            {"id": 22, "name": "Glue", "uom_id": [1, "Units"], "sale_delay": 0,
             "detailed_type": "consu", "route_ids": [], "active": True, "company_id": False},
            {"id": 23, "name": "Delivery", "uom_id": [1, "Units"], "sale_delay": 0,
             "detailed_type": "service", "route_ids": [], "active": True, "company_id": False}],
        "product.product": [
            {"id": 40, "product_tmpl_id": [20, "Table"], "display_name": "[T] Table",
             "default_code": "T", "active": True},
            {"id": 41, "product_tmpl_id": [21, "Screw"], "display_name": "Screw",
             "default_code": "", "active": True},
            {"id": 42, "product_tmpl_id": [22, "Glue"], "display_name": "Glue",
             "default_code": "", "active": True},
            {"id": 43, "product_tmpl_id": [23, "Delivery"], "display_name": "Delivery",
             "default_code": "", "active": True}],
        "product.supplierinfo": [
            {"id": 60, "partner_id": [9, "Wood Corner"], "product_tmpl_id": [21, "Screw"],
             "product_id": False, "min_qty": 1.0, "delay": 4, "product_uom": [2, "Dozens"],
             "sequence": 1, "price": 3.0, "date_start": False, "date_end": False,
             "company_id": False}],
        "mrp.bom": [{"id": 70, "product_tmpl_id": [20, "Table"], "product_id": False,
                     "product_qty": 1.0, "product_uom_id": [1, "Units"], "type": "normal",
                     "sequence": 1, "produce_delay": 0, "company_id": False, "active": True}],
        "mrp.bom.line": [
            {"id": 71, "bom_id": [70, "Table"], "product_id": [41, "Screw"], "product_qty": 1.0,
             "product_uom_id": [2, "Dozens"]},
            {"id": 72, "bom_id": [70, "Table"], "product_id": [42, "Glue"], "product_qty": 1.0,
             "product_uom_id": [1, "Units"]},
            {"id": 73, "bom_id": [70, "Table"], "product_id": False, "product_qty": 1.0,
             "product_uom_id": [1, "Units"]}],
        "mrp.routing.workcenter": [
            {"id": 80, "bom_id": [70, "Table"], "name": "Assemble",
             "workcenter_id": [3, "Assembly"], "sequence": 10, "time_cycle": 90.0,
             "active": True},
            {"id": 81, "bom_id": [70, "Table"], "name": "Inspect", "workcenter_id": False,
             "sequence": 20, "time_cycle": 10.0, "active": True}],
        "stock.quant": [{"id": 90, "product_id": [41, "Screw"], "location_id": [8, "WH/Stock"],
                         "quantity": 100.0, "company_id": [1, "My Company"]}],
        "stock.move:outgoing": [{"id": 95, "product_id": [41, "Screw"], "product_uom_qty": 2.0,
                                 "product_uom": [2, "Dozens"], "state": "assigned",
                                 "company_id": [1, "My Company"]}],
        "purchase.order": [{"id": 100, "name": "P00012", "state": "purchase"},
                           {"id": 101, "name": "P00013", "state": "draft"}],
        "purchase.order.line": [
            {"id": 110, "order_id": [100, "P00012 (REF-7)"], "product_id": [41, "Screw"],
             "product_qty": 5.0, "qty_received": 2.0, "product_uom": [2, "Dozens"],
             "date_planned": "2026-11-26 22:30:00", "partner_id": [9, "Wood Corner"],
             "state": "purchase", "company_id": [1, "My Company"]},
            {"id": 111, "order_id": [101, "P00013"], "product_id": [41, "Screw"],
             "product_qty": 10.0, "qty_received": 0.0, "product_uom": [1, "Units"],
             "date_planned": "2026-11-27 10:00:00", "partner_id": [9, "Wood Corner"],
             "state": "draft", "company_id": [1, "My Company"]}],
        "mrp.workorder": [{"id": 120, "name": "Assemble", "production_id": [130, "WH/MO/1"],
                           "workcenter_id": [3, "Assembly"], "state": "progress",
                           "duration_expected": 120.0, "duration": 30.0,
                           "operation_id": [80, "Assemble"], "leave_id": [502, "WO booking"]}],
        "mrp.production": [{"id": 130, "name": "WH/MO/1", "product_id": [40, "Table"],
                            "product_qty": 3.0, "qty_produced": 1.0,
                            "product_uom_id": [1, "Units"], "state": "progress",
                            "date_start": "2026-11-20 08:00:00", "date_deadline": False,
                            "procurement_group_id": False, "company_id": [1, "My Company"]}],
        "sale.order": [{"id": 140, "name": "S00140", "partner_id": [5, "Deco Addict"],
                        "state": "draft", "date_order": "2026-11-22 23:30:00",
                        "commitment_date": "2026-12-03 23:30:00", "picking_policy": "direct",
                        "create_date": "2026-11-22 23:30:00",
                        "company_id": [1, "My Company"]}],
        "sale.order.line": [
            {"id": 150, "order_id": [140, "S00140"], "product_id": [40, "[T] Table"],
             "product_uom_qty": 2.0, "qty_delivered": 0.0, "product_uom": [1, "Units"],
             "customer_lead": 7.0, "display_type": False, "sequence": 1},
            {"id": 151, "order_id": [140, "S00140"], "product_id": [43, "Delivery"],
             "product_uom_qty": 1.0, "qty_delivered": 0.0, "product_uom": [1, "Units"],
             "customer_lead": 0.0, "display_type": False, "sequence": 2}],
    }


@pytest.fixture
def snapshot():
    return build_snapshot(rows(), {"company_id": [1, "My Company"], "tz": "UTC"}, NOW)


def test_dates_are_read_in_the_factorys_time_zone(snapshot):
    assert snapshot.timezone == "Europe/Brussels"
    [order] = snapshot.sale_orders
    assert order.order_date == dt.date(2026, 11, 23)  # 23:30 UTC is past midnight in Brussels
    assert order.commitment_date == dt.date(2026, 12, 4)
    [supply] = snapshot.purchase_lines
    assert supply.expected_date == dt.date(2026, 11, 26)


def test_public_holidays_count_but_work_order_bookings_are_not_time_off(snapshot):
    [calendar] = snapshot.calendars
    assert [leave.name for leave in calendar.leaves] == ["Holiday"]
    [workcenter] = snapshot.workcenters
    assert workcenter.leaves == ()


def test_odoo_work_center_time_is_passed_on_in_odoos_minutes(snapshot):
    [workcenter] = snapshot.workcenters
    assert (workcenter.capacity, workcenter.efficiency) == (2.0, 0.8)
    assert workcenter.setup_minutes + workcenter.cleanup_minutes == 30
    [bom] = snapshot.boms
    [operation] = bom.operations  # the one without a work center is left out
    assert operation.cycle_minutes == 90
    [mo] = snapshot.manufacturing_orders
    assert mo.quantity == 2.0  # 3 ordered, 1 produced
    [work_order] = mo.work_orders
    assert work_order.started and work_order.remaining_minutes == 90  # expected less done


def test_units_kinds_and_what_cannot_be_used(snapshot):
    [bom] = snapshot.boms
    # a dozen screws per table; glue is a consumable (always at hand); the line without
    # product is left out with a warning naming it
    assert [(line.product_id, line.uom_id) for line in bom.lines] == [(41, 2)]
    assert "mrp.bom.line 73 of mrp.bom 70 'Table' has no product; ignored" in snapshot.warnings
    assert any("mrp.routing.workcenter 81 'Inspect'" in w for w in snapshot.warnings)
    products = {p.id: p for p in snapshot.products}
    assert products[40].procurement == "make" and products[41].procurement == "buy"
    assert 43 not in products  # a service: nothing to plan
    [order] = snapshot.sale_orders
    assert [line.product_id for line in order.lines] == [40]


def test_open_deliveries_without_a_sale_take_their_stock(snapshot):
    [level] = snapshot.stock
    assert level.quantity == 100 - 24  # two dozen on an open delivery


def test_requests_for_quotation_are_supply_only_when_made_from_suggestions():
    data = rows()
    snapshot = build_snapshot(data, {"company_id": [1, "My Company"]}, NOW)
    [confirmed] = snapshot.purchase_lines
    assert (confirmed.order_name, confirmed.quantity) == ("P00012", 3.0)
    data["capacity.purchase.suggestion"] = [{"id": 1, "purchase_line_id": [111, "P00013"],
                                             "state": "ordered", "product_id": [41, "Screw"],
                                             "company_id": [1, "My Company"]}]
    snapshot = build_snapshot(data, {"company_id": [1, "My Company"]}, NOW)
    assert sorted(line.order_name for line in snapshot.purchase_lines) == ["P00012", "P00013"]
    assert not [w for w in snapshot.warnings if "suggestion" in w]


@pytest.mark.parametrize(("field", "value", "named"), [
    ("product_id", [40, "Table"], "is for Screw, not for the suggestion's Table"),
    ("company_id", [2, "Other Company"], "is in My Company, not in the suggestion's Other"),
])
def test_an_rfq_line_of_another_product_or_company_is_not_supply(field, value, named):
    data = rows()
    suggestion = {"id": 5, "key": "S-5", "purchase_line_id": [111, "P00013"], "state": "ordered",
                  "product_id": [41, "Screw"], "company_id": [1, "My Company"]}
    data["capacity.purchase.suggestion"] = [{**suggestion, field: value}]
    snapshot = build_snapshot(data, {"company_id": [1, "My Company"]}, NOW)
    assert [line.order_name for line in snapshot.purchase_lines] == ["P00012"]
    [warning] = [w for w in snapshot.warnings if "suggestion" in w]
    assert warning.startswith("capacity.purchase.suggestion 5 'S-5' is ordered on "
                              "purchase.order.line 111 'P00013', which " + named), warning


def test_an_expired_quotation_holds_nothing_and_is_not_planned():
    data = rows()
    user = {"company_id": [1, "My Company"], "tz": "UTC"}
    today = NOW.astimezone(ZoneInfo("Europe/Brussels")).date()
    data["sale.order"][0]["validity_date"] = (today - dt.timedelta(days=1)).isoformat()
    assert build_snapshot(data, user, NOW).sale_orders == ()
    data["sale.order"][0]["validity_date"] = today.isoformat()  # valid through today
    assert [order.id for order in build_snapshot(data, user, NOW).sale_orders] == [140]
    # a confirmed order's old expiration date means nothing
    data["sale.order"][0].update(state="sale", validity_date="2020-01-01")
    assert [order.id for order in build_snapshot(data, user, NOW).sale_orders] == [140]


def test_a_quotation_of_a_lost_opportunity_holds_nothing_and_is_not_planned():
    data = rows()
    user = {"company_id": [1, "My Company"], "tz": "UTC"}
    data["sale.order"][0]["capacity_lost"] = True
    assert build_snapshot(data, user, NOW).sale_orders == ()
    # confirmed anyway: it is the customer's order, whatever CRM says
    data["sale.order"][0]["state"] = "sale"
    assert [order.id for order in build_snapshot(data, user, NOW).sale_orders] == [140]
