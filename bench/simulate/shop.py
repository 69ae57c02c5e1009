"""The simulated shop: stock, purchases, orders, and the shop floor of :mod:`bench.simulate.floor`.
One :class:`Shop` per policy; the policy decides only the promised dates (and, for
capacity-promise, follows the planner's purchase suggestions).

A day: purchases due that day are received at midnight (shop time); at six in the morning the
reordering rule runs, the policy replans and quotes, customers answer, confirmed orders are put
on the floor and reserve their components (earliest promise first); a job is released to the
floor once all its components are reserved; then the floor works until six the next morning. An
order ships when its job's last unit ends, and is on time if that is on or before its promised
date, both by the shop's clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from bench.simulate.floor import Floor, WorkingTime, local_day, local_minute, moment_of
from bench.simulate.model import (
    MONDAY,
    Arrival,
    FactorySpec,
    Scenario,
    WorkCenterSpec,
    add_working_days,
)
from optimizer.snapshot import (
    Attendance,
    Bom,
    BomLine,
    Calendar,
    ComponentNeed,
    Leave,
    ManufacturingOrder,
    Operation,
    Product,
    PurchaseLine,
    SaleLine,
    SaleOrder,
    Snapshot,
    StockLevel,
    SupplierInfo,
    Uom,
    Vendor,
    WorkCenter,
    WorkOrder,
)

EPS = 1e-9
MORNING = 6.0  # o'clock: the plan, the quotes and the customers' answers come before any shift


@dataclasses.dataclass(frozen=True)
class Step:
    """One operation of an order's routing: what the routing says, and what it really takes."""

    workcenter_id: int
    planned_hours: float  # for all units, as the routing says
    units: int
    unit_minutes: int  # what one unit really takes

    @property
    def actual_minutes(self) -> int:
        return self.units * self.unit_minutes


@dataclasses.dataclass
class Order:
    arrival: Arrival
    promise: int  # the day promised: the quoted one, then the confirmed one
    steps: tuple[Step, ...]
    quoted: int = 0  # the day promised when quoted
    confirmed: bool = False
    lost: bool = False
    issued: bool = False
    delivered: int | None = None  # the day it shipped
    hindsight: int | None = None  # the clairvoyant promise day
    reserved: dict[int, float] = dataclasses.field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.delivered is not None


@dataclasses.dataclass
class Purchase:
    component_id: int
    quantity: float
    planned_day: int
    actual_day: int


