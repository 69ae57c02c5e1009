"""The addon's payload reader, tested without Odoo.

``plan_payload.py`` is plain Python inside the addon; it is loaded from its
file so that the addon package (which imports Odoo) is not imported.
"""

import copy
import datetime
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "addon/common/plan_payload.py"
_spec = importlib.util.spec_from_file_location("capacity_plan_payload", PATH)
plan_payload = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = plan_payload  # dataclasses look their module up
_spec.loader.exec_module(plan_payload)

PLAN = {
    "version": 1,
    "run_key": "2026-11-23T05:00:00Z#17",
    "company_id": 1,
    "snapshot_at": "2026-11-23 05:00:00",
    "started_at": "2026-11-23 05:00:01",
    "finished_at": "2026-11-23 05:00:31",
    "status": "optimized",
    "solver": {"name": "HiGHS", "status": "feasible", "gap": 0.02, "seconds": 30.0, "message": ""},
    "warnings": ["Paint has no calendar"],
    "orders": [
        {
            "order_id": 7,
            "promise_date": "2026-12-03",
            "status": "late",
            "reason": "Assembly full until 2 Dec",
            "lines": [
                {"line_id": 70, "promise_date": None, "status": "cannot_plan", "reason": "no BoM"}
            ],
        },
        {"order_id": 8, "promise_date": "2026-12-01", "status": "on_time", "reason": ""},
    ],
    "productions": [{"production_id": 3, "start_date": "2026-11-24", "finish_date": "2026-11-26"}],
    "suggestions": [
        {
            "key": "bolt@vendor9",
            "product_id": 45,
            "vendor_id": 9,
            "quantity": 100,
            "uom_id": 1,
            "order_by_date": "2026-11-25",
            "need_date": "2026-11-30",
            "lead_days": 5,
            "serves": [{"kind": "quotation", "id": 7, "quantity": 100}],
        }
    ],
    "load": [
        {"workcenter_id": 1, "date": "2026-11-24", "available_hours": 8, "planned_hours": 7.5}
    ],
}


def _plan(**changes):
    plan = copy.deepcopy(PLAN)
    plan.update(changes)
    return plan


def test_a_good_plan_is_read():
    plan = plan_payload.parse_plan(_plan())
    assert plan.snapshot_at == datetime.datetime(2026, 11, 23, 5, 0, 0)
    assert plan.orders[0].promise_date == datetime.date(2026, 12, 3)
    assert plan.orders[0].lines[0].promise_date is None
    assert plan.orders[1].lines == ()
    assert plan.suggestions[0].quantity == 100.0
    assert plan.suggestions[0].serves[0].kind == "quotation"
    assert plan.solver.gap == 0.02
    assert plan.load[0].planned_hours == 7.5


def test_optional_lists_may_be_left_out():
    raw = _plan()
    for key in ("warnings", "orders", "productions", "suggestions", "load"):
        del raw[key]
    plan = plan_payload.parse_plan(raw)
    assert plan.orders == () and plan.load == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: p["orders"][1].update(promise_date="2026-13-01"),
            "orders[1].promise_date: '2026-13-01' is not a date",
        ),
        (
            lambda p: p["orders"][0]["lines"][0].update(status="soon"),
            "orders[0].lines[0].status: 'soon' is not one of on_time, late, cannot_plan",
        ),
        (lambda p: p["orders"][0].pop("order_id"), "orders[0].order_id: missing"),
        (
            lambda p: p["orders"][0].update(order_id="7"),
            "orders[0].order_id: '7' is not an integer",
        ),
        (
            lambda p: p["orders"][0].update(order_id=True),
            "orders[0].order_id: True is not an integer",
        ),
        (
            lambda p: p["orders"][1].update(order_id=7),
            "orders[1].order_id: sale order 7 is listed twice",
        ),
        (lambda p: p.update(version=3), "version: 3 is not supported"),
        (
            lambda p: p.update(snapshot_at="2026-11-23T05:00:00"),
            "snapshot_at: '2026-11-23T05:00:00' is not a datetime",
        ),
        (
            lambda p: p.update(finished_at="2026-11-23 04:00:00"),
            "finished_at: 2026-11-23 04:00:00 is before started_at",
        ),
        (lambda p: p.update(run_key=""), "run_key: is empty"),
        (lambda p: p.update(orders={}), "orders: {} is not a list"),
        (lambda p: p["solver"].update(status="timeout"), "solver.status: 'timeout' is not one of"),
        (
            lambda p: p["suggestions"][0].update(quantity=float("nan")),
            "suggestions[0].quantity: nan is not a finite number",
        ),
        (
            lambda p: p["suggestions"][0].update(quantity=0),
            "suggestions[0].quantity: 0 is not a quantity to buy",
        ),
        (
            lambda p: p["suggestions"][0]["serves"][0].update(kind="rental"),
            "suggestions[0].serves[0].kind: 'rental' is not one of",
        ),
        (
            lambda p: p["load"][0].update(available_hours=-1),
            "load[0].available_hours: -1 is below 0",
        ),
        (
            lambda p: p["load"].append(dict(p["load"][0])),
            "load[1].date: work center and date (1, '2026-11-24') is listed twice",
        ),
        (
            lambda p: p["productions"][0].update(finish_date="2026-11-20"),
            "productions[0].finish_date: 2026-11-20 is before start_date",
        ),
        (lambda p: p.update(status="failed"), "orders: must be empty when status is 'failed'"),
    ],
)
def test_a_bad_plan_names_element_and_field(change, message):
    raw = _plan()
    change(raw)
    with pytest.raises(plan_payload.PayloadError) as caught:
        plan_payload.parse_plan(raw)
    assert message in str(caught.value)


