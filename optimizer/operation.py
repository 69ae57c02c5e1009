"""Routings and jobs: how long each step takes on which work center, and booking the steps of
one job one after the other, to the minute.

Durations follow Odoo (``mrp.workorder._get_duration_expected``): set-up + clean-up +
ceil(quantity / capacity) x cycle time x 100 / efficiency. A step starts when the previous one
ends (forward) or ends when the next one starts (backward); each goes to the work center, main
or alternative, where it ends first (forward, as Odoo's ``_plan_workorder``) or starts last
(backward).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.calendar import EPS, FORWARD, WorkingTime
from optimizer.ledger import Fork, OperationRecord, Unplannable
from optimizer.reason import Reason
from optimizer.resource import Slot
from optimizer.snapshot import Bom, ManufacturingOrder, Operation, SnapshotIndex, WorkCenter

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Step:
    """One operation to book: (work center, minutes) candidates, the main work center first."""

    name: str
    candidates: tuple[tuple[int, float], ...]
    operation_id: int | None = None
    workorder_id: int | None = None


def cycles(quantity: float, capacity: float) -> int:
    """Odoo's cycle count: quantity over capacity, rounded up."""
    return max(0, math.ceil(quantity / capacity - 1e-9))


def odoo_minutes(wc: WorkCenter, product_id: int, quantity: float, cycle_minutes: float) -> float:
    """Minutes a work order takes on ``wc``, as Odoo computes ``duration_expected``."""
    special = wc.capacity_for(product_id)
    return (special.setup_minutes + special.cleanup_minutes
            + cycles(quantity, special.capacity) * cycle_minutes / wc.efficiency)


Routing = list[tuple[Operation, tuple[WorkCenter, ...]]]


def routing_of(index: SnapshotIndex, bom: Bom) -> Routing:
    """A BoM's operations in sequence, each with its work centers (main first)."""
    routing = []
    for operation in sorted(bom.operations, key=lambda op: (op.sequence, op.id)):
        main = index.workcenters[operation.workcenter_id]
        routing.append((operation, (main, *(index.workcenters[a] for a in main.alternative_ids))))
    return routing


def routing_steps(routing: Routing, product_id: int, quantity: float,
                  capacity_factor: float) -> list[Step]:
    """The steps of making ``quantity`` (product unit) of a product along its routing."""
    return [Step(operation.name,
                 tuple((wc.id, odoo_minutes(wc, product_id, quantity, operation.cycle_minutes)
                        / capacity_factor) for wc in workcenters),
                 operation_id=operation.id)
            for operation, workcenters in routing]


def workorder_steps(index: SnapshotIndex, mo: ManufacturingOrder,
                    capacity_factor: float) -> list[Step]:
    """The remaining work orders of an open manufacturing order, in sequence. On an
    alternative work center the work per cycle is carried over as Odoo does."""
    quantity = index.to_product_uom(mo.quantity, mo.uom_id, mo.product_id)
    steps = []
    for wo in sorted(mo.work_orders, key=lambda w: (w.sequence, w.id)):
        main = index.workcenters[wo.workcenter_id]
        candidates = [(main.id, wo.remaining_minutes / capacity_factor)]
        if not wo.started:
            special = main.capacity_for(mo.product_id)
            count = cycles(quantity, special.capacity) or 1
            fixed = special.setup_minutes + special.cleanup_minutes
            per_cycle = max(0.0, wo.remaining_minutes - fixed) * main.efficiency / count
            for alternative_id in main.alternative_ids:
                alternative = index.workcenters[alternative_id]
                candidates.append((alternative_id, odoo_minutes(
                    alternative, mo.product_id, quantity, per_cycle) / capacity_factor))
        steps.append(Step(wo.name, tuple(candidates), workorder_id=wo.id))
    return steps


def book_steps(fork: Fork, steps: Sequence[Step], instant: float, direction: int,
               product_id: int) -> list[OperationRecord]:
    """Book ``steps`` one after the other from ``instant`` on (forward) or ending by it
    (backward); the records come back in routing order."""
    booked: list[OperationRecord] = []
    edge = instant
    for step in (steps if direction == FORWARD else reversed(steps)):
        best: tuple[Slot, int, float] | None = None
        for workcenter_id, minutes in step.candidates:
            slot = fork.lanes.find(workcenter_id, edge, minutes, direction)
            if slot is None:
                continue
            better = best is None or (slot[1] < best[0][1] - EPS if direction == FORWARD
                                      else slot[0] > best[0][0] + EPS)
            if better:
                best = (slot, workcenter_id, minutes)
        if best is None:
            raise Unplannable(Reason("horizon", None, product_id,
                                     workcenter_id=step.candidates[0][0]))
        slot, workcenter_id, minutes = best
        start, end = slot[0], slot[1]
        fork.lanes.book(workcenter_id, slot)
        booked.append(OperationRecord(step.name, workcenter_id, minutes, start, end, edge,
                                      step.operation_id, step.workorder_id))
        edge = end if direction == FORWARD else start
    if direction != FORWARD:
        booked.reverse()
    return booked


def binding_reason(times: dict[int, WorkingTime], product_id: int, requested: float,
                   ready: float, material: Reason,
                   operations: list[OperationRecord]) -> Reason:
    """What held a forward-planned job up most: its material, a booked work center or a
    closed one; else the work itself. Wrapped as "made" when work follows the hold-up."""
    finish = operations[-1].end if operations else ready
    worst, reason = ready - requested, material
    for operation in operations:
        could = times[operation.workcenter_id].snap(operation.earliest, FORWARD)
        if could is None:
            continue
        waited = operation.start - could
        if waited > worst + EPS and waited > EPS:
            worst = waited
            reason = Reason("capacity", finish, product_id, workcenter_id=operation.workcenter_id,
                            minutes=operation.minutes, until=operation.start)
        elif could - operation.earliest > MINUTES_PER_DAY + EPS and \
                could - operation.earliest > worst + EPS:
            worst = could - operation.earliest
            reason = Reason("closed", finish, product_id, workcenter_id=operation.workcenter_id,
                            until=could)
    if not operations:
        return reason
    minutes = sum(op.minutes for op in operations)
    if worst <= EPS:
        return Reason("work", finish, product_id, minutes=minutes,
                      workcenter_id=operations[-1].workcenter_id)
    return Reason("made", finish, product_id, minutes=minutes, inner=reason,
                  workcenters=tuple(dict.fromkeys(op.workcenter_id for op in operations)))
