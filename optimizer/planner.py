"""Entry points: :func:`plan` a snapshot, then :func:`quote` quotations against the plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

from optimizer.assemble import Assembler
from optimizer.engine import Engine, PlanState
from optimizer.improve import improve
from optimizer.ledger import Fork
from optimizer.plan import OrderPromise, Plan, PlannerSettings, SolverReport
from optimizer.snapshot import SaleOrder, Snapshot, SnapshotError, order_problems


def plan(snapshot: Snapshot, settings: PlannerSettings | None = None) -> Plan:
    """Plan a factory: a constructive schedule at once, then a bounded improvement by the MILP.

    Never raises for a plan that is merely hard: orders that cannot be planned get the status
    ``cannot_plan`` and a reason; work that does not fit the horizon becomes a warning.
    """
    settings = settings or PlannerSettings()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    engine = Engine(snapshot, settings)
    timings["capacity"] = time.perf_counter() - started

    mark = time.perf_counter()
    state = engine.run()
    assembler = Assembler(state)
    orders = assembler.orders()
    objective = assembler.objective(orders)
    timings["constructive"] = time.perf_counter() - mark

    mark = time.perf_counter()
    outcome = improve(engine, state, objective)
    timings["improve"] = time.perf_counter() - mark
    status = "constructive"
    if outcome.state is not None:
        state, status = outcome.state, "optimized"
        assembler = Assembler(state)
        orders = assembler.orders()
        objective = assembler.objective(orders)

    mark = time.perf_counter()
    jobs = assembler.jobs()
    plan_result = Plan(
        status=status,  # type: ignore[arg-type]
        created_at=dt.datetime.now(dt.timezone.utc),
        today=engine.today,
        horizon_end=engine.today + dt.timedelta(days=settings.horizon_days - 1),
        orders=tuple(orders),
        jobs=tuple(jobs),
        purchases=tuple(assembler.purchases()),
        deliveries=tuple(assembler.deliveries()),
        load=tuple(assembler.load(jobs)),
        solver=outcome.report,
        settings=settings,
        objective=objective,
        warnings=tuple(state.warnings),
        timings=timings,
        state=state,
    )
    timings["assemble"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return plan_result


def quote(plan_result: Plan, quotation: SaleOrder) -> OrderPromise:
    """The earliest dates one quotation could be delivered, against ``plan_result``, which is
    left unchanged (an inquiry: nothing is reserved).

    Each line gets its earliest date; the order's date is its latest line's (all at once).
    Raises :class:`SnapshotError` naming the line and field when the quotation refers to
    something the plan does not know.
    """
    state = plan_result.state
    if state is None:
        raise ValueError("this plan has no engine state (was it loaded from a file?)")
    engine = state.engine
    problems = order_problems(quotation, engine.index)
    if problems:
        raise SnapshotError(problems)
    if quotation.state != "quotation":
        quotation = dataclasses.replace(quotation, state="quotation")
    fork = state.base.fork()
    held = state.quotations.get(quotation.id) if engine.settings.quotations_hold_capacity else None
    if held is not None:
        _release(state, fork, quotation.id)
    record = engine.plan_order(fork, quotation, scenario=quotation.id)
    return Assembler(state).order_promise(quotation, record.lines, holds_capacity=False)


def _release(state: PlanState, fork: Fork, quotation_id: int) -> None:
    """Give back, in ``fork`` only, what a held quotation booked, so it can be re-quoted in its
    own place rather than against itself."""
    record = state.quotations[quotation_id]
    own_lots = {job.output.uid for job in record.jobs if job.output is not None}
    own_lots.update(purchase.lot.uid for purchase in record.purchases)
    share = record.share
    for job in record.jobs:
        for operation in job.operations:
            fork.release(operation.workcenter_id,
                         [(day, hours * share) for day, hours in operation.bookings])
    for consumption in record.consumptions:
        if consumption.lot.uid not in own_lots:
            fork.give_back(consumption.lot, consumption.qty * share)


__all__ = ["PlannerSettings", "SolverReport", "plan", "quote"]
