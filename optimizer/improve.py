"""Bounded improvement of the constructive plan with a PuLP model.

The constructive schedule plans confirmed orders earliest-due-first. When that leaves some of
them late, a small MILP re-sequences the orders that compete with the late ones for the same
work centers:

* variables: ``done[j, t]`` = 1 when order ``j``'s work is complete by the end of period ``t``,
  and its tardiness;
* constraints, per work center and period: the work of the orders complete by then fits the
  cumulative free capacity (``cap_<wc>_<t>``), also counted from each release date
  (``rel_<wc>_<r>_<t>``), so an order cannot use capacity before its material is there;
* objective: weighted days late, then earlier completion.

The model is a relaxation of the schedule (it knows totals per work center, not the order of
operations), so its answer is used as a priority order: the constructive engine replans in that
order and the new plan is kept only if it is better by the plan's own objective. The plan is
therefore always one the engine built and the checker can verify; the solver's status and gap
are reported as the solver gave them.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import pulp

from optimizer.assemble import Assembler
from optimizer.engine import Engine, PlanState
from optimizer.plan import SolverReport, SolverStatus

TARDY_WEIGHT = 1000.0
MAX_PERIODS = 60


@dataclass
class ImproveOutcome:
    state: PlanState | None  # the better plan's state, or None to keep the constructive one
    report: SolverReport


@dataclass
class _Order:
    order_id: int
    release: int
    due: int
    finish: int
    load: dict[int, float]


def improve(engine: Engine, state: PlanState, objective: float) -> ImproveOutcome:
    """Try to reduce lateness of confirmed orders; never returns a worse plan."""
    settings = engine.settings
    solver_name = {"highs": "HiGHS", "cbc": "CBC", "none": "none"}[settings.solver]
    if settings.solver == "none":
        return ImproveOutcome(None, SolverReport(solver_name, "disabled",
                                                 "improvement switched off (solver = none)"))
    orders, late = _batch(engine, state)
    if not orders:
        message = ("every confirmed order is on time in the constructive plan" if not late else
                   f"{late} late confirmed orders wait for material or open manufacturing "
                   "orders, which re-sequencing cannot change")
        return ImproveOutcome(None, SolverReport(solver_name, "not_needed", message,
                                                 objective_before=objective,
                                                 objective_after=objective))
    started = time.perf_counter()
    model = _Model(engine, state, orders)
    try:
        result = model.solve(settings.solver, settings.time_limit_seconds, settings.mip_gap)
    except (pulp.PulpSolverError, OSError) as error:
        return ImproveOutcome(None, SolverReport(
            solver_name, "error", f"{type(error).__name__}: {error}",
            seconds=time.perf_counter() - started, objective_before=objective,
            objective_after=objective, variables=model.variables, constraints=model.constraints))
    status, gap, message, completion = result

    def report(text: str, objective_after: float) -> SolverReport:
        return SolverReport(solver_name, status, text, seconds=time.perf_counter() - started,
                            gap=gap, objective_before=objective, objective_after=objective_after,
                            variables=model.variables, constraints=model.constraints)

    if completion is None:
        return ImproveOutcome(None, report(message, objective))
    priority = _priority(state, orders, completion)
    candidate = engine.run(confirmed_priority=priority)
    assembler = Assembler(candidate)
    candidate_objective = assembler.objective(assembler.orders())
    if candidate_objective < objective - 1e-9:
        return ImproveOutcome(candidate, report(
            f"{message}; re-sequenced {len(orders)} orders", candidate_objective))
    return ImproveOutcome(None, report(
        f"{message}; the model's sequence was no better than the constructive plan, which is "
        "kept", objective))


def _batch(engine: Engine, state: PlanState) -> tuple[list[_Order], int]:
    """Late confirmed orders that need planned work, and the orders they compete with (at most
    ``improvement_batch``), and how many confirmed orders are late in all."""
    snapshot_orders = {o.id: o for o in engine.snapshot.sale_orders}
    finish: dict[int, int] = {}
    for outcome in state.committed.lines:
        day = outcome.day if outcome.day is not None else engine.horizon
        finish[outcome.order.id] = max(finish.get(outcome.order.id, 0), day)
    load: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    release: dict[int, int] = {}
    for job in state.committed.jobs:
        order_id = job.demand.id
        for operation in job.operations:
            load[order_id][operation.workcenter_id] += operation.hours
        release[order_id] = min(release.get(order_id, job.ready), job.ready)
    all_late = [order_id for order_id, day in finish.items()
                if day > engine.due_day(snapshot_orders[order_id])]
    late = [order_id for order_id in all_late if load.get(order_id)]
    if not late:
        return [], len(all_late)
    contested = {wc for order_id in late for wc in load[order_id]}
    competing = [order_id for order_id in state.confirmed_order_ids
                 if order_id not in late and load.get(order_id)
                 and contested.intersection(load[order_id])]
    chosen = (late + competing)[: engine.settings.improvement_batch]
    return [
        _Order(order_id, release.get(order_id, 0), engine.due_day(snapshot_orders[order_id]),
               finish[order_id], dict(load[order_id]))
        for order_id in chosen
    ], len(all_late)


class _Model:
    """The sequencing MILP for one batch, built in named stages."""

    def __init__(self, engine: Engine, state: PlanState, orders: list[_Order]):
        self.engine = engine
        self.orders = orders
        last = max(order.finish for order in orders)
        self.days = min(engine.horizon, last + 1)
        self.period = max(1, math.ceil(self.days / MAX_PERIODS))
        self.periods = math.ceil(self.days / self.period)
        self.free = self._free_capacity(state)
        self.prob = pulp.LpProblem("resequence_confirmed_orders", pulp.LpMinimize)
        self.done: dict[tuple[int, int], pulp.LpVariable] = {}
        self.tardy: dict[int, pulp.LpVariable] = {}
        self._variables()
        self._monotony()
        self._capacity()
        self._release_capacity()
        self._objective()
        self.variables = self.prob.numVariables()
        self.constraints = self.prob.numConstraints()

    def _free_capacity(self, state: PlanState) -> dict[int, list[float]]:
        """Hours per work center and period left by everything outside the batch."""
        batch = {order.order_id for order in self.orders}
        free = {wc: [0.0] * self.periods for wc in self.engine.capacity}
        for wc, hours in self.engine.capacity.items():
            periods = free[wc]
            for day in range(self.days):
                periods[day // self.period] += hours[day]
        fixed = [*state.manufacturing.jobs,
                 *(job for job in state.committed.jobs if job.demand.id not in batch)]
        for job in fixed:
            for operation in job.operations:
                for day, booked in operation.bookings:
                    if day < self.days:
                        free[operation.workcenter_id][day // self.period] -= booked
        return free

    def _first_period(self, order: _Order) -> int:
        return min(order.release // self.period, self.periods - 1)

    def _variables(self) -> None:
        for order in self.orders:
            for t in range(self._first_period(order), self.periods):
                self.done[order.order_id, t] = self.prob.add_variable(
                    f"done_{order.order_id}_{t}", cat=pulp.LpBinary)
            self.tardy[order.order_id] = self.prob.add_variable(f"tardy_{order.order_id}",
                                                                lowBound=0)

    def _monotony(self) -> None:
        for order in self.orders:
            first = self._first_period(order)
            for t in range(first, self.periods - 1):
                self.prob.addConstraint(pulp.LpConstraint(
                    pulp.LpAffineExpression({self.done[order.order_id, t]: 1,
                                             self.done[order.order_id, t + 1]: -1}),
                    pulp.LpConstraintLE, f"mono_{order.order_id}_{t}", 0))
            self.prob.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression({self.done[order.order_id, self.periods - 1]: 1}),
                pulp.LpConstraintEQ, f"finish_{order.order_id}", 1))

    def _capacity(self) -> None:
        workcenters = sorted({wc for order in self.orders for wc in order.load})
        for wc in workcenters:
            cumulative = 0.0
            users = [order for order in self.orders if order.load.get(wc)]
            for t in range(self.periods):
                cumulative += max(0.0, self.free[wc][t])
                terms = {self.done[o.order_id, t]: o.load[wc] for o in users
                         if (o.order_id, t) in self.done}
                if terms:
                    self.prob.addConstraint(pulp.LpConstraint(
                        pulp.LpAffineExpression(terms), pulp.LpConstraintLE, f"cap_{wc}_{t}",
                        cumulative))

    def _release_capacity(self) -> None:
        releases = sorted({self._first_period(order) for order in self.orders} - {0})
        workcenters = sorted({wc for order in self.orders for wc in order.load})
        for wc in workcenters:
            for first in releases:
                users = [o for o in self.orders
                         if o.load.get(wc) and self._first_period(o) >= first]
                if not users:
                    continue
                cumulative = 0.0
                for t in range(first, self.periods):
                    cumulative += max(0.0, self.free[wc][t])
                    terms = {self.done[o.order_id, t]: o.load[wc] for o in users
                             if (o.order_id, t) in self.done}
                    if terms:
                        self.prob.addConstraint(pulp.LpConstraint(
                            pulp.LpAffineExpression(terms), pulp.LpConstraintLE,
                            f"rel_{wc}_{first}_{t}", cumulative))

    def _objective(self) -> None:
        objective: dict[pulp.LpVariable, float] = {}
        for order in self.orders:
            first = self._first_period(order)
            # completion (in days) = period * number of periods not yet done
            completion = {self.done[order.order_id, t]: -float(self.period)
                          for t in range(first, self.periods)}
            constant = float(self.period * self.periods)
            tardy = self.tardy[order.order_id]
            row = dict(completion)
            row[tardy] = -1.0
            self.prob.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression(row, constant=constant - order.due),
                pulp.LpConstraintLE, f"late_{order.order_id}", 0))
            objective[tardy] = TARDY_WEIGHT
            for variable, coefficient in completion.items():
                objective[variable] = objective.get(variable, 0.0) + coefficient
        self.prob.setObjective(pulp.LpAffineExpression(objective))

    def solve(self, solver: str, time_limit: float,
              gap: float) -> tuple[SolverStatus, float | None, str, dict[int, int] | None]:
        """Solve; returns (status, gap, message, completion day per order or None)."""
        if solver == "highs":
            backend = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=gap, threads=1)
        else:
            backend = _cbc(time_limit, gap)
        self.prob.solve(backend)
        status, mip_gap, message = _read_status(self.prob, backend)
        if status not in ("optimal", "feasible"):
            return status, mip_gap, message, None
        completion = {}
        for order in self.orders:
            first = self._first_period(order)
            done_by = next((t for t in range(first, self.periods)
                            if (self.done[order.order_id, t].value() or 0) > 0.5),
                           self.periods - 1)
            completion[order.order_id] = (done_by + 1) * self.period - 1
        return status, mip_gap, message, completion


def _cbc(time_limit: float, gap: float) -> pulp.LpSolver:
    try:
        import cbcbox

        return pulp.COIN_CMD(path=cbcbox.cbc_bin_path(), msg=False, timeLimit=time_limit,
                             gapRel=gap)
    except ImportError:  # PuLP's bundled CBC
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=gap)


def _read_status(prob: pulp.LpProblem,
                 backend: pulp.LpSolver) -> tuple[SolverStatus, float | None, str]:
    """The solver's own verdict. PuLP's ``status`` says Optimal after a time limit for HiGHS and
    CBC, so read ``sol_status`` and, for HiGHS, its model status and MIP gap."""
    if isinstance(backend, pulp.HiGHS):
        highs = prob.solverModel
        model_status = highs.modelStatusToString(highs.getModelStatus())
        info = highs.getInfo()
        gap = float(info.mip_gap) if math.isfinite(info.mip_gap) else None
        primal = int(info.primal_solution_status)
        if model_status == "Optimal":
            return "optimal", gap, f"HiGHS: {model_status}"
        if primal == 2:  # a feasible solution exists
            return "feasible", gap, f"HiGHS: {model_status} with a feasible solution"
        return "no_solution", gap, f"HiGHS: {model_status}, no solution"
    sol_status = prob.sol_status
    if sol_status == pulp.LpSolutionOptimal:
        return "optimal", None, f"CBC: {pulp.LpStatus[prob.status]}"
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible", None, "CBC: stopped with a feasible solution (time limit)"
    return "no_solution", None, f"CBC: {pulp.LpStatus[prob.status]}, no solution"


def _priority(state: PlanState, orders: list[_Order],
              completion: dict[int, int]) -> list[int]:
    """Confirmed orders in the engine's order, the batch's places refilled in the model's
    completion order."""
    batch = {order.order_id for order in orders}
    due = {order.order_id: order.due for order in orders}
    resequenced = iter(sorted(batch, key=lambda oid: (completion[oid], due[oid], oid)))
    return [next(resequenced) if order_id in batch else order_id
            for order_id in state.confirmed_order_ids]
