"""Small factories with promise dates worked out by hand, to the minute.

Day 0 is Monday 2 March 2026, now is 06:00 UTC; the standard calendar works 8:00-12:00 and
13:00-17:00 UTC on weekdays. A work center runs one work order at a time; a work order takes
set-up + clean-up + ceil(quantity / capacity) cycles x cycle time / efficiency (Odoo's rule).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from factories import DOZEN, NOW, UNIT, FactoryBuilder, day

from optimizer import PlannerSettings, plan, quote
from optimizer.checker import check_plan
from optimizer.snapshot import (
    Bom,
    BomLine,
    ComponentNeed,
    Leave,
    Operation,
    SaleLine,
    SaleOrder,
)

NO_SOLVER = PlannerSettings(solver="none")
UTC = dt.timezone.utc


def at(offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on day ``offset`` (UTC)."""
    return dt.datetime.combine(day(offset), dt.time(hour, minute), UTC)


def planned(factory: FactoryBuilder, settings: PlannerSettings = NO_SOLVER, **overrides):
    snapshot = factory.build(**overrides)
    result = plan(snapshot, settings)
    assert check_plan(snapshot, result) == []
    return snapshot, result


def simple_shop(factory: FactoryBuilder | None = None):
    """One work center, one made product (one hour per unit), one bought component."""
    f = factory or FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table = f.product("Table", "make", customer_lead_days=7)
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=10)
    f.bom(table, {board: 1}, [("Assemble", assembly, 1)])
    f.on_hand(board, 1000)
    return f, assembly, table, board, vendor


def spans(result, product_id):
    job = next(j for j in result.jobs if j.product_id == product_id)
    return [(op.start_at, op.finish_at) for op in job.operations]


# -- the seven cases of issue 9 ------------------------------------------------------------------
def test_three_steps_in_sequence_end_on_wednesday_not_monday():
    f = FactoryBuilder()
    cut, weld, paint = f.workcenter("Cut"), f.workcenter("Weld"), f.workcenter("Paint")
    frame = f.product("Frame", "make")
    f.bom(frame, {}, [("Cut", cut, 8), ("Weld", weld, 8), ("Paint", paint, 8)])
    order = f.order({frame: 1}, asked=10)
    _, result = planned(f)
    assert spans(result, frame) == [(at(0, 8), at(0, 17)), (at(1, 8), at(1, 17)),
                                    (at(2, 8), at(2, 17))]
    assert result.order(order).promise_date == day(2)


def test_a_parent_starts_when_its_components_job_ends():
    f = FactoryBuilder()
    welding, assembly = f.workcenter("Welding"), f.workcenter("Assembly")
    desk, frame, tube = f.product("Desk", "make"), f.product("Frame", "make"), f.product("Tube")
    f.bom(frame, {tube: 2}, [("Weld", welding, 4)])
    f.bom(desk, {frame: 1}, [("Assemble", assembly, 2)])
    f.on_hand(tube, 100)
    order = f.order({desk: 4}, asked=10)
    _, result = planned(f)
    assert spans(result, frame) == [(at(0, 8), at(1, 17))]  # 16 h of welding
    assert spans(result, desk) == [(at(2, 8), at(2, 17))]  # 8 h, after the frames
    assert result.order(order).promise_date == day(2)
    assert dict(next(j for j in result.jobs if j.product_id == frame).components) == {tube: 8}


def test_one_unit_on_a_work_center_of_capacity_three_takes_a_whole_cycle():
    f = FactoryBuilder()
    oven = f.workcenter("Oven", capacity=3)
    brick = f.product("Brick", "make")
    f.bom(brick, {}, [("Bake", oven, 24)])
    order = f.order({brick: 1}, asked=10)
    _, result = planned(f)
    assert spans(result, brick) == [(at(0, 8), at(2, 17))]  # three working days
    assert result.order(order).promise_date == day(2)


def vendors_shop(asked: int):
    f = FactoryBuilder()
    part = f.product("Part", "buy")
    slow, fast = f.vendor("Slow Co"), f.vendor("Fast Co")
    f.supplier(part, slow, lead_days=14, sequence=1)
    f.supplier(part, fast, lead_days=7, sequence=2)
    return f, f.order({part: 5}, asked=asked), slow, fast


def test_another_vendor_is_chosen_when_odoos_makes_the_order_late():
    f, order, _, fast = vendors_shop(asked=10)
    _, result = planned(f)
    promise = result.order(order)
    assert (promise.promise_date, promise.status) == (day(7), "on_time")
    assert promise.reason == ("Part must be bought from Fast Co: 7 days lead time, arrives on "
                              "9 Mar (rather than from Slow Co, which would make the order late).")
    assert promise.reason_data["kind"] == "faster_vendor"
    assert [s.vendor_id for s in result.purchases] == [fast]


