"""The MILP improver: it reallocates scarce material when turn order is not best, never makes
things worse, stops on a deterministic node limit and reports what the solver really did."""

from __future__ import annotations

import random

import pulp
from factories import FactoryBuilder, day

from optimizer import PlannerSettings, plan
from optimizer.checker import check_plan
from optimizer.solver import cbc, read_status, run_solver


def test_model_is_not_run_when_lateness_is_not_about_material():
    f = FactoryBuilder()
    press = f.workcenter("Press")
    part = f.product("Part", "make")
    f.bom(part, {}, [("Press", press, 1)])
    f.order({part: 8}, asked=5)
    f.order({part: 80}, asked=1)  # late for capacity: reallocating material cannot help
    result = plan(f.build())
    assert result.status == "constructive"
    assert result.solver.status == "not_needed"


def test_constructive_plan_is_kept_when_the_model_finds_nothing_better():
    f = FactoryBuilder()
    resin = f.product("Resin", "none")
    vendor = f.vendor("Resin Co")
    f.purchase(resin, vendor, 10, arrives=20)
    f.order({resin: 10}, asked=3)  # late whoever gets the only supply
    result = plan(f.build())
    assert check_plan(f.build(), result) == []
    assert result.status == "constructive"
    assert result.solver.status == "optimal"
    assert result.solver.objective_after == result.solver.objective_before
    assert "which is kept" in result.solver.message
    assert result.solver.variables > 0 and result.solver.constraints > 0


def test_the_model_may_buy_where_the_constructive_plan_waits_for_supply():
    """An early order takes the stock a later, urgent one needed; the model gives the stock to
    the urgent one and lets the other wait for a purchase."""
    f = FactoryBuilder()
    paint = f.product("Paint", "buy")
    vendor = f.vendor("Paint Pro")
    f.supplier(paint, vendor, lead_days=3)
    f.on_hand(paint, 10)
    relaxed = f.order({paint: 10}, asked=10, priority=1)
    urgent = f.order({paint: 10}, asked=1)
    constructive = plan(f.build(), PlannerSettings(solver="none"))
    assert constructive.order(urgent).status == "late"
    improved = plan(f.build())
    assert improved.status == "optimized"
    assert improved.order(urgent).promise_date == day(0)
    assert improved.order(relaxed).promise_date == day(3)


def hard_model(seed: int = 3) -> pulp.LpProblem:
    """A market-split instance: tiny, and far too hard to prove optimal in 50 ms."""
    rng = random.Random(seed)
    items, rows = 60, 4
    prob = pulp.LpProblem("market_split", pulp.LpMinimize)
    pick = [prob.add_variable(f"x{i}", cat=pulp.LpBinary) for i in range(items)]
    slack = []
    for r in range(rows):
        weights = [rng.randint(0, 99) for _ in range(items)]
        target = sum(weights) // 2
        plus = prob.add_variable(f"p{r}", lowBound=0)
        minus = prob.add_variable(f"m{r}", lowBound=0)
        slack += [plus, minus]
        row = {pick[i]: w for i, w in enumerate(weights)}
        row[plus], row[minus] = 1, -1
        prob.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(row), pulp.LpConstraintEQ,
                                             f"split_{r}", target))
    prob.setObjective(pulp.lpSum(slack))
    return prob


def test_node_limited_highs_is_not_reported_optimal():
    prob = hard_model()
    backend = pulp.HiGHS(msg=False, timeLimit=60, threads=1, mip_max_nodes=1)
    run_solver(prob, backend)
    status, gap, message = read_status(prob, backend)
    assert status in ("feasible", "no_solution"), message
    assert "limit" in message.lower()
    if status == "feasible":
        assert gap is not None and gap > 0


def test_node_limited_cbc_is_not_reported_optimal():
    prob = hard_model()
    backend = cbc(1, 60, 0.0)
    run_solver(prob, backend)
    status, _, message = read_status(prob, backend)
    assert status in ("feasible", "no_solution"), message
