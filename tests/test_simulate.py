"""The simulation's shop floor and bookkeeping, so its figures can be trusted.

The shop floor is the reality the promises are judged against; the hand-computed cases below are
the ones the planner once got wrong (hand-offs taking no time, hours spread over parallel lanes),
so the floor cannot make the same mistakes.
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest

from bench.simulate.floor import Floor, WorkingTime, local_day, local_minute, moment_of
from bench.simulate.model import (
    DAY_SHIFT,
    Arrival,
    Breakdown,
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
from bench.simulate.run import play, simulate
from bench.simulate.shop import Shop

UTC = ZoneInfo("UTC")
MONDAY, TUESDAY, WEDNESDAY, FRIDAY = 0, 1, 2, 4
HOUR = 60


def at(day: int, hour: float, tz: ZoneInfo = UTC) -> int:
    return local_minute(day, hour, tz)


def floor(*capacities: int, breakdowns: dict[int, list[tuple[int, int]]] | None = None,
          tz: ZoneInfo = UTC) -> Floor:
    """Work centers 1, 2, ... with 8-hour day shifts (8-12, 13-17) and the given lanes."""
    return Floor({wc: (lanes, WorkingTime(DAY_SHIFT, tz, (breakdowns or {}).get(wc, ())))
                  for wc, lanes in enumerate(capacities, start=1)})


def start_monday_morning(shop_floor: Floor, *job_ids: int) -> None:
    shop_floor.run_until(at(MONDAY, 6))
    for job_id in job_ids:
        shop_floor.release(job_id)


# -- hand-computed cases ---------------------------------------------------------------------
def test_three_8_hour_steps_on_three_work_centers_finish_on_the_third_working_day():
    shop_floor = floor(1, 1, 1)
    shop_floor.add_job(1, [(1, [8 * HOUR]), (2, [8 * HOUR]), (3, [8 * HOUR])], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert [(run.workcenter_id, run.start, run.end) for run in shop_floor.runs] == [
        (1, at(MONDAY, 8), at(MONDAY, 17)),
        (2, at(TUESDAY, 8), at(TUESDAY, 17)),  # Monday's shift is over when step 1 ends
        (3, at(WEDNESDAY, 8), at(WEDNESDAY, 17))]
    assert shop_floor.finished_at(1) == at(WEDNESDAY, 17)


def test_a_step_starts_the_minute_its_predecessor_ends():
    shop_floor = floor(1, 1, 1)
    shop_floor.add_job(1, [(1, [6 * HOUR]), (2, [6 * HOUR]), (3, [6 * HOUR])], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert [(run.start, run.end) for run in shop_floor.runs] == [
        (at(MONDAY, 8), at(MONDAY, 15)),  # 8-12, 13-15
        (at(MONDAY, 15), at(TUESDAY, 12)),  # 15-17, 8-12
        (at(TUESDAY, 13), at(WEDNESDAY, 10))]  # 13-17, 8-10


def test_one_unit_needing_24_hours_on_a_capacity_3_center_takes_three_working_days():
    shop_floor = floor(3)
    shop_floor.add_job(1, [(1, [24 * HOUR])], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(1) == at(WEDNESDAY, 17)
    assert [run.lane for run in shop_floor.runs] == [0]  # one unit is never split over lanes


def test_three_units_on_a_capacity_3_center_take_one_cycle():
    # Odoo: ceil(3 / 3) cycles x 8 h; the three units side by side on the three lanes
    shop_floor = floor(3)
    shop_floor.add_job(1, [(1, [8 * HOUR] * 3)], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(1) == at(MONDAY, 17)
    assert sorted(run.lane for run in shop_floor.runs) == [0, 1, 2]


def test_four_units_on_a_capacity_3_center_take_two_cycles():
    shop_floor = floor(3)
    shop_floor.add_job(1, [(1, [4 * HOUR] * 4)], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(1) == at(MONDAY, 17)  # 8-12 three units, 13-17 the fourth


def test_work_pauses_for_lunch_and_the_night():
    shop_floor = floor(1)
    shop_floor.add_job(1, [(1, [10 * HOUR])], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(1) == at(TUESDAY, 10)  # 8-12, 13-17, then 8-10


def test_work_pauses_over_the_weekend():
    shop_floor = floor(1)
    shop_floor.add_job(1, [(1, [16 * HOUR])], due=(0,))
    shop_floor.run_until(at(FRIDAY, 6))
    shop_floor.release(1)
    shop_floor.run_until(at(14, 0))
    assert shop_floor.finished_at(1) == at(7, 17)  # Friday, then Monday


def test_a_breakdown_interrupts_the_work_in_progress():
    shop_floor = floor(1, breakdowns={1: [(at(MONDAY, 10), at(MONDAY, 14))]})
    shop_floor.add_job(1, [(1, [8 * HOUR])], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(1) == at(TUESDAY, 11)  # 8-10, 14-17, then 8-11


def test_a_parent_starts_when_its_sub_assembly_has_finished():
    shop_floor = floor(1, 1)
    shop_floor.add_job(1, [(1, [8 * HOUR])], due=(0,))
    shop_floor.add_job(2, [(2, [2 * HOUR])], due=(0,), after=[1])
    start_monday_morning(shop_floor, 1, 2)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(2) == at(TUESDAY, 10)


def test_a_job_waits_for_its_material():
    shop_floor = floor(1)
    shop_floor.add_job(1, [(1, [2 * HOUR])], due=(0,))
    shop_floor.run_until(at(WEDNESDAY, 6))
    assert shop_floor.runs == []  # not released: the components are not there
    shop_floor.release(1)
    shop_floor.run_until(at(7, 0))
    assert shop_floor.finished_at(1) == at(WEDNESDAY, 10)


def test_earliest_due_date_first_and_a_started_work_order_is_finished_first():
    shop_floor = floor(1)
    shop_floor.add_job(1, [(1, [2 * HOUR, 2 * HOUR])], due=(9,))
    shop_floor.add_job(2, [(1, [1 * HOUR])], due=(1,))
    shop_floor.add_job(3, [(1, [1 * HOUR])], due=(5,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(MONDAY, 9))
    shop_floor.release(3)
    shop_floor.release(2)
    shop_floor.run_until(at(7, 0))
    # job 1 began at 8:00 and keeps the work center for its second unit; then job 2 (due
    # first), then job 3
    assert [(run.job_id, run.start, run.end) for run in shop_floor.runs] == [
        (1, at(MONDAY, 8), at(MONDAY, 10)), (1, at(MONDAY, 10), at(MONDAY, 12)),
        (2, at(MONDAY, 13), at(MONDAY, 14)), (3, at(MONDAY, 14), at(MONDAY, 15))]


def test_the_shops_clock_decides_the_day_across_summer_time():
    brussels = ZoneInfo("Europe/Brussels")
    working = WorkingTime(DAY_SHIFT, brussels)
    winter_monday, summer_monday = 0, 84  # 5 January and 30 March 2026
    assert moment_of(working.day(winter_monday)[0][0]).hour == 7  # 8:00 at UTC+1
    assert moment_of(working.day(summer_monday)[0][0]).hour == 6  # 8:00 at UTC+2
    late_evening = local_minute(winter_monday, 23.5, UTC)  # 00:30 on Tuesday in Brussels
    assert local_day(late_evening, UTC) == winter_monday
    assert local_day(late_evening, brussels) == winter_monday + 1


def test_working_intervals_of_a_day_leave_out_lunch_weekends_and_breakdowns():
    working = WorkingTime(DAY_SHIFT, UTC, [(at(TUESDAY, 15), at(WEDNESDAY, 9))])
    assert working.day(MONDAY) == [(at(MONDAY, 8), at(MONDAY, 12)),
                                   (at(MONDAY, 13), at(MONDAY, 17))]
    assert working.day(TUESDAY) == [(at(TUESDAY, 8), at(TUESDAY, 12)),
                                    (at(TUESDAY, 13), at(TUESDAY, 15))]
    assert working.day(WEDNESDAY) == [(at(WEDNESDAY, 9), at(WEDNESDAY, 12)),
                                      (at(WEDNESDAY, 13), at(WEDNESDAY, 17))]
    assert working.day(5) == working.day(6) == []
    two_shifts = WorkingTime(((6.0, 14.0), (14.0, 22.0)), UTC)
    assert two_shifts.day(MONDAY) == [(at(MONDAY, 6), at(MONDAY, 22))]


def test_remaining_work_counts_working_minutes_only():
    shop_floor = floor(1)
    shop_floor.add_job(1, [(1, [10 * HOUR]), (1, [HOUR])], due=(0,))
    start_monday_morning(shop_floor, 1)
    shop_floor.run_until(at(TUESDAY, 6))  # 8 h done on Monday, the night does not count
    assert shop_floor.remaining(1, 0) == 2 * HOUR
    assert shop_floor.started(1, 0) and not shop_floor.started(1, 1)
    assert shop_floor.remaining(1, 1) == HOUR


# -- the shop's bookkeeping through whole runs ------------------------------------------------
TINY = FactorySpec(
    workcenters=(WorkCenterSpec(3, "Assembly"),),
    components=(ComponentSpec(101, "Panel", 5, 0, 10, 100),),
    products=(ProductSpec(11, "Desk", ((3, 2.0),), ((101, 1),), 7),),
)


def tiny(arrivals: list[Arrival], overrun: float = 1.0, breakdowns: tuple = (),
         factory: FactorySpec = TINY) -> Scenario:
    return Scenario(factory, tuple(arrivals),
                    {(a.id, i): overrun for a in arrivals for i in range(4)}, breakdowns, {},
                    20, 0, 0.5, 0)


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
    # 4 units * 2 h planned = 8 h, a day; promised the same day, but it takes 12 h: Wednesday
    order = Arrival(1, TUESDAY, 11, 4, True, 0)
    outcome = simulate(tiny([order], overrun=1.5), Promise(0))
    assert outcome.orders == 1
    assert outcome.on_time == 0.0
    assert outcome.mean_days_late == 1.0
    assert outcome.p90_days_late == 1


def test_an_order_shipped_on_its_promised_day_is_on_time():
    outcome = simulate(tiny([Arrival(1, TUESDAY, 11, 4, True, 0)]), Promise(0))
    assert outcome.on_time == 1.0 and outcome.mean_days_late == 0.0


THREE_STEPS = FactorySpec(
    workcenters=(WorkCenterSpec(1, "Cutting"), WorkCenterSpec(2, "Welding"),
                 WorkCenterSpec(3, "Assembly")),
    components=(ComponentSpec(101, "Panel", 5, 0, 10, 100),),
    products=(ProductSpec(11, "Desk", ((1, 8.0), (2, 8.0), (3, 8.0)), ((101, 1),), 7),))
SIX_HOUR_STEPS = FactorySpec(  # see test_a_step_starts_the_minute_its_predecessor_ends
    workcenters=THREE_STEPS.workcenters, components=THREE_STEPS.components,
    products=(ProductSpec(11, "Desk", ((1, 6.0), (2, 6.0), (3, 6.0)), ((101, 1),), 7),))
THREE_LANES = FactorySpec(
    workcenters=(WorkCenterSpec(3, "Assembly", capacity=3),),
    components=(ComponentSpec(101, "Panel", 5, 0, 10, 100),),
    products=(ProductSpec(11, "Desk", ((3, 24.0),), ((101, 1),), 7),))


@pytest.mark.parametrize("factory", [THREE_STEPS, SIX_HOUR_STEPS, THREE_LANES],
                         ids=["3 steps of 8 h", "3 steps of 6 h", "24 h on 3 lanes"])
def test_a_promise_for_monday_ships_on_wednesday(factory):
    scenario = tiny([Arrival(1, MONDAY, 11, 1, True, 0)], factory=factory)
    shop, _ = play(scenario, Promise(0))
    assert shop.orders[1].delivered == WEDNESDAY
    assert simulate(scenario, Promise(0)).mean_days_late == 2.0


@pytest.mark.parametrize("factory", [THREE_STEPS, SIX_HOUR_STEPS, THREE_LANES],
                         ids=["3 steps of 8 h", "3 steps of 6 h", "24 h on 3 lanes"])
def test_capacity_promise_promises_what_the_floor_does(factory):
    # the planner and the floor share no code; on these cases both must say Wednesday
    shop, _ = play(tiny([Arrival(1, MONDAY, 11, 1, True, 0)], factory=factory),
                   CapacityPromise(hold=False))
    assert shop.orders[1].promise == shop.orders[1].delivered == WEDNESDAY
    assert shop.orders[1].hindsight == WEDNESDAY


def test_confirmation_moves_the_due_date_by_the_days_the_customer_took():
    # quoted on Tuesday for the same day, confirmed 3 working days later (Friday): due Friday
    outcome = simulate(tiny([Arrival(1, TUESDAY, 11, 4, True, 3)]), Promise(0))
    assert outcome.on_time == 1.0
    assert outcome.mean_quoted_lead == 0.0


def test_lost_quotations_are_not_counted():
    outcome = simulate(tiny([Arrival(1, 1, 11, 4, True, 0), Arrival(2, 1, 11, 4, False, 1)]),
                       Promise(5))
    assert outcome.orders == 1


def test_a_breakdown_over_the_whole_shift_moves_the_work_to_the_next_day():
    # the repair takes Tuesday's 8 working hours
    outcome = simulate(tiny([Arrival(1, TUESDAY, 11, 4, True, 0)],
                            breakdowns=(Breakdown(3, TUESDAY, 8, 8),)), Promise(0))
    assert outcome.on_time == 0.0  # the work waits for Wednesday
    assert outcome.mean_days_late == 1.0


def test_an_order_without_its_components_waits_for_the_purchase():
    factory = FactorySpec(TINY.workcenters, (ComponentSpec(101, "Panel", 5, 0, 10, 0),),
                          TINY.products)
    shop, _ = play(tiny([Arrival(1, MONDAY, 11, 1, True, 0)], factory=factory), Promise(0))
    # confirmed after Monday's reordering run: bought on Tuesday, 5 days' lead time, received
    # on Sunday, worked on Monday
    assert shop.orders[1].delivered == 7
    assert shop.floor.runs[0].start == at(7, 8)


def working_overlap(shop: Shop, working: WorkingTime, start: int, end: int) -> int:
    """Minutes of [start, end) inside the work center's working intervals, day by day."""
    days = range(local_day(start, shop.tz) - 1, local_day(end, shop.tz) + 2)
    return sum(max(0, min(stop, end) - max(begin, start))
               for day in days for begin, stop in working.day(day))