def test_odoos_vendor_is_kept_when_it_is_in_time():
    f, order, slow, _ = vendors_shop(asked=20)
    _, result = planned(f)
    assert result.order(order).promise_date == day(14)
    assert [s.vendor_id for s in result.purchases] == [slow]


def test_a_late_open_purchase_is_brought_forward_rather_than_bought_again():
    f = FactoryBuilder()
    steel = f.product("Steel", "buy")
    vendor = f.vendor("Steel Supply")
    f.supplier(steel, vendor, lead_days=14)
    line = f.purchase(steel, vendor, 200, arrives=40, name="P00040")
    order = f.order({steel: 150}, asked=10)
    _, result = planned(f)
    promise = result.order(order)
    assert (promise.promise_date, promise.status) == (day(40), "late")
    assert promise.reason == "Steel arrives on 11 Apr from Steel Supply (P00040)."
    assert result.purchases == ()
    [forward] = result.bring_forward
    assert (forward.purchase_line_id, forward.expected, forward.wanted) == (line, day(40), day(10))
    assert [d.id for d in forward.serves] == [order]


def scarce_shop():
    f = FactoryBuilder()
    resin = f.product("Resin", "none")
    vendor = f.vendor("Resin Co")
    f.purchase(resin, vendor, 10, arrives=1)
    f.purchase(resin, vendor, 10, arrives=20)
    c = f.order({resin: 10}, asked=5, name="C")
    a = f.order({resin: 8}, asked=10, name="A")
    b = f.order({resin: 8}, asked=22, name="B")
    return f, a, b, c


def test_scarce_material_earliest_due_first_without_the_model():
    f, a, b, c = scarce_shop()
    _, result = planned(f)
    assert result.order(c).promise_date == day(1)
    assert (result.order(a).promise_date, result.order(a).status) == (day(20), "late")
    b_line = result.order(b).lines[0]
    assert (b_line.shipments, b_line.missing) == (((day(20), 2.0),), 6.0)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_the_model_gives_scarce_material_to_the_orders_it_serves_best(solver):
    f, a, b, c = scarce_shop()
    _, result = planned(f, PlannerSettings(solver=solver))
    assert result.status == "optimized"
    assert result.solver.status == "optimal"
    assert (result.order(a).promise_date, result.order(a).status) == (day(1), "on_time")
    assert (result.order(b).promise_date, result.order(b).status) == (day(20), "on_time")
    c_line = result.order(c).lines[0]  # what A and B leave: 2 of each delivery
    assert (c_line.shipments, c_line.missing) == (((day(1), 2.0), (day(20), 2.0)), 6.0)
    assert result.solver.objective_after < result.solver.objective_before
    assert "2 lots set aside among 3 orders" in result.solver.message


def test_a_line_that_can_only_partly_come_gets_a_partial_promise():
    f = FactoryBuilder()
    gadget = f.product("Gadget", "none")
    f.on_hand(gadget, 183)
    order = f.order({gadget: 250}, asked=10)
    _, result = planned(f)
    line = result.order(order).lines[0]
    assert (line.promise_date, line.status) == (day(0), "late")
    assert (line.shipments, line.by_requested, line.missing) == (((day(0), 183.0),), 183.0, 67.0)
    assert line.reason == ("67 cannot be delivered within the planning horizon: 67 of Gadget are "
                           "missing: not in stock, not on order, and the product is neither "
                           "manufactured nor bought.")


def test_what_ships_when_and_how_much_by_the_requested_date():
    f = FactoryBuilder()
    gadget = f.product("Gadget", "none")
    vendor = f.vendor("Gadget Co")
    f.on_hand(gadget, 183)
    f.purchase(gadget, vendor, 67, arrives=16)
    order = f.order({gadget: 250}, asked=10)
    _, result = planned(f)
    line = result.order(order).lines[0]
    assert (line.promise_date, line.status, line.missing) == (day(16), "late", 0.0)
    assert line.shipments == ((day(0), 183.0), (day(16), 67.0))
    assert line.by_requested == 183.0


def test_a_due_time_within_the_day_counts():
    f, _, table, _, _ = simple_shop()
    late = f.order({table: 20}, asked=2, commitment_at=at(2, 10))  # work ends Wed 12:00
    _, result = planned(f)
    assert result.order(late).lines[0].ready_at == at(2, 12)
    assert (result.order(late).promise_date, result.order(late).status) == (day(2), "late")
    f2, _, table2, _, _ = simple_shop()
    in_time = f2.order({table2: 20}, asked=2, commitment_at=at(2, 15))
    _, result2 = planned(f2)
    assert result2.order(in_time).status == "on_time"


