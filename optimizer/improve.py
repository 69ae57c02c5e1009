"""Bounded improvement where it pays: allocating scarce material among confirmed orders.

The constructive plan serves confirmed orders in turn, so the first in line takes material a
later order needed more (an order due later can wait for the next delivery; an earlier one
cannot). When some confirmed lines are late or short for material, a small MILP reallocates the
contested lots (stock, open supply and, for bought products, a new purchase at the vendor's lead
time) among the orders that use them:

* variables: ``x[d, l]`` quantity of lot ``l`` for demand ``d``, ``use[d, l]`` whether it uses
  the lot at all, ``served[d]`` whether it is covered in full, ``late[d]`` its days late;
* constraints, named: ``need_<d>`` (covered in full or not at all), ``lot_<l>`` (a lot's
  quantity), ``use_<d>_<l>`` (linking), ``late_<d>_<l>`` (waiting for a lot makes it late);
* objective: the plan's own weights — days late, and a large penalty per demand not covered.

Its answer is a new turn for the confirmed orders; the engine replans in that turn and the
result is kept only if the plan's objective is better, so every plan is one the engine built.
The solver stops on a node limit (deterministic: the same snapshot gives the same plan), and
its own status and gap are reported.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import pulp

from optimizer.assemble import CANNOT_PLAN_WEIGHT, TARDINESS_WEIGHT, Assembler
from optimizer.calendar import EPS
from optimizer.demand import MINUTES_PER_DAY
from optimizer.engine import Engine, PlanState
from optimizer.plan import SolverReport, SolverStatus
from optimizer.reason import Reason
from optimizer.solver import solve

MATERIAL_KINDS = ("stock", "supply", "purchase", "faster_vendor", "partial", "no_source")


@dataclass
class ImproveOutcome:
    """The better plan's state (None to keep the constructive one) and the solver's report."""

    state: PlanState | None
    report: SolverReport


@dataclass(frozen=True)
class _Lot:
    key: str
    at: float
    qty: float


@dataclass(frozen=True)
class _Need:
    order_id: int
    product_id: int
    qty: float
    due: float
    waited_until: float  # the latest lot it uses in the constructive plan
    short: bool  # the constructive plan cannot cover it in full

    def constructive_value(self) -> float:
        """The model's objective for this need as the constructive plan allocates it."""
        late = max(0.0, self.waited_until - self.due) / MINUTES_PER_DAY
        return TARDINESS_WEIGHT * late - (0.0 if self.short else CANNOT_PLAN_WEIGHT)


def improve(engine: Engine, state: PlanState, objective: float) -> ImproveOutcome:
    """Try to cut lateness and shortage of confirmed orders; never returns a worse plan."""
    settings = engine.settings
    name = {"highs": "HiGHS", "cbc": "CBC", "none": "none"}[settings.solver]
    if settings.solver == "none":
        return ImproveOutcome(None, SolverReport(name, "disabled",
                                                 "improvement switched off (solver = none)"))
    confirmed = len(state.confirmed_order_ids)
    if confirmed > settings.model_max_orders:
        return ImproveOutcome(None, SolverReport(
            name, "not_needed", f"not run for {confirmed} confirmed orders (above "
            f"model_max_orders = {settings.model_max_orders}, where it gains nothing)",
            objective_before=objective, objective_after=objective))
    needs, lots = _subproblem(engine, state)
    if not needs:
        return ImproveOutcome(None, SolverReport(
            name, "not_needed", "no confirmed order is late or short for material that "
            "another confirmed order uses", objective_before=objective, objective_after=objective))
    started = time.perf_counter()
    model = _Model(needs, lots)
    try:
        status, gap, message = model.solve(settings.solver, settings.solver_node_limit,
                                           settings.time_limit_seconds, settings.mip_gap)
    except (pulp.PulpSolverError, OSError) as error:
        return ImproveOutcome(None, SolverReport(
            name, "error", f"{type(error).__name__}: {error}",
            seconds=time.perf_counter() - started, objective_before=objective,
            objective_after=objective, variables=model.variables, constraints=model.constraints))

    def report(text: str, after: float) -> SolverReport:
        return SolverReport(name, status, text, seconds=time.perf_counter() - started, gap=gap,
                            objective_before=objective, objective_after=after,
                            variables=model.variables, constraints=model.constraints)

    if status not in ("optimal", "feasible"):
        return ImproveOutcome(None, report(message, objective))
    # the replan costs a whole constructive run: only where the model sees a gain
    baseline = sum(need.constructive_value() for need in needs)
    if model.value() >= baseline - TARDINESS_WEIGHT / 2:
        return ImproveOutcome(None, report(
            f"{message}; the model finds no better allocation than the constructive plan's, "
            "which is kept", objective))
    priority = _priority(state, model.order_keys())
    if priority == state.confirmed_order_ids:  # the engine would build the same plan again
        return ImproveOutcome(None, report(
            f"{message}; the model keeps the constructive turn, which is kept", objective))
    candidate = engine.run(confirmed_priority=priority)
    assembler = Assembler(candidate)
    after = assembler.objective(assembler.orders())
    count = len({need.order_id for need in needs})
    lot_count = sum(len(product_lots) for product_lots in lots.values())
    if after < objective - 1e-9:
        return ImproveOutcome(candidate, report(
            f"{message}; {lot_count} lots reallocated among {count} orders", after))
    return ImproveOutcome(None, report(
        f"{message}; reallocating {lot_count} lots among {count} orders was no better than the "
        "constructive plan, which is kept", objective))