QUOTE = {
    "order_id": 7,
    "promise_date": "2026-12-03",
    "status": "late",
    "reason": "Assembly full",
    "computed_at": "2026-11-23 05:00:00",
    "plan_age_seconds": 12.5,
    "lines": [{"line_id": 70, "promise_date": "2026-12-03", "status": "late", "reason": ""}],
}


def test_a_good_quote_is_read():
    quote = plan_payload.parse_quote(copy.deepcopy(QUOTE), 7, {70, 71})
    assert quote.promise_date == datetime.date(2026, 12, 3)
    assert [line.line_id for line in quote.lines] == [70]


@pytest.mark.parametrize(
    ("order_id", "line_ids", "message"),
    [
        (8, {70}, "order_id: 7 is not the order asked for (8)"),
        (7, {71}, "lines[0].line_id: 70 is not a line of this order"),
    ],
)
def test_a_quote_for_something_else_is_refused(order_id, line_ids, message):
    with pytest.raises(plan_payload.PayloadError) as caught:
        plan_payload.parse_quote(copy.deepcopy(QUOTE), order_id, line_ids)
    assert message in str(caught.value)


def test_a_quote_that_is_not_an_object_is_refused():
    with pytest.raises(plan_payload.PayloadError, match="response: \\[\\] is not an object"):
        plan_payload.parse_quote([], 7, set())


def test_a_structured_reason_keeps_its_sentence():
    raw = _plan()
    raw["orders"][0]["reason"] = {"kind": "capacity", "values": {"workcenter": "Assembly"},
                                  "text": "Assembly full until 2 Dec"}
    raw["orders"][1]["reason"] = {"kind": "material", "values": {"product": "Glass", "po": 31}}
    raw["orders"][0]["lines"][0]["reason"] = {"kind": "no_bom"}
    orders = plan_payload.parse_plan(raw).orders
    assert orders[0].reason == "Assembly full until 2 Dec"
    assert orders[1].reason == "material (po: 31, product: Glass)"
    assert orders[0].lines[0].reason == "no_bom"


def test_keys_of_a_newer_service_are_ignored():
    raw = _plan(planner="2.0")
    raw["productions"][0]["operators"] = [{"start": "2026-11-24 08:00:00"}]
    assert plan_payload.parse_plan(raw).productions[0].production_id == 3


def test_the_reason_data_is_kept_as_canonical_json():
    raw = _plan()
    data = {"values": {"workcenter_id": 1, "until": "2026-12-02"}, "kind": "capacity"}
    raw["orders"][0]["reason_data"] = data
    raw["orders"][0]["lines"][0]["reason"] = {"kind": "stock", "values": {}}
    order = plan_payload.parse_plan(raw).orders[0]
    assert json.loads(order.reason_data) == data
    assert order.reason_data.startswith('{"kind":"capacity"')
    assert json.loads(order.lines[0].reason_data) == {"kind": "stock", "values": {}}
    assert plan_payload.parse_plan(_plan()).orders[0].reason_data == ""


@pytest.mark.parametrize(
    ("reason_data", "message"),
    [
        ({"values": {}}, "orders[0].reason_data.kind: missing"),
        ({"kind": "capacity", "values": [1]}, "orders[0].reason_data.values: [1] is not an object"),
        ("capacity", "orders[0].reason_data: 'capacity' is not an object"),
    ],
)
def test_bad_reason_data_is_named(reason_data, message):
    raw = _plan()
    raw["orders"][0]["reason_data"] = reason_data
    with pytest.raises(plan_payload.PayloadError, match=re.escape(message)):
        plan_payload.parse_plan(raw)


def test_work_orders_carry_their_planned_times():
    raw = _plan()
    raw["productions"][0].update(
        date_start="2026-11-24 08:00:00", date_finished="2026-11-25 12:00:00",
        workorders=[{"workorder_id": 31, "workcenter_id": 1, "date_start": "2026-11-24 08:00:00",
                     "date_finished": "2026-11-24 10:30:00"}])
    production = plan_payload.parse_plan(raw).productions[0]
    assert production.date_finished == datetime.datetime(2026, 11, 25, 12)
    assert production.workorders[0].workorder_id == 31
    assert production.workorders[0].date_finished == datetime.datetime(2026, 11, 24, 10, 30)
    raw["productions"][0]["workorders"][0]["date_finished"] = "2026-11-24 07:00:00"
    with pytest.raises(plan_payload.PayloadError, match=re.escape(
            "productions[0].workorders[0].date_finished: 2026-11-24 07:00:00 is before")):
        plan_payload.parse_plan(raw)