# -- working time ------------------------------------------------------------------------------
def test_work_crosses_into_the_next_day_when_a_day_is_full():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 10}, asked=5)
    _, result = planned(f)
    assert spans(result, table) == [(at(0, 8), at(1, 10))]
    assert (result.order(order).promise_date, result.order(order).status) == (day(1), "on_time")


def test_quotation_waits_for_the_lane_a_confirmed_order_holds():
    f, _, table, _, _ = simple_shop()
    f.order({table: 10}, asked=5)
    quotation = f.quotation({table: 20})
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(3)  # Tuesday 10:00 to Thursday 15:00
    assert promise.lines[0].ready_at == at(3, 15)
    assert promise.lead_time_date == day(7)
    assert promise.status == "on_time"


def test_late_quotation_names_the_full_work_center():
    f, _, table, _, _ = simple_shop()
    f.order({table: 40}, asked=10)  # Monday to Friday
    quotation = f.quotation({table: 8}, asked=2)
    _, result = planned(f)
    promise = result.order(quotation)
    assert (promise.promise_date, promise.status) == (day(7), "late")
    assert promise.reason == "Assembly is fully booked until 9 Mar."
    held_up = promise.reason_data["values"]["inner"]
    assert (held_up["kind"], held_up["values"]["workcenter"]) == ("capacity", "Assembly")
    assert held_up["values"]["until"] == "2026-03-09"


def test_weekend_is_skipped():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 44}, asked=10)
    _, result = planned(f)
    assert spans(result, table) == [(at(0, 8), at(7, 12))]
    assert result.order(order).promise_date == day(7)


def test_public_holiday_and_work_center_leave_remove_working_time():
    f, assembly, table, _, _ = simple_shop()
    holiday = Leave(1, "Public holiday", at(1, 0), at(2, 0))
    f.calendars[0] = dataclasses.replace(f.calendars[0], leaves=(holiday,))
    maintenance = Leave(2, "Maintenance", at(2, 8), at(2, 12))
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], leaves=(maintenance,))
    order = f.order({table: 16}, asked=10)
    _, result = planned(f)
    # Monday 8 h, Tuesday off, Wednesday afternoon 4 h, Thursday morning 4 h
    assert spans(result, table) == [(at(0, 8), at(3, 12))]
    assert result.order(order).promise_date == day(3)
    load = {(row.workcenter_id, row.date): row for row in result.load}
    assert (assembly, day(1)) not in load
    assert load[(assembly, day(2))].available_hours == 4


def test_calendar_time_zone_and_current_time():
    # 8-17 in New York is 13:00-22:00 UTC; at 15:00 UTC (10:00 there) 6 h are left on Monday
    now = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    f, _, table, _, _ = simple_shop(FactoryBuilder(now=now))
    f.calendars[0] = dataclasses.replace(f.calendars[0], tz="America/New_York")
    order = f.order({table: 7}, asked=10)
    _, result = planned(f)
    assert spans(result, table) == [(at(0, 15), at(1, 14))]  # Tuesday 9:00 in New York
    assert result.order(order).promise_date == day(1)
    monday = next(r for r in result.load if r.date == day(0))
    assert monday.available_hours == 6


def test_odoos_duration_capacity_and_efficiency():
    f, _, table, _, _ = simple_shop()
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], capacity=2, efficiency=0.75)
    order = f.order({table: 24}, asked=10)
    _, result = planned(f)
    # ceil(24 / 2) = 12 cycles of 1 h at 75 %: 16 h
    assert spans(result, table) == [(at(0, 8), at(1, 17))]
    assert result.order(order).promise_date == day(1)


def test_set_up_and_clean_up_and_the_alternative_that_finishes_first():
    f = FactoryBuilder()
    line_1 = f.workcenter("Line 1", setup_minutes=20, cleanup_minutes=10)
    line_2 = f.workcenter("Line 2", capacity=2, efficiency=0.5)
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], alternative_ids=(line_2,))
    chair = f.product("Chair", "make")
    f.bom(chair, {}, [("Assemble", line_1, 1)])
    order = f.order({chair: 4}, asked=10)
    _, result = planned(f)
    # Line 1: 30 + 4 x 60 = 270 min, ends 13:30; Line 2: ceil(4/2) x 60 / 50 % = 240, ends 12:00
    [op] = next(j for j in result.jobs if j.product_id == chair).operations
    assert (op.workcenter_id, op.start_at, op.finish_at, op.hours) == (
        line_2, at(0, 8), at(0, 12), 4.0)
    assert result.order(order).promise_date == day(0)


