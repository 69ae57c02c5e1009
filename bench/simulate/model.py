"""A small factory simulated day by day: quotations arrive, some convert, the shop floor works
in continuous time with noise, components are bought, orders ship.

Everything random is drawn up front into a :class:`Scenario`, so every policy sees the same
arrivals, the same work overruns, the same breakdowns and the same late vendors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

MONDAY = dt.date(2026, 1, 5)


def is_working_day(day: int) -> bool:
    return (MONDAY + dt.timedelta(days=day)).weekday() < 5


def add_working_days(day: int, count: int) -> int:
    """The day ``count`` working days after ``day`` (``day`` itself if ``count`` is 0 and
    ``day`` is a working day, else the next working day)."""
    while not is_working_day(day):
        day += 1
    while count > 0:
        day += 1
        if is_working_day(day):
            count -= 1
    return day


DAY_SHIFT = ((8.0, 12.0), (13.0, 17.0))  # with an hour for lunch
TWO_SHIFTS = ((6.0, 14.0), (14.0, 22.0))


@dataclasses.dataclass(frozen=True)
class WorkCenterSpec:
    id: int
    name: str
    shifts: tuple[tuple[float, float], ...] = DAY_SHIFT  # local hours, Monday to Friday
    capacity: int = 1  # lanes: units processed side by side

    @property
    def hours(self) -> float:
        """Working hours of one lane on a working day."""
        return sum(end - start for start, end in self.shifts)


@dataclasses.dataclass(frozen=True)
class ComponentSpec:
    id: int
    name: str
    lead_days: int
    reorder_point: float
    order_qty: float
    initial_stock: float


@dataclasses.dataclass(frozen=True)
class ProductSpec:
    id: int
    name: str
    routing: tuple[tuple[int, float], ...]  # (work center, hours per unit) in sequence
    components: tuple[tuple[int, float], ...]  # (component, quantity per unit)
    customer_lead_days: int  # what Odoo would promise: order date + this


@dataclasses.dataclass(frozen=True)
class FactorySpec:
    workcenters: tuple[WorkCenterSpec, ...]
    components: tuple[ComponentSpec, ...]
    products: tuple[ProductSpec, ...]
    timezone: str = "UTC"  # the shop's clock: shifts, promise dates and deliveries

    def product(self, product_id: int) -> ProductSpec:
        return next(p for p in self.products if p.id == product_id)


def default_factory() -> FactorySpec:
    """Four work centers, five products, four purchased components; Assembly is the
    bottleneck."""
    workcenters = (WorkCenterSpec(1, "Cutting", TWO_SHIFTS), WorkCenterSpec(2, "Welding"),
                   WorkCenterSpec(3, "Assembly"), WorkCenterSpec(4, "Paint"))
    # reorder points cover the lead time's demand at full load plus a little safety stock
    components = (ComponentSpec(101, "Steel tube", 7, 90, 150, 200),
                  ComponentSpec(102, "Wood panel", 10, 90, 120, 150),
                  ComponentSpec(103, "Hardware kit", 3, 30, 60, 80),
                  ComponentSpec(104, "Motor", 14, 25, 30, 40))
    # customer lead times as a manufacturer sets them from experience: about the 90th
    # percentile of real lead times in a normal month (70 % load), rounded to "a week"
    products = (
        ProductSpec(11, "Desk", ((1, 0.3), (2, 0.6), (3, 1.0)), ((101, 2), (102, 1), (103, 1)),
                    7),
        ProductSpec(12, "Standing desk", ((1, 0.3), (2, 0.8), (3, 1.5), (4, 0.4)),
                    ((101, 3), (102, 1), (103, 1), (104, 1)), 10),
        ProductSpec(13, "Shelf", ((1, 0.5), (3, 0.6)), ((102, 2), (103, 1)), 7),
        ProductSpec(14, "Cabinet", ((1, 0.4), (2, 0.5), (4, 0.6), (3, 0.8)),
                    ((101, 1), (102, 2), (103, 1)), 7),
        ProductSpec(15, "Bench", ((2, 0.7), (4, 0.5), (3, 0.5)), ((101, 2), (103, 1)), 7),
    )
    return FactorySpec(workcenters, components, products)


@dataclasses.dataclass(frozen=True)
class Arrival:
    """A quotation: on ``day`` a customer asks for ``quantity`` of a product; ``converts`` says
    whether it becomes an order, ``decision_days`` working days later."""

    id: int
    day: int
    product_id: int
    quantity: int
    converts: bool
    decision_days: int

    @property
    def decision_day(self) -> int:
        return add_working_days(self.day, self.decision_days)


@dataclasses.dataclass(frozen=True)
class Breakdown:
    """A work center stops at ``hour`` o'clock (shop time) on ``day`` and works again once the
    repair has taken ``hours`` of its working time (across nights and weekends)."""

    workcenter_id: int
    day: int
    hour: float
    hours: float


@dataclasses.dataclass(frozen=True)
class Scenario:
    """Arrivals and noise, drawn once and shared by every policy."""

    factory: FactorySpec
    arrivals: tuple[Arrival, ...]
    overrun: dict[tuple[int, int], float]  # (arrival id, operation index) -> actual / planned
    breakdowns: tuple[Breakdown, ...]
    vendor_delay: dict[tuple[int, int], int]  # (component, n-th order) -> extra days
    arrival_days: int
    warmup_days: int
    load: float
    seed: int


def draw_scenario(load: float, seed: int, factory: FactorySpec | None = None,
                  working_days: int = 90, warmup_days: int = 20,
                  convert_share: float = 0.6) -> Scenario:
    """Arrivals sized so that converted orders need ``load`` of the bottleneck's hours, plus
    noise: work takes 0.8-1.3 times as long as planned (mean 1.03), each work center breaks
    down about one working day in fifty, at any moment of its shifts, for 2 to 14 working
    hours (8 on average), and one purchase in six arrives one to four days late."""
    factory = factory or default_factory()
    rng = random.Random(seed)
    weekdays_per_week = 5
    arrival_days = math.ceil((working_days + warmup_days) / weekdays_per_week * 7)
    mean_quantity = 3.0
    assembly = next(wc for wc in factory.workcenters if wc.name == "Assembly")
    work_per_order = sum(
        hours for product in factory.products for wc_id, hours in product.routing
        if wc_id == assembly.id) / len(factory.products) * mean_quantity * 1.03
    lane_hours = assembly.hours * assembly.capacity
    rate = load * lane_hours / (convert_share * work_per_order)  # quotations per day
    arrivals = []
    next_id = 1
    for day in range(arrival_days):
        if not is_working_day(day):
            continue
        for _ in range(_poisson(rng, rate)):
            product = rng.choice(factory.products)
            arrivals.append(Arrival(next_id, day, product.id, rng.randint(1, 5),
                                    rng.random() < convert_share, rng.randint(0, 4)))
            next_id += 1
    overrun = {}
    for arrival in arrivals:
        for index in range(len(factory.product(arrival.product_id).routing)):
            overrun[(arrival.id, index)] = rng.triangular(0.8, 1.3, 1.0)
    horizon = arrival_days + 120
    breakdowns = []
    for wc in factory.workcenters:
        first, last = wc.shifts[0][0], wc.shifts[-1][1]
        for day in range(horizon):
            if is_working_day(day) and rng.random() < 0.02:
                hour = round(rng.uniform(first, last) * 60) / 60
                breakdowns.append(Breakdown(wc.id, day, hour, round(rng.uniform(2, 14) * 60) / 60))
    vendor_delay = {(component.id, n): (rng.randint(1, 4) if rng.random() < 1 / 6 else 0)
                    for component in factory.components for n in range(400)}
    return Scenario(factory, tuple(arrivals), overrun, tuple(breakdowns), vendor_delay,
                    arrival_days,
                    math.ceil(warmup_days / weekdays_per_week * 7), load, seed)


def _poisson(rng: random.Random, rate: float) -> int:
    threshold, count, product = math.exp(-rate), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count
