"""Entry points: :func:`plan` a snapshot, then :func:`quote` quotations against the plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

from optimizer.assemble import Assembler
from optimizer.engine import Engine, PlanState
from optimizer.improve import improve
from optimizer.ledger import Fork
from optimizer.plan import OrderPromise, Plan, PlannerSettings, ScheduledJob, SolverReport
from optimizer.snapshot import SaleOrder, Snapshot, SnapshotError
from optimizer.suggest import bring_forward, purchases
from optimizer.validate import order_problems


@contextmanager
def _no_cyclic_gc(freeze: bool = False) -> Iterator[None]:
    """Keep Python's cyclic collector out of a plan run or a quote. A plan allocates millions
    of small objects that live as long as the plan, so the collector's passes over them free
    nothing (they took half of the constructive time at M, measured by ``make bench``) and,
    between plans, turned a 1 ms quote into a 100 ms one now and then. The plan's objects form
    no reference cycle, so reference counting frees them; with ``freeze`` they are moved out
    of the collector's sight (``gc.freeze``) once the plan is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def plan(snapshot: Snapshot, settings: PlannerSettings | None = None) -> Plan:
    """Plan a factory: a constructive schedule at once, then a bounded improvement by the MILP.

    Never raises for a plan that is merely hard: orders that cannot be planned get the status
    ``cannot_plan`` and a reason; work that does not fit the horizon becomes a warning. The
    same snapshot and settings always give the same plan.
    """
    settings = settings or PlannerSettings()
    with _no_cyclic_gc(freeze=True):
        return _plan(snapshot, settings)


def _plan(snapshot: Snapshot, settings: PlannerSettings) -> Plan:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    engine = Engine(snapshot, settings)
    timings["capacity"] = time.perf_counter() - started

    # wall-clock seconds per stage, and CPU seconds as "<stage>_cpu" (steadier on a busy
    # machine: what make bench reports)
    mark, cpu = time.perf_counter(), time.process_time()
    state = engine.run()
    assembler = Assembler(state)
    orders = assembler.orders()
    objective = assembler.objective(orders)
    timings["constructive"] = time.perf_counter() - mark
    timings["constructive_cpu"] = time.process_time() - cpu

    mark, cpu = time.perf_counter(), time.process_time()
    outcome = improve(engine, state, objective)
    timings["improve"] = time.perf_counter() - mark
    timings["improve_cpu"] = time.process_time() - cpu
    status = "constructive"
    if outcome.state is not None:
        state, status = outcome.state, "optimized"

    return _assembled(engine, state, status, outcome.report, timings, started,
                      None if outcome.state is not None else (orders, objective))


def _assembled(engine: Engine, state: PlanState, status: str, report: SolverReport,
               timings: dict[str, float], started: float,
               promised: tuple[list[OrderPromise], float] | None = None) -> Plan:
    """The plan's parts, assembled from the engine's state (``promised``: its promises and
    objective when already assembled)."""
    mark, cpu = time.perf_counter(), time.process_time()
    assembler = Assembler(state)
    if promised is None:
        orders = assembler.orders()
        objective = assembler.objective(orders)
    else:
        orders, objective = promised
    jobs = assembler.jobs()
    settings = engine.settings
    plan_result = Plan(
        status=status,  # type: ignore[arg-type]
        created_at=engine.snapshot.now,
        today=engine.today,
        horizon_end=engine.today + dt.timedelta(days=settings.horizon_days - 1),
        orders=tuple(orders),
        jobs=tuple(jobs),
        purchases=tuple(purchases(assembler)),
        deliveries=tuple(assembler.deliveries()),
        load=tuple(assembler.load(jobs)),
        solver=report,
        settings=settings,
        objective=objective,
        warnings=tuple(state.warnings),
        timings=timings,
        state=state,
        bring_forward=tuple(bring_forward(assembler)),
    )
    timings["assemble"] = time.perf_counter() - mark
    timings["assemble_cpu"] = time.process_time() - cpu
    timings["total"] = time.perf_counter() - started
    return plan_result


# solver outcomes reached without comparing whole plans: the quotations played no part
_QUOTATIONS_PLAY_NO_PART = ("disabled", "not_needed")