def test_alternative_work_center_takes_work_when_the_main_one_is_full():
    f = FactoryBuilder()
    line_1, line_2 = f.workcenter("Assembly Line 1"), f.workcenter("Assembly Line 2")
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], alternative_ids=(line_2,))
    table = f.product("Table", "make")
    f.bom(table, {}, [("Assemble", line_1, 1)])
    shelf = f.product("Shelf", "none")
    f.manufacturing_order(shelf, 40, [(line_1, 40)], name="MO/00001")
    order = f.order({table: 8}, asked=3)
    _, result = planned(f)
    assert result.order(order).promise_date == day(0)
    job = next(j for j in result.jobs if j.manufacturing_order_id is None)
    assert job.operations[0].workcenter_id == line_2


def test_bom_units_of_measure_are_converted():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    box, screw = f.product("Box of screws", "make"), f.product("Screw", "buy")
    # one dozen boxes take one dozen screws; a box takes 30 minutes
    f.boms.append(Bom(1, box, 1, DOZEN, (BomLine(9, screw, 1, DOZEN),),
                      (Operation(8, "Pack", assembly, 10, 30),)))
    f.on_hand(screw, 144)
    order = f.order({box: 24}, asked=10)
    _, result = planned(f)
    [job] = result.jobs
    assert dict(job.components) == {screw: 24}
    assert spans(result, box) == [(at(0, 8), at(1, 12))]  # 12 h
    assert result.order(order).promise_date == day(0) + dt.timedelta(days=1)


# -- material and purchasing -------------------------------------------------------------------
def test_components_from_stock_then_open_purchase_then_new_purchase():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table, board = f.product("Table", "make"), f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=10, min_qty=50)
    f.bom(table, {board: 1}, [("Assemble", assembly, 0.1)])
    f.on_hand(board, 5)
    f.purchase(board, vendor, 5, arrives=4, name="P00042")
    first = f.order({table: 5}, asked=1)
    second = f.order({table: 5}, asked=10)
    third = f.order({table: 5}, asked=20)
    _, result = planned(f)
    assert result.order(first).promise_date == day(0)
    assert result.order(second).promise_date == day(4)
    assert result.order(second).reason == "Board arrives on 6 Mar from Wood Corner (P00042)."
    assert result.order(third).promise_date == day(10)
    assert result.order(third).reason == (
        "Board must be bought from Wood Corner: 10 days lead time, arrives on 12 Mar.")
    [suggestion] = result.purchases
    assert suggestion.quantity == 50  # the vendor's minimum
    assert (suggestion.need_date, suggestion.order_by) == (day(10), day(0))
    assert [d.name for d in suggestion.serves] == [f"S{third}"]


def test_nothing_is_suggested_that_open_supply_covers():
    f = FactoryBuilder()
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=14)
    f.purchase(board, vendor, 10, arrives=5)
    f.order({board: 6}, asked=10)
    f.order({board: 4}, asked=10)
    _, result = planned(f)
    assert result.purchases == () and result.bring_forward == ()


def test_purchases_of_a_vendor_and_week_are_one_suggestion_in_whole_packagings():
    f = FactoryBuilder()
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=3, multiple=10)
    first = f.order({board: 5}, asked=10)
    second = f.order({board: 7}, asked=10)
    _, result = planned(f)
    [suggestion] = result.purchases
    assert suggestion.quantity == 20  # 10 for the first, 2 more (a packaging of 10) after it
    assert [d.id for d in suggestion.serves] == [first, second]
    assert suggestion.group == f"{vendor}-2026-W10"


def test_a_vendor_offer_out_of_its_validity_is_not_used():
    f = FactoryBuilder()
    board = f.product("Board", "buy")
    old, current = f.vendor("Old Wood"), f.vendor("New Wood")
    f.supplier(board, old, lead_days=2, sequence=1, date_end=day(-1))
    f.supplier(board, current, lead_days=5, sequence=2)
    order = f.order({board: 5}, asked=10)
    _, result = planned(f)
    assert result.order(order).promise_date == day(5)
    assert [s.vendor_id for s in result.purchases] == [current]


def test_purchase_order_by_date_follows_the_need_not_today():
    """Capacity, not material, sets the date: buy as late as the work needs it."""
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table, board = f.product("Table", "make"), f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=2)
    f.bom(table, {board: 1}, [("Assemble", assembly, 1)])
    shelf = f.product("Shelf", "none")
    f.manufacturing_order(shelf, 40, [(assembly, 40)], name="MO/00001")  # a full week
    f.order({table: 4}, asked=20)
    _, result = planned(f)
    [suggestion] = result.purchases
    assert (suggestion.need_date, suggestion.order_by) == (day(7), day(5))