def _reason_products(reason: Reason | None) -> list[int]:
    found = []
    while reason is not None:
        if reason.kind in MATERIAL_KINDS and reason.product_id is not None:
            found.append(reason.product_id)
        reason = reason.inner
    return found


def _subproblem(engine: Engine, state: PlanState) -> tuple[list[_Need], dict[int, list[_Lot]]]:
    """Needs and lots of the products that late or short confirmed lines wait for, limited
    to ``improvement_batch`` needs."""
    demand = engine.demand
    contested: list[int] = []
    for outcome in state.committed.lines:
        late = outcome.at is None or outcome.missing > EPS or \
            outcome.at > demand.ready_by(outcome.order) + EPS
        if late:
            contested.extend(p for p in _reason_products(outcome.reason) if p not in contested)
    if not contested:
        return [], {}
    orders = {o.id: o for o in engine.snapshot.sale_orders}
    wanted: dict[tuple[int, int], float] = defaultdict(float)
    waited: dict[tuple[int, int], float] = defaultdict(float)
    short: set[tuple[int, int]] = set()
    for consumption in state.base.stock.consumptions:
        product = consumption.lot.product_id
        if consumption.demand.kind == "sale" and product in contested and \
                consumption.lot.kind in ("stock", "supply", "purchase"):
            key = (consumption.demand.id, product)
            wanted[key] += consumption.qty
            waited[key] = max(waited[key], consumption.lot.at)
    for outcome in state.committed.lines:
        if outcome.missing > EPS and outcome.line.product_id in contested:
            wanted[(outcome.order.id, outcome.line.product_id)] += outcome.missing
            short.add((outcome.order.id, outcome.line.product_id))
    needs = [_Need(order_id, product, qty, demand.ready_by(orders[order_id]),
                   waited[(order_id, product)], (order_id, product) in short)
             for (order_id, product), qty in sorted(wanted.items())]
    needs = needs[: engine.settings.improvement_batch]
    products = sorted({need.product_id for need in needs})
    lots: dict[int, list[_Lot]] = {p: [] for p in products}
    ledger = engine.orders.initial_ledger([])
    for product in products:
        for lot in ledger.stock.lots.get(product, []):
            lots[product].append(_Lot(f"{product}_{lot.uid}", lot.at, lot.qty))
        if engine.index.products[product].procurement == "buy":
            seller = engine.procurement.fastest_seller(product)
            if seller is not None:
                lots[product].append(_Lot(f"{product}_buy", engine.procurement.arrival(seller),
                                          sum(n.qty for n in needs if n.product_id == product)))
    return [n for n in needs if lots[n.product_id]], lots


