"""Turn the engine's records (instants, lots, reasons) into the parts of a
:class:`~optimizer.plan.Plan`: promises, jobs, deliveries, load and the objective."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from optimizer.calendar import EPS
from optimizer.demand import MINUTES_PER_DAY, by_date
from optimizer.engine import PlanState
from optimizer.ledger import JobRecord, LineOutcome
from optimizer.plan import (
    Booking,
    Delivery,
    DemandRef,
    LinePromise,
    OrderPromise,
    PromiseStatus,
    ScheduledJob,
    ScheduledOperation,
    WorkCenterLoad,
)
from optimizer.snapshot import SaleOrder

TARDINESS_WEIGHT = 1000.0
CANNOT_PLAN_WEIGHT = 100_000.0
UTC = dt.timezone.utc


def deciding_line(picking_policy: str, lines: tuple[LinePromise, ...]) -> LinePromise:
    """The line whose date is the order's, so the order's reason explains the order's
    date: a line that cannot be planned; else the latest line when everything ships at
    once (``one``), the earliest as soon as possible (``direct``); among lines of that
    date a late one, then the first."""
    blocked = [line for line in lines if line.promise_date is None]
    if blocked:
        return blocked[0]
    dates = [line.promise_date for line in lines if line.promise_date is not None]
    date = max(dates) if picking_policy == "one" else min(dates)
    on_date = [line for line in lines if line.promise_date == date]
    return next((line for line in on_date if line.status == "late"), on_date[0])


class Assembler:
    """Builds the plan's parts from one :class:`PlanState`."""

    def __init__(self, state: PlanState):
        self.state = state
        self.engine = state.engine
        self.snapshot = self.engine.snapshot
        self.today = self.engine.today
        self.explainer = self.engine.orders.explainer
        self.delivery = self.snapshot.delivery_lead_days * MINUTES_PER_DAY
        origin = self.snapshot.now.astimezone(UTC)
        self._base, self._micro = origin.replace(microsecond=0), origin.microsecond / 1e6

    def moment(self, at: float) -> dt.datetime:
        """An instant as an aware UTC datetime, to the nearest second, but never before the
        clock when it is not: rounded down, work starting at a clock of 06:49:54.227 read
        06:49:54, before the clock and so before the stock it uses."""
        seconds = round(at * 60 + self._micro)
        if at >= 0 and seconds < self._micro:
            seconds = 1  # the clock's own second, begun before the clock
        return self._base + dt.timedelta(seconds=seconds)

    def date(self, at: float) -> dt.date:
        """An instant's local date in the factory's time zone."""
        return self.explainer.local_date(at)

    # -- promises -----------------------------------------------------------------------------
    def orders(self) -> list[OrderPromise]:
        """A promise for every confirmed order and planned quotation, in snapshot order."""
        state = self.state
        hold = self.engine.settings.quotations_hold_capacity
        by_order: dict[int, list[LineOutcome]] = defaultdict(list)
        for outcome in state.committed.lines:
            by_order[outcome.order.id].append(outcome)
        promises = []
        for order in self.snapshot.sale_orders:
            if order.state == "confirmed":
                promises.append(self.order_promise(order, by_order.get(order.id, []), True))
            elif order.id in state.quotations:
                promises.append(self.order_promise(order, state.quotations[order.id].lines, hold))
        return promises

    def line_promise(self, order: SaleOrder, outcome: LineOutcome) -> LinePromise:
        """The promise of one line from its outcome."""
        demand = self.engine.demand
        explainer = self.explainer
        lead_date = demand.line_lead_time_date(order, outcome.line)
        target = order.commitment_date or lead_date
        reason = explainer.sentence(outcome.reason, outcome.line.product_id)
        data = explainer.values(outcome.reason)
        if outcome.at is None:
            return LinePromise(outcome.line.id, outcome.line.product_id, outcome.quantity,
                               lead_date, None, "cannot_plan", reason, (), 0.0,
                               outcome.missing, data)
        promise_at = outcome.at + self.delivery
        promise_date = self.date(promise_at)
        late = promise_date > target or outcome.missing > EPS or (
            order.commitment_at is not None and promise_at > demand.due_at(order) + EPS)
        if late and target < self.today:
            reason = explainer.overdue(reason, target)
            data = {**data, "overdue": target.isoformat()}
        line_product = outcome.line.product_id
        parts = [(self.date(take.at + self.delivery), take.qty) for take in outcome.takes
                 if take.lot.product_id == line_product]
        shipped = sum(qty for _, qty in parts)
        if shipped < outcome.quantity - outcome.missing - EPS:  # a kit: ships when complete
            parts = [(promise_date, outcome.quantity - outcome.missing)]
        shipments = by_date(parts)
        by_requested = sum(qty for date, qty in shipments if date <= target)
        return LinePromise(outcome.line.id, line_product, outcome.quantity, lead_date,
                           promise_date, "late" if late else "on_time", reason, shipments,
                           round(by_requested, 6), outcome.missing, data,
                           self.moment(promise_at))

    def order_promise(self, order: SaleOrder, outcomes: list[LineOutcome],
                      holds_capacity: bool) -> OrderPromise:
        """The order's promise: its lines', dated by its shipping policy (the earliest line
        as soon as possible, the latest all at once); late when any line is."""
        lines = tuple(self.line_promise(order, outcome) for outcome in outcomes)
        order_lead = self.engine.demand.lead_time_date(order)
        if not lines:
            return OrderPromise(order.id, order.name, order.customer, order.state,
                                order.commitment_date, order_lead, order.order_date, "on_time",
                                "Nothing to deliver.", (), holds_capacity,
                                {"kind": "stock", "values": {}})
        deciding = deciding_line(order.picking_policy, lines)
        if deciding.promise_date is None:
            promise_date, status = None, "cannot_plan"
        else:
            promise_date = deciding.promise_date
            status = "late" if any(line.status == "late" for line in lines) else "on_time"
        return OrderPromise(order.id, order.name, order.customer, order.state,
                            order.commitment_date, order_lead, promise_date,
                            _status(status), deciding.reason, lines, holds_capacity,
                            deciding.reason_data)

    # -- schedule -----------------------------------------------------------------------------
    def share_of(self, demand: DemandRef) -> float:
        """The part of a demand the plan holds: below 1 for quotations holding a share."""
        if demand.kind == "quotation" and self.engine.settings.quotations_hold_capacity:
            record = self.state.quotations.get(demand.id)
            if record is not None:
                return record.share
        return 1.0

    def job(self, record: JobRecord) -> ScheduledJob:
        """One job with its operations to the second and their hours by local date."""
        index = self.engine.index
        operations = []
        for op in record.operations:
            calendar = index.calendars[index.workcenters[op.workcenter_id].calendar_id]
            days = self.engine.times[op.workcenter_id].per_day(
                self.snapshot.now, ZoneInfo(calendar.tz), op.start, op.end)
            operations.append(ScheduledOperation(
                op.name, op.workcenter_id, round(op.minutes / 60, 6),
                tuple(Booking(day, round(minutes / 60, 6)) for day, minutes in days),
                op.operation_id, op.workorder_id, self.moment(op.start), self.moment(op.end)))
        return ScheduledJob(record.key, record.product_id, record.quantity,
                            self.date(record.start), self.date(record.finish), tuple(operations),
                            tuple(record.components), (record.demand,),
                            record.manufacturing_order_id, record.bom_id, record.scenario,
                            self.share_of(record.demand), self.moment(record.start),
                            self.moment(record.finish))

    def jobs(self) -> list[ScheduledJob]:
        """Every job: open manufacturing orders, confirmed demand, then quotations."""
        state = self.state
        records = [*state.manufacturing.jobs, *state.committed.jobs]
        for record in state.quotations.values():
            records.extend(record.jobs)
        return [self.job(record) for record in records]

    def deliveries(self) -> list[Delivery]:
        """What ships for each line, when (one delivery per lot taken)."""
        state = self.state
        hold = self.engine.settings.quotations_hold_capacity
        outcomes: list[tuple[LineOutcome, int | None, float]] = [
            (outcome, None, 1.0) for outcome in state.committed.lines]
        for order_id, record in state.quotations.items():
            outcomes.extend((outcome, None if hold else order_id, record.share if hold else 1.0)
                            for outcome in record.lines)
        result = []
        for outcome, scenario, share in outcomes:
            if outcome.at is None:
                continue
            line = outcome.line
            own = [t for t in outcome.takes if t.lot.product_id == line.product_id]
            parts = [(t.at, t.qty) for t in own] if own else [(outcome.at, outcome.quantity)]
            for at, qty in parts:
                if qty > EPS:
                    result.append(Delivery(outcome.order.id, line.id, line.product_id, qty,
                                           self.date(at + self.delivery), scenario, share,
                                           self.moment(at)))
        return result

    def load(self, jobs: Iterable[ScheduledJob]) -> list[WorkCenterLoad]:
        """Available and planned hours per work center and local date (committed plan)."""
        planned: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
        factor = self.engine.settings.capacity_factor  # lanes hold work / factor
        for job in jobs:
            if job.quotation_id is not None:
                continue
            for operation in job.operations:
                days = planned[operation.workcenter_id]
                for booking in operation.bookings:
                    days[booking.date] += booking.hours * job.share * factor
        rows = []
        index = self.engine.index
        for wc_id in sorted(self.engine.times):
            time = self.engine.times[wc_id]
            tz = ZoneInfo(index.calendars[index.workcenters[wc_id].calendar_id].tz)
            available = dict(time.per_day(self.snapshot.now, tz, time.starts[0], time.ends[-1])) \
                if time.starts else {}
            used_on = planned.get(wc_id, {})
            for date in sorted(set(available) | set(used_on)):
                hours = available.get(date, 0.0) / 60
                used = used_on.get(date, 0.0)
                if hours > EPS or used > EPS:
                    rows.append(WorkCenterLoad(wc_id, date, round(hours, 4), round(used, 4)))
        return rows

    def objective(self, orders: Iterable[OrderPromise]) -> float:
        """Weighted days late of confirmed lines, plus quotation lead days, plus a large
        penalty for each line's share that cannot come: lower is better."""
        total = 0.0
        for order in orders:
            for line in order.lines:
                share_missing = line.missing / line.quantity if line.quantity > EPS else 0.0
                if line.promise_date is None:
                    total += CANNOT_PLAN_WEIGHT
                    continue
                total += CANNOT_PLAN_WEIGHT * share_missing
                if order.state == "confirmed":
                    target = order.asked_date or line.lead_time_date
                    total += TARDINESS_WEIGHT * max(0, (line.promise_date - target).days)
                else:
                    total += (line.promise_date - self.today).days
        return total


def _status(value: str) -> PromiseStatus:
    if value in ("late", "cannot_plan"):
        return value  # type: ignore[return-value]
    return "on_time"