def test_work_orders_of_another_production_are_refused():
    raw = _plan()
    raw["productions"][0]["workorders"] = [
        {"workorder_id": 31, "date_start": "2026-11-24 08:00:00",
         "date_finished": "2026-11-24 10:30:00"},
        {"workorder_id": 32, "date_start": "2026-11-24 08:00:00",
         "date_finished": "2026-11-24 10:30:00"}]
    records = dict(ODOO, **{"mrp.workorder": {31: {"id": 31, "production_id": (4, "MO4")}}})
    errors = plan_payload.check_references(
        plan_payload.parse_plan(raw), (1, "Main"), _Odoo(records).lookup, lambda a, b: True)
    assert ("productions[0].workorders[0].workorder_id: work order 31 belongs to MO4, "
            "not to manufacturing order 3") in errors
    assert "productions[0].workorders[1].workorder_id: work order 32 does not exist" in errors


class _Odoo:
    """The answers of one search_read per model, as capacity.planner.run gives them."""

    def __init__(self, records):
        self.records = records
        self.calls = []

    def lookup(self, model, ids, field_names):
        self.calls.append(model)
        return {i: self.records[model][i] for i in ids if i in self.records.get(model, {})}


ODOO = {
    "sale.order": {7: {"id": 7, "company_id": (1, "Main"), "name": "S007"},
                   8: {"id": 8, "company_id": (1, "Main"), "name": "S008"}},
    "sale.order.line": {70: {"id": 70, "order_id": (7, "S007")}},
    "mrp.production": {3: {"id": 3, "company_id": (1, "Main"), "name": "MO3"}},
    "product.product": {45: {"id": 45, "uom_id": (1, "Units")}},
    "res.partner": {9: {"id": 9}},
    "uom.uom": {1: {"id": 1}, 12: {"id": 12}},
    "mrp.workcenter": {1: {"id": 1, "company_id": (2, "Other")}},
}


def test_references_are_checked_with_one_lookup_per_model():
    odoo = _Odoo(ODOO)
    raw = _plan()
    raw["suggestions"][0]["uom_id"] = 12
    raw["orders"][0]["lines"].append({"line_id": 71, "promise_date": None,
                                      "status": "late"})
    errors = plan_payload.check_references(
        plan_payload.parse_plan(raw), (1, "Main"), odoo.lookup,
        lambda uom, other: uom == other)
    assert errors == [
        "orders[0].lines[1].line_id: sale order line 71 does not exist",
        "suggestions[0].uom_id: unit of measure 12 does not convert into the product's "
        "unit Units",
        "load[0].workcenter_id: work center 1 belongs to company Other, not to company "
        "Main of this plan",
    ]
    assert len(odoo.calls) == len(set(odoo.calls)) + 1  # sale.order: planned and served


def test_a_plan_of_existing_records_has_no_reference_error():
    records = dict(ODOO, **{"mrp.workcenter": {1: {"id": 1, "company_id": (1, "Main")}}})
    plan = plan_payload.parse_plan(_plan())
    assert plan_payload.check_references(plan, (1, "Main"), _Odoo(records).lookup,
                                         lambda uom, other: True) == []


def _delta(**changes):
    delta = _plan(version=2, base_run_key="cp-base", orders=PLAN["orders"][:1],
                  removed={"orders": [99], "suggestions": ["old"],
                           "load": [[1, "2026-11-25"]], "productions": [7]},
                  totals={"orders": 2, "late": 1, "cannot_plan": 0, "suggestions": 1,
                          "workcenter_days": 1})
    delta.update(changes)
    return delta


def test_a_delta_is_read_with_its_removals_and_totals():
    plan = plan_payload.parse_plan(_delta())
    assert plan.is_delta and plan.base_run_key == "cp-base"
    assert plan.removed.orders == (99,) and plan.removed.suggestions == ("old",)
    assert plan.removed.load == ((1, datetime.date(2026, 11, 25)),)
    assert plan.totals.orders == 2 and plan.totals.late == 1
    assert not plan_payload.parse_plan(_plan()).is_delta


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(version=1), "base_run_key: a delta needs version 2, not 1"),
        (lambda p: p.pop("totals"), "totals: missing"),
        (lambda p: p["totals"].update(late=-1), "totals.late: -1 is not a count"),
        (lambda p: p["removed"].update(load=[[1]]),
         r"removed.load[0]: [1] is not [workcenter_id, date]"),
        (lambda p: p["removed"].update(load=[[1, "25/11/2026"]]),
         "removed.load[0][1]: '25/11/2026' is not a date"),
        (lambda p: p["removed"].update(orders=["9"]),
         "removed.orders[0]: '9' is not an integer"),
        (lambda p: p["removed"].update(orders=[PLAN["orders"][0]["order_id"]]),
         "removed.orders[0]: 7 is also in orders"),
    ],
)
def test_a_bad_delta_names_element_and_field(change, message):
    delta = _delta()
    change(delta)
    with pytest.raises(plan_payload.PayloadError) as error:
        plan_payload.parse_plan(delta)
    assert str(error.value).startswith(message)
