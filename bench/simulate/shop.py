"""The simulated shop: stock, purchases, orders and a shop floor that works earliest promise
first. One :class:`Shop` per policy; the policy decides only the promised dates (and, for
capacity-promise, follows the planner's purchase suggestions)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bench.simulate.model import (
    MONDAY,
    Arrival,
    FactorySpec,
    Scenario,
    add_working_days,
    is_working_day,
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
UTC = dt.timezone.utc


@dataclasses.dataclass
class Step:
    workcenter_id: int
    planned: float
    actual: float
    remaining: float  # actual hours still to do


@dataclasses.dataclass
class Order:
    arrival: Arrival
    promise: int  # the day promised: the quoted one, then the confirmed one
    steps: list[Step]
    quoted: int = 0  # the day promised when quoted
    confirmed: bool = False
    lost: bool = False
    issued: bool = False
    delivered: int | None = None
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
        self.stock = {c.id: c.initial_stock for c in self.factory.components}
        self.purchases: list[Purchase] = []
        self.purchase_count = {c.id: 0 for c in self.factory.components}
        self.orders: dict[int, Order] = {}
        self.worked: dict[tuple[int, int], float] = {}  # (work center, day) -> hours worked
        self.available: dict[tuple[int, int], float] = {}

    # -- daily bookkeeping ------------------------------------------------------------------
    def receive(self, day: int) -> None:
        for purchase in self.purchases:
            if purchase.actual_day == day:
                self.stock[purchase.component_id] += purchase.quantity

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
        steps = []
        for index, (wc_id, per_unit) in enumerate(product.routing):
            planned = per_unit * arrival.quantity
            actual = planned * self.scenario.overrun[(arrival.id, index)]
            steps.append(Step(wc_id, planned, actual, actual))
        order = Order(arrival, promise, steps, quoted=promise)
        self.orders[arrival.id] = order
        return order

    def decide(self, day: int) -> list[Order]:
        """Quotations whose customer decides today: confirmed or lost. A confirmed order is
        due its quoted lead time after the confirmation, as in Odoo, where confirming moves
        the order date and the expected date with it."""
        decided = []
        for order in self.orders.values():
            arrival = order.arrival
            if order.confirmed or order.lost or arrival.decision_day != day:
                continue
            order.confirmed = arrival.converts
            order.lost = not arrival.converts
            if order.confirmed:
                order.promise = add_working_days(order.promise, arrival.decision_days)
            decided.append(order)
        return decided

    def capacity(self, workcenter_id: int, day: int) -> float:
        if not is_working_day(day) or (workcenter_id, day) in self.scenario.down:
            return 0.0
        return next(wc.hours for wc in self.factory.workcenters if wc.id == workcenter_id)

    def issue(self) -> None:
        """Reserve components for confirmed orders, earliest promise first, as Odoo reserves
        by priority: an order waiting for its turn on a machine keeps what it reserved, and a
        later order cannot take it."""
        queue = sorted((o for o in self.orders.values() if o.confirmed and not o.issued),
                       key=lambda o: (o.promise, o.arrival.day, o.arrival.id))
        for order in queue:
            needs = self._needs(order)
            for component, qty in needs.items():
                missing = qty - order.reserved.get(component, 0.0)
                take = min(missing, self.stock[component])
                if take > EPS:
                    self.stock[component] -= take
                    order.reserved[component] = order.reserved.get(component, 0.0) + take
            if all(order.reserved.get(c, 0.0) + EPS >= qty for c, qty in needs.items()):
                order.issued = True

    def work(self, day: int) -> None:
        """The shop floor: earliest promise first, each operation after the previous one (the
        same day if there is time), once the order's components are all reserved."""
        self.issue()
        free = {wc.id: self.capacity(wc.id, day) for wc in self.factory.workcenters}
        for wc_id, hours in free.items():
            self.available[(wc_id, day)] = hours
        queue = sorted(
            (o for o in self.orders.values() if o.confirmed and o.issued and not o.done),
            key=lambda o: (o.promise, o.arrival.day, o.arrival.id))
        progress = True
        while progress:
            progress = False
            for order in queue:
                if order.done:
                    continue
                step = next(s for s in order.steps if s.remaining > EPS)
                hours = min(free[step.workcenter_id], step.remaining)
                if hours <= EPS:
                    continue
                step.remaining -= hours
                free[step.workcenter_id] -= hours
                key = (step.workcenter_id, day)
                self.worked[key] = self.worked.get(key, 0.0) + hours
                progress = True
                if all(s.remaining <= EPS for s in order.steps):
                    order.delivered = day

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
        calendars = (Calendar(1, "Day shift", "UTC", tuple(a for d in range(5) for a in (
            Attendance(d, 8, 12), Attendance(d, 12, 13, day_period="lunch"),
            Attendance(d, 13, 17)))),
            Calendar(2, "Two shifts", "UTC", tuple(
                a for d in range(5) for a in (Attendance(d, 6, 14), Attendance(d, 14, 22)))))
        workcenters = []
        for wc in factory.workcenters:
            leaves = ()
            if clear:
                leaves = tuple(
                    Leave(wc.id * 10_000 + d, "Breakdown", _at(d, 0), _at(d + 1, 0))
                    for (wc_id, d) in self.scenario.down if wc_id == wc.id and d >= day)
            workcenters.append(WorkCenter(wc.id, wc.name, 2 if wc.hours > 8 else 1,
                                          leaves=leaves))
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
            work = tuple(
                WorkOrder(arrival.id * 100 + i, f"op {i + 1}", step.workcenter_id, i,
                          60 * (step.remaining if clear else step.planned * step.remaining /
                                step.actual), started=i == _current(order) and _started(order))
                for i, step in enumerate(order.steps) if step.remaining > EPS)
            components = tuple(ComponentNeed(c, q, 1)
                               for c, q in self.still_needed(order).items())
            deadline = order.promise if order is not clairvoyant else 10**6
            mos.append(ManufacturingOrder(arrival.id, f"MO {arrival.id}", arrival.product_id,
                                          arrival.quantity, 1, components, work, None,
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
                        created_at=_at(arrival.day, 6, arrival.id)))
        return Snapshot(
            now=_at(day, 6), uoms=(Uom(1, "Units", "Unit"),), calendars=calendars,
            workcenters=tuple(workcenters), products=tuple(products), boms=tuple(boms),
            vendors=tuple(vendors), supplier_infos=tuple(suppliers),
            stock=tuple(StockLevel(c, q, 1) for c, q in self.stock.items() if q > EPS),
            purchase_lines=tuple(purchase_lines), manufacturing_orders=tuple(mos),
            sale_orders=tuple(sales))


def _started(order: Order) -> bool:
    return any(step.remaining < step.actual - EPS for step in order.steps)


def _current(order: Order) -> int:
    return next(i for i, s in enumerate(order.steps) if s.remaining > EPS)


def _date(day: int) -> dt.date:
    return MONDAY + dt.timedelta(days=day)


def _at(day: int, hour: int, seconds: int = 0) -> dt.datetime:
    return dt.datetime.combine(_date(day), dt.time(hour), UTC) + dt.timedelta(seconds=seconds)


def day_of(date: dt.date) -> int:
    return (date - MONDAY).days