def test_kits_are_exploded_into_their_components():
    f = FactoryBuilder()
    chair, cushion = f.product("Chair", "buy"), f.product("Cushion", "buy")
    vendor = f.vendor("Comfy")
    f.supplier(cushion, vendor, lead_days=5)
    kit = f.product("Chair with cushion", "make")
    f.bom(kit, {chair: 1, cushion: 2}, [], kind="phantom")
    f.on_hand(chair, 10)
    order = f.order({kit: 3}, asked=10)
    _, result = planned(f)
    assert result.order(order).promise_date == day(5)
    [suggestion] = result.purchases
    assert suggestion.product_id == cushion and suggestion.quantity == 6


def test_purchase_safety_days_allow_for_a_late_vendor():
    f = FactoryBuilder()
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=10)
    f.purchase(board, vendor, 5, arrives=4, name="P00042")
    from_po = f.order({board: 5}, asked=10)
    bought = f.order({board: 5}, asked=20)
    _, result = planned(f, PlannerSettings(solver="none", purchase_safety_days=2))
    assert result.order(from_po).promise_date == day(6)
    assert result.order(from_po).reason == (
        "Board arrives on 6 Mar from Wood Corner (P00042), counted from 8 Mar in case it is "
        "late.")
    assert result.order(bought).promise_date == day(12)
    [suggestion] = result.purchases
    assert (suggestion.order_by, suggestion.need_date) == (day(0), day(12))


def test_open_manufacturing_order_output_serves_a_confirmed_order():
    f, assembly, table, _, _ = simple_shop()
    f.manufacturing_order(table, 5, [(assembly, 12)], name="MO/00003")
    order = f.order({table: 5}, asked=10)
    _, result = planned(f)
    promise = result.order(order)
    assert promise.promise_date == day(1)
    assert promise.reason == "Table comes from MO/00003, which finishes on 3 Mar."
    assert [j.key for j in result.jobs] == [f"MO {f.manufacturing_orders[0].id}"]


def test_a_sub_assembly_order_for_a_sale_serves_that_sales_other_orders():
    """A component's manufacturing order in the sale's procurement group is reserved for that
    sale; the parent's order for the same sale uses it instead of planning it again."""
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table, top = f.product("Table", "make"), f.product("Table Top", "make")
    f.bom(top, {}, [("Cut", assembly, 1)])
    f.bom(table, {top: 1}, [("Assemble", assembly, 1)])
    sale = f.order({table: 4}, asked=10, id=5000)
    f.manufacturing_order(table, 4, [(assembly, 4)], sale_order_id=sale,
                          components=(ComponentNeed(top, 4, UNIT),), name="MO/TABLE")
    f.manufacturing_order(top, 4, [(assembly, 4)], sale_order_id=sale, name="MO/TOP")
    _, result = planned(f)
    assert [job.key for job in result.jobs if job.manufacturing_order_id is None] == []
    table_job = next(j for j in result.jobs if j.product_id == table)
    assert (table_job.start_at, table_job.finish_at) == (at(0, 13), at(0, 17))
    assert result.order(sale).promise_date == day(0)


# -- turns, quotations and quotes ---------------------------------------------------------------
def test_confirmed_orders_come_before_quotations_and_earliest_due_first():
    f, _, table, _, _ = simple_shop()
    quotation = f.quotation({table: 8}, created_at=NOW - dt.timedelta(days=3))
    late_due = f.order({table: 8}, asked=9)
    early_due = f.order({table: 8}, asked=4)
    _, result = planned(f)
    assert result.order(early_due).promise_date == day(0)
    assert result.order(late_due).promise_date == day(1)
    assert result.order(quotation).promise_date == day(2)


def test_a_higher_priority_goes_first_for_the_same_material():
    f = FactoryBuilder()
    resin = f.product("Resin", "none")
    f.on_hand(resin, 5)
    normal = f.order({resin: 5}, asked=2)
    urgent = f.order({resin: 5}, asked=8, priority=1)
    _, result = planned(f)
    assert result.order(urgent).status == "on_time"
    assert result.order(normal).lines[0].missing == 5


def test_quotations_are_independent_inquiries_by_default():
    f, _, table, _, _ = simple_shop()
    first = f.quotation({table: 8}, created_at=NOW - dt.timedelta(hours=2))
    second = f.quotation({table: 8}, created_at=NOW - dt.timedelta(hours=1))
    _, result = planned(f)
    assert result.order(first).promise_date == day(0)
    assert result.order(second).promise_date == day(0)
    assert not result.order(first).holds_capacity