def requote(plan_result: Plan, snapshot: Snapshot) -> Plan | None:
    """The plan of ``snapshot`` when it differs from the snapshot ``plan_result`` was made of
    only in open quotations that reserve nothing (a line's quantity changed, a quotation came
    or went): only those are planned again, against the committed plan, and the plan is
    assembled anew; the same plan as :func:`plan` gives for ``snapshot``, in a fraction of the
    time.

    None when that cannot be promised, and the caller plans in full: anything else differs
    (``now`` included), quotations hold capacity (a later one depends on an earlier one), or
    the model compared whole plans (their quotations count in its objective).
    """
    state = plan_result.state
    if state is None:
        return None
    engine = state.engine
    before = engine.snapshot
    if engine.settings.quotations_hold_capacity or \
            plan_result.solver.status not in _QUOTATIONS_PLAY_NO_PART:
        return None
    for part in dataclasses.fields(Snapshot):
        if part.compare and part.name != "sale_orders" and \
                getattr(snapshot, part.name) != getattr(before, part.name):
            return None
    if [o for o in snapshot.sale_orders if o.state != "quotation"] != \
            [o for o in before.sale_orders if o.state != "quotation"]:
        return None
    with _no_cyclic_gc(freeze=True):
        return _requote(plan_result, state, snapshot)


def _requote(plan_result: Plan, state: PlanState, snapshot: Snapshot) -> Plan:
    started = time.perf_counter()
    known = {o.id: o for o in state.engine.snapshot.sale_orders if o.state == "quotation"}
    engine = state.engine.on(snapshot)
    quotations = {}
    changed = set()
    for order in engine.demand.quotations_in_turn():
        record = state.quotations.get(order.id)
        if record is None or known.get(order.id) != order:
            fork = state.base.fork()
            record = engine.orders.plan_order(fork, order, scenario=order.id)
            record.consumptions = fork.stock.consumptions
            changed.add(order.id)
        quotations[order.id] = record
    requoted = PlanState(engine, state.base, state.committed, state.manufacturing, quotations,
                         state.confirmed_order_ids, state.warnings)
    timings = {"requote": time.perf_counter() - started}
    mark = time.perf_counter()
    # what the quotations play no part in is the plan's already; the changed ones are new
    assembler = Assembler(requoted)
    promises = {promise.order_id: promise for promise in plan_result.orders}
    orders = [assembler.order_promise(order, quotations[order.id].lines, False)
              if order.id in changed else promises[order.id]
              for order in snapshot.sale_orders
              if order.state != "quotation" or order.id in quotations]
    jobs_of: dict[int | None, list[ScheduledJob]] = {}
    for job in plan_result.jobs:
        jobs_of.setdefault(job.quotation_id, []).append(job)
    jobs = list(jobs_of.get(None, []))
    for order_id, record in quotations.items():
        jobs.extend([assembler.job(job) for job in record.jobs] if order_id in changed
                    else jobs_of.get(order_id, []))
    objective = assembler.objective(orders)
    report = plan_result.solver
    if report.objective_before is not None:  # the quotations count in the objective
        report = dataclasses.replace(report, objective_before=objective,
                                     objective_after=objective)
    result = dataclasses.replace(
        plan_result, orders=tuple(orders), jobs=tuple(jobs),
        purchases=tuple(purchases(assembler)), deliveries=tuple(assembler.deliveries()),
        solver=report, objective=objective, timings=timings, state=requoted)
    timings["assemble"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return result


def quote(plan_result: Plan, quotation: SaleOrder) -> OrderPromise:
    """The earliest dates one quotation could be delivered, against ``plan_result``, which is
    left unchanged (an inquiry: nothing is reserved).

    Raises :class:`SnapshotError` naming the line and field when the quotation refers to
    something the plan does not know.
    """
    with _no_cyclic_gc():
        return _quote(plan_result, quotation)


def _quote(plan_result: Plan, quotation: SaleOrder) -> OrderPromise:
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
    record = engine.orders.plan_order(fork, quotation, scenario=quotation.id)
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
            fork.lanes.release(operation.workcenter_id, operation.start,
                               operation.start + share * (operation.end - operation.start))
    for consumption in record.consumptions:
        if consumption.lot.uid not in own_lots:
            fork.stock.give_back(consumption.lot, consumption.qty * share)


__all__ = ["PlannerSettings", "SolverReport", "plan", "quote", "requote"]