class _Model:
    """The allocation MILP, built in named stages."""

    def __init__(self, needs: list[_Need], lots: dict[int, list[_Lot]]):
        self.needs = needs
        self.lots = lots
        self.prob = pulp.LpProblem("allocate_scarce_material", pulp.LpMinimize)
        self.x: dict[tuple[int, str], pulp.LpVariable] = {}
        self.use: dict[tuple[int, str], pulp.LpVariable] = {}
        self.served: dict[int, pulp.LpVariable] = {}
        self.late: dict[int, pulp.LpVariable] = {}
        self._variables()
        self._constraints()
        self._objective()
        self.variables = self.prob.numVariables()
        self.constraints = self.prob.numConstraints()

    def _variables(self) -> None:
        for d, need in enumerate(self.needs):
            self.served[d] = self.prob.add_variable(f"served_{d}", cat=pulp.LpBinary)
            self.late[d] = self.prob.add_variable(f"late_{d}", lowBound=0)
            for lot in self.lots[need.product_id]:
                self.x[d, lot.key] = self.prob.add_variable(f"x_{d}_{lot.key}", lowBound=0)
                self.use[d, lot.key] = self.prob.add_variable(f"use_{d}_{lot.key}",
                                                              cat=pulp.LpBinary)

    def _add(self, terms: dict[pulp.LpVariable, float], sense: int, name: str,
             rhs: float) -> None:
        self.prob.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms), sense, name,
                                                  rhs))

    def _constraints(self) -> None:
        users: dict[str, list[int]] = defaultdict(list)
        for d, need in enumerate(self.needs):
            row = {self.x[d, lot.key]: 1.0 for lot in self.lots[need.product_id]}
            row[self.served[d]] = -need.qty
            self._add(row, pulp.LpConstraintEQ, f"need_{d}", 0.0)
            for lot in self.lots[need.product_id]:
                users[lot.key].append(d)
                self._add({self.x[d, lot.key]: 1.0, self.use[d, lot.key]: -need.qty},
                          pulp.LpConstraintLE, f"use_{d}_{lot.key}", 0.0)
                wait = (lot.at - need.due) / MINUTES_PER_DAY
                if wait > 0:
                    self._add({self.late[d]: 1.0, self.use[d, lot.key]: -wait},
                              pulp.LpConstraintGE, f"late_{d}_{lot.key}", 0.0)
        for product in sorted(self.lots):
            for lot in self.lots[product]:
                if users[lot.key]:
                    self._add({self.x[d, lot.key]: 1.0 for d in users[lot.key]},
                              pulp.LpConstraintLE, f"lot_{lot.key}", lot.qty)

    def _objective(self) -> None:
        terms: dict[pulp.LpVariable, float] = {}
        for d in range(len(self.needs)):
            terms[self.late[d]] = TARDINESS_WEIGHT
            terms[self.served[d]] = -CANNOT_PLAN_WEIGHT
        self.prob.setObjective(pulp.LpAffineExpression(terms))

    def solve(self, solver: str, nodes: int, seconds: float,
              gap: float) -> tuple[SolverStatus, float | None, str]:
        """Solve on a node limit; (status, gap, message) as the solver reports them."""
        return solve(self.prob, solver, nodes, seconds, gap)

    def value(self) -> float:
        """The objective of the solution found."""
        return float(pulp.value(self.prob.objective) or 0.0)

    def order_keys(self) -> dict[int, tuple[int, float, float]]:
        """Per order, as the model serves it: (0 when all its needs are covered, else 1; days
        late; when the first lot it uses arrives), so who gets the early lots goes first."""
        keys: dict[int, tuple[int, float, float]] = {}
        for d, need in enumerate(self.needs):
            short = 0 if (self.served[d].value() or 0) > 0.5 else 1
            late = round(self.late[d].value() or 0.0, 6)
            used = [lot.at for lot in self.lots[need.product_id]
                    if (self.x[d, lot.key].value() or 0.0) > 1e-6]
            first = min(used, default=float("inf"))
            previous = keys.get(need.order_id, (0, 0.0, float("inf")))
            keys[need.order_id] = (max(previous[0], short), max(previous[1], late),
                                   min(previous[2], first))
        return keys


def _priority(state: PlanState, keys: dict[int, tuple[int, float, float]]) -> list[int]:
    """Confirmed orders in the engine's turn, the model's orders refilled in its order: those
    it covers in full first, the least late first."""
    batch = [order_id for order_id in state.confirmed_order_ids if order_id in keys]
    turn = {order_id: i for i, order_id in enumerate(state.confirmed_order_ids)}
    resequenced = iter(sorted(batch, key=lambda oid: (*keys[oid], turn[oid])))
    return [next(resequenced) if order_id in keys else order_id
            for order_id in state.confirmed_order_ids]