def test_quotations_can_hold_capacity_first_come_first_served():
    f, _, table, _, _ = simple_shop()
    second = f.quotation({table: 8}, created_at=NOW - dt.timedelta(hours=1))
    first = f.quotation({table: 8}, created_at=NOW - dt.timedelta(hours=2))
    _, result = planned(f, PlannerSettings(solver="none", quotations_hold_capacity=True))
    assert result.order(first).promise_date == day(0)
    assert result.order(second).promise_date == day(1)
    assert result.order(second).holds_capacity


def test_quotations_can_hold_a_share_of_their_work():
    f, _, table, _, _ = simple_shop()
    f.quotation({table: 4}, created_at=NOW - dt.timedelta(hours=2))
    second = f.quotation({table: 6}, created_at=NOW - dt.timedelta(hours=1))
    full = PlannerSettings(solver="none", quotations_hold_capacity=True)
    half = PlannerSettings(solver="none", quotations_hold_capacity=True,
                           quotation_hold_share=0.5)
    _, held_fully = planned(f, full)
    _, held_half = planned(f, half)
    assert held_fully.order(second).lines[0].ready_at == at(1, 10)  # after 8:00-12:00
    assert held_half.order(second).lines[0].ready_at == at(0, 17)  # after 8:00-10:00
    monday = next(row for row in held_half.load if row.date == day(0))
    assert monday.planned_hours == pytest.approx(0.5 * 4 + 0.5 * 6)


def test_quote_is_an_inquiry_that_changes_nothing():
    f, _, table, _, _ = simple_shop()
    f.order({table: 10}, asked=5)
    snapshot, result = planned(f)
    before = (result.orders, result.jobs, result.load, result.purchases)
    new = SaleOrder(9001, "S9001", "Walk-in", "quotation", day(0),
                    (SaleLine(1, table, 4, 1), SaleLine(2, table, 12, 1)))
    answer = quote(result, new)
    # after Tuesday 10:00: 4 h for the first line, then 12 h for the second until Thursday 10:00
    assert [line.ready_at for line in answer.lines] == [at(1, 15), at(3, 10)]
    assert answer.promise_date == day(1)  # as soon as possible: the first line's date
    at_once = quote(result, dataclasses.replace(new, picking_policy="one"))
    assert at_once.promise_date == day(3)
    assert quote(result, new) == answer  # asking twice gives the same answer
    assert (result.orders, result.jobs, result.load, result.purchases) == before


def test_quote_of_a_planned_quotation_matches_its_plan_promise():
    f, _, table, _, _ = simple_shop()
    f.order({table: 10}, asked=5)
    quotation_id = f.quotation({table: 30})
    snapshot, result = planned(f)
    quotation = next(o for o in snapshot.sale_orders if o.id == quotation_id)
    assert quote(result, quotation).promise_date == result.order(quotation_id).promise_date


def test_requote_of_a_held_quotation_keeps_its_place_in_line():
    f, _, table, _, _ = simple_shop()
    first = f.quotation({table: 8}, created_at=NOW - dt.timedelta(hours=2))
    f.quotation({table: 8}, created_at=NOW - dt.timedelta(hours=1))
    snapshot, result = planned(f, PlannerSettings(solver="none", quotations_hold_capacity=True))
    order = next(o for o in snapshot.sale_orders if o.id == first)
    assert quote(result, order).promise_date == day(0)


def test_quote_refuses_an_unknown_product_naming_the_line():
    f, _, table, _, _ = simple_shop()
    _, result = planned(f)
    bad = SaleOrder(9001, "S9001", "Walk-in", "quotation", day(0), (SaleLine(77, 424242, 1, 1),))
    with pytest.raises(ValueError, match=r"sale.order.line 77 'line of S9001', field "
                                         r"product_id: unknown product 424242"):
        quote(result, bad)


# -- cannot plan ---------------------------------------------------------------------------------
def test_product_without_any_source_cannot_be_planned():
    f = FactoryBuilder()
    gadget = f.product("Gadget", "none")
    order = f.order({gadget: 5}, asked=3)
    _, result = planned(f)
    promise = result.order(order)
    assert promise.status == "cannot_plan" and promise.promise_date is None
    assert promise.reason == ("5 of Gadget are missing: not in stock, not on order, and the "
                              "product is neither manufactured nor bought.")
    assert promise.reason_data == {"kind": "no_source", "values": {
        "product_id": gadget, "product": "Gadget", "quantity": 5.0}}


