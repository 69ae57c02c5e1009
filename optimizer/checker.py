"""An independent check of a plan against its snapshot.

It shares nothing with the engine or the model but the calendar arithmetic (which interprets
the input) and recomputes everything else from the snapshot: work content of each operation,
components of each job, and the material balance of every product over time. It checks the
committed plan, and the committed plan plus each quotation's inquiry on its own.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from optimizer.calendar import capacity_table
from optimizer.plan import Plan, ScheduledJob
from optimizer.snapshot import Bom, Snapshot

TOLERANCE = 1e-5


def check_plan(snapshot: Snapshot, plan: Plan) -> list[str]:
    """Every way ``plan`` breaks the rules of ``snapshot``; an empty list means it holds."""
    checker = _Checker(snapshot, plan)
    return checker.run()


class _Checker:
    def __init__(self, snapshot: Snapshot, plan: Plan):
        self.snapshot = snapshot
        self.index = snapshot.index
        self.plan = plan
        self.today = snapshot.today
        self.horizon = plan.settings.horizon_days
        self.capacity = capacity_table(snapshot, self.horizon)
        self.errors: list[str] = []

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def run(self) -> list[str]:
        plan = self.plan
        scenarios = sorted({job.quotation_id for job in plan.jobs if job.quotation_id}
                           | {d.quotation_id for d in plan.deliveries if d.quotation_id}
                           | {p.quotation_id for p in plan.purchases if p.quotation_id})
        for job in plan.jobs:
            self._check_job(job)
        for scenario in [None, *scenarios]:
            self._check_capacity(scenario)
            self._check_material(scenario)
        self._check_promises()
        self._check_purchases()
        return self.errors

    def _day(self, date: dt.date) -> int:
        return (date - self.today).days

    # -- jobs -------------------------------------------------------------------------------
    def _check_job(self, job: ScheduledJob) -> None:
        previous_finish: dt.date | None = None
        for operation in job.operations:
            booked = sum(b.hours for b in operation.bookings)
            if abs(booked - operation.hours) > TOLERANCE:
                self.fail(f"{job.key}: operation {operation.name} books {booked:.4f} h "
                          f"of {operation.hours:.4f} h")
            dates = [b.date for b in operation.bookings]
            if dates != sorted(dates):
                self.fail(f"{job.key}: operation {operation.name} bookings out of order")
            if dates and previous_finish and dates[0] < previous_finish:
                self.fail(f"{job.key}: operation {operation.name} starts {dates[0]} before "
                          f"the previous operation finishes {previous_finish}")
            if dates and dates[0] < job.start:
                self.fail(f"{job.key}: operation {operation.name} starts before the job")
            if dates:
                previous_finish = dates[-1]
        if job.finish < job.start:
            self.fail(f"{job.key}: finishes {job.finish} before it starts {job.start}")
        if previous_finish is not None and job.finish != previous_finish:
            self.fail(f"{job.key}: finish {job.finish} is not its last operation's day")
        if job.manufacturing_order_id is not None:
            self._check_mo_work(job)
        else:
            self._check_planned_work(job)

    def _check_mo_work(self, job: ScheduledJob) -> None:
        mo = next((m for m in self.snapshot.manufacturing_orders
                   if m.id == job.manufacturing_order_id), None)
        if mo is None:
            self.fail(f"{job.key}: unknown manufacturing order")
            return
        expected = {wo.id: wo for wo in mo.work_orders}
        for operation in job.operations:
            wo = expected.pop(operation.workorder_id or -1, None)
            if wo is None or abs(wo.remaining_hours - operation.hours) > TOLERANCE:
                self.fail(f"{job.key}: work order {operation.workorder_id} does not match "
                          f"{mo.name}")
            elif operation.workcenter_id != wo.workcenter_id:
                self.fail(f"{job.key}: work order {wo.name} moved to another work center")
        if expected:
            self.fail(f"{job.key}: work orders {sorted(expected)} of {mo.name} not scheduled")
        components: dict[int, float] = defaultdict(float)
        for need in mo.components:
            components[need.product_id] += self.index.to_product_uom(need.quantity, need.uom_id,
                                                                     need.product_id)
        self._compare_components(job, components)

    def _check_planned_work(self, job: ScheduledJob) -> None:
        bom = self.index.bom_for.get(job.product_id)
        if bom is None or bom.id != job.bom_id:
            self.fail(f"{job.key}: product {job.product_id} is not made with BoM {job.bom_id}")
            return
        operations = sorted(bom.operations, key=lambda op: (op.sequence, op.id))
        if len(operations) != len(job.operations):
            self.fail(f"{job.key}: {len(job.operations)} operations, BoM has {len(operations)}")
            return
        for expected, operation in zip(operations, job.operations, strict=True):
            hours = expected.setup_hours + expected.hours_per_unit * job.quantity
            if abs(hours - operation.hours) > TOLERANCE * max(1.0, hours):
                self.fail(f"{job.key}: {operation.name} needs {hours:.4f} h, "
                          f"plan has {operation.hours:.4f} h")
            allowed = {expected.workcenter_id,
                       *self.index.workcenters[expected.workcenter_id].alternative_ids}
            if operation.workcenter_id not in allowed:
                self.fail(f"{job.key}: {operation.name} on work center "
                          f"{operation.workcenter_id}, not {sorted(allowed)}")
        components: dict[int, float] = defaultdict(float)
        self._explode(bom, job.quantity, components)
        self._compare_components(job, components)

    def _explode(self, bom: Bom, quantity: float, into: dict[int, float]) -> None:
        index = self.index
        ratio = quantity / index.to_product_uom(bom.quantity, bom.uom_id, bom.product_id)
        for line in bom.lines:
            qty = index.to_product_uom(line.quantity, line.uom_id, line.product_id) * ratio
            sub = index.bom_for.get(line.product_id)
            if sub is not None and sub.kind == "phantom":
                self._explode(sub, qty, into)
            elif qty > 0:
                into[line.product_id] += qty

    def _compare_components(self, job: ScheduledJob, expected: dict[int, float]) -> None:
        planned: dict[int, float] = defaultdict(float)
        for product_id, qty in job.components:
            planned[product_id] += qty
        for product_id in set(planned) | set(expected):
            if abs(planned.get(product_id, 0.0) - expected.get(product_id, 0.0)) > TOLERANCE:
                self.fail(f"{job.key}: consumes {planned.get(product_id, 0.0):.4f} of product "
                          f"{product_id}, needs {expected.get(product_id, 0.0):.4f}")

    # -- capacity ---------------------------------------------------------------------------
    def _check_capacity(self, scenario: int | None) -> None:
        used: dict[tuple[int, int], float] = defaultdict(float)
        for job in self.plan.jobs:
            if job.quotation_id not in (None, scenario):
                continue
            for operation in job.operations:
                for booking in operation.bookings:
                    day = self._day(booking.date)
                    if not 0 <= day < self.horizon:
                        self.fail(f"{job.key}: booking on {booking.date} outside the horizon")
                        continue
                    if booking.hours <= 0:
                        self.fail(f"{job.key}: empty booking on {booking.date}")
                    used[(operation.workcenter_id, day)] += booking.hours * job.share
        where = "the committed plan" if scenario is None else f"quotation {scenario}"
        for (wc, day), hours in used.items():
            available = self.capacity[wc][day]
            if hours > available + TOLERANCE:
                self.fail(f"{where}: work center {wc} on {self.today + dt.timedelta(days=day)} "
                          f"has {hours:.4f} h planned for {available:.4f} h available")

    # -- material ---------------------------------------------------------------------------
    def _check_material(self, scenario: int | None) -> None:
        """Receipts before issues on each day; the running balance never goes negative."""
        events: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        index = self.index

        def add(product_id: int, day: int, qty: float) -> None:
            # receipts (kind 0) sort before issues (kind 1) on the same day
            events[product_id].append((day, 0 if qty > 0 else 1, qty))

        for level in self.snapshot.stock:
            add(level.product_id, 0,
                index.to_product_uom(level.quantity, level.uom_id, level.product_id))
        for line in self.snapshot.purchase_lines:
            add(line.product_id, max(0, self._day(line.expected_date)),
                index.to_product_uom(line.quantity, line.uom_id, line.product_id))
        for job in self.plan.jobs:
            if job.quotation_id not in (None, scenario):
                continue
            add(job.product_id, self._day(job.finish), job.quantity * job.share)
            for product_id, qty in job.components:
                add(product_id, self._day(job.start), -qty * job.share)
        for purchase in self.plan.purchases:
            if purchase.quotation_id in (None, scenario):
                add(purchase.product_id, self._day(purchase.need_date), purchase.quantity)
        for delivery in self.plan.deliveries:
            if delivery.quotation_id in (None, scenario):
                add(delivery.product_id, self._day(delivery.date),
                    -delivery.quantity * delivery.share)
        kit_deliveries = self._kit_deliveries(scenario)
        for product_id, day, qty in kit_deliveries:
            add(product_id, day, -qty)
        where = "the committed plan" if scenario is None else f"quotation {scenario}"
        for product_id, product_events in events.items():
            if product_id in self._kits():
                continue
            balance = 0.0
            for day, _, qty in sorted(product_events):
                balance += qty
                if balance < -TOLERANCE * max(1.0, abs(qty)):
                    self.fail(f"{where}: product {product_id} short by {-balance:.4f} on "
                              f"{self.today + dt.timedelta(days=day)}")
                    break

    def _kits(self) -> set[int]:
        return {pid for pid, bom in self.index.bom_for.items() if bom.kind == "phantom"}

    def _kit_deliveries(self, scenario: int | None) -> list[tuple[int, int, float]]:
        """Deliveries of kits are deliveries of their components."""
        kits = self._kits()
        result: list[tuple[int, int, float]] = []
        for delivery in self.plan.deliveries:
            if delivery.product_id in kits and delivery.quotation_id in (None, scenario):
                components: dict[int, float] = defaultdict(float)
                self._explode(self.index.bom_for[delivery.product_id],
                              delivery.quantity * delivery.share, components)
                result.extend((pid, self._day(delivery.date), qty)
                              for pid, qty in components.items())
        return result

    # -- promises and purchases -------------------------------------------------------------
    def _check_promises(self) -> None:
        deliveries = {(d.order_id, d.line_id): d for d in self.plan.deliveries}
        orders = {o.id: o for o in self.snapshot.sale_orders}
        for promise in self.plan.orders:
            order = orders[promise.order_id]
            line_dates: list[dt.date | None] = []
            for line in promise.lines:
                if line.promise_date is None:
                    if line.status != "cannot_plan":
                        self.fail(f"{promise.name}: line {line.line_id} has no date but status "
                                  f"{line.status}")
                    line_dates.append(None)
                    continue
                line_dates.append(line.promise_date)
                if line.promise_date < self.today:
                    self.fail(f"{promise.name}: line {line.line_id} promised in the past")
                delivery = deliveries.get((promise.order_id, line.line_id))
                if line.quantity > TOLERANCE and (
                        delivery is None or delivery.date != line.promise_date
                        or abs(delivery.quantity - line.quantity) > TOLERANCE):
                    self.fail(f"{promise.name}: line {line.line_id} promise is not backed by a "
                              f"delivery of its quantity on {line.promise_date}")
                target = order.commitment_date or line.lead_time_date
                expected = "late" if line.promise_date > target else "on_time"
                if line.status != expected:
                    self.fail(f"{promise.name}: line {line.line_id} is {line.status}, "
                              f"expected {expected}")
            if any(date is None for date in line_dates):
                if promise.promise_date is not None or promise.status != "cannot_plan":
                    self.fail(f"{promise.name}: a line cannot be planned but the order has a "
                              "date")
            elif line_dates and promise.promise_date != max(d for d in line_dates if d):
                self.fail(f"{promise.name}: order date {promise.promise_date} is not its latest "
                          "line's")

    def _check_purchases(self) -> None:
        for purchase in self.plan.purchases:
            lead = math.ceil(purchase.lead_days - 1e-9)
            if purchase.order_by < self.today:
                self.fail(f"purchase {purchase.key}: order-by {purchase.order_by} is in the past")
            if self._day(purchase.need_date) < lead:
                self.fail(f"purchase {purchase.key}: arrives {purchase.need_date}, sooner than "
                          f"its {lead}-day lead time allows")
            if (purchase.need_date - purchase.order_by).days < lead and \
                    purchase.order_by > self.today:
                self.fail(f"purchase {purchase.key}: ordered {purchase.order_by} cannot arrive "
                          f"by {purchase.need_date}")
            offers = [s for s in self.index.sellers.get(purchase.product_id, [])
                      if s.vendor_id == purchase.vendor_id]
            if not offers:
                self.fail(f"purchase {purchase.key}: vendor {purchase.vendor_id} does not sell "
                          f"product {purchase.product_id}")
                continue
            smallest = min(
                self.index.to_product_uom(s.min_qty, s.uom_id, s.product_id)
                if s.uom_id is not None else s.min_qty for s in offers)
            if purchase.quantity < smallest - TOLERANCE:
                self.fail(f"purchase {purchase.key}: {purchase.quantity} is below the vendor's "
                          f"minimum {smallest}")
