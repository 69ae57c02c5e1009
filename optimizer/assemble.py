"""Turn the engine's records (days, lots, causes) into a :class:`~optimizer.plan.Plan`."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable

from optimizer.engine import EPS, JobRecord, LineOutcome, PlanState, PurchaseRecord
from optimizer.explain import Explainer
from optimizer.ledger import Consumption
from optimizer.plan import (
    Booking,
    Delivery,
    DemandKind,
    DemandRef,
    LinePromise,
    OrderPromise,
    PromiseStatus,
    PurchaseSuggestion,
    ScheduledJob,
    ScheduledOperation,
    WorkCenterLoad,
)
from optimizer.snapshot import SaleOrder

TARDINESS_WEIGHT = 1000.0
CANNOT_PLAN_WEIGHT = 100_000.0


class Assembler:
    """Builds the plan's parts from one :class:`PlanState`."""

    def __init__(self, state: PlanState):
        self.state = state
        self.engine = state.engine
        self.today = self.engine.today
        self.explainer = Explainer(self.engine.snapshot, self.engine.settings)

    def date(self, day: int) -> dt.date:
        return self.today + dt.timedelta(days=day)

    # -- promises ---------------------------------------------------------------------------
    def orders(self) -> list[OrderPromise]:
        state = self.state
        hold = self.engine.settings.quotations_hold_capacity
        by_order: dict[int, list[LineOutcome]] = defaultdict(list)
        for outcome in state.committed.lines:
            by_order[outcome.order.id].append(outcome)
        promises = []
        for order in self.engine.snapshot.sale_orders:
            if order.state == "confirmed":
                promises.append(self.order_promise(order, by_order.get(order.id, []), True))
            elif order.id in state.quotations:
                promises.append(self.order_promise(order, state.quotations[order.id].lines, hold))
        return promises

    def order_promise(self, order: SaleOrder, outcomes: list[LineOutcome],
                      holds_capacity: bool) -> OrderPromise:
        """The promise for one order from its lines' outcomes."""
        engine = self.engine
        lines = []
        worst: tuple[int, LinePromise] | None = None
        for outcome in outcomes:
            lead_date = engine.line_lead_time_date(order, outcome.line)
            target = order.commitment_date or lead_date
            reason = self.explainer.sentence(outcome.cause, outcome.line.product_id)
            if outcome.day is None:
                promise_date, status = None, "cannot_plan"
            else:
                promise_date = self.date(outcome.day)
                status = "late" if promise_date > target else "on_time"
                if status == "late" and target < self.today:
                    reason = self.explainer.overdue(reason, target)
            line = LinePromise(outcome.line.id, outcome.line.product_id, outcome.quantity,
                               lead_date, promise_date, _status(status), reason)
            lines.append(line)
            rank = 10**9 if outcome.day is None else outcome.day
            if worst is None or rank > worst[0]:
                worst = (rank, line)
        order_lead = engine.lead_time_date(order)
        if worst is None:
            promise_date, status, reason = order.order_date, "on_time", "Nothing to deliver."
        elif worst[1].promise_date is None:
            promise_date, status, reason = None, "cannot_plan", worst[1].reason
        else:
            promise_date = worst[1].promise_date
            target = order.commitment_date or order_lead
            status = "late" if promise_date > target else "on_time"
            reason = worst[1].reason
        return OrderPromise(order.id, order.name, order.customer, order.state,
                            order.commitment_date, order_lead, promise_date, _status(status),
                            reason, tuple(lines), holds_capacity)

    # -- schedule ---------------------------------------------------------------------------
    def share_of(self, demand: DemandRef) -> float:
        """The part of a demand the plan holds: below 1 for quotations holding a share."""
        if demand.kind == "quotation" and self.engine.settings.quotations_hold_capacity:
            record = self.state.quotations.get(demand.id)
            if record is not None:
                return record.share
        return 1.0

    def job(self, record: JobRecord) -> ScheduledJob:
        operations = tuple(
            ScheduledOperation(
                op.name, op.workcenter_id, round(op.hours, 6),
                tuple(Booking(self.date(day), round(hours, 6)) for day, hours in op.bookings),
                op.operation_id, op.workorder_id)
            for op in record.operations
        )
        return ScheduledJob(record.key, record.product_id, record.quantity,
                            self.date(record.start), self.date(record.finish), operations,
                            tuple(record.components), (record.demand,),
                            record.manufacturing_order_id, record.bom_id, record.scenario,
                            self.share_of(record.demand))

    def jobs(self) -> list[ScheduledJob]:
        state = self.state
        records = [*state.manufacturing.jobs, *state.committed.jobs]
        for record in state.quotations.values():
            records.extend(record.jobs)
        return [self.job(record) for record in records]

    def deliveries(self) -> list[Delivery]:
        state = self.state
        hold = self.engine.settings.quotations_hold_capacity
        outcomes: list[tuple[LineOutcome, int | None]] = [
            (outcome, None) for outcome in state.committed.lines]
        for order_id, record in state.quotations.items():
            outcomes.extend((outcome, None if hold else order_id) for outcome in record.lines)
        return [
            Delivery(outcome.order.id, outcome.line.id, outcome.line.product_id, outcome.quantity,
                     self.date(outcome.day), scenario,
                     state.quotations[outcome.order.id].share if hold and
                     outcome.order.id in state.quotations else 1.0)
            for outcome, scenario in outcomes
            if outcome.day is not None and outcome.quantity > EPS
        ]

    def purchases(self) -> list[PurchaseSuggestion]:
        """New purchases, one per product, vendor and grouping window, each arriving when
        its first consumer needs it."""
        state = self.state
        consumptions: dict[int, list[Consumption]] = defaultdict(list)
        for consumption in state.base.consumptions:
            consumptions[consumption.lot.uid].append(consumption)
        records: list[PurchaseRecord] = [*state.manufacturing.purchases,
                                         *state.committed.purchases]
        hold = self.engine.settings.quotations_hold_capacity
        share: dict[int, float] = {}
        for record in state.quotations.values():
            records.extend(record.purchases)
            share.update((purchase.lot.uid, record.share) for purchase in record.purchases)
            if not hold:  # held quotations were committed: their takes are in the ledger
                for consumption in record.consumptions:
                    consumptions[consumption.lot.uid].append(consumption)
        groups: dict[tuple[int, int, int | None], list[tuple[int, PurchaseRecord]]] = \
            defaultdict(list)
        for purchase in records:
            own = [c for c in consumptions.get(purchase.lot.uid, [])
                   if _same_scenario(c, purchase.scenario, self.state)]
            need = min((c.day for c in own), default=purchase.earliest)
            groups[(purchase.lot.product_id, purchase.vendor_id, purchase.scenario)].append(
                (max(need, purchase.earliest), purchase))
        window = self.engine.settings.purchase_grouping_days
        suggestions = []
        for (product_id, vendor_id, scenario), members in groups.items():
            members.sort(key=lambda item: (item[0], item[1].lot.uid))
            batch: list[tuple[int, PurchaseRecord]] = []
            for member in members:
                if batch and member[0] - batch[0][0] > window:
                    suggestions.append(self._suggestion(product_id, vendor_id, scenario, batch,
                                                        consumptions, share))
                    batch = []
                batch.append(member)
            if batch:
                suggestions.append(self._suggestion(product_id, vendor_id, scenario, batch,
                                                    consumptions, share))
        suggestions.sort(key=lambda s: (s.order_by, s.vendor_id, s.product_id, s.key))
        return suggestions

    def _suggestion(self, product_id: int, vendor_id: int, scenario: int | None,
                    batch: list[tuple[int, PurchaseRecord]],
                    consumptions: dict[int, list[Consumption]],
                    share: dict[int, float]) -> PurchaseSuggestion:
        need = batch[0][0]
        lead = max(purchase.lead_days for _, purchase in batch)
        # a quotation holding a share holds that share of its purchases, but never less than
        # what the vendor sells
        quantity = max(sum(purchase.quantity * share.get(purchase.lot.uid, 1.0)
                           for _, purchase in batch),
                       *(purchase.min_qty for _, purchase in batch))
        served: dict[tuple[DemandKind, int, int | None], float] = defaultdict(float)
        names: dict[tuple[DemandKind, int, int | None], str] = {}
        for _, purchase in batch:
            for consumption in consumptions.get(purchase.lot.uid, []):
                if not _same_scenario(consumption, scenario, self.state):
                    continue
                demand = consumption.demand
                key = (demand.kind, demand.id, demand.line_id)
                served[key] += consumption.qty * self.share_of(demand)
                names[key] = demand.name
        serves = tuple(DemandRef(kind, record_id, names[(kind, record_id, line_id)], line_id,
                                 round(qty, 6))
                       for (kind, record_id, line_id), qty in sorted(
                           served.items(), key=lambda item: (item[0][0], item[0][1],
                                                             item[0][2] or 0)))
        safety = self.engine.settings.purchase_safety_days
        order_by = max(0, need - safety - math.ceil(lead - EPS))
        suggestion_key = f"{product_id}-{vendor_id}-{self.date(need).isoformat()}"
        if scenario is not None:
            suggestion_key += f"-q{scenario}"
        return PurchaseSuggestion(suggestion_key, product_id, vendor_id, round(quantity, 6),
                                  self.date(order_by), self.date(need), lead, serves, scenario)

    def load(self, jobs: Iterable[ScheduledJob]) -> list[WorkCenterLoad]:
        """Available and planned hours per work center and day for the committed plan."""
        planned: dict[tuple[int, dt.date], float] = defaultdict(float)
        for job in jobs:
            if job.quotation_id is not None:
                continue
            for operation in job.operations:
                for booking in operation.bookings:
                    planned[(operation.workcenter_id, booking.date)] += booking.hours * job.share
        rows = []
        for wc_id, hours in self.engine.available.items():
            for day, available in enumerate(hours):
                date = self.date(day)
                used = planned.get((wc_id, date), 0.0)
                if available > EPS or used > EPS:
                    rows.append(WorkCenterLoad(wc_id, date, round(available, 4), round(used, 4)))
        return rows

    def objective(self, orders: Iterable[OrderPromise]) -> float:
        """Weighted days late of confirmed orders, plus quotation lead days, plus a large
        penalty for anything that cannot be planned: lower is better."""
        total = 0.0
        for order in orders:
            for line in order.lines:
                if line.promise_date is None:
                    total += CANNOT_PLAN_WEIGHT
                    continue
                days = (line.promise_date - self.today).days
                if order.state == "confirmed":
                    target = order.asked_date or line.lead_time_date
                    total += TARDINESS_WEIGHT * max(0, (line.promise_date - target).days)
                else:
                    total += days
        return total


def _status(value: str) -> PromiseStatus:
    if value == "late":
        return "late"
    if value == "cannot_plan":
        return "cannot_plan"
    return "on_time"


def _same_scenario(consumption: Consumption, scenario: int | None, state: PlanState) -> bool:
    """Whether a take belongs to the scenario a purchase was made in."""
    demand = consumption.demand
    if scenario is None:
        return not (demand.kind == "quotation" and demand.id in state.quotations
                    and not state.engine.settings.quotations_hold_capacity)
    return demand.kind == "quotation" and demand.id == scenario
