"""The constructive capable-to-promise schedule.

Demand is planned one order at a time in priority order, each in a ledger fork that is committed
when the order is planned:

1. open manufacturing orders (they are already running or released),
2. confirmed sale orders, earliest due date first (or in an order the improver proposes),
3. open quotations, first come first served; each is a what-if that is committed only when
   quotations hold capacity.

For each need the engine takes material from lots in the order they arrive (stock, open purchase
orders, output of open manufacturing orders), then fills the shortfall by making (planning a job
whose components are obtained the same way, then forward-loading its operations on the work
centers with free hours, alternative work centers included) or by buying (a new purchase that
arrives no sooner than the vendor's lead time). Every ready day carries its :class:`Cause`, which
becomes the sentence a salesperson reads.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from optimizer.calendar import capacity_table
from optimizer.ledger import EPS, Cause, Consumption, Fork, Ledger, Lot
from optimizer.plan import DemandKind, DemandRef, PlannerSettings
from optimizer.snapshot import (
    Bom,
    ManufacturingOrder,
    SaleLine,
    SaleOrder,
    Snapshot,
    SupplierInfo,
)


@dataclass(eq=False)
class OperationRecord:
    name: str
    workcenter_id: int
    hours: float
    bookings: list[tuple[int, float]]
    earliest: int
    operation_id: int | None = None
    workorder_id: int | None = None


@dataclass(eq=False)
class JobRecord:
    """Production planned in the engine (days are offsets from the snapshot's today)."""

    key: str
    product_id: int
    quantity: float
    start: int
    finish: int
    operations: list[OperationRecord]
    components: list[tuple[int, float]]
    demand: DemandRef
    cause: Cause
    manufacturing_order_id: int | None = None
    bom_id: int | None = None
    scenario: int | None = None
    output: Lot | None = None
    ready: int = 0  # the day its material is there


@dataclass(eq=False)
class PurchaseRecord:
    """A new purchase: a lot that arrives no sooner than ``earliest`` (today + lead time)."""

    lot: Lot
    vendor_id: int
    quantity: float
    lead_days: float
    earliest: int
    scenario: int | None = None
    min_qty: float = 0.0  # the vendor's minimum, in the product's unit


@dataclass(eq=False)
class LineOutcome:
    order: SaleOrder
    line: SaleLine
    quantity: float  # in the product's unit
    day: int | None
    cause: Cause
    consumptions: list[Consumption]


@dataclass(eq=False)
class ScenarioRecord:
    """What planning one order produced: its jobs, purchases and line outcomes."""

    jobs: list[JobRecord] = field(default_factory=list)
    purchases: list[PurchaseRecord] = field(default_factory=list)
    lines: list[LineOutcome] = field(default_factory=list)
    consumptions: list[Consumption] = field(default_factory=list)
    share: float = 1.0  # the part committed to the ledger (quotations holding capacity)


class _Step(NamedTuple):
    """An operation to book: where (and where else) it may run, and how long."""

    name: str
    workcenter_id: int
    alternatives: tuple[int, ...]
    hours: float
    operation_id: int | None
    workorder_id: int | None


class _Unplannable(Exception):  # noqa: N818 - internal control flow, never escapes
    def __init__(self, cause: Cause):
        super().__init__(cause.kind)
        self.cause = cause


@dataclass(eq=False)
class PlanState:
    """The engine's memory of one plan: enough to answer quotes without replanning.

    ``base`` holds what is committed (open MOs, confirmed orders, and quotations when they hold
    capacity); quotes fork from it.
    """

    engine: Engine
    base: Ledger
    committed: ScenarioRecord
    manufacturing: ScenarioRecord
    quotations: dict[int, ScenarioRecord]
    confirmed_order_ids: list[int]
    warnings: list[str]


class Engine:
    """Plans a snapshot; stateless between runs except for the immutable capacity table."""

    def __init__(self, snapshot: Snapshot, settings: PlannerSettings):
        self.snapshot = snapshot
        self.settings = settings
        self.index = snapshot.index
        self.today = snapshot.today
        self.horizon = settings.horizon_days
        self.available = capacity_table(snapshot, self.horizon)
        # what the plan may fill: all of it, or less to keep a reserve for disruptions
        factor = settings.capacity_factor
        self.capacity = self.available if factor == 1 else {
            wc: [hours * factor for hours in days] for wc, days in self.available.items()}
        self._job_counter = 0
        self._heights: dict[int, int] = {}  # the snapshot has no BoM cycle: it was checked

    # -- entry points -----------------------------------------------------------------------
    def run(self, confirmed_priority: list[int] | None = None) -> PlanState:
        """Plan everything; ``confirmed_priority`` (order ids) overrides earliest-due-first."""
        self._job_counter = 0
        warnings: list[str] = list(self.snapshot.warnings)
        ledger = self._initial_ledger(warnings)
        manufacturing = ScenarioRecord()
        for mo in sorted(self.snapshot.manufacturing_orders, key=self._mo_priority):
            fork = ledger.fork()
            try:
                record = self._plan_manufacturing_order_in_time(fork, mo) or \
                    self._plan_manufacturing_order(fork, mo)
            except _Unplannable as failure:
                warnings.append(f"{mo.name} cannot be scheduled: "
                                f"{self.describe_failure(failure.cause)}")
                continue
            fork.commit()
            manufacturing.jobs.extend(record.jobs)
            manufacturing.purchases.extend(record.purchases)

        committed = ScenarioRecord()
        confirmed = [o for o in self.snapshot.sale_orders if o.state == "confirmed"]
        if confirmed_priority is not None:
            position = {order_id: rank for rank, order_id in enumerate(confirmed_priority)}
            confirmed.sort(key=lambda o: (position.get(o.id, len(position)), self._due_key(o)))
        else:
            confirmed.sort(key=self._due_key)
        for order in confirmed:
            fork = ledger.fork()
            record = self.plan_order(fork, order, scenario=None)
            fork.commit()
            _extend(committed, record)

        quotations: dict[int, ScenarioRecord] = {}
        hold = self.settings.quotations_hold_capacity
        for order in self.quotations_in_turn():
            fork = ledger.fork()
            record = self.plan_order(fork, order, scenario=None if hold else order.id)
            record.consumptions = fork.consumptions
            if hold:
                record.share = self.settings.quotation_hold_share
                fork.commit(record.share)
            quotations[order.id] = record
        return PlanState(self, ledger, committed, manufacturing, quotations,
                         [o.id for o in confirmed], warnings)

    def quotations_in_turn(self) -> list[SaleOrder]:
        """Open quotations, first created first served."""
        quotations = [o for o in self.snapshot.sale_orders if o.state == "quotation"]
        epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        return sorted(quotations, key=lambda o: (o.created_at or epoch, o.order_date, o.id))

    def plan_order(self, fork: Fork, order: SaleOrder, scenario: int | None) -> ScenarioRecord:
        """Plan every line of one order in ``fork``; a line that cannot be planned is recorded
        with its cause and leaves nothing behind."""
        record = ScenarioRecord()
        kind: DemandKind = "sale" if order.state == "confirmed" else "quotation"
        for line in order.lines:
            quantity = self.index.to_product_uom(line.quantity, line.uom_id, line.product_id)
            demand = DemandRef(kind, order.id, order.name, line.id, quantity)
            if quantity <= EPS:
                record.lines.append(LineOutcome(order, line, quantity, 0,
                                                Cause("stock", 0, line.product_id), []))
                continue
            attempt = ScenarioRecord()
            mark = _ForkMark(fork)
            outcome = None
            target = self.due_day(order) - self.settings.jit_buffer_days
            if kind == "sale" and self.settings.schedule == "just_in_time" and target >= 0:
                try:
                    outcome = self._obtain_by(fork, attempt, line.product_id, quantity, demand,
                                              scenario, order.id, target)
                except _Unplannable:
                    mark.rollback()
                    attempt = ScenarioRecord()
            try:
                day, cause, used = outcome or self._obtain(
                    fork, attempt, line.product_id, quantity, demand, scenario,
                    reserved_for=order.id)
            except _Unplannable as failure:
                mark.rollback()
                record.lines.append(LineOutcome(order, line, quantity, None, failure.cause, []))
                continue
            for consumption in used:
                consumption.day = day
            record.jobs.extend(attempt.jobs)
            record.purchases.extend(attempt.purchases)
            record.lines.append(LineOutcome(order, line, quantity, day, cause, used))
        return record

    # -- set-up -----------------------------------------------------------------------------
    def _initial_ledger(self, warnings: list[str]) -> Ledger:
        free = {wc: hours[:] for wc, hours in self.capacity.items()}
        ledger = Ledger(free=free, horizon=self.horizon)
        index = self.index
        for level in self.snapshot.stock:
            quantity = index.to_product_uom(level.quantity, level.uom_id, level.product_id)
            if quantity > EPS:
                ledger.add_lot(Lot(ledger.new_uid(), level.product_id, 0, quantity, "stock",
                                   Cause("stock", 0, level.product_id)))
        for line in self.snapshot.purchase_lines:
            quantity = index.to_product_uom(line.quantity, line.uom_id, line.product_id)
            if quantity <= EPS:
                continue
            day = (line.expected_date - self.today).days
            if day < 0:
                warnings.append(
                    f"{line.order_name}: {index.products[line.product_id].name} was expected on "
                    f"{line.expected_date:%d %b} and has not arrived; planned as arriving today")
                day = 0
            usable = day + self.settings.purchase_safety_days
            ledger.add_lot(Lot(ledger.new_uid(), line.product_id, usable, quantity, "supply",
                               Cause("supply", day, line.product_id, vendor_id=line.vendor_id,
                                     ref=line.order_name,
                                     until=usable if usable != day else None)))
        return ledger

    def _mo_priority(self, mo: ManufacturingOrder) -> tuple[int, dt.date, int, dt.date, int]:
        """Work in progress first, then by scheduled start, sub-assemblies before what they
        go into on the same day (so a parent's order finds its components' output)."""
        started = any(wo.started for wo in mo.work_orders)
        planned = mo.planned_start or mo.deadline or self.today
        return (0 if started else 1, planned, self._height(mo.product_id),
                mo.deadline or planned, mo.id)

    def _height(self, product_id: int) -> int:
        """Levels of manufactured components below a product (0 for a bought one)."""
        cached = self._heights.get(product_id)
        if cached is not None:
            return cached
        bom = self.index.bom_for.get(product_id)
        height = 0 if bom is None else 1 + max(
            (self._height(line.product_id) for line in bom.lines), default=0)
        self._heights[product_id] = height
        return height

    def due_day(self, order: SaleOrder) -> int:
        """The day an order is due: its commitment date, else Odoo's lead-time date."""
        if order.commitment_date is not None:
            return (order.commitment_date - self.today).days
        return (self.lead_time_date(order) - self.today).days

    def _due_key(self, order: SaleOrder) -> tuple[int, dt.date, int]:
        return (self.due_day(order), order.order_date, order.id)

    def line_lead_time_date(self, order: SaleOrder, line: SaleLine) -> dt.date:
        """The date Odoo shows for a line: order date + the product's customer lead time."""
        lead = line.customer_lead_days
        if lead is None:
            lead = self.index.products[line.product_id].customer_lead_days
        return order.order_date + dt.timedelta(days=math.ceil(lead - EPS))

    def lead_time_date(self, order: SaleOrder) -> dt.date:
        """Odoo's expected date: earliest line ("as soon as possible") or latest ("all at
        once"), following the order's shipping policy."""
        dates = [self.line_lead_time_date(order, line) for line in order.lines]
        if not dates:
            return order.order_date
        return max(dates) if order.picking_policy == "one" else min(dates)

    # -- open manufacturing orders ----------------------------------------------------------
    def _plan_manufacturing_order(self, fork: Fork, mo: ManufacturingOrder) -> ScenarioRecord:
        record = ScenarioRecord()
        demand = DemandRef("manufacturing", mo.id, mo.name, None, mo.quantity)
        used: list[Consumption] = []
        ready, cause = 0, Cause("stock", 0)
        components: list[tuple[int, float]] = []
        for need in mo.components:
            quantity = self.index.to_product_uom(need.quantity, need.uom_id, need.product_id)
            if quantity <= EPS:
                continue
            # material reserved for the order this manufacturing order serves is its own
            day, component_cause, taken = self._obtain(fork, record, need.product_id, quantity,
                                                       demand, None,
                                                       reserved_for=mo.sale_order_id)
            used.extend(taken)
            components.append((need.product_id, quantity))
            if day > ready:
                ready, cause = day, component_cause
        started = any(wo.started for wo in mo.work_orders)
        operations: list[OperationRecord] = []
        # a released order keeps its scheduled start: it does not jump ahead of other work
        released = (mo.planned_start - self.today).days if mo.planned_start else 0
        earliest = 0 if started else max(ready, released, 0)
        finish = earliest
        for wo in sorted(mo.work_orders, key=lambda w: (w.sequence, w.id)):
            slot = fork.find_slot(wo.workcenter_id, finish, wo.remaining_hours)
            if slot is None:
                raise _Unplannable(Cause("horizon", None, mo.product_id,
                                         workcenter_id=wo.workcenter_id))
            fork.book(wo.workcenter_id, slot[1])
            operations.append(OperationRecord(wo.name, wo.workcenter_id, wo.remaining_hours,
                                              slot[1], finish, workorder_id=wo.id))
            finish = slot[0]
        start = operations[0].bookings[0][0] if operations and operations[0].bookings else earliest
        for consumption in used:
            consumption.day = start
        job_cause = self._binding_cause(mo.product_id, ready, cause, operations, finish)
        output = Lot(fork.new_uid(), mo.product_id, finish,
                     self.index.to_product_uom(mo.quantity, mo.uom_id, mo.product_id),
                     "production",
                     Cause("production", finish, mo.product_id, ref=mo.name,
                           inner=job_cause if job_cause.kind not in ("stock", "work") else None),
                     reserved_for=mo.sale_order_id)
        fork.add_lot(output)
        record.jobs.append(JobRecord(f"MO {mo.id}", mo.product_id, output.qty, start, finish,
                                     operations, components, demand, job_cause,
                                     manufacturing_order_id=mo.id, output=output,
                                     ready=earliest))
        return record

    def _plan_manufacturing_order_in_time(self, fork: Fork,
                                          mo: ManufacturingOrder) -> ScenarioRecord | None:
        """Just in time: the remaining work backwards from the deadline, components by the
        start; None (and nothing booked) when that is not possible or not asked for."""
        if (self.settings.schedule != "just_in_time" or mo.deadline is None
                or any(wo.started for wo in mo.work_orders)):
            return None
        target = (mo.deadline - self.today).days - self.settings.jit_buffer_days
        if target < 0:
            return None
        mark = _ForkMark(fork)
        record = ScenarioRecord()
        demand = DemandRef("manufacturing", mo.id, mo.name, None, mo.quantity)
        try:
            steps = [_Step(wo.name, wo.workcenter_id, (), wo.remaining_hours, None, wo.id)
                     for wo in sorted(mo.work_orders, key=lambda w: (w.sequence, w.id))]
            operations, start = self._book_backward(fork, steps, target)
            released = (mo.planned_start - self.today).days if mo.planned_start else 0
            if start < released:
                raise _Unplannable(Cause("late", None))
            components, used = [], []
            for need in mo.components:
                quantity = self.index.to_product_uom(need.quantity, need.uom_id,
                                                     need.product_id)
                if quantity <= EPS:
                    continue
                _, _, taken = self._obtain_by(fork, record, need.product_id, quantity, demand,
                                              None, mo.sale_order_id, start)
                used.extend(taken)
                components.append((need.product_id, quantity))
        except _Unplannable:
            mark.rollback()
            return None
        for consumption in used:
            consumption.day = start
        finish = _finish(operations, target)
        cause = Cause("scheduled", finish, mo.product_id)
        output = Lot(fork.new_uid(), mo.product_id, finish,
                     self.index.to_product_uom(mo.quantity, mo.uom_id, mo.product_id),
                     "production", Cause("production", finish, mo.product_id, ref=mo.name),
                     reserved_for=mo.sale_order_id)
        fork.add_lot(output)
        record.jobs.append(JobRecord(f"MO {mo.id}", mo.product_id, output.qty, start, finish,
                                     operations, components, demand, cause,
                                     manufacturing_order_id=mo.id, output=output, ready=start))
        return record

    def _book_backward(self, fork: Fork, steps: list[_Step],
                       deadline: int) -> tuple[list[OperationRecord], int]:
        """Book operations last to first, each ending by the day the next one starts, on the
        work center (main or alternative) that lets it start latest. Returns the operations in
        order and the first one's start day."""
        latest = deadline
        booked: list[OperationRecord] = []
        for name, workcenter_id, alternatives, hours, operation_id, workorder_id in \
                reversed(steps):
            best: tuple[int, list[tuple[int, float]]] | None = None
            best_wc = workcenter_id
            for wc_id in (workcenter_id, *alternatives):
                slot = fork.find_slot_backward(wc_id, latest, hours)
                if slot is not None and (best is None or slot[0] > best[0]):
                    best, best_wc = slot, wc_id
            if best is None:
                raise _Unplannable(Cause("late", None))
            fork.book(best_wc, best[1])
            booked.append(OperationRecord(name, best_wc, hours, best[1], best[0],
                                          operation_id=operation_id, workorder_id=workorder_id))
            latest = best[0]
        booked.reverse()
        return booked, latest

    def _obtain_by(self, fork: Fork, record: ScenarioRecord, product_id: int, quantity: float,
                   demand: DemandRef, scenario: int | None, reserved_for: int | None,
                   deadline: int) -> tuple[int, Cause, list[Consumption]]:
        """Get ``quantity`` of a product by day ``deadline`` as late as possible, leaving
        earlier material and capacity to others; raises :class:`_Unplannable` when it cannot
        be had in time (the caller then plans as soon as possible instead)."""
        bom = self.index.bom_for.get(product_id)
        used: list[Consumption] = []
        ready, cause = 0, Cause("scheduled", 0, product_id)
        if bom is not None and bom.kind == "phantom":
            for component_id, component_qty in self.explode(bom, quantity):
                day, component_cause, taken = self._obtain_by(
                    fork, record, component_id, component_qty, demand, scenario, reserved_for,
                    deadline)
                used.extend(taken)
                if day >= ready:
                    ready, cause = day, component_cause
            return ready, cause, used
        in_time = [(lot, left) for lot, left in fork.lots(product_id)
                   if lot.day <= deadline and _usable(lot, reserved_for, scenario)]
        # the latest supply that is in time first, leaving earlier supply to others
        remaining, ready, cause, used = _take_lots(fork, reversed(in_time), quantity, demand,
                                                   product_id)
        if remaining <= EPS:
            return ready, cause, used
        product = self.index.products[product_id]
        if product.procurement == "make":
            job = self._make_by(fork, record, product_id, remaining, demand, scenario,
                                reserved_for, deadline)
            lot = Lot(fork.new_uid(), product_id, job.finish, remaining, "production", job.cause)
            job.output = lot
            fork.add_lot(lot)
            used.append(fork.take(lot, remaining, demand))
            return max(ready, job.finish), job.cause, used
        if product.procurement == "buy":
            seller = self._select_seller(product_id, remaining)
            if seller is None or self._purchase_day(seller) > deadline:
                raise _Unplannable(Cause("late", None))
            lot = self._buy(fork, record, seller, remaining, scenario)
            used.append(fork.take(lot, remaining, demand))
            return max(ready, lot.day), lot.cause, used
        raise _Unplannable(Cause("late", None))

    def _make_by(self, fork: Fork, record: ScenarioRecord, product_id: int, quantity: float,
                 demand: DemandRef, scenario: int | None, reserved_for: int | None,
                 deadline: int) -> JobRecord:
        """A job that finishes by ``deadline``, as late as it can; components by its start."""
        bom = self.index.bom_for[product_id]
        steps = [_Step(operation.name, operation.workcenter_id,
                       self.index.workcenters[operation.workcenter_id].alternative_ids,
                       operation.setup_hours + operation.hours_per_unit * quantity,
                       operation.id, None)
                 for operation in sorted(bom.operations, key=lambda op: (op.sequence, op.id))]
        operations, start = self._book_backward(fork, steps, deadline)
        if not bom.operations:
            start = deadline - math.ceil(bom.lead_days - EPS)
            if start < 0:
                raise _Unplannable(Cause("late", None))
        components = [c for c in self.explode(bom, quantity) if c[1] > EPS]
        used: list[Consumption] = []
        for component_id, component_qty in components:
            _, _, taken = self._obtain_by(fork, record, component_id, component_qty, demand,
                                          scenario, reserved_for, start)
            used.extend(taken)
        for consumption in used:
            consumption.day = start
        finish = _finish(operations, deadline)
        self._job_counter += 1
        job = JobRecord(f"planned {self._job_counter}", product_id, quantity, start, finish,
                        operations, components, demand, Cause("scheduled", finish, product_id),
                        bom_id=bom.id, scenario=scenario, ready=start)
        record.jobs.append(job)
        return job

    # -- material ---------------------------------------------------------------------------
    def _obtain(self, fork: Fork, record: ScenarioRecord, product_id: int, quantity: float,
                demand: DemandRef, scenario: int | None,
                reserved_for: int | None) -> tuple[int, Cause, list[Consumption]]:
        """Get ``quantity`` of a product as early as possible: (ready day, cause, takes)."""
        bom = self.index.bom_for.get(product_id)
        if bom is not None and bom.kind == "phantom":
            return self._obtain_kit(fork, record, bom, quantity, demand, scenario, reserved_for)
        product = self.index.products[product_id]
        cutoff: int | None = None
        seller: SupplierInfo | None = None
        if product.procurement == "buy":
            seller = self._select_seller(product_id, quantity)
            if seller is not None:
                cutoff = self._purchase_day(seller)
        # supply that a new purchase would beat is not waited for
        candidates = itertools.takewhile(
            lambda item: cutoff is None or item[0].day <= cutoff,
            ((lot, left) for lot, left in fork.lots(product_id)
             if _usable(lot, reserved_for, scenario)))
        remaining, ready, cause, used = _take_lots(fork, candidates, quantity, demand,
                                                   product_id)
        if remaining <= EPS:
            return ready, cause, used
        if product.procurement == "make":
            job = self._make(fork, record, product_id, remaining, demand, scenario, reserved_for)
            lot = Lot(fork.new_uid(), product_id, job.finish, remaining, "production", job.cause)
            job.output = lot
            fork.add_lot(lot)
            used.append(fork.take(lot, remaining, demand))
            if job.finish >= ready:
                ready, cause = job.finish, job.cause
            return ready, cause, used
        if product.procurement == "buy":
            if seller is None:
                raise _Unplannable(Cause("no_vendor", None, product_id))
            lot = self._buy(fork, record, seller, remaining, scenario)
            used.append(fork.take(lot, remaining, demand))
            if lot.day >= ready:
                ready, cause = lot.day, lot.cause
            return ready, cause, used
        raise _Unplannable(Cause("no_source", None, product_id, quantity=remaining))

    def _obtain_kit(self, fork: Fork, record: ScenarioRecord, bom: Bom, quantity: float,
                    demand: DemandRef, scenario: int | None,
                    reserved_for: int | None) -> tuple[int, Cause, list[Consumption]]:
        ready, cause = 0, Cause("stock", 0, bom.product_id)
        used: list[Consumption] = []
        for component_id, component_qty in self.explode(bom, quantity):
            day, component_cause, taken = self._obtain(fork, record, component_id, component_qty,
                                                       demand, scenario, reserved_for)
            used.extend(taken)
            if day >= ready:
                ready, cause = day, component_cause
        return ready, cause, used

    def explode(self, bom: Bom, quantity: float) -> list[tuple[int, float]]:
        """Components (product id, quantity in its unit) for ``quantity`` of the BoM's product
        (in the product's unit); kits among them are replaced by their own components."""
        index = self.index
        bom_qty = index.to_product_uom(bom.quantity, bom.uom_id, bom.product_id)
        ratio = quantity / bom_qty
        components: list[tuple[int, float]] = []
        for line in bom.lines:
            if line.quantity <= 0:
                continue
            qty = index.to_product_uom(line.quantity, line.uom_id, line.product_id) * ratio
            kit = index.bom_for.get(line.product_id)
            if kit is not None and kit.kind == "phantom":
                components.extend(self.explode(kit, qty))
            else:
                components.append((line.product_id, qty))
        return components

    def _select_seller(self, product_id: int, quantity: float) -> SupplierInfo | None:
        """Odoo's choice: the first vendor (by sequence) whose minimum quantity is met, else the
        first vendor."""
        sellers = self.index.sellers.get(product_id)
        if not sellers:
            return None
        for seller in sellers:
            min_qty = self._seller_qty(seller, seller.min_qty)
            if min_qty <= quantity + EPS:
                return seller
        return sellers[0]

    def _seller_qty(self, seller: SupplierInfo, quantity: float) -> float:
        if seller.uom_id is None:
            return quantity
        return self.index.to_product_uom(quantity, seller.uom_id, seller.product_id)

    def _purchase_day(self, seller: SupplierInfo) -> int:
        """The first day material bought today can be counted on."""
        return math.ceil(seller.lead_days - EPS) + self.settings.purchase_safety_days

    def _buy(self, fork: Fork, record: ScenarioRecord, seller: SupplierInfo, shortfall: float,
             scenario: int | None) -> Lot:
        earliest = self._purchase_day(seller)
        quantity = max(shortfall, self._seller_qty(seller, seller.min_qty))
        arrival = math.ceil(seller.lead_days - EPS)
        cause = Cause("purchase", arrival, seller.product_id, vendor_id=seller.vendor_id,
                      lead_days=seller.lead_days, until=earliest if earliest != arrival else None)
        lot = Lot(fork.new_uid(), seller.product_id, earliest, quantity, "purchase", cause,
                  scenario=scenario)
        fork.add_lot(lot)
        record.purchases.append(PurchaseRecord(lot, seller.vendor_id, quantity, seller.lead_days,
                                               earliest, scenario,
                                               self._seller_qty(seller, seller.min_qty)))
        return lot

    # -- production -------------------------------------------------------------------------
    def _make(self, fork: Fork, record: ScenarioRecord, product_id: int, quantity: float,
              demand: DemandRef, scenario: int | None, reserved_for: int | None) -> JobRecord:
        """A job making ``quantity``: components first (material reserved for the sale order
        ``reserved_for`` may be used), then each operation as early as it can run."""
        bom = self.index.bom_for[product_id]
        ready, material_cause = 0, Cause("stock", 0, product_id)
        used: list[Consumption] = []
        components = self.explode(bom, quantity)
        for component_id, component_qty in components:
            if component_qty <= EPS:
                continue
            day, cause, taken = self._obtain(fork, record, component_id, component_qty, demand,
                                             scenario, reserved_for=reserved_for)
            used.extend(taken)
            if day >= ready:
                ready, material_cause = day, cause
        operations: list[OperationRecord] = []
        finish = ready
        for operation in sorted(bom.operations, key=lambda op: (op.sequence, op.id)):
            hours = operation.setup_hours + operation.hours_per_unit * quantity
            best: tuple[int, list[tuple[int, float]]] | None = None
            best_wc = operation.workcenter_id
            for wc_id in (operation.workcenter_id,
                          *self.index.workcenters[operation.workcenter_id].alternative_ids):
                slot = fork.find_slot(wc_id, finish, hours)
                if slot is not None and (best is None or slot[0] < best[0]):
                    best, best_wc = slot, wc_id
            if best is None:
                raise _Unplannable(Cause("horizon", None, product_id,
                                         workcenter_id=operation.workcenter_id))
            fork.book(best_wc, best[1])
            operations.append(OperationRecord(operation.name, best_wc, hours, best[1], finish,
                                              operation_id=operation.id))
            finish = best[0]
        if not bom.operations and bom.lead_days > 0:
            finish = ready + math.ceil(bom.lead_days - EPS)
        start = operations[0].bookings[0][0] if operations and operations[0].bookings else ready
        for consumption in used:
            consumption.day = start
        self._job_counter += 1
        if bom.operations or finish == ready:
            cause = self._binding_cause(product_id, ready, material_cause, operations, finish)
        elif ready > 0:  # waited for material, then the manufacturing lead time
            cause = Cause("made", finish, product_id, lead_days=bom.lead_days,
                          inner=material_cause)
        else:
            cause = Cause("lead_time", finish, product_id, lead_days=bom.lead_days)
        if operations and cause.kind not in ("work", "busy"):
            # what held the job up, and the work that still follows it
            cause = Cause("made", finish, product_id, hours=sum(op.hours for op in operations),
                          inner=cause,
                          workcenters=tuple(dict.fromkeys(op.workcenter_id for op in operations)))
        job = JobRecord(f"planned {self._job_counter}", product_id, quantity, start, finish,
                        operations, [c for c in components if c[1] > EPS], demand, cause,
                        bom_id=bom.id, scenario=scenario, ready=ready)
        record.jobs.append(job)
        return job

    def _binding_cause(self, product_id: int, ready: int, material_cause: Cause,
                       operations: list[OperationRecord], finish: int) -> Cause:
        """The constraint that delayed a job most: its material, or a work center's load.

        An operation's delay is how much later it finished than it would have on an empty work
        center starting from the same day.
        """
        best_delay, best = ready, material_cause
        for operation in operations:
            if not operation.bookings:
                continue
            start, op_finish = operation.bookings[0][0], operation.bookings[-1][0]
            unloaded = self._finish_if_empty(operation.workcenter_id, operation.earliest,
                                             operation.hours)
            delay = op_finish - unloaded
            if delay <= best_delay:
                continue
            best_delay = delay
            wc = operation.workcenter_id
            if start > operation.earliest:
                # the last day it could have worked but was booked (or, if none, it was closed)
                capacity = self.capacity[wc]
                booked = [day for day in range(operation.earliest, start) if capacity[day] > EPS]
                best = Cause("capacity" if booked else "closed", op_finish, product_id,
                             workcenter_id=wc, hours=operation.hours,
                             until=booked[-1] if booked else start - 1)
            else:
                best = Cause("busy", op_finish, product_id, workcenter_id=wc,
                             hours=operation.hours, until=op_finish)
        if best_delay <= 0 and operations:
            hours = sum(op.hours for op in operations)
            return Cause("work", finish, product_id, hours=hours,
                         workcenter_id=operations[-1].workcenter_id)
        return best

    def _finish_if_empty(self, workcenter_id: int, earliest: int, hours: float) -> int:
        remaining = hours
        capacity = self.capacity[workcenter_id]
        day = earliest
        while day < self.horizon:
            remaining -= capacity[day]
            if remaining <= EPS:
                return day
            day += 1
        return self.horizon

    def describe_failure(self, cause: Cause) -> str:
        from optimizer.explain import Explainer

        return Explainer(self.snapshot, self.settings).sentence(cause)


class _ForkMark:
    """Remembers a fork's state so a failed attempt can be undone without touching what was
    planned before it. A mark can be rolled back to more than once."""

    def __init__(self, fork: Fork):
        self.fork = fork
        self.free = {wc: hours[:] for wc, hours in fork.free.items()}
        self.first_open = dict(fork.first_open)
        self.taken = dict(fork.taken)
        self.new_lots = {product: lots[:] for product, lots in fork.new_lots.items()}
        self.consumptions = len(fork.consumptions)

    def rollback(self) -> None:
        # hand the fork copies: what it does next must not change what the mark holds
        fork = self.fork
        fork.free = {wc: hours[:] for wc, hours in self.free.items()}
        fork.first_open = dict(self.first_open)
        fork.taken = dict(self.taken)
        fork.new_lots = {product: lots[:] for product, lots in self.new_lots.items()}
        del fork.consumptions[self.consumptions:]


def _usable(lot: Lot, reserved_for: int | None, scenario: int | None) -> bool:
    """Whether a demand may take from a lot: not reserved for another sale order, and not a
    purchase suggested for another scenario (a suggested purchase arrives when its own demand
    needs it, which may be later than an inquiry would assume: an inquiry buys for itself)."""
    if lot.reserved_for is not None and lot.reserved_for != reserved_for:
        return False
    return not (lot.kind == "purchase" and lot.scenario != scenario)


def _take_lots(fork: Fork, lots: Iterable[tuple[Lot, float]], quantity: float,
               demand: DemandRef, product_id: int) -> tuple[float, int, Cause, list[Consumption]]:
    """Take up to ``quantity`` from ``lots`` in the order given: (quantity still missing,
    day the last lot taken is there, its cause, the takes)."""
    ready, cause = 0, Cause("stock", 0, product_id)
    remaining = quantity
    used: list[Consumption] = []
    for lot, left in lots:
        qty = left if left < remaining else remaining
        used.append(fork.take(lot, qty, demand))
        remaining -= qty
        if lot.day >= ready:
            ready, cause = lot.day, lot.cause
        if remaining <= EPS:
            break
    return remaining, ready, cause, used


def _finish(operations: list[OperationRecord], default: int) -> int:
    """The day the last operation with work ends."""
    for operation in reversed(operations):
        if operation.bookings:
            return operation.bookings[-1][0]
    return default


def _extend(target: ScenarioRecord, record: ScenarioRecord) -> None:
    target.jobs.extend(record.jobs)
    target.purchases.extend(record.purchases)
    target.lines.extend(record.lines)
