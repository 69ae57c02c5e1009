"""Generated factories (multi-step routings, parallel capacity, set-ups, several vendors per
material, packagings): every plan passes the independent checker, and quotes agree with it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from factories import NOW, FactoryBuilder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import PlannerSettings, plan, quote
from optimizer.checker import check_plan
from optimizer.snapshot import Attendance, Calendar, Leave


@st.composite
def factories(draw: st.DrawFn):
    f = FactoryBuilder()
    if draw(st.booleans()):
        shifts = tuple(Attendance(d, h0, h1) for d in range(6) for h0, h1 in ((6, 14), (14, 22)))
        f.calendars.append(Calendar(2, "Two shifts", "Europe/Brussels", shifts, leaves=(
            Leave(7, "Holiday", dt.datetime(2026, 3, 5, tzinfo=dt.timezone.utc),
                  dt.datetime(2026, 3, 6, tzinfo=dt.timezone.utc)),)))
    calendar_ids = [c.id for c in f.calendars]
    workcenters = [
        f.workcenter(f"WC{i}", calendar_id=draw(st.sampled_from(calendar_ids)),
                     capacity=draw(st.sampled_from([1, 1, 2, 3])),
                     efficiency=draw(st.sampled_from([1.0, 0.8, 1.2])),
                     setup_minutes=draw(st.sampled_from([0, 0, 15, 45])),
                     cleanup_minutes=draw(st.sampled_from([0, 10])))
        for i in range(draw(st.integers(1, 4)))
    ]
    if len(workcenters) > 1 and draw(st.booleans()):
        f.workcenters[0] = dataclasses.replace(f.workcenters[0], alternative_ids=(workcenters[1],))
    vendors = [f.vendor(f"Vendor {i}") for i in range(3)]
    raws = []
    for i in range(draw(st.integers(1, 4))):
        procurement = draw(st.sampled_from(["buy", "buy", "buy", "none"]))
        raw = f.product(f"Raw {i}", procurement)
        raws.append(raw)
        if procurement == "buy":
            for sequence in range(draw(st.integers(1, 3))):
                f.supplier(raw, vendors[sequence], draw(st.integers(0, 20)),
                           min_qty=draw(st.sampled_from([0, 0, 10, 50])), sequence=sequence,
                           multiple=draw(st.sampled_from([0, 0, 6])))
        if draw(st.booleans()):
            f.on_hand(raw, draw(st.integers(0, 60)))
        if draw(st.booleans()):
            f.purchase(raw, vendors[0], draw(st.integers(1, 40)), arrives=draw(st.integers(-3, 30)))

    def operations() -> list[tuple]:
        return [(f"op{k}", draw(st.sampled_from(workcenters)),
                 draw(st.sampled_from([0.1, 0.5, 1, 3, 9])))
                for k in range(draw(st.integers(0, 4)))]

    subs = []
    for i in range(draw(st.integers(0, 2))):
        sub = f.product(f"Sub {i}", "make")
        lines = {raw: draw(st.integers(1, 3)) for raw in draw(st.lists(st.sampled_from(raws),
                                                                        max_size=2, unique=True))}
        f.bom(sub, lines, operations(), lead_days=draw(st.sampled_from([0, 2])))
        subs.append(sub)
        if draw(st.booleans()):
            f.on_hand(sub, draw(st.integers(0, 5)))
    kit = None
    if raws and draw(st.booleans()):
        kit = f.product("Kit", "make")
        f.bom(kit, {raws[0]: 2}, [], kind="phantom")
    finished = []
    for i in range(draw(st.integers(1, 3))):
        product = f.product(f"Finished {i}", "make", customer_lead_days=draw(st.integers(0, 15)))
        parts = draw(st.lists(st.sampled_from(raws + subs + ([kit] if kit else [])), max_size=3,
                              unique=True))
        f.bom(product, {p: draw(st.integers(1, 2)) for p in parts}, operations(),
              quantity=draw(st.sampled_from([1, 2])))
        finished.append(product)
    for _ in range(draw(st.integers(0, 3))):
        product = draw(st.sampled_from(finished + subs))
        work = [(draw(st.sampled_from(workcenters)), draw(st.sampled_from([0, 1, 6, 20])))
                for _ in range(draw(st.integers(0, 2)))]
        start = draw(st.one_of(st.none(), st.integers(0, 100)))
        f.manufacturing_order(product, draw(st.integers(1, 10)), work,
                              planned_start_at=None if start is None else
                              NOW + dt.timedelta(hours=start))
    sellable = finished + raws + ([kit] if kit else [])
    for i in range(draw(st.integers(1, 6))):
        state = draw(st.sampled_from(["confirmed", "quotation"]))
        lines = {p: draw(st.integers(0, 12)) for p in draw(st.lists(st.sampled_from(sellable),
                                                                     min_size=1, max_size=3,
                                                                     unique=True))}
        f.order(lines, state=state, ordered=draw(st.integers(-10, 0)),
                asked=draw(st.one_of(st.none(), st.integers(-2, 40))),
                created_at=NOW - dt.timedelta(hours=i), priority=draw(st.sampled_from([0, 0, 1])),
                picking_policy=draw(st.sampled_from(["direct", "one"])))
    return f.build(delivery_lead_days=draw(st.sampled_from([0, 0, 1])))


PROPERTY_SETTINGS = settings(max_examples=120, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


planner_settings = st.builds(
    PlannerSettings, solver=st.just("none"), horizon_days=st.just(60),
    quotations_hold_capacity=st.booleans(), quotation_hold_share=st.sampled_from([1.0, 0.6]),
    capacity_factor=st.sampled_from([1.0, 0.85]), purchase_safety_days=st.sampled_from([0, 2]),
    schedule=st.sampled_from(["asap", "just_in_time"]))


@PROPERTY_SETTINGS
@given(factories(), planner_settings)
def test_every_plan_passes_the_checker(snapshot, settings):
    result = plan(snapshot, settings)
    assert check_plan(snapshot, result) == []
    planned_orders = {o.order_id for o in result.orders}
    assert planned_orders == {o.id for o in snapshot.sale_orders}
    for promise in result.orders:
        assert promise.reason  # always a sentence
        for line in promise.lines:
            late = line.promise_date is not None and line.status == "late"
            if late:
                assert line.reason.endswith(".")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factories())
def test_improved_plans_pass_the_checker_and_are_never_worse(snapshot):
    constructive = plan(snapshot, PlannerSettings(solver="none", horizon_days=60))
    improved = plan(snapshot, PlannerSettings(solver="highs", horizon_days=60,
                                              time_limit_seconds=5))
    assert check_plan(snapshot, improved) == []
    assert improved.objective <= constructive.objective
    again = plan(snapshot, PlannerSettings(solver="highs", horizon_days=60,
                                           time_limit_seconds=5))
    assert (again.orders, again.jobs, again.purchases) == (improved.orders, improved.jobs,
                                                          improved.purchases)


@PROPERTY_SETTINGS
@given(factories(), planner_settings.filter(lambda s: not s.quotations_hold_capacity))
def test_a_quote_agrees_with_the_plan_and_leaves_it_unchanged(snapshot, settings):
    result = plan(snapshot, settings)
    before = (result.orders, result.jobs, result.purchases, result.load)
    for order in snapshot.sale_orders:
        if order.state != "quotation":
            continue
        answer = quote(result, order)
        assert answer.promise_date == result.order(order.id).promise_date
        assert [line.promise_date for line in answer.lines] == \
            [line.promise_date for line in result.order(order.id).lines]
    assert (result.orders, result.jobs, result.purchases, result.load) == before
