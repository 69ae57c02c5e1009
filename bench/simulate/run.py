"""Running one policy through one scenario, and what came out of it."""

from __future__ import annotations

import dataclasses
import statistics
from collections import defaultdict

from bench.simulate.model import Scenario
from bench.simulate.policies import Policy, hindsight
from bench.simulate.shop import Shop

DRAIN_DAYS = 200


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one policy achieved on one scenario, over the orders that arrived after the
    warm-up and converted."""

    policy: str
    load: float
    seed: int
    orders: int
    on_time: float  # share shipped on or before the promised date (shop time)
    mean_days_late: float
    p90_days_late: float
    mean_quoted_lead: float
    mean_hindsight_lead: float
    utilization: float  # of the bottleneck work center

    @property
    def padding(self) -> float:
        """How much longer the quoted lead times are than the hindsight bound."""
        if self.mean_hindsight_lead <= 0:
            return 0.0
        return self.mean_quoted_lead / self.mean_hindsight_lead - 1


def measured(scenario: Scenario) -> list[int]:
    """The orders the figures are about: arrived after the warm-up, and converted."""
    return sorted(a.id for a in scenario.arrivals
                  if a.converts and scenario.warmup_days <= a.day < scenario.arrival_days)


def play(scenario: Scenario, policy: Policy) -> tuple[Shop, int]:
    """Run the factory day by day under ``policy`` until every order has shipped; the shop as
    it ended and the first day after the run."""
    shop = Shop(scenario)
    arrivals = defaultdict(list)
    for arrival in scenario.arrivals:
        arrivals[arrival.day].append(arrival)
    judged = set(measured(scenario))
    last = scenario.arrival_days + DRAIN_DAYS
    for day in range(last):
        shop.receive(day)
        shop.reorder(day)
        policy.start_day(shop, day)
        for arrival in arrivals.get(day, []):
            promise = policy.promise(shop, arrival, day)
            order = shop.quote_order(arrival, promise)
            if arrival.id in judged:
                order.hindsight = hindsight(shop, order, day)
            policy.after_promise(shop, day)
        for order in shop.decide(day):
            policy.decided(shop, order)
        shop.work(day)
        if day >= scenario.arrival_days and all(
                o.done or o.lost for o in shop.orders.values()):
            return shop, day + 1
    return shop, last


def simulate(scenario: Scenario, policy: Policy, bottleneck: str = "Assembly") -> Outcome:
    """What ``policy`` achieved on ``scenario``."""
    shop, last = play(scenario, policy)
    orders = [shop.orders[i] for i in measured(scenario)]
    late = sorted(max(0, (o.delivered if o.delivered is not None else last) - o.promise)
                  for o in orders)
    wc = next(w.id for w in scenario.factory.workcenters if w.name == bottleneck)
    return Outcome(
        policy.name, scenario.load, scenario.seed, len(orders),
        sum(1 for days in late if days == 0) / len(orders),
        statistics.fmean(late), late[int(0.9 * (len(late) - 1))],
        statistics.fmean(o.quoted - o.arrival.day for o in orders),
        statistics.fmean((o.arrival.day if o.hindsight is None else o.hindsight) - o.arrival.day
                        for o in orders),
        shop.utilization(wc, scenario.warmup_days, scenario.arrival_days))
