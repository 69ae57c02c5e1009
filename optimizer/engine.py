"""The constructive capable-to-promise schedule, in exact working time.

Demand is planned one order at a time in its turn (:mod:`optimizer.demand`), each in a fork of
the ledger committed when the order is planned. Every need is one :class:`Request`: material
comes from lots in the order they arrive — stock, open purchase orders, output of open
manufacturing orders, late or not — and a shortfall is made (components first, then the
routing, :mod:`optimizer.operation`) or bought (:mod:`optimizer.procurement`). Forward and
just-in-time planning are the same code with a direction.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from optimizer.calendar import BACKWARD, EPS, FORWARD, working_time_table
from optimizer.demand import MINUTES_PER_DAY, Demand
from optimizer.ledger import (
    Answer,
    Fork,
    JobRecord,
    Ledger,
    Request,
    ScenarioRecord,
    Unplannable,
)
from optimizer.material import Lot
from optimizer.operation import (
    Routing,
    Step,
    binding_reason,
    book_steps,
    routing_of,
    routing_steps,
)
from optimizer.plan import PlannerSettings
from optimizer.procurement import Procurement
from optimizer.reason import Reason
from optimizer.snapshot import Bom, Snapshot


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
    # product -> (lot uid, arrival, quantity) of the lots anyone may use once open
    # manufacturing orders are planned: what the model of optimizer.improve allocates (kept
    # only when that stage may run)
    free_lots: dict[int, list[tuple[int, float, float]]] | None = None


class Engine:
    """Plans one snapshot; holds only what does not change between runs."""

    def __init__(self, snapshot: Snapshot, settings: PlannerSettings):
        from optimizer.orders import Orders

        self.snapshot = snapshot
        self.settings = settings
        self.index = snapshot.index
        self.today = snapshot.today
        self.horizon = settings.horizon_days
        self.times = working_time_table(snapshot, self.horizon)
        self.demand = Demand(snapshot)
        self.procurement = Procurement(self.index, self.today, settings.purchase_safety_days)
        self.orders = Orders(self)
        self._jobs = 0
        self._routings: dict[int, Routing] = {}
        # (BoM, quantity) -> its steps and its components: pure functions of the snapshot
        self._steps: dict[tuple[int, float], list[Step]] = {}
        self._exploded: dict[tuple[int, float], list[tuple[int, float]]] = {}

    def on(self, snapshot: Snapshot) -> Engine:
        """This engine for ``snapshot``, which differs from its own only in quotations: the
        same working time, routings and job count, the new snapshot's demand."""
        from optimizer.orders import Orders

        engine = copy.copy(self)
        engine.snapshot = snapshot
        engine.index = snapshot.index
        engine.demand = Demand(snapshot)
        engine.procurement = Procurement(snapshot.index, self.today,
                                         self.settings.purchase_safety_days)
        engine.orders = Orders(engine)
        engine._routings = dict(self._routings)
        return engine

    def run(self, reservations: list[tuple[int, int, float]] | None = None) -> PlanState:
        """Plan everything. ``reservations`` (lot uid, sale order id, quantity): what the model
        of :mod:`optimizer.improve` allocates of stock and open supply to confirmed orders;
        set aside for them once open manufacturing orders have taken theirs, and whatever is
        left of it given back to all before the quotations."""
        self._jobs = 0
        warnings = list(self.snapshot.warnings)
        ledger = self.orders.initial_ledger(warnings)
        manufacturing = ScenarioRecord()
        for mo in self.demand.manufacturing_in_turn():
            fork = ledger.fork()
            try:
                record = self.orders.plan_manufacturing_order(fork, mo)
            except Unplannable as failure:
                warnings.append(f"{mo.name} cannot be scheduled: "
                                f"{self.orders.explainer.sentence(failure.reason)}")
                continue
            fork.commit()
            manufacturing.extend(record)
        committed = ScenarioRecord()
        confirmed = self.demand.confirmed_in_turn()
        free_lots = None
        if self.settings.solver != "none" and len(confirmed) <= self.settings.model_max_orders:
            free_lots = {product_id: [(lot.uid, lot.at, lot.qty) for lot in lots
                                      if lot.reserved_for is None and lot.scenario is None]
                         for product_id, lots in ledger.stock.lots.items()}
        set_aside = ledger.stock.set_aside(reservations or [])
        for order in confirmed:
            fork = ledger.fork()
            committed.extend(self.orders.plan_order(fork, order, scenario=None))
            fork.commit()
        for lot in set_aside:
            lot.reserved_for = None
        quotations: dict[int, ScenarioRecord] = {}
        hold = self.settings.quotations_hold_capacity
        for order in self.demand.quotations_in_turn():
            fork = ledger.fork()
            record = self.orders.plan_order(fork, order, scenario=None if hold else order.id)
            record.consumptions = fork.stock.consumptions
            if hold:
                record.share = self.settings.quotation_hold_share
                fork.commit(record.share)
            quotations[order.id] = record
        return PlanState(self, ledger, committed, manufacturing, quotations,
                         [o.id for o in confirmed], warnings, free_lots)

    # -- material -----------------------------------------------------------------------------
    def obtain(self, fork: Fork, record: ScenarioRecord, request: Request) -> Answer:
        """All of ``request`` at the earliest (forward) or by its instant, as late as possible
        (backward): lots first, then make or buy the shortfall."""
        bom = self.index.bom_for.get(request.product_id)
        if bom is not None and bom.kind == "phantom":
            return self._obtain_kit(fork, record, bom, request)
        answer, remaining = self.take_lots(fork, request)
        if remaining <= EPS:
            return answer
        product = self.index.products[request.product_id]
        shortfall = request.ask(request.product_id, remaining)
        if product.procurement == "make":
            job = self.make(fork, record, shortfall)
            lot = Lot(fork.new_uid(), product.id, job.finish, remaining, "production",
                      job.reason, scenario=request.scenario)
            job.output = lot
        elif product.procurement == "buy":
            lot = self.procurement.buy(record, shortfall, remaining, fork.new_uid())
        else:
            raise Unplannable(Reason("no_source", None, product.id, quantity=remaining))
        if request.direction == BACKWARD and lot.at > request.instant + EPS:
            raise Unplannable(Reason("scheduled", None, product.id))
        fork.stock.add(lot)
        answer.takes.append(fork.stock.take(lot, remaining, request.demand))
        if lot.at >= answer.at:
            answer.at, answer.reason = lot.at, lot.reason
        return answer

    def take_lots(self, fork: Fork, request: Request) -> tuple[Answer, float]:
        """Take from existing lots: in arrival order (forward) or the latest still in time
        first (backward). Returns what was taken and the quantity still missing."""
        usable: Iterable[tuple[Lot, float]] = fork.stock.lots(request.product_id)
        if request.direction == BACKWARD:
            usable = [item for item in reversed(list(usable))
                      if item[0].at <= request.instant + EPS]
        answer = Answer(0.0, _STOCK, [])
        remaining = request.quantity
        stock, takes, demand = fork.stock, answer.takes, request.demand
        reserved_for, scenario = request.reserved_for, request.scenario
        for lot, left in usable:
            # not reserved for another sale order, not made or bought for another inquiry
            if (lot.reserved_for is not None and lot.reserved_for != reserved_for) or \
                    (lot.scenario is not None and lot.scenario != scenario):
                continue
            qty = left if left < remaining else remaining
            takes.append(stock.take(lot, qty, demand))
            remaining -= qty
            if lot.at >= answer.at:
                answer.at, answer.reason = lot.at, lot.reason
            if remaining <= EPS:
                break
        return answer, remaining

    def _obtain_kit(self, fork: Fork, record: ScenarioRecord, bom: Bom,
                    request: Request) -> Answer:
        answer = Answer(0.0, Reason("stock", 0.0, bom.product_id), [])
        for component_id, quantity in self.explode(bom, request.quantity):
            part = self.obtain(fork, record, request.ask(component_id, quantity))
            answer.takes.extend(part.takes)
            if part.at >= answer.at:
                answer.at, answer.reason = part.at, part.reason
        return answer

    def explode(self, bom: Bom, quantity: float) -> list[tuple[int, float]]:
        """Components (product id, quantity in its unit) for ``quantity`` of the BoM's product;
        kits among them are replaced by their own components. The list is shared: read it,
        never change it."""
        key = (bom.id, quantity)
        components = self._exploded.get(key)
        if components is None:
            components = self._exploded[key] = self._explode(bom, quantity)
        return components

    def _explode(self, bom: Bom, quantity: float) -> list[tuple[int, float]]:
        index = self.index
        ratio = quantity / index.to_product_uom(bom.quantity, bom.uom_id, bom.product_id)
        components: list[tuple[int, float]] = []
        for line in bom.lines:
            if line.quantity <= 0:
                continue
            qty = index.to_product_uom(line.quantity, line.uom_id, line.product_id) * ratio
            kit = index.bom_for.get(line.product_id)
            if kit is not None and kit.kind == "phantom":
                components.extend(self._explode(kit, qty))
            elif qty > EPS:
                components.append((line.product_id, qty))
        return components

    # -- production ---------------------------------------------------------------------------
    def make(self, fork: Fork, record: ScenarioRecord, request: Request) -> JobRecord:
        """A job making the request: forward, components first, then each operation as early
        as it can run; backward, the operations ending by the instant, components by the
        first one's start."""
        bom = self.index.bom_for[request.product_id]
        components = self.explode(bom, request.quantity)
        steps = self._steps.get((bom.id, request.quantity))
        if steps is None:  # the same quantities come again and again: steps are frozen
            routing = self._routings.get(bom.id)
            if routing is None:
                routing = self._routings[bom.id] = routing_of(self.index, bom)
            steps = self._steps[(bom.id, request.quantity)] = routing_steps(
                routing, bom.product_id, request.quantity, self.settings.capacity_factor)
        lead = bom.lead_days * MINUTES_PER_DAY if not bom.operations else 0.0
        takes = []
        if request.direction == FORWARD:
            ready, material = request.instant, Reason("stock", request.instant,
                                                      request.product_id)
            for component_id, quantity in components:
                part = self.obtain(fork, record, request.ask(component_id, quantity))
                takes.extend(part.takes)
                if part.at >= ready:
                    ready, material = part.at, part.reason
            operations = book_steps(fork, steps, ready, FORWARD, request.product_id)
            start = operations[0].start if operations else ready
            finish = operations[-1].end if operations else ready + lead
            reason = self._job_reason(request, ready, material, operations, finish, lead)
        else:
            operations = book_steps(fork, steps, request.instant, BACKWARD, request.product_id)
            start = operations[0].start if operations else request.instant - lead
            finish = operations[-1].end if operations else request.instant
            if start < -EPS:
                raise Unplannable(Reason("scheduled", None, request.product_id))
            for component_id, quantity in components:
                part = self.obtain(fork, record, request.ask(component_id, quantity, start))
                takes.extend(part.takes)
            ready, reason = start, Reason("scheduled", finish, request.product_id)
        for take in takes:
            take.at = start
        if request.scenario is None:
            self._jobs += 1
            key = f"planned {self._jobs}"
        else:  # an inquiry's jobs are numbered on their own: another inquiry leaves them be
            key = f"planned for {request.scenario}: {len(record.jobs) + 1}"
        job = JobRecord(key, request.product_id, request.quantity, start,
                        finish, operations, components, request.demand, reason, bom_id=bom.id,
                        scenario=request.scenario, ready=ready)
        record.jobs.append(job)
        return job

    def _job_reason(self, request: Request, ready: float, material: Reason,
                    operations: list, finish: float, lead: float) -> Reason:
        if operations:
            return binding_reason(self.times, request.product_id, request.instant, ready,
                                  material, operations)
        if lead <= 0:
            return material
        if ready > request.instant + EPS:  # waited for material, then the lead time
            return Reason("made", finish, request.product_id, lead_days=lead / MINUTES_PER_DAY,
                          inner=material)
        return Reason("lead_time", finish, request.product_id, lead_days=lead / MINUTES_PER_DAY)


_STOCK = Reason("stock", 0.0)

