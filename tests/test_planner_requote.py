"""Re-quoting: when only quotations changed, planning just those again gives the very plan a
full run gives for the new data (on the same clock), and anything else is left to a full run."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bench.generator import Size, generate
from optimizer import Plan, PlannerSettings, plan, requote
from optimizer.snapshot import SaleOrder, Snapshot

SMALL = Size("T", manufacturing_orders=40, workcenters=4, products=60, confirmed_orders=30,
             quotations=24)


def _same(left: Plan, right: Plan) -> None:
    """Two plans are the same in everything but their timings (``state`` never compares)."""
    for part in dataclasses.fields(Plan):
        if part.compare and part.name != "timings":
            assert getattr(left, part.name) == getattr(right, part.name), part.name


def _quotations(snapshot: Snapshot) -> list[int]:
    return [i for i, order in enumerate(snapshot.sale_orders) if order.state == "quotation"]


def _more(order: SaleOrder, extra: float) -> SaleOrder:
    first = dataclasses.replace(order.lines[0], quantity=order.lines[0].quantity + extra)
    return dataclasses.replace(order, lines=(first, *order.lines[1:]))


def _changed(snapshot: Snapshot, kind: str) -> Snapshot:
    orders = list(snapshot.sale_orders)
    at = _quotations(snapshot)
    if kind == "quantity":
        orders[at[len(at) // 2]] = _more(orders[at[len(at) // 2]], 40)
    elif kind == "several":
        for position in at[::5]:
            orders[position] = _more(orders[position], 15)
    elif kind == "removed":
        del orders[at[0]]
    elif kind == "added":
        model = orders[at[-1]]
        lines = tuple(dataclasses.replace(line, id=line.id + 900_000) for line in model.lines)
        orders.append(dataclasses.replace(model, id=model.id + 900_000, name="S-NEW",
                                          lines=lines))
    return dataclasses.replace(snapshot, sale_orders=tuple(orders))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("kind", ["quantity", "several", "removed", "added"])
def test_requoting_gives_the_plan_a_full_run_gives(seed, kind):
    before = generate(SMALL, seed=seed)
    settings = PlannerSettings(solver="none")
    current = plan(before, settings)
    after = _changed(before, kind)
    requoted = requote(current, after)
    assert requoted is not None and "requote" in requoted.timings
    _same(requoted, plan(after, settings))
    assert requoted.orders != current.orders or kind == "several"


def test_a_changed_quantity_moves_the_promise_as_a_full_run_does():
    before = generate(SMALL, seed=3)
    settings = PlannerSettings(solver="none")
    current = plan(before, settings)
    position = next(i for i in _quotations(before)
                    if current.order(before.sale_orders[i].id).promise_date is not None)
    order = before.sale_orders[position]
    orders = list(before.sale_orders)
    orders[position] = _more(order, 500)
    after = dataclasses.replace(before, sale_orders=tuple(orders))
    requoted = requote(current, after)
    assert requoted is not None
    full = plan(after, settings)
    assert requoted.order(order.id) == full.order(order.id)
    assert requoted.order(order.id) != current.order(order.id)


def test_anything_but_quotations_is_left_to_a_full_run():
    before = generate(SMALL, seed=1)
    current = plan(before, PlannerSettings(solver="none"))
    orders = list(before.sale_orders)
    confirmed = next(i for i, order in enumerate(orders) if order.state == "confirmed")
    orders[confirmed] = _more(orders[confirmed], 10)
    assert requote(current, dataclasses.replace(before, sale_orders=tuple(orders))) is None
    fewer = dataclasses.replace(before, stock=before.stock[1:])
    assert requote(current, fewer) is None
    later = dataclasses.replace(_changed(before, "quantity"),
                                now=before.now + dt.timedelta(minutes=1))
    assert requote(current, later) is None


def test_quotations_that_hold_capacity_are_planned_in_full():
    before = generate(SMALL, seed=1)
    current = plan(before, PlannerSettings(solver="none", quotations_hold_capacity=True))
    assert requote(current, _changed(before, "quantity")) is None
