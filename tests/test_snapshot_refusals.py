"""Bad input is refused with a message naming the record and the field, never a traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from factories import KG, FactoryBuilder

from optimizer import SnapshotError
from optimizer.snapshot import Attendance, Leave, Operation


def shop():
    f = FactoryBuilder()
    assembly = f.workcenter("Assembly", id=10)
    table = f.product("Table", "make", id=20)
    leg = f.product("Leg", "buy", id=21)
    f.bom(table, {leg: 4}, [("Assemble", assembly, 1)], id=30, name="Table")
    return f, assembly, table, leg


def refusal(f: FactoryBuilder, **overrides) -> str:
    with pytest.raises(SnapshotError) as caught:
        f.build(**overrides)
    return str(caught.value)


def test_a_valid_shop_is_accepted():
    f, *_ = shop()
    assert f.build().index.bom_for[20].id == 30


def test_unknown_work_center_on_an_operation():
    f, _, table, leg = shop()
    f.boms[0] = dataclasses.replace(f.boms[0], operations=(
        Operation(55, "Paint", 99, 10, 60),))
    message = refusal(f)
    assert ("mrp.routing.workcenter 55 'Paint (operation of BoM 'Table')', field workcenter_id: "
            "unknown work center 99") in message


def test_cyclic_bill_of_materials():
    f, _, table, leg = shop()
    f.products[1] = dataclasses.replace(f.products[1], procurement="make")
    f.bom(leg, {table: 1}, [], id=31, name="Leg")
    message = refusal(f)
    assert "field bom_line_ids: cyclic bill of materials:" in message
    assert "Table → Leg → Table" in message or "Leg → Table → Leg" in message


def test_negative_quantity_on_an_order_line():
    f, _, table, _ = shop()
    f.order({table: -3}, id=40, name="S00040")
    message = refusal(f)
    assert "sale.order.line" in message and "'line of S00040', field product_uom_qty: " \
        "quantity must be zero or more, got -3" in message


def test_calendar_without_working_time():
    f, *_ = shop()
    f.calendars[0] = dataclasses.replace(f.calendars[0], attendances=(
        Attendance(0, 12, 13, day_period="lunch"),))
    message = refusal(f)
    assert "resource.calendar 1 'Standard 40 hours', field attendance_ids: has no working time" \
        in message


def test_unknown_time_zone():
    f, *_ = shop()
    f.calendars[0] = dataclasses.replace(f.calendars[0], tz="Mars/Olympus")
    assert "field tz: unknown time zone 'Mars/Olympus'" in refusal(f)


def test_unit_of_another_category():
    f, _, table, _ = shop()
    f.on_hand(table, 5, uom_id=KG)
    assert ("unit 'kg' (Weight) cannot be converted to 'Units' (Unit) of product 'Table'"
            in refusal(f))


def test_manufactured_product_without_bom():
    f, *_ = shop()
    f.product("Stool", "make", id=22)
    assert ("product.product 22 'Stool', field bom_ids: is manufactured but has no bill of "
            "materials") in refusal(f)


def test_work_center_with_zero_capacity_and_unknown_alternative():
    f, *_ = shop()
    f.workcenters[0] = dataclasses.replace(f.workcenters[0], capacity=0, alternative_ids=(77,))
    message = refusal(f)
    assert "mrp.workcenter 10 'Assembly', field default_capacity: must be positive, got 0" \
        in message
    assert "field alternative_workcenter_ids: unknown work center 77" in message


def test_naive_leave_datetimes():
    f, *_ = shop()
    leave = Leave(5, "Holiday", dt.datetime(2026, 3, 3), dt.datetime(2026, 3, 4))
    f.calendars[0] = dataclasses.replace(f.calendars[0], leaves=(leave,))
    assert ("resource.calendar.leaves 5 'Holiday of Standard 40 hours', field date_from: must be "
            "timezone-aware") in refusal(f)


def test_every_problem_is_listed_at_once():
    f, _, table, _ = shop()
    f.order({table: -1}, id=40)
    f.on_hand(424242, 1)
    error = None
    try:
        f.build()
    except SnapshotError as caught:
        error = caught
    assert error is not None and len(error.problems) == 2
    assert str(error).startswith("the factory snapshot was refused (2 problems):")


def test_duplicate_ids():
    f, *_ = shop()
    f.product("Other table", "buy", id=20)
    assert "product.product 20 'Other table', field id: appears twice" in refusal(f)
