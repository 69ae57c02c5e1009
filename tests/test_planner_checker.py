"""The independent checker catches each way a plan can be impossible: a good plan is
accepted, and each kind of broken plan made from it is refused with a message saying why."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from factories import FactoryBuilder

from optimizer import PlannerSettings, plan
from optimizer.checker import check_plan


def good_plan():
    f = FactoryBuilder()
    saw, press = f.workcenter("Saw"), f.workcenter("Press")
    part, steel = f.product("Part", "make"), f.product("Steel", "none")
    f.bom(part, {steel: 1}, [("Saw", saw, 2), ("Press", press, 3)])
    f.on_hand(steel, 10)
    first = f.order({part: 2}, asked=10)
    second = f.order({part: 2}, asked=10)
    snapshot = f.build()
    result = plan(snapshot, PlannerSettings(solver="none"))
    return snapshot, result, first, second


def replace_operation(result, job_index: int, op_index: int, **changes):
    jobs = list(result.jobs)
    job = jobs[job_index]
    operations = list(job.operations)
    operations[op_index] = dataclasses.replace(operations[op_index], **changes)
    jobs[job_index] = dataclasses.replace(job, operations=tuple(operations))
    return dataclasses.replace(result, jobs=tuple(jobs))


def test_the_engines_plan_is_accepted():
    snapshot, result, _, _ = good_plan()
    assert check_plan(snapshot, result) == []


def test_two_work_orders_at_once_on_a_work_center_are_refused():
    snapshot, result, _, _ = good_plan()
    first_saw = result.jobs[0].operations[0]
    second = result.jobs[1].operations[0]
    moved = replace_operation(result, 1, 0, start_at=first_saw.start_at,
                              finish_at=first_saw.finish_at)
    errors = check_plan(snapshot, moved)
    assert any("while" in e and "runs until" in e for e in errors), errors
    assert second.start_at != first_saw.start_at


def test_a_step_before_its_predecessor_ends_is_refused():
    snapshot, result, _, _ = good_plan()
    saw, press = result.jobs[0].operations
    early = replace_operation(result, 0, 1, start_at=saw.start_at,
                              finish_at=saw.start_at + (press.finish_at - press.start_at))
    errors = check_plan(snapshot, early)
    assert any("before the previous operation ends" in e for e in errors), errors


def test_work_outside_working_time_is_refused():
    snapshot, result, _, _ = good_plan()
    saw = result.jobs[0].operations[0]
    night = saw.start_at.replace(hour=2)
    errors = check_plan(snapshot, replace_operation(
        result, 0, 0, start_at=night, finish_at=night + (saw.finish_at - saw.start_at)))
    assert any("outside working time" in e or "working minutes" in e for e in errors), errors


def test_a_duration_that_is_not_odoos_is_refused():
    snapshot, result, _, _ = good_plan()
    saw = result.jobs[0].operations[0]
    errors = check_plan(snapshot, replace_operation(
        result, 0, 0, hours=saw.hours / 2,
        finish_at=saw.start_at + dt.timedelta(hours=saw.hours / 2)))
    assert any("Odoo's rule" in e for e in errors), errors


@pytest.mark.parametrize("hours", [1, -1])
def test_a_promise_that_does_not_match_its_delivery_is_refused(hours):
    snapshot, result, first, _ = good_plan()
    promise = result.order(first)
    line = promise.lines[0]
    moved = dataclasses.replace(line, promise_date=line.promise_date + dt.timedelta(days=hours))
    orders = tuple(dataclasses.replace(o, lines=(moved,)) if o.order_id == first else o
                   for o in result.orders)
    errors = check_plan(snapshot, dataclasses.replace(result, orders=orders))
    assert any("promised" in e for e in errors), errors


def test_stock_below_zero_at_an_instant_is_refused():
    snapshot, result, _, _ = good_plan()
    # deliver a part before the job that makes it has finished
    delivery = result.deliveries[0]
    early = dataclasses.replace(delivery, at=result.jobs[0].finish_at - dt.timedelta(minutes=5))
    errors = check_plan(snapshot, dataclasses.replace(
        result, deliveries=(early, *result.deliveries[1:])))
    assert any("short by" in e for e in errors), errors


def test_a_clock_with_a_fraction_of_a_second_gives_a_plan_the_checker_accepts():
    """Odoo's clock is read to the microsecond; the plan's instants are to the second. Work
    that starts right away, on stock counted at the clock, was written rounded down: 0.227 s
    before the clock and the stock, and the checker found the stock short by that much."""
    clock = dt.datetime(2026, 3, 2, 9, 49, 54, 227_000, tzinfo=dt.timezone.utc)  # a Monday
    f = FactoryBuilder(now=clock)
    saw = f.workcenter("Saw")
    part, steel = f.product("Part", "make"), f.product("Steel", "none")
    f.bom(part, {steel: 1}, [("Saw", saw, 2)])
    f.on_hand(steel, 4)
    f.order({part: 4}, asked=10)
    snapshot = f.build()
    result = plan(snapshot, PlannerSettings(solver="none"))
    starts = [op.start_at for job in result.jobs for op in job.operations]
    assert starts and min(starts) == dt.datetime(2026, 3, 2, 9, 49, 55, tzinfo=dt.timezone.utc)
    assert check_plan(snapshot, result) == []
