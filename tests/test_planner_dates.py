"""Small factories with promise dates worked out by hand.

Day 0 is Monday 2 March 2026; the standard calendar gives a work center 8 h each weekday.
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


def planned(factory: FactoryBuilder, settings: PlannerSettings = NO_SOLVER, **overrides):
    snapshot = factory.build(**overrides)
    result = plan(snapshot, settings)
    assert check_plan(snapshot, result) == []
    return snapshot, result


def simple_shop(factory: FactoryBuilder | None = None):
    """One work center, one made product (1 h per unit), one bought component."""
    f = factory or FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table = f.product("Table", "make", customer_lead_days=7)
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=10)
    f.bom(table, {board: 1}, [("Assemble", assembly, 0, 1)])
    f.on_hand(board, 1000)
    return f, assembly, table, board, vendor


def test_work_spills_into_the_next_day_when_a_day_is_full():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 10}, asked=5)
    _, result = planned(f)
    promise = result.order(order)
    assert promise.promise_date == day(1)  # 8 h on Monday, 2 h on Tuesday
    assert promise.status == "on_time"


def test_quotation_waits_for_capacity_taken_by_confirmed_orders():
    f, _, table, _, _ = simple_shop()
    f.order({table: 10}, asked=5)
    quotation = f.quotation({table: 20})
    _, result = planned(f)
    promise = result.order(quotation)
    # Tuesday has 6 h left, Wednesday 8 h, Thursday 6 h
    assert promise.promise_date == day(3)
    assert promise.lead_time_date == day(7)
    assert promise.status == "on_time"


def test_late_quotation_names_the_full_work_center():
    f, _, table, _, _ = simple_shop()
    f.order({table: 40}, asked=10)  # Monday to Friday, all 40 h
    quotation = f.quotation({table: 8}, asked=2)
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(7)  # next Monday
    assert promise.status == "late"
    assert promise.reason == "Assembly is fully booked until 6 Mar."


def test_weekend_is_skipped():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 44}, asked=10)
    _, result = planned(f)
    assert result.order(order).promise_date == day(7)  # Friday full, 4 h on Monday


def test_public_holiday_and_work_center_leave_remove_capacity():
    f, assembly, table, _, _ = simple_shop()
    holiday = Leave(1, "Public holiday", dt.datetime(2026, 3, 3, 0, 0, tzinfo=dt.timezone.utc),
                    dt.datetime(2026, 3, 4, 0, 0, tzinfo=dt.timezone.utc))
    f.calendars[0] = dataclasses.replace(f.calendars[0], leaves=(holiday,))
    maintenance = Leave(2, "Maintenance", dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.timezone.utc),
                        dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.timezone.utc))
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], leaves=(maintenance,))
    order = f.order({table: 16}, asked=10)
    _, result = planned(f)
    # Monday 8 h, Tuesday holiday, Wednesday 4 h (maintenance in the morning), Thursday 4 h
    assert result.order(order).promise_date == day(3)
    load = {(row.workcenter_id, row.date): row for row in result.load}
    assert (assembly, day(1)) not in load
    assert load[(assembly, day(2))].available_hours == 4


def test_calendar_time_zone_and_current_time():
    # 8-17 in New York is 13:00-22:00 UTC; at 15:00 UTC on Monday, 2 working hours are gone
    # (13-15 UTC = 8-10 local), so Monday offers 8 - 2 = 6 h.
    now = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.timezone.utc)
    f, _, table, _, _ = simple_shop(FactoryBuilder(now=now))
    f.calendars[0] = dataclasses.replace(f.calendars[0], tz="America/New_York")
    order = f.order({table: 7}, asked=10)
    _, result = planned(f)
    assert result.order(order).promise_date == day(1)  # 6 h Monday, 1 h Tuesday
    monday = next(r for r in result.load if r.date == day(0))
    assert monday.available_hours == 6


def test_capacity_and_efficiency_scale_available_hours():
    f, _, table, _, _ = simple_shop()
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], capacity=2, efficiency=0.75)
    order = f.order({table: 24}, asked=10)
    _, result = planned(f)
    # 8 h * 2 units * 75 % = 12 h a day
    assert result.order(order).promise_date == day(1)


def test_components_from_stock_then_open_purchase_then_new_purchase():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table = f.product("Table", "make")
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=10, min_qty=50)
    f.bom(table, {board: 1}, [("Assemble", assembly, 0, 0.1)])
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
    assert suggestion.need_date == day(10)
    assert suggestion.order_by == day(0)
    assert [d.name for d in suggestion.serves] == [f"S{third}"]


def test_open_supply_later_than_a_new_purchase_is_not_waited_for():
    f = FactoryBuilder()
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=3)
    f.purchase(board, vendor, 10, arrives=30)
    order = f.order({board: 10}, asked=5)
    _, result = planned(f)
    assert result.order(order).promise_date == day(3)


def test_nothing_is_suggested_that_open_supply_covers():
    f = FactoryBuilder()
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=14)
    f.purchase(board, vendor, 10, arrives=5)
    f.order({board: 6}, asked=10)
    f.order({board: 4}, asked=10)
    _, result = planned(f)
    assert result.purchases == ()


def test_purchase_order_by_date_follows_the_need_not_today():
    """Capacity, not material, sets the date: buy as late as the work needs it."""
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table = f.product("Table", "make")
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=2)
    f.bom(table, {board: 1}, [("Assemble", assembly, 0, 1)])
    shelf = f.product("Shelf", "none")
    f.manufacturing_order(shelf, 40, [(assembly, 40)], name="MO/00001")  # a full week
    f.order({table: 4}, asked=20)
    _, result = planned(f)
    [suggestion] = result.purchases
    assert suggestion.need_date == day(7)  # the Monday the assembly has time again
    assert suggestion.order_by == day(5)


def test_sub_assembly_is_made_before_its_parent_starts():
    f = FactoryBuilder()
    welding = f.workcenter("Welding")
    assembly = f.workcenter("Assembly")
    desk = f.product("Desk", "make")
    frame = f.product("Frame", "make")
    tube = f.product("Steel Tube", "buy")
    f.bom(frame, {tube: 2}, [("Weld", welding, 0, 4)])
    f.bom(desk, {frame: 1}, [("Assemble", assembly, 0, 2)])
    f.on_hand(tube, 100)
    order = f.order({desk: 4}, asked=10)
    _, result = planned(f)
    frame_job = next(j for j in result.jobs if j.product_id == frame)
    desk_job = next(j for j in result.jobs if j.product_id == desk)
    assert frame_job.finish == day(1)  # 16 h of welding
    assert desk_job.start == day(1)  # same day, once the frames are done
    assert result.order(order).promise_date == day(1)  # 8 h of assembly on Tuesday
    assert dict(frame_job.components) == {tube: 8}


def test_cause_on_a_sub_assembly_names_its_work_center():
    f = FactoryBuilder()
    welding = f.workcenter("Welding")
    assembly = f.workcenter("Assembly")
    desk = f.product("Desk", "make")
    frame = f.product("Frame", "make")
    f.bom(frame, {}, [("Weld", welding, 0, 8)])
    f.bom(desk, {frame: 1}, [("Assemble", assembly, 0, 1)])
    bracket = f.product("Bracket", "none")
    f.manufacturing_order(bracket, 5, [(welding, 40)], name="MO/00007")
    quotation = f.quotation({desk: 1}, asked=2)
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(7)  # welding on Monday, assembly the same day
    assert promise.reason == "Welding is fully booked until 6 Mar (for Frame)."


def test_kits_are_exploded_into_their_components():
    f = FactoryBuilder()
    chair = f.product("Chair", "buy")
    cushion = f.product("Cushion", "buy")
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


def test_bom_units_of_measure_are_converted():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    box = f.product("Box of screws", "make")
    screw = f.product("Screw", "buy")
    # one dozen boxes take one dozen screws
    f.boms.append(Bom(1, box, 1, DOZEN, (BomLine(9, screw, 1, DOZEN),),
                      (Operation(8, "Pack", assembly, 10, 0, 0.5),)))
    f.on_hand(screw, 144)
    order = f.order({box: 24}, asked=10)
    _, result = planned(f)
    [job] = result.jobs
    assert dict(job.components) == {screw: 24}
    assert result.order(order).promise_date == day(1)  # 24 * 0.5 h = 12 h


def test_alternative_work_center_takes_work_when_the_main_one_is_full():
    f = FactoryBuilder()
    line_1 = f.workcenter("Assembly Line 1")
    line_2 = f.workcenter("Assembly Line 2")
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], alternative_ids=(line_2,))
    table = f.product("Table", "make")
    f.bom(table, {}, [("Assemble", line_1, 0, 1)])
    shelf = f.product("Shelf", "none")
    f.manufacturing_order(shelf, 40, [(line_1, 40)], name="MO/00001")
    order = f.order({table: 8}, asked=3)
    _, result = planned(f)
    assert result.order(order).promise_date == day(0)
    job = next(j for j in result.jobs if j.manufacturing_order_id is None)
    assert job.operations[0].workcenter_id == line_2


def test_open_manufacturing_order_output_serves_a_confirmed_order():
    f, assembly, table, _, _ = simple_shop()
    f.manufacturing_order(table, 5, [(assembly, 12)], name="MO/00003")
    order = f.order({table: 5}, asked=10)
    _, result = planned(f)
    promise = result.order(order)
    assert promise.promise_date == day(1)
    assert promise.reason == "Table comes from MO/00003, which finishes on 3 Mar."
    assert [j.key for j in result.jobs] == [f"MO {f.manufacturing_orders[0].id}"]


def test_confirmed_orders_come_before_quotations_and_earliest_due_first():
    f, _, table, _, _ = simple_shop()
    quotation = f.quotation({table: 8}, created_at=NOW - dt.timedelta(days=3))
    late_due = f.order({table: 8}, asked=9)
    early_due = f.order({table: 8}, asked=4)
    _, result = planned(f)
    assert result.order(early_due).promise_date == day(0)
    assert result.order(late_due).promise_date == day(1)
    assert result.order(quotation).promise_date == day(2)


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


def test_quote_is_an_inquiry_that_changes_nothing():
    f, _, table, _, _ = simple_shop()
    f.order({table: 10}, asked=5)
    snapshot, result = planned(f)
    before = (result.orders, result.jobs, result.load, result.purchases)
    new = SaleOrder(9001, "S9001", "Walk-in", "quotation", day(0),
                    (SaleLine(1, table, 4, 1), SaleLine(2, table, 12, 1)))
    answer = quote(result, new)
    # Tuesday has 6 h left: 4 for the first line, 2 + Wednesday 8 + Thursday 2 for the second
    assert [line.promise_date for line in answer.lines] == [day(1), day(3)]
    assert answer.promise_date == day(3)  # all at once: the latest line
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
    # against itself it would be Wednesday; its own capacity is given back for the re-quote
    assert quote(result, order).promise_date == day(0)


def test_quote_refuses_an_unknown_product_naming_the_line():
    f, _, table, _, _ = simple_shop()
    _, result = planned(f)
    bad = SaleOrder(9001, "S9001", "Walk-in", "quotation", day(0), (SaleLine(77, 424242, 1, 1),))
    with pytest.raises(ValueError, match=r"sale.order.line 77 'line of S9001', field "
                                         r"product_id: unknown product 424242"):
        quote(result, bad)


def test_product_without_any_source_cannot_be_planned():
    f = FactoryBuilder()
    gadget = f.product("Gadget", "none")
    f.on_hand(gadget, 2)
    order = f.order({gadget: 5}, asked=3)
    _, result = planned(f)
    promise = result.order(order)
    assert promise.status == "cannot_plan" and promise.promise_date is None
    assert promise.reason == ("3 Units of Gadget are missing: not in stock, not on order, and "
                              "the product is neither manufactured nor bought.")


def test_work_beyond_the_horizon_cannot_be_planned_and_leaves_nothing_behind():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 200}, asked=3)
    _, result = planned(f, PlannerSettings(solver="none", horizon_days=14))
    promise = result.order(order)
    assert promise.status == "cannot_plan"
    assert promise.reason == ("Assembly has no free capacity for Table within the 14-day "
                              "planning horizon.")
    assert result.jobs == () and all(row.planned_hours == 0 for row in result.load)


def test_bought_product_without_vendor_says_so():
    f = FactoryBuilder()
    gadget = f.product("Gadget", "buy")
    order = f.order({gadget: 1}, asked=3)
    _, result = planned(f)
    assert result.order(order).reason == (
        "Gadget is bought but has no vendor: add one on the product.")


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


def test_released_manufacturing_order_keeps_its_scheduled_start():
    f, assembly, table, _, _ = simple_shop()
    shelf = f.product("Shelf", "none")
    mo = f.manufacturing_order(shelf, 4, [(assembly, 8)], planned_start=day(2), name="MO/00009")
    order = f.order({table: 8}, asked=5)
    _, result = planned(f)
    assert result.order(order).promise_date == day(0)
    mo_job = next(j for j in result.jobs if j.manufacturing_order_id == mo)
    assert (mo_job.start, mo_job.finish) == (day(2), day(2))


def test_capacity_factor_keeps_a_reserve_but_reports_real_hours():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 8}, asked=5)
    _, result = planned(f, PlannerSettings(solver="none", capacity_factor=0.5))
    assert result.order(order).promise_date == day(1)  # 4 h a day may be planned
    monday = next(row for row in result.load if row.date == day(0))
    assert (monday.available_hours, monday.planned_hours) == (8, 4)


def test_quotations_can_hold_a_share_of_their_work():
    f, _, table, _, _ = simple_shop()
    f.quotation({table: 4}, created_at=NOW - dt.timedelta(hours=2))
    second = f.quotation({table: 6}, created_at=NOW - dt.timedelta(hours=1))
    full = PlannerSettings(solver="none", quotations_hold_capacity=True)
    half = PlannerSettings(solver="none", quotations_hold_capacity=True,
                           quotation_hold_share=0.5)
    _, held_fully = planned(f, full)
    _, held_half = planned(f, half)
    assert held_fully.order(second).promise_date == day(1)  # 4 h held, 4 h left on Monday
    assert held_half.order(second).promise_date == day(0)  # 2 h held, 6 h left
    monday = next(row for row in held_half.load if row.date == day(0))
    assert monday.planned_hours == pytest.approx(0.5 * 4 + 0.5 * 6)


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
    assert mo_job.start == day(7)  # two days before the deadline of Wednesday 11 March
    assert jit.order(confirmed).promise_date == day(7)
    assert jit.order(confirmed).status == "on_time"


def test_just_in_time_falls_back_to_as_soon_as_possible_when_late_anyway():
    f, _, table, _, _ = simple_shop()
    order = f.order({table: 40}, asked=2)  # a week of work due on Wednesday
    _, jit = planned(f, PlannerSettings(solver="none", schedule="just_in_time"))
    promise = jit.order(order)
    assert promise.promise_date == day(4) and promise.status == "late"
    assert promise.reason == "Table needs 40.0 h of work, finishing on 6 Mar."


def test_a_line_that_fails_both_ways_leaves_nothing_behind():
    """Just in time fails, then as soon as possible fails too: neither attempt may leave
    material behind for the next order (found by the generated-factory tests)."""
    f, assembly, table, _, _ = simple_shop()
    frame = f.product("Frame", "make")
    f.bom(frame, {}, [])
    glue = f.product("Glue", "none")
    desk = f.product("Desk", "make")
    f.bom(desk, {frame: 1, glue: 1}, [("Assemble", assembly, 0, 1)])
    failing = f.order({desk: 2}, asked=10)
    frames = f.quotation({frame: 2})
    _, result = planned(f, PlannerSettings(solver="none", schedule="just_in_time"))
    assert result.order(failing).status == "cannot_plan"
    assert [job.quotation_id for job in result.jobs if job.product_id == frame] == [frames]


def test_reason_names_what_held_the_job_up_and_the_work_after_it():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table = f.product("Table", "make")
    board = f.product("Board", "buy")
    vendor = f.vendor("Wood Corner")
    f.supplier(board, vendor, lead_days=2)
    f.bom(table, {board: 1}, [("Assemble", assembly, 0, 4)])
    quotation = f.quotation({table: 4})
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(3)  # boards on Wednesday, 16 h: Wednesday and Thursday
    assert promise.reason == ("Board must be bought from Wood Corner: 2 days lead time, arrives "
                              "on 4 Mar, then 16 h of work on Assembly finish on 5 Mar.")


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
    desk = f.product("Desk", "make")
    panel = f.product("Panel", "buy")
    vendor = f.vendor("Ready Mat")
    f.supplier(panel, vendor, lead_days=5)
    f.bom(desk, {panel: 1}, [], lead_days=10)
    quotation = f.quotation({desk: 1})
    _, result = planned(f)
    promise = result.order(quotation)
    assert promise.promise_date == day(15)
    assert promise.reason == ("Panel must be bought from Ready Mat: 5 days lead time, arrives "
                              "on 7 Mar, then Desk takes 10 days to make, ready on 17 Mar.")


def test_a_sub_assembly_order_for_a_sale_serves_that_sales_other_orders():
    """Odoo's make-to-order chains put the component's manufacturing order in the sale's
    procurement group; its output is reserved for that sale, and the parent's order for the
    same sale uses it instead of planning the component again."""
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly")
    table = f.product("Table", "make")
    top = f.product("Table Top", "make")
    f.bom(top, {}, [("Cut", assembly, 0, 1)])
    f.bom(table, {top: 1}, [("Assemble", assembly, 0, 1)])
    sale = f.order({table: 4}, asked=10, id=5000)
    f.manufacturing_order(table, 4, [(assembly, 4)], sale_order_id=sale,
                          components=(ComponentNeed(top, 4, UNIT),), name="MO/TABLE")
    f.manufacturing_order(top, 4, [(assembly, 4)], sale_order_id=sale, name="MO/TOP")
    _, result = planned(f)
    assert [job.key for job in result.jobs if job.manufacturing_order_id is None] == []
    assert result.order(sale).promise_date == day(0)  # 4 h of tops, then 4 h of tables
