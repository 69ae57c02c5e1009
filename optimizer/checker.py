"""An independent check of a plan against its snapshot, in continuous time.

It shares no code with the engine: it rebuilds each work center's working time from the
calendar records itself, recomputes every operation's duration with Odoo's rule, and checks the
plan's datetimes: no two work orders overlap on a work center, every operation starts and ends
inside working time and lasts exactly its working minutes, operations follow each other to the
second, stock of every product never goes below zero at any instant, and no promise comes before
the work and material behind it. It checks the committed plan, and the committed plan plus each
quotation's inquiry on its own. A quotation holding a share of its work holds that first share
of each of its slots.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from zoneinfo import ZoneInfo

from optimizer.checker_time import working_spans
from optimizer.plan import Plan, ScheduledJob
from optimizer.snapshot import Bom, Snapshot, WorkCenter

TOLERANCE = 1e-5
SECOND = dt.timedelta(seconds=1.5)


def check_plan(snapshot: Snapshot, plan: Plan) -> list[str]:
    """Every way ``plan`` breaks the rules of ``snapshot``; an empty list means it holds."""
    return _Checker(snapshot, plan).run()


class _Checker:
    def __init__(self, snapshot: Snapshot, plan: Plan):
        self.snapshot = snapshot
        self.index = snapshot.index
        self.plan = plan
        self.tz = ZoneInfo(snapshot.timezone)
        self.errors: list[str] = []
        self.delivery = dt.timedelta(days=snapshot.delivery_lead_days)
        self.work = {wc.id: working_spans(snapshot, wc, plan.settings.horizon_days + 2)
                     for wc in snapshot.workcenters}

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def _worked(self, wc: int, start: dt.datetime, end: dt.datetime) -> float:
        return sum(max(0.0, (min(e, end) - max(s, start)).total_seconds() / 60)
                   for s, e in self.work[wc] if s < end and e > start)

    def _advance(self, wc: int, start: dt.datetime, minutes: float) -> dt.datetime:
        """The moment ``minutes`` of working time after ``start``."""
        left = minutes
        for s, e in self.work[wc]:
            if e <= start:
                continue
            begin = max(s, start)
            span = (e - begin).total_seconds() / 60
            if span >= left:
                return begin + dt.timedelta(minutes=left)
            left -= span
        return start + dt.timedelta(minutes=minutes)

    def _inside(self, wc: int, moment: dt.datetime, *, as_end: bool) -> bool:
        return any((s - SECOND < moment <= e + SECOND) if as_end else
                   (s - SECOND <= moment < e + SECOND) for s, e in self.work[wc])

    def run(self) -> list[str]:
        plan = self.plan
        scenarios = sorted({job.quotation_id for job in plan.jobs if job.quotation_id}
                           | {d.quotation_id for d in plan.deliveries if d.quotation_id}
                           | {p.quotation_id for p in plan.purchases if p.quotation_id})
        for job in plan.jobs:
            self._check_job(job)
        for scenario in [None, *scenarios]:
            self._check_lanes(scenario)
            self._check_material(scenario)
        self._check_promises()
        return self.errors

    # -- jobs ---------------------------------------------------------------------------------
    def _check_job(self, job: ScheduledJob) -> None:
        previous: dt.datetime | None = None
        expected = self._expected_minutes(job)
        if expected is not None and len(expected) != len(job.operations):
            self.fail(f"{job.key}: {len(job.operations)} operations, expected {len(expected)}")
            expected = None
        for k, op in enumerate(job.operations):
            if op.start_at is None or op.finish_at is None:
                self.fail(f"{job.key}: {op.name} has no start or end")
                continue
            if op.finish_at < op.start_at:
                self.fail(f"{job.key}: {op.name} ends before it starts")
            worked = self._worked(op.workcenter_id, op.start_at, op.finish_at)
            if abs(worked - op.hours * 60) > 0.05:
                self.fail(f"{job.key}: {op.name} spans {worked:.2f} working minutes for "
                          f"{op.hours * 60:.2f}")
            if expected is not None:
                allowed = expected[k]
                minutes = allowed.get(op.workcenter_id)
                if minutes is None:
                    self.fail(f"{job.key}: {op.name} on work center {op.workcenter_id}, not "
                              f"{sorted(allowed)}")
                elif abs(minutes - op.hours * 60) > 0.05:
                    self.fail(f"{job.key}: {op.name} takes {op.hours * 60:.2f} min, Odoo's rule "
                              f"gives {minutes:.2f}")
            if op.hours > 0 and not (self._inside(op.workcenter_id, op.start_at, as_end=False)
                                     and self._inside(op.workcenter_id, op.finish_at,
                                                      as_end=True)):
                self.fail(f"{job.key}: {op.name} {op.start_at}-{op.finish_at} starts or ends "
                          "outside working time")
            if previous is not None and op.start_at < previous - SECOND:
                self.fail(f"{job.key}: {op.name} starts {op.start_at} before the previous "
                          f"operation ends {previous}")
            previous = op.finish_at
        if job.operations and job.finish_at is not None and previous is not None and \
                abs((job.finish_at - previous).total_seconds()) > 1.5:
            self.fail(f"{job.key}: finishes {job.finish_at}, its last operation {previous}")
        if job.manufacturing_order_id is None:
            self._check_components(job)

    def _expected_minutes(self, job: ScheduledJob) -> list[dict[int, float]] | None:
        """Per operation, the allowed work centers and Odoo's minutes on each."""
        factor = self.plan.settings.capacity_factor
        wcs = self.index.workcenters
        if job.manufacturing_order_id is not None:
            mo = next((m for m in self.snapshot.manufacturing_orders
                       if m.id == job.manufacturing_order_id), None)
            if mo is None:
                self.fail(f"{job.key}: unknown manufacturing order")
                return None
            qty = self.index.to_product_uom(mo.quantity, mo.uom_id, mo.product_id)
            result = []
            for wo in sorted(mo.work_orders, key=lambda w: (w.sequence, w.id)):
                main = wcs[wo.workcenter_id]
                allowed = {main.id: wo.remaining_minutes / factor}
                if not wo.started:
                    cap, setup = _capacity(main, mo.product_id)
                    per_cycle = max(0.0, wo.remaining_minutes - setup) * main.efficiency / (
                        math.ceil(qty / cap - 1e-9) or 1)
                    for alt_id in main.alternative_ids:
                        alt = wcs[alt_id]
                        alt_cap, alt_setup = _capacity(alt, mo.product_id)
                        allowed[alt_id] = (alt_setup + math.ceil(qty / alt_cap - 1e-9)
                                           * per_cycle / alt.efficiency) / factor
                result.append(allowed)
            return result
        bom = self.index.bom_for.get(job.product_id)
        if bom is None or bom.id != job.bom_id:
            self.fail(f"{job.key}: product {job.product_id} is not made with BoM {job.bom_id}")
            return None
        result = []
        for operation in sorted(bom.operations, key=lambda op: (op.sequence, op.id)):
            allowed = {}
            for wc_id in (operation.workcenter_id, *wcs[operation.workcenter_id].alternative_ids):
                cap, setup = _capacity(wcs[wc_id], job.product_id)
                allowed[wc_id] = (setup + math.ceil(job.quantity / cap - 1e-9)
                                  * operation.cycle_minutes / wcs[wc_id].efficiency) / factor
            result.append(allowed)
        return result

    def _check_components(self, job: ScheduledJob) -> None:
        bom = self.index.bom_for.get(job.product_id)
        if bom is None:
            return
        expected: dict[int, float] = defaultdict(float)
        self._explode(bom, job.quantity, expected)
        planned: dict[int, float] = defaultdict(float)
        for product_id, qty in job.components:
            planned[product_id] += qty
        for product_id in sorted(set(planned) | set(expected)):
            if abs(planned.get(product_id, 0.0) - expected.get(product_id, 0.0)) > TOLERANCE:
                self.fail(f"{job.key}: consumes {planned.get(product_id, 0.0):.4f} of product "
                          f"{product_id}, needs {expected.get(product_id, 0.0):.4f}")

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

    # -- lanes --------------------------------------------------------------------------------
    def _check_lanes(self, scenario: int | None) -> None:
        lanes: dict[int, list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(list)
        for job in self.plan.jobs:
            if job.quotation_id not in (None, scenario):
                continue
            for op in job.operations:
                if op.start_at is None or op.finish_at is None or op.hours <= 0:
                    continue
                end = op.finish_at if job.share >= 1 else \
                    self._advance(op.workcenter_id, op.start_at, op.hours * 60 * job.share)
                lanes[op.workcenter_id].append((op.start_at, end, f"{job.key} {op.name}"))
        where = "the committed plan" if scenario is None else f"quotation {scenario}"
        for wc, spans in sorted(lanes.items()):
            spans.sort()
            for (_, e1, n1), (s2, _, n2) in zip(spans, spans[1:], strict=False):
                if s2 < e1 - SECOND:
                    self.fail(f"{where}: work center {wc}: {n2} starts {s2} while {n1} runs "
                              f"until {e1}")

    # -- material -----------------------------------------------------------------------------
    def _check_material(self, scenario: int | None) -> None:
        """Receipts before issues at the same instant; the balance never goes negative."""
        events: dict[int, list[tuple[dt.datetime, int, float]]] = defaultdict(list)
        index, now = self.index, self.snapshot.now
        safety = dt.timedelta(days=self.plan.settings.purchase_safety_days)

        def add(product_id: int, moment: dt.datetime, qty: float) -> None:
            events[product_id].append((moment, 0 if qty > 0 else 1, qty))

        for level in self.snapshot.stock:
            add(level.product_id, now, index.to_product_uom(level.quantity, level.uom_id,
                                                            level.product_id))
        for line in self.snapshot.purchase_lines:
            arrival = line.expected_at or dt.datetime.combine(line.expected_date, dt.time(),
                                                              self.tz)
            add(line.product_id, max(arrival, now) + safety,
                index.to_product_uom(line.quantity, line.uom_id, line.product_id))
        kits = {pid for pid, bom in index.bom_for.items() if bom.kind == "phantom"}
        for job in self.plan.jobs:
            if job.quotation_id not in (None, scenario) or job.start_at is None or \
                    job.finish_at is None:
                continue
            add(job.product_id, job.finish_at, job.quantity * job.share)
            for product_id, qty in job.components:
                add(product_id, job.start_at, -qty * job.share)
        for purchase in self.plan.purchases:
            if purchase.quotation_id in (None, scenario):
                add(purchase.product_id, dt.datetime.combine(purchase.need_date, dt.time(),
                                                             self.tz), purchase.quantity)
        for delivery in self.plan.deliveries:
            if delivery.quotation_id not in (None, scenario) or delivery.at is None:
                continue
            if delivery.product_id in kits:
                parts: dict[int, float] = defaultdict(float)
                self._explode(index.bom_for[delivery.product_id],
                              delivery.quantity * delivery.share, parts)
                for product_id, qty in parts.items():
                    add(product_id, delivery.at, -qty)
            else:
                add(delivery.product_id, delivery.at, -delivery.quantity * delivery.share)
        where = "the committed plan" if scenario is None else f"quotation {scenario}"
        for product_id in sorted(events):
            balance = 0.0
            for moment, _, qty in sorted(events[product_id]):
                balance += qty
                if balance < -TOLERANCE * max(1.0, abs(qty)):
                    self.fail(f"{where}: product {product_id} short by {-balance:.4f} at "
                              f"{moment}")
                    break

    # -- promises and purchases ---------------------------------------------------------------
    def _check_promises(self) -> None:
        from optimizer.checker_promises import check_promises, check_purchases

        check_promises(self.snapshot, self.plan, self.tz, self.fail)
        check_purchases(self.snapshot, self.plan, self.fail)


def _capacity(wc: WorkCenter, product_id: int) -> tuple[float, float]:
    for special in wc.product_capacities:
        if special.product_id == product_id:
            return special.capacity, special.setup_minutes + special.cleanup_minutes
    return wc.capacity, wc.setup_minutes + wc.cleanup_minutes