def test_work_beyond_the_horizon_cannot_be_planned_and_leaves_nothing_behind():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 200}, asked=3)
    _, result = planned(f, PlannerSettings(solver="none", horizon_days=14))
    promise = result.order(order)
    assert promise.status == "cannot_plan"
    assert promise.reason == ("Assembly has no free slot for Table within the 14-day planning "
                              "horizon.")
    assert result.jobs == () and all(row.planned_hours == 0 for row in result.load)


def test_bought_product_without_vendor_says_so():
    f = FactoryBuilder()
    gadget = f.product("Gadget", "buy")
    order = f.order({gadget: 1}, asked=3)
    _, result = planned(f)
    assert result.order(order).reason == (
        "Gadget is bought but has no valid vendor: add one on the product.")


# -- dates and settings --------------------------------------------------------------------------
def test_odoo_lead_time_date_follows_the_shipping_policy():
    f = FactoryBuilder()
    fast = f.product("Fast", "none", customer_lead_days=2)
    slow = f.product("Slow", "none", customer_lead_days=9)
    f.on_hand(fast, 10)
    f.on_hand(slow, 10)
    direct = f.quotation({fast: 1, slow: 1})
    at_once = f.quotation({fast: 1, slow: 1}, picking_policy="one")
    _, result = planned(f)
    assert result.order(direct).lead_time_date == day(2)
    assert result.order(at_once).lead_time_date == day(9)


def test_promise_adds_the_delivery_lead_time():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 4}, asked=10)
    _, result = planned(f, delivery_lead_days=2)
    assert result.order(order).lines[0].ready_at == at(2, 12)  # ready Monday 12:00 + 2 days
    assert result.order(order).promise_date == day(2)


def test_released_manufacturing_order_keeps_its_scheduled_start():
    f, assembly, table, _, _ = simple_shop()
    shelf = f.product("Shelf", "none")
    mo = f.manufacturing_order(shelf, 4, [(assembly, 8)], planned_start=day(2), name="MO/00009",
                               planned_start_at=at(2, 9, 30))
    order = f.order({table: 8}, asked=5)
    _, result = planned(f)
    assert result.order(order).promise_date == day(0)
    mo_job = next(j for j in result.jobs if j.manufacturing_order_id == mo)
    assert (mo_job.start_at, mo_job.finish_at) == (at(2, 9, 30), at(3, 9, 30))


def test_capacity_factor_keeps_a_reserve_but_reports_real_hours():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 8}, asked=5)
    _, result = planned(f, PlannerSettings(solver="none", capacity_factor=0.5))
    assert result.order(order).promise_date == day(1)  # 8 h of work take 16 h of the lane
    monday = next(row for row in result.load if row.date == day(0))
    assert (monday.available_hours, monday.planned_hours) == (8, 4)


def test_just_in_time_leaves_the_near_capacity_to_new_orders():
    f, assembly, table, _, _ = simple_shop()
    f.manufacturing_order(table, 8, [(assembly, 8)], deadline=day(9), name="MO/00001")
    confirmed = f.order({table: 8}, asked=10)
    quotation = f.quotation({table: 8})
    _, asap = planned(f)
    _, jit = planned(f, PlannerSettings(solver="none", schedule="just_in_time"))
    assert asap.order(quotation).promise_date == day(1)
    assert jit.order(quotation).promise_date == day(0)
    mo_job = next(j for j in jit.jobs if j.manufacturing_order_id is not None)
    assert (mo_job.start_at, mo_job.finish_at) == (at(7, 8), at(7, 17))  # 2 days before
    assert (jit.order(confirmed).promise_date, jit.order(confirmed).status) == (day(7), "on_time")


def test_just_in_time_falls_back_to_as_soon_as_possible_when_late_anyway():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 40}, asked=2)  # a week of work due on Wednesday
    _, jit = planned(f, PlannerSettings(solver="none", schedule="just_in_time"))
    promise = jit.order(order)
    assert (promise.promise_date, promise.status) == (day(4), "late")
    assert promise.reason == "Table needs 40.0 h of work, finishing on 6 Mar."


def test_a_line_that_fails_both_ways_leaves_nothing_behind():
    f, assembly, table, _, _ = simple_shop()
    frame = f.product("Frame", "make")
    f.bom(frame, {}, [])
    glue = f.product("Glue", "none")
    desk = f.product("Desk", "make")
    f.bom(desk, {frame: 1, glue: 1}, [("Assemble", assembly, 1)])
    failing = f.order({desk: 2}, asked=10)
    frames = f.quotation({frame: 2})
    _, result = planned(f, PlannerSettings(solver="none", schedule="just_in_time"))
    assert result.order(failing).status == "cannot_plan"
    assert [job.quotation_id for job in result.jobs if job.product_id == frame] == [frames]


