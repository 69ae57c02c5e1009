"""The simulation's bookkeeping on tiny cases, so its figures can be trusted."""

from __future__ import annotations

import dataclasses

import pytest

from bench.simulate.model import (
    Arrival,
    ComponentSpec,
    FactorySpec,
    ProductSpec,
    Scenario,
    WorkCenterSpec,
    add_working_days,
    draw_scenario,
    is_working_day,
)
from bench.simulate.policies import (
    CapacityPromise,
    GreedyForwardLoading,
    OdooLeadTime,
    Policy,
)
from bench.simulate.run import simulate
from bench.simulate.shop import Shop

TINY = FactorySpec(
    workcenters=(WorkCenterSpec(3, "Assembly", 8.0),),
    components=(ComponentSpec(101, "Panel", 5, 0, 10, 100),),
    products=(ProductSpec(11, "Desk", ((3, 2.0),), ((101, 1),), 7),),
)


def tiny(arrivals: list[Arrival], overrun: float = 1.0, down: frozenset = frozenset(),
         warmup_days: int = 0) -> Scenario:
    return Scenario(TINY, tuple(arrivals),
                    {(a.id, 0): overrun for a in arrivals}, down, {}, 20, warmup_days, 0.5, 0)


class Promise(Policy):
    """Promises a fixed number of days after the quotation."""

    name = "fixed"

    def __init__(self, days: int):
        self.days = days

    def promise(self, shop, arrival, day):
        return day + self.days


def test_working_days():
    assert [is_working_day(d) for d in range(7)] == [True] * 5 + [False] * 2  # Monday first
    assert add_working_days(4, 1) == 7  # Friday + 1 working day = Monday
    assert add_working_days(5, 0) == 7  # a Saturday decision happens on Monday


def test_an_order_shipped_late_is_counted_late_by_the_right_number_of_days():
    # 4 units * 2 h planned = 8 h, a day; promised the same day, but it takes 12 h: day 2
    order = Arrival(1, 1, 11, 4, True, 0)
    outcome = simulate(tiny([order], overrun=1.5), Promise(0))
    assert outcome.orders == 1
    assert outcome.on_time == 0.0
    assert outcome.mean_days_late == 1.0
    assert outcome.p90_days_late == 1


def test_an_order_shipped_on_its_promised_day_is_on_time():
    outcome = simulate(tiny([Arrival(1, 1, 11, 4, True, 0)]), Promise(0))
    assert outcome.on_time == 1.0 and outcome.mean_days_late == 0.0


def test_confirmation_moves_the_due_date_by_the_days_the_customer_took():
    # quoted on Tuesday for the same day, confirmed 3 working days later (Friday): due Friday
    outcome = simulate(tiny([Arrival(1, 1, 11, 4, True, 3)]), Promise(0))
    assert outcome.on_time == 1.0
    assert outcome.mean_quoted_lead == 0.0


def test_lost_quotations_are_not_counted():
    outcome = simulate(tiny([Arrival(1, 1, 11, 4, True, 0), Arrival(2, 1, 11, 4, False, 1)]),
                       Promise(5))
    assert outcome.orders == 1


def test_a_breakdown_day_has_no_capacity():
    outcome = simulate(tiny([Arrival(1, 1, 11, 4, True, 0)], down=frozenset({(3, 1)})),
                       Promise(0))
    assert outcome.on_time == 0.0  # the work waits for day 2
    assert outcome.mean_days_late == 1.0


@pytest.mark.parametrize("policy", [OdooLeadTime(), GreedyForwardLoading(),
                                    CapacityPromise(hold=False),
                                    CapacityPromise(hold=True, hold_share=0.7)],
                         ids=lambda p: p.name)
def test_capacity_used_never_exceeds_capacity_and_stock_never_goes_negative(policy):
    scenario = draw_scenario(0.95, seed=3, working_days=30, warmup_days=5)
    shops: list[Shop] = []
    original = Shop.__init__

    def remember(self, scenario):
        original(self, scenario)
        shops.append(self)

    Shop.__init__ = remember
    try:
        outcome = simulate(scenario, policy)
    finally:
        Shop.__init__ = original
    shop = shops[-1]
    for key, hours in shop.worked.items():
        assert hours <= shop.available[key] + 1e-9
        assert shop.available[key] == shop.capacity(*key)
    assert all(quantity >= -1e-9 for quantity in shop.stock.values())
    assert all(order.done for order in shop.orders.values() if order.confirmed)
    assert 0 < outcome.utilization <= 1
    assert outcome.orders > 0


def test_every_policy_sees_the_same_arrivals_and_noise():
    first = draw_scenario(0.85, seed=4, working_days=20)
    second = draw_scenario(0.85, seed=4, working_days=20)
    assert first == second
    assert draw_scenario(0.85, seed=5, working_days=20).arrivals != first.arrivals


def test_greedy_bookings_never_exceed_a_day():
    greedy = GreedyForwardLoading()
    simulate(draw_scenario(0.95, seed=2, working_days=20), greedy)
    assert all(hours <= 16.0 + 1e-9 for hours in greedy.booked.values())


def test_hindsight_bound_sees_true_durations():
    # the clairvoyant planner knows the work takes twice as long: 16 h, two days
    scenario = dataclasses.replace(tiny([Arrival(1, 1, 11, 4, True, 0)], overrun=2.0))
    outcome = simulate(scenario, Promise(5))
    assert outcome.mean_hindsight_lead == 1.0
