"""How each policy promises a date to a new quotation."""

from __future__ import annotations

from bench.simulate.model import Arrival, is_working_day
from bench.simulate.shop import Order, Shop, _date, day_of
from optimizer import PlannerSettings, plan, quote
from optimizer.plan import Plan
from optimizer.snapshot import SaleLine, SaleOrder


class Policy:
    """Promises dates; ``start_day`` runs each morning, ``decided`` when a customer answers."""

    name = ""

    def start_day(self, shop: Shop, day: int) -> None:
        """Morning routine (replanning, purchasing)."""

    def promise(self, shop: Shop, arrival: Arrival, day: int) -> int:
        raise NotImplementedError

    def decided(self, shop: Shop, order: Order) -> None:
        """The customer confirmed or declined."""

    def after_promise(self, shop: Shop, day: int) -> None:
        """A promise was just made."""


class OdooLeadTime(Policy):
    """Odoo's own date: order date + the product's customer lead time."""

    name = "Odoo lead time"

    def promise(self, shop: Shop, arrival: Arrival, day: int) -> int:
        return day + shop.factory.product(arrival.product_id).customer_lead_days


class GreedyForwardLoading(Policy):
    """Book each quotation's operations on the earliest free capacity, in sequence, and promise
    the day the last one ends; bookings stay as booked (no replanning), released when the
    customer declines. Material is not looked at."""

    name = "greedy forward loading"

    def __init__(self) -> None:
        self.booked: dict[tuple[int, int], float] = {}
        self.bookings: dict[int, list[tuple[int, int, float]]] = {}

    def promise(self, shop: Shop, arrival: Arrival, day: int) -> int:
        product = shop.factory.product(arrival.product_id)
        hours_per_day = {wc.id: wc.hours for wc in shop.factory.workcenters}
        current = day
        mine: list[tuple[int, int, float]] = []
        for wc_id, per_unit in product.routing:
            remaining = per_unit * arrival.quantity
            while remaining > 1e-9:
                if is_working_day(current):
                    free = hours_per_day[wc_id] - self.booked.get((wc_id, current), 0.0)
                    take = min(free, remaining)
                    if take > 1e-9:
                        self.booked[(wc_id, current)] = self.booked.get((wc_id, current), 0) + take
                        mine.append((wc_id, current, take))
                        remaining -= take
                        if remaining <= 1e-9:
                            break
                current += 1
        self.bookings[arrival.id] = mine
        return current

    def decided(self, shop: Shop, order: Order) -> None:
        if order.lost:
            for wc_id, day, hours in self.bookings.pop(order.arrival.id, []):
                self.booked[(wc_id, day)] -= hours


class CapacityPromise(Policy):
    """capacity-promise: replan every morning from the shop's state, quote each quotation
    against the plan, and buy what the plan suggests when it should be ordered."""

    def __init__(self, hold: bool, capacity_factor: float = 1.0, hold_share: float = 1.0,
                 safety_days: int = 0, schedule: str = "asap", jit_buffer_days: int = 2):
        self.hold = hold
        self.settings = PlannerSettings(solver="none", horizon_days=120,
                                        quotations_hold_capacity=hold,
                                        capacity_factor=capacity_factor,
                                        quotation_hold_share=hold_share,
                                        purchase_safety_days=safety_days,
                                        schedule=schedule,  # type: ignore[arg-type]
                                        jit_buffer_days=jit_buffer_days)
        self.name = "capacity-promise, quotations hold capacity" if hold else \
            "capacity-promise, inquiry"
        self.plan: Plan | None = None

    def start_day(self, shop: Shop, day: int) -> None:
        self.plan = plan(shop.snapshot(day, hold=self.hold), self.settings)
        for suggestion in self.plan.purchases:
            if suggestion.quotation_id is None and day_of(suggestion.order_by) <= day:
                shop.buy(suggestion.product_id, suggestion.quantity, day)
        if any(s.quotation_id is None and day_of(s.order_by) <= day for s in self.plan.purchases):
            self.plan = plan(shop.snapshot(day, hold=self.hold), self.settings)

    def promise(self, shop: Shop, arrival: Arrival, day: int) -> int:
        assert self.plan is not None
        inquiry = SaleOrder(arrival.id, f"S{arrival.id}", "customer", "quotation", _date(day),
                            (SaleLine(arrival.id, arrival.product_id, arrival.quantity, 1),))
        answer = quote(self.plan, inquiry)
        if answer.promise_date is None:
            return day + 120
        return max(day, day_of(answer.promise_date))

    def after_promise(self, shop: Shop, day: int) -> None:
        """With quotations holding capacity, each new one holds it at once for the next."""
        if self.hold:
            self.plan = plan(shop.snapshot(day, hold=True), self.settings)


def hindsight(shop: Shop, order: Order, day: int) -> int:
    """The earliest day the order could have been promised by a planner that knew the future
    of this shop: true durations, breakdowns and vendor delays, with the committed work ahead
    of it."""
    snapshot = shop.snapshot(day, clairvoyant=order)
    result = plan(snapshot, PlannerSettings(solver="none", horizon_days=240))
    job = next(j for j in result.jobs if j.manufacturing_order_id == order.arrival.id)
    return day_of(job.finish)


def lead_days(start: int, end: int) -> int:
    return max(0, end - start)

