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

Its answer is an allocation: the lots it gives each order are set aside for that order (what
is left of them is given back to all before the quotations), the engine replans in its usual
turn and the result is kept only if the plan's objective is better, so every plan is one the
engine built. The solver stops on a node limit (deterministic: the same snapshot gives the same
plan), and its own status and gap are reported.
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
    product_id: int
    uid: int | None  # None: a new purchase from the fastest vendor
    at: float
    qty: float

    @property
    def key(self) -> str:
        return f"{self.product_id}_{'buy' if self.uid is None else self.uid}"


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
    reservations = model.reservations()
    candidate = engine.run(reservations=reservations)
    assembler = Assembler(candidate)
    after = assembler.objective(assembler.orders())
    count = len({need.order_id for need in needs})
    lot_count = len({uid for uid, _, _ in reservations})
    if after < objective - 1e-9:
        return ImproveOutcome(candidate, report(
            f"{message}; {lot_count} lots set aside among {count} orders", after))
    return ImproveOutcome(None, report(
        f"{message}; setting {lot_count} lots aside among {count} orders was no better than "
        "the constructive plan, which is kept", objective))


def _reason_products(reason: Reason | None) -> list[int]:
    found = []
    while reason is not None:
        if reason.kind in MATERIAL_KINDS and reason.product_id is not None:
            found.append(reason.product_id)
        reason = reason.inner
    return found


def _subproblem(engine: Engine, state: PlanState) -> tuple[list[_Need], dict[int, list[_Lot]]]:
    """Needs and lots of the products that late or short confirmed lines wait for, limited
    to ``improvement_batch`` needs. A lot holds what open manufacturing orders and the
    confirmed orders left out of the batch leave of it."""
    demand = engine.demand
    contested: list[int] = []
    for outcome in state.committed.lines:
        late = outcome.at is None or outcome.missing > EPS or \
            outcome.at > demand.ready_by(outcome.order) + EPS
        if late:
            contested.extend(p for p in _reason_products(outcome.reason) if p not in contested)
    free = state.free_lots
    if not contested or free is None:
        return [], {}
    free_uids = {uid for product in contested for uid, _, _ in free.get(product, ())}
    orders = {o.id: o for o in engine.snapshot.sale_orders}
    wanted: dict[tuple[int, int], float] = defaultdict(float)
    waited: dict[tuple[int, int], float] = defaultdict(float)
    taken: list[tuple[tuple[int, int], int, float]] = []
    short: set[tuple[int, int]] = set()
    for consumption in state.base.stock.consumptions:
        lot = consumption.lot
        if consumption.demand.kind == "sale" and lot.product_id in contested and \
                (lot.uid in free_uids or lot.kind == "purchase"):
            key = (consumption.demand.id, lot.product_id)
            wanted[key] += consumption.qty
            waited[key] = max(waited[key], lot.at)
            taken.append((key, lot.uid, consumption.qty))
    for outcome in state.committed.lines:
        if outcome.missing > EPS and outcome.line.product_id in contested:
            wanted[(outcome.order.id, outcome.line.product_id)] += outcome.missing
            short.add((outcome.order.id, outcome.line.product_id))
    needs = [_Need(order_id, product, qty, demand.ready_by(orders[order_id]),
                   waited[(order_id, product)], (order_id, product) in short)
             for (order_id, product), qty in sorted(wanted.items())]
    needs = needs[: engine.settings.improvement_batch]
    kept = {(need.order_id, need.product_id) for need in needs}
    used_outside: dict[int, float] = defaultdict(float)  # by orders left out of the batch
    for key, uid, qty in taken:
        if key not in kept:
            used_outside[uid] += qty
    products = sorted({need.product_id for need in needs})
    lots: dict[int, list[_Lot]] = {p: [] for p in products}
    for product in products:
        for uid, at, qty in free.get(product, ()):
            if qty - used_outside[uid] > EPS:
                lots[product].append(_Lot(product, uid, at, qty - used_outside[uid]))
        if engine.index.products[product].procurement == "buy":
            seller = engine.procurement.fastest_seller(product)
            if seller is not None:
                lots[product].append(_Lot(product, None, engine.procurement.arrival(seller),
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

    def reservations(self) -> list[tuple[int, int, float]]:
        """(lot uid, sale order id, quantity): the stock and open supply the solution gives
        each order (a new purchase needs no setting aside)."""
        found = []
        for d, need in enumerate(self.needs):
            for lot in self.lots[need.product_id]:
                qty = self.x[d, lot.key].value() or 0.0
                if lot.uid is not None and qty > 1e-6:
                    found.append((lot.uid, need.order_id, min(qty, lot.qty)))
        return sorted(found)
