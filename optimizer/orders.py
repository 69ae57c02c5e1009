"""Planning one order: the opening ledger, open manufacturing orders, and sale lines with their
partial deliveries, just-in-time attempt and vendor fallback."""

from __future__ import annotations

import datetime as dt
import weakref
from typing import TYPE_CHECKING

from optimizer.calendar import BACKWARD, EPS, FORWARD
from optimizer.demand import MINUTES_PER_DAY
from optimizer.ledger import (
    Answer,
    Fork,
    ForkMark,
    JobRecord,
    Ledger,
    LineOutcome,
    Request,
    ScenarioRecord,
    Unplannable,
)
from optimizer.material import Lot
from optimizer.operation import binding_reason, book_steps, workorder_steps
from optimizer.plan import DemandKind, DemandRef
from optimizer.reason import Explainer, Reason
from optimizer.snapshot import ManufacturingOrder, SaleOrder

if TYPE_CHECKING:
    from optimizer.engine import Engine


class Orders:
    """Plans open manufacturing orders and sale orders with an :class:`Engine`."""

    def __init__(self, engine: Engine):
        # a weak reference: the plan's objects then hold no reference cycle, so reference
        # counting frees an old plan at once (see optimizer.planner on the cyclic collector)
        self.engine: Engine = weakref.proxy(engine)
        self.index = engine.index
        self.demand = engine.demand
        self.settings = engine.settings
        self.explainer = Explainer(engine.snapshot, engine.horizon)

    def initial_ledger(self, warnings: list[str]) -> Ledger:
        """Empty lanes; stock from the start, open purchases from their arrival."""
        ledger = Ledger.empty(self.engine.times)
        stock, index = ledger.stock, self.index
        for level in sorted(self.engine.snapshot.stock, key=lambda s: s.product_id):
            quantity = index.to_product_uom(level.quantity, level.uom_id, level.product_id)
            if quantity > EPS:
                stock.add(Lot(stock.new_uid(), level.product_id, 0.0, quantity, "stock",
                              Reason("stock", 0.0, level.product_id)))
        safety = self.settings.purchase_safety_days * MINUTES_PER_DAY
        lines = sorted(self.engine.snapshot.purchase_lines, key=lambda p: (p.expected_date, p.id))
        for line in lines:
            quantity = index.to_product_uom(line.quantity, line.uom_id, line.product_id)
            if quantity <= EPS:
                continue
            arrival = self.demand.minutes(line.expected_at) if line.expected_at else \
                self.demand.day_start(line.expected_date)
            if arrival < 0 and line.expected_date < self.engine.today:
                warnings.append(
                    f"{line.order_name}: {index.products[line.product_id].name} was expected on "
                    f"{line.expected_date:%d %b} and has not arrived; planned as arriving now")
            arrival = max(arrival, 0.0)
            usable = arrival + safety
            stock.add(Lot(stock.new_uid(), line.product_id, usable, quantity, "supply",
                          Reason("supply", arrival, line.product_id, vendor_id=line.vendor_id,
                                 ref=line.order_name, until=usable if safety else None),
                          ref_id=line.id))
        return ledger

    # -- open manufacturing orders ------------------------------------------------------------
    def plan_manufacturing_order(self, fork: Fork, mo: ManufacturingOrder) -> ScenarioRecord:
        """An open order's remaining work: just in time by its deadline when asked and
        possible, else from its scheduled start (work in progress at once)."""
        if self.settings.schedule == "just_in_time" and mo.deadline is not None and \
                not any(wo.started for wo in mo.work_orders):
            mark = fork.mark()
            deadline = self.demand.day_start(mo.deadline + dt.timedelta(days=1)) - \
                self.settings.jit_buffer_days * MINUTES_PER_DAY
            try:
                record = self._manufacturing(fork, mo, deadline, BACKWARD)
                if record.jobs[0].start >= self.demand.released(mo) - EPS:
                    return record
            except Unplannable:
                pass
            mark.rollback()
        return self._manufacturing(fork, mo, 0.0, FORWARD)

    def _manufacturing(self, fork: Fork, mo: ManufacturingOrder, instant: float,
                       direction: int) -> ScenarioRecord:
        record = ScenarioRecord()
        demand = DemandRef("manufacturing", mo.id, mo.name, None, mo.quantity)
        request = Request(mo.product_id, mo.quantity, demand, instant, direction,
                          reserved_for=mo.sale_order_id)
        steps = workorder_steps(self.index, mo, self.settings.capacity_factor)
        started = any(wo.started for wo in mo.work_orders)
        needs = [(need.product_id, self.index.to_product_uom(need.quantity, need.uom_id,
                                                             need.product_id))
                 for need in mo.components]
        needs = [(product_id, qty) for product_id, qty in needs if qty > EPS]
        takes = []
        ready, material = 0.0, Reason("stock", 0.0, mo.product_id)
        if direction == FORWARD:
            for product_id, qty in needs:
                part = self.engine.obtain(fork, record, request.ask(product_id, qty, 0.0))
                takes.extend(part.takes)
                if part.at >= ready:
                    ready, material = part.at, part.reason
            earliest = 0.0 if started else max(ready, self.demand.released(mo), 0.0)
            operations = book_steps(fork, steps, earliest, FORWARD, mo.product_id)
            start = operations[0].start if operations else earliest
            finish = operations[-1].end if operations else earliest
            reason = binding_reason(self.engine.times, mo.product_id, earliest, ready,
                                    material, operations) if operations else material
        else:
            operations = book_steps(fork, steps, instant, BACKWARD, mo.product_id)
            start = operations[0].start if operations else instant
            finish = operations[-1].end if operations else instant
            for product_id, qty in needs:
                takes.extend(self.engine.obtain(fork, record,
                                                request.ask(product_id, qty, start)).takes)
            reason = Reason("scheduled", finish, mo.product_id)
        for take in takes:
            take.at = start
        quantity = self.index.to_product_uom(mo.quantity, mo.uom_id, mo.product_id)
        inner = reason if reason.kind not in ("stock", "work", "scheduled") else None
        output = Lot(fork.new_uid(), mo.product_id, finish, quantity, "production",
                     Reason("production", finish, mo.product_id, ref=mo.name, inner=inner),
                     reserved_for=mo.sale_order_id)
        fork.stock.add(output)
        record.jobs.append(JobRecord(f"MO {mo.id}", mo.product_id, quantity, start, finish,
                                     operations, needs, demand, reason,
                                     manufacturing_order_id=mo.id, output=output,
                                     ready=ready))
        return record

    # -- sale orders --------------------------------------------------------------------------
    def plan_order(self, fork: Fork, order: SaleOrder, scenario: int | None) -> ScenarioRecord:
        """Plan every line of one order in ``fork``; a line that cannot be had in full gets
        what can come, and what cannot leaves nothing behind."""
        record = ScenarioRecord()
        kind: DemandKind = "sale" if order.state == "confirmed" else "quotation"
        ready_by = self.demand.ready_by(order)
        for line in order.lines:
            quantity = self.index.to_product_uom(line.quantity, line.uom_id, line.product_id)
            demand = DemandRef(kind, order.id, order.name, line.id, quantity)
            if quantity <= EPS:
                record.lines.append(LineOutcome(order, line, quantity, 0.0,
                                                Reason("stock", 0.0, line.product_id), []))
                continue
            request = Request(line.product_id, quantity, demand, 0.0, FORWARD, scenario,
                              reserved_for=order.id)
            attempt = ScenarioRecord()
            mark = fork.mark()
            try:
                answer = self._serve(fork, attempt, request, ready_by, kind, mark)
            except Unplannable as failure:
                mark.rollback()
                attempt = ScenarioRecord()
                record.lines.append(self._partial(fork, order, line, request, failure.reason))
                continue
            policy_one = order.picking_policy == "one"
            for take in answer.takes:
                take.at = answer.at if policy_one or take.lot.product_id != line.product_id \
                    else take.lot.at
            record.jobs.extend(attempt.jobs)
            record.purchases.extend(attempt.purchases)
            record.lines.append(LineOutcome(order, line, quantity, answer.at, answer.reason,
                                            answer.takes))
        return record

    def _serve(self, fork: Fork, attempt: ScenarioRecord, request: Request, ready_by: float,
               kind: DemandKind, mark: ForkMark) -> Answer:
        """Just in time when asked and possible; else as soon as possible with Odoo's vendor,
        or with the fastest vendor when only that one is on time."""
        engine = self.engine
        target = ready_by - self.settings.jit_buffer_days * MINUTES_PER_DAY
        if kind == "sale" and self.settings.schedule == "just_in_time" and target >= 0:
            try:
                return engine.obtain(fork, attempt, Request(
                    request.product_id, request.quantity, request.demand, target, BACKWARD,
                    request.scenario, request.reserved_for))
            except Unplannable:
                mark.rollback()
                attempt.jobs.clear()
                attempt.purchases.clear()
        answer = engine.obtain(fork, attempt, request)
        if answer.at <= ready_by + EPS or not self._faster_vendor_helps(answer.reason):
            return answer
        jobs, purchases = attempt.jobs[:], attempt.purchases[:]
        late = mark.set_aside()
        attempt.jobs.clear()
        attempt.purchases.clear()
        try:
            faster = engine.obtain(fork, attempt, Request(
                request.product_id, request.quantity, request.demand, 0.0, FORWARD,
                request.scenario, request.reserved_for, fast_vendor=True))
            if faster.at <= ready_by + EPS:
                return faster
        except Unplannable:
            pass
        late.restore()  # back to the plan with Odoo's vendor
        attempt.jobs[:], attempt.purchases[:] = jobs, purchases
        return answer

    def _faster_vendor_helps(self, reason: Reason | None) -> bool:
        """Whether what made the line late is a purchase another vendor delivers sooner."""
        procurement = self.engine.procurement
        while reason is not None:
            if reason.kind == "purchase" and reason.product_id is not None:
                fastest = procurement.fastest_seller(reason.product_id)
                if fastest is not None and fastest.lead_days < reason.lead_days:
                    return True
            reason = reason.inner
        return False

    def _partial(self, fork: Fork, order: SaleOrder, line: object, request: Request,
                 failure: Reason) -> LineOutcome:
        """A line that cannot be had in full: what existing lots can give, and what is missing."""
        answer, missing = self.engine.take_lots(fork, request)
        if not answer.takes or missing >= request.quantity - EPS:
            return LineOutcome(order, line, request.quantity, None, failure, [],  # type: ignore
                               missing=request.quantity)
        for take in answer.takes:
            take.at = take.lot.at if order.picking_policy != "one" else answer.at
        reason = Reason("partial", answer.at, request.product_id, quantity=missing,
                        inner=failure)
        return LineOutcome(order, line, request.quantity, answer.at, reason,  # type: ignore
                           answer.takes, missing=missing)