def assert_physically_possible(shop: Shop) -> None:
    """What must hold on any real shop floor, read from its own trace."""
    runs_by_lane = defaultdict(list)
    for run in shop.floor.runs:
        runs_by_lane[(run.workcenter_id, run.lane)].append(run)
        assert run.lane < shop.floor.capacity[run.workcenter_id]
    for runs in runs_by_lane.values():  # never two units on one lane at once
        runs.sort(key=lambda run: run.start)
        assert all(earlier.end <= later.start
                   for earlier, later in zip(runs, runs[1:], strict=False))
    for run in shop.floor.runs:  # inside working time, from its first to its last minute
        working = shop.floor.time[run.workcenter_id]
        assert working_overlap(shop, working, run.start, run.end) == run.minutes
        if run.minutes:
            assert working.is_working(run.start) and working.is_working(run.end - 1)
    runs_by_job = defaultdict(list)
    for run in shop.floor.runs:
        runs_by_job[run.job_id].append(run)
    for job_id, runs in runs_by_job.items():  # precedence to the minute
        order = shop.orders[job_id]
        job = shop.floor.jobs[job_id]
        assert job.released_at is not None and order.issued
        assert all(run.start >= job.released_at for run in runs)
        for step in range(1, len(order.steps)):
            before = [run.end for run in runs if run.step == step - 1]
            assert len(before) == order.steps[step - 1].units
            assert all(run.start >= max(before) for run in runs if run.step == step)
        assert shop.floor.finished_at(job_id) == max(run.end for run in runs)
        assert order.delivered == local_day(max(run.end for run in runs), shop.tz)
        assert sum(run.minutes for run in runs) == sum(s.actual_minutes for s in order.steps)
    for minute, component, level in shop.stock_trace:  # stock never negative
        assert level >= -1e-9, (minute, component, level)
    assert all(order.done for order in shop.orders.values() if order.confirmed)