class Shop:
    """One policy's factory: the same scenario, its own state."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.factory: FactorySpec = scenario.factory
        self.tz = ZoneInfo(self.factory.timezone)
        self.stock = {c.id: c.initial_stock for c in self.factory.components}
        self.stock_trace: list[tuple[int, int, float]] = []  # (minute, component, level after)
        self.purchases: list[Purchase] = []
        self.purchase_count = {c.id: 0 for c in self.factory.components}
        self.orders: dict[int, Order] = {}
        self.breakdowns = {wc.id: self._breakdowns(wc) for wc in self.factory.workcenters}
        self.floor = Floor({wc.id: (wc.capacity,
                                    WorkingTime(wc.shifts, self.tz, self.breakdowns[wc.id]))
                            for wc in self.factory.workcenters})

    def _breakdowns(self, workcenter: WorkCenterSpec) -> list[tuple[int, int]]:
        """The work center's breakdowns as (from, to) minutes, the repair counted in its
        working time."""
        calendar = WorkingTime(workcenter.shifts, self.tz)
        stops = []
        for breakdown in self.scenario.breakdowns:
            if breakdown.workcenter_id == workcenter.id:
                start = self.minute(breakdown.day, breakdown.hour)
                stops.append((start, calendar.finish(start, round(breakdown.hours * 60))))
        return stops

    def minute(self, day: int, hour: float) -> int:
        """The floor's minute of ``hour`` o'clock on ``day``, shop time."""
        return local_minute(day, hour, self.tz)

    def _stock_change(self, minute: int, component_id: int, delta: float) -> None:
        self.stock[component_id] += delta
        self.stock_trace.append((minute, component_id, self.stock[component_id]))

    # -- daily bookkeeping ------------------------------------------------------------------
    def receive(self, day: int) -> None:
        for purchase in self.purchases:
            if purchase.actual_day == day:
                self._stock_change(self.minute(day, 0), purchase.component_id, purchase.quantity)

    def buy(self, component_id: int, quantity: float, day: int) -> None:
        """Place a purchase; it arrives after the lead time plus the scenario's delay."""
        spec = next(c for c in self.factory.components if c.id == component_id)
        count = self.purchase_count[component_id]
        self.purchase_count[component_id] = count + 1
        delay = self.scenario.vendor_delay.get((component_id, count), 0)
        planned = day + spec.lead_days
        self.purchases.append(Purchase(component_id, quantity, planned, planned + delay))

    def open_purchases(self, day: int) -> list[Purchase]:
        return [p for p in self.purchases if p.actual_day > day]

    def reorder(self, day: int) -> None:
        """Odoo's reordering rule: when on hand + on order - still to issue falls below the
        minimum, order the rule's quantity."""
        for component in self.factory.components:
            position = self.stock[component.id] + sum(
                p.quantity for p in self.open_purchases(day) if p.component_id == component.id)
            position -= sum(self.still_needed(order).get(component.id, 0.0)
                            for order in self.orders.values()
                            if order.confirmed and not order.issued)
            while position < component.reorder_point:
                self.buy(component.id, component.order_qty, day)
                position += component.order_qty

    def _needs(self, order: Order) -> dict[int, float]:
        product = self.factory.product(order.arrival.product_id)
        return {c: qty * order.arrival.quantity for c, qty in product.components}

    def still_needed(self, order: Order) -> dict[int, float]:
        """Components the order has not reserved yet."""
        if order.issued:
            return {}
        return {c: qty - order.reserved.get(c, 0.0) for c, qty in self._needs(order).items()
                if qty - order.reserved.get(c, 0.0) > EPS}

    def quote_order(self, arrival: Arrival, promise: int) -> Order:
        product = self.factory.product(arrival.product_id)
        steps = tuple(
            Step(wc_id, per_unit * arrival.quantity, arrival.quantity,
                 round(per_unit * 60 * self.scenario.overrun[(arrival.id, index)]))
            for index, (wc_id, per_unit) in enumerate(product.routing))
        order = Order(arrival, promise, steps, quoted=promise)
        self.orders[arrival.id] = order
        return order

    def decide(self, day: int) -> list[Order]:
        """Quotations whose customer decides today: confirmed or lost. A confirmed order is
        due its quoted lead time after the confirmation, as in Odoo, where confirming moves
        the order date and the expected date with it; it goes on the floor, due that day."""
        decided = []
        for order in self.orders.values():
            arrival = order.arrival
            if order.confirmed or order.lost or arrival.decision_day != day:
                continue
            order.confirmed = arrival.converts
            order.lost = not arrival.converts
            if order.confirmed:
                order.promise = add_working_days(order.promise, arrival.decision_days)
                self.floor.add_job(
                    arrival.id, [(s.workcenter_id, [s.unit_minutes] * s.units)
                                 for s in order.steps],
                    due=(order.promise, arrival.day, arrival.id))
            decided.append(order)
        return decided

    def issue(self) -> None:
        """Reserve components for confirmed orders, earliest promise first, as Odoo reserves
        by priority: an order waiting for its turn on a machine keeps what it reserved, and a
        later order cannot take it. A job whose components are all there is released."""
        queue = sorted((o for o in self.orders.values() if o.confirmed and not o.issued),
                       key=lambda o: (o.promise, o.arrival.day, o.arrival.id))
        for order in queue:
            needs = self._needs(order)
            for component, qty in needs.items():
                missing = qty - order.reserved.get(component, 0.0)
                take = min(missing, self.stock[component])
                if take > EPS:
                    self._stock_change(self.floor.now, component, -take)
                    order.reserved[component] = order.reserved.get(component, 0.0) + take
            if all(order.reserved.get(c, 0.0) + EPS >= qty for c, qty in needs.items()):
                order.issued = True
                self.floor.release(order.arrival.id)

    def work(self, day: int) -> None:
        """Reserve and release this morning, then let the floor work until the next morning;
        what finished ships."""
        self.floor.run_until(self.minute(day, MORNING))
        self.issue()
        self.floor.run_until(self.minute(day + 1, MORNING))
        for order in self.orders.values():
            if order.confirmed and not order.done:
                finished = self.floor.finished_at(order.arrival.id)
                if finished is not None:
                    order.delivered = local_day(finished, self.tz)

    def utilization(self, workcenter_id: int, first_day: int, last_day: int) -> float:
        """Share of the work center's lane time worked from the morning of ``first_day`` to the
        morning of ``last_day``."""
        start, end = self.minute(first_day, MORNING), self.minute(last_day, MORNING)
        working = self.floor.time[workcenter_id]
        worked = sum(working.working_minutes(max(run.start, start), min(run.end, end))
                     for run in self.floor.runs if run.workcenter_id == workcenter_id)
        available = working.working_minutes(start, end) * self.floor.capacity[workcenter_id]
        return worked / available if available else 0.0

    # -- what the planner sees --------------------------------------------------------------
    def snapshot(self, day: int, hold: bool = False,
                 clairvoyant: Order | None = None) -> Snapshot:
        """The factory as the service would read it from Odoo this morning.

        Confirmed orders are open manufacturing orders (remaining work, components still to
        issue) feeding their sale order. With ``hold``, undecided quotations are open
        quotations. ``clairvoyant``: the hindsight view for one new order — true durations,
        known breakdowns and vendor delays, and that order appended last.
        """
        factory = self.factory
        clear = clairvoyant is not None
        shift_sets = sorted({wc.shifts for wc in factory.workcenters})
        calendars = tuple(Calendar(index + 1, f"Shifts {index + 1}", factory.timezone,
                                   _attendances(shifts))
                          for index, shifts in enumerate(shift_sets))
        morning = self.minute(day, MORNING)
        workcenters = []
        for wc in factory.workcenters:
            leaves: tuple[Leave, ...] = ()
            if clear:
                leaves = tuple(Leave(wc.id * 10_000 + n, "Breakdown", moment_of(start),
                                     moment_of(end))
                               for n, (start, end) in enumerate(self.breakdowns[wc.id])
                               if end > morning)
            workcenters.append(WorkCenter(wc.id, wc.name, shift_sets.index(wc.shifts) + 1,
                                          capacity=wc.capacity, leaves=leaves))
        products = [Product(c.id, c.name, 1, "buy") for c in factory.components]
        products += [Product(p.id, p.name, 1, "make", p.customer_lead_days)
                     for p in factory.products]
        boms = [Bom(p.id, p.id, 1, 1, tuple(BomLine(p.id * 100 + i, c, q, 1)
                                           for i, (c, q) in enumerate(p.components)),
                    tuple(Operation(p.id * 100 + i, f"op {i + 1}", wc, 10 * (i + 1), h * 60)
                          for i, (wc, h) in enumerate(p.routing)))
                for p in factory.products]
        vendors = [Vendor(c.id, f"Vendor of {c.name}") for c in factory.components]
        suppliers = [SupplierInfo(c.id, c.id, c.id, c.lead_days) for c in factory.components]
        purchase_lines = [
            PurchaseLine(i + 1, f"P{i + 1:05d}", p.component_id, p.component_id, p.quantity, 1,
                         _date(p.actual_day if clear else max(p.planned_day, day)))
            for i, p in enumerate(self.purchases) if p.actual_day > day]
        mos, sales = [], []
        committed = sorted((o for o in self.orders.values() if o.confirmed and not o.done),
                           key=lambda o: (o.promise, o.arrival.day, o.arrival.id))
        if clairvoyant is not None:
            # in hindsight it is known which open quotations the customers will confirm
            committed += sorted(
                (o for o in self.orders.values() if not o.confirmed and not o.lost
                 and o.arrival.converts and o is not clairvoyant),
                key=lambda o: (o.promise, o.arrival.day, o.arrival.id))
            committed.append(clairvoyant)
        for order in committed:
            arrival = order.arrival
            components = tuple(ComponentNeed(c, q, 1)
                               for c, q in self.still_needed(order).items())
            deadline = order.promise if order is not clairvoyant else 10**6
            mos.append(ManufacturingOrder(arrival.id, f"MO {arrival.id}", arrival.product_id,
                                          arrival.quantity, 1, components,
                                          self._work_orders(order, clear), None,
                                          _date(min(deadline, 10**4)), arrival.id))
            sales.append(SaleOrder(arrival.id, f"S{arrival.id}", "customer", "confirmed",
                                   _date(arrival.day), (SaleLine(arrival.id, arrival.product_id,
                                                                 arrival.quantity, 1),),
                                   _date(order.promise if order is not clairvoyant else day)))
        if hold:
            for order in self.orders.values():
                if not order.confirmed and not order.lost and order.arrival.day <= day:
                    arrival = order.arrival
                    sales.append(SaleOrder(
                        arrival.id, f"S{arrival.id}", "customer", "quotation", _date(arrival.day),
                        (SaleLine(arrival.id, arrival.product_id, arrival.quantity, 1),),
                        created_at=moment_of(morning) + dt.timedelta(seconds=arrival.id)))
        return Snapshot(
            now=moment_of(morning), uoms=(Uom(1, "Units", "Unit"),), calendars=calendars,
            workcenters=tuple(workcenters), products=tuple(products), boms=tuple(boms),
            vendors=tuple(vendors), supplier_infos=tuple(suppliers),
            stock=tuple(StockLevel(c, q, 1) for c, q in self.stock.items() if q > EPS),
            purchase_lines=tuple(purchase_lines), manufacturing_orders=tuple(mos),
            sale_orders=tuple(sales), timezone=factory.timezone)

    def _work_orders(self, order: Order, clear: bool) -> tuple[WorkOrder, ...]:
        """The order's work still to do, as Odoo shows it: the work order's expected duration
        (ceil(units / capacity) cycles) times the share of the step really left; in hindsight
        the true duration times that share."""
        on_floor = order.arrival.id in self.floor.jobs
        work = []
        for index, step in enumerate(order.steps):
            left = self.floor.remaining(order.arrival.id, index) if on_floor \
                else step.actual_minutes
            if left <= 0:
                continue
            capacity = self.floor.capacity[step.workcenter_id]
            cycles = -(-step.units // capacity)
            duration = cycles * (step.unit_minutes if clear else 60 * step.planned_hours /
                                 step.units)
            started = on_floor and self.floor.started(order.arrival.id, index)
            work.append(WorkOrder(order.arrival.id * 100 + index, f"op {index + 1}",
                                  step.workcenter_id, index,
                                  duration * left / step.actual_minutes, started=started))
        return tuple(work)


def _attendances(shifts: tuple[tuple[float, float], ...]) -> tuple[Attendance, ...]:
    """Odoo attendances for the shifts on Monday to Friday, a gap between two shifts shown as
    lunch, as in Odoo's standard 40-hour calendar."""
    attendances = []
    for weekday in range(5):
        for index, (start, end) in enumerate(shifts):
            if index and shifts[index - 1][1] < start:
                attendances.append(Attendance(weekday, shifts[index - 1][1], start,
                                              day_period="lunch"))
            attendances.append(Attendance(weekday, start, end))
    return tuple(attendances)


def _date(day: int) -> dt.date:
    return MONDAY + dt.timedelta(days=day)


def day_of(date: dt.date) -> int:
    return (date - MONDAY).days