# -- reasons -------------------------------------------------------------------------------------
def test_reason_names_what_held_the_job_up_and_the_work_after_it():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table, board = f.product("Table", "make"), f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=2)
    f.bom(table, {board: 1}, [("Assemble", assembly, 4)])
    quotation = f.quotation({table: 4})
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(3)  # boards on Wednesday, 16 h: Wednesday and Thursday
    assert promise.reason == ("Board must be bought from Wood Corner: 2 days lead time, arrives "
                              "on 4 Mar, then 16 h of work on Assembly finish on 5 Mar.")
    assert promise.reason_data["kind"] == "made"
    assert promise.reason_data["values"]["inner"]["kind"] == "purchase"


def test_a_sub_assemblys_full_work_center_is_named():
    f = FactoryBuilder()
    welding, assembly = f.workcenter("Welding"), f.workcenter("Assembly")
    desk, frame = f.product("Desk", "make"), f.product("Frame", "make")
    f.bom(frame, {}, [("Weld", welding, 8)])
    f.bom(desk, {frame: 1}, [("Assemble", assembly, 1)])
    bracket = f.product("Bracket", "none")
    f.manufacturing_order(bracket, 5, [(welding, 40)], name="MO/00007")
    quotation = f.quotation({desk: 1}, asked=2)
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(8)  # welding all Monday 9 March, assembly on Tuesday
    assert promise.reason.startswith("Welding is fully booked until 9 Mar (for Frame)")


def test_an_order_late_only_because_its_date_has_passed_says_so():
    f = FactoryBuilder()
    chair = f.product("Chair", "none")
    f.on_hand(chair, 5)
    order = f.order({chair: 2}, asked=-3, ordered=-10)
    _, result = planned(f)
    promise = result.order(order)
    assert promise.status == "late"
    assert promise.reason == "Available from stock - it was due on 27 Feb, before today."


def test_material_wait_and_manufacturing_lead_time_are_both_told():
    f = FactoryBuilder()
    desk, panel = f.product("Desk", "make"), f.product("Panel", "buy")
    vendor = f.vendor("Ready Mat")
    f.supplier(panel, vendor, lead_days=5)
    f.bom(desk, {panel: 1}, [], lead_days=10)
    quotation = f.quotation({desk: 1})
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(15)
    assert promise.reason == ("Panel must be bought from Ready Mat: 5 days lead time, arrives "
                              "on 7 Mar, then Desk takes 10 days to make, ready on 17 Mar.")


# -- determinism ---------------------------------------------------------------------------------
def test_the_same_snapshot_in_any_record_order_gives_the_same_plan():
    f, a, b, c = scarce_shop()
    snapshot = f.build()
    shuffled = dataclasses.replace(snapshot, sale_orders=snapshot.sale_orders[::-1],
                                   purchase_lines=snapshot.purchase_lines[::-1])
    settings = PlannerSettings(solver="highs")
    first, second, third = plan(snapshot, settings), plan(snapshot, settings), plan(shuffled,
                                                                                   settings)
    assert (first.orders, first.jobs, first.purchases) == (second.orders, second.jobs,
                                                          second.purchases)
    assert sorted(first.orders, key=lambda o: o.order_id) == sorted(third.orders,
                                                                  key=lambda o: o.order_id)
    assert first.created_at == snapshot.now


def test_an_old_plan_is_freed_without_the_cyclic_collector():
    """The planner keeps the cyclic collector out of its runs (it freed nothing and cost half
    the time); that holds only if a plan's objects form no reference cycle."""
    import gc
    import weakref

    f, a, b, c = scarce_shop()
    result = plan(f.build(), PlannerSettings(solver="highs"))
    engine = weakref.ref(result.state.engine)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del result
        assert engine() is None
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("policy", ["direct", "one"])
def test_the_orders_reason_is_that_of_the_line_that_dates_the_order(policy):
    """As soon as possible the order is dated by its first line and says why that line
    comes then, not why a later one is late; all at once by its last line."""
    f, _, _, board, _ = simple_shop()
    lamp = f.product("Lamp", "none")
    f.on_hand(lamp, 10)
    order = f.order({lamp: 1, board: 2000}, asked=3, picking_policy=policy)
    _, result = planned(f)
    promise = result.order(order)
    lamp_line, board_line = promise.lines
    assert lamp_line.promise_date < board_line.promise_date
    deciding = lamp_line if policy == "direct" else board_line
    assert promise.promise_date == deciding.promise_date
    assert (promise.reason, promise.reason_data) == (deciding.reason, deciding.reason_data)
    assert ("Wood Corner" in promise.reason) == (policy == "one"), promise.reason