@pytest.mark.parametrize("policy", [OdooLeadTime(), GreedyForwardLoading(),
                                    CapacityPromise(hold=False),
                                    CapacityPromise(hold=True, hold_share=0.7)],
                         ids=lambda p: p.name)
def test_every_policys_shop_floor_is_physically_possible(policy):
    scenario = draw_scenario(0.95, seed=3, working_days=30, warmup_days=5)
    shop, _ = play(scenario, policy)
    assert_physically_possible(shop)
    assert any(run.end - run.start > run.minutes for run in shop.floor.runs)  # paused work
    assert 0 < shop.utilization(3, scenario.warmup_days, scenario.arrival_days) <= 1


def test_a_shop_with_parallel_lanes_and_breakdowns_is_physically_possible():
    factory = FactorySpec(
        workcenters=(WorkCenterSpec(1, "Cutting", capacity=2), WorkCenterSpec(3, "Assembly",
                                                                           capacity=3)),
        components=(ComponentSpec(101, "Panel", 3, 20, 40, 40),),
        products=(ProductSpec(11, "Desk", ((1, 1.5), (3, 6.0)), ((101, 1),), 7),
                  ProductSpec(12, "Shelf", ((3, 2.0), (1, 0.5)), ((101, 2),), 7)),
        timezone="Europe/Brussels")
    scenario = draw_scenario(0.9, seed=7, factory=factory, working_days=30, warmup_days=5)
    assert scenario.breakdowns
    shop, _ = play(scenario, OdooLeadTime())
    assert_physically_possible(shop)
    assert {run.lane for run in shop.floor.runs if run.workcenter_id == 3} == {0, 1, 2}


def test_the_same_seed_gives_the_same_run():
    first = draw_scenario(0.85, seed=4, working_days=20)
    second = draw_scenario(0.85, seed=4, working_days=20)
    assert first == second
    assert draw_scenario(0.85, seed=5, working_days=20).arrivals != first.arrivals
    shops = [play(scenario, GreedyForwardLoading())[0] for scenario in (first, second)]
    assert shops[0].floor.runs == shops[1].floor.runs
    assert shops[0].stock_trace == shops[1].stock_trace
    assert simulate(first, OdooLeadTime()) == simulate(second, OdooLeadTime())


def test_greedy_bookings_never_exceed_a_day():
    greedy = GreedyForwardLoading()
    simulate(draw_scenario(0.95, seed=2, working_days=20), greedy)
    assert all(hours <= 16.0 + 1e-9 for hours in greedy.booked.values())


def test_hindsight_bound_sees_true_durations():
    # the clairvoyant planner knows the work takes twice as long: 16 h, two days
    outcome = simulate(tiny([Arrival(1, TUESDAY, 11, 4, True, 0)], overrun=2.0), Promise(5))
    assert outcome.mean_hindsight_lead == 1.0
