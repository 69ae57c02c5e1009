"""The MILP improver: it helps when earliest-due-first is not best, never makes things worse,
and reports what the solver really did."""

from __future__ import annotations

import random

import pulp
import pytest
from factories import FactoryBuilder, day

from optimizer import PlannerSettings, plan
from optimizer.checker import check_plan
from optimizer.improve import _cbc, _read_status


def tardiness_trap():
    """Earliest-due-first puts a long order that will be late anyway in front of three short
    ones, making them all late; running the short ones first leaves only the long one late."""
    f = FactoryBuilder()
    press = f.workcenter("Press")
    part = f.product("Part", "make")
    f.bom(part, {}, [("Press", press, 0, 1)])
    long_order = f.order({part: 32}, asked=2, name="LONG")
    shorts = [f.order({part: 8}, asked=3, name=f"SHORT{i}") for i in range(3)]
    return f.build(), long_order, shorts


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_model_resequences_orders_to_cut_lateness(solver):
    snapshot, long_order, shorts = tardiness_trap()
    constructive = plan(snapshot, PlannerSettings(solver="none"))
    improved = plan(snapshot, PlannerSettings(solver=solver, time_limit_seconds=20))
    assert check_plan(snapshot, improved) == []
    # earliest due first: LONG Mon-Thu (1 day late), shorts Fri, Mon, Tue (1 + 4 + 5 days late)
    assert [constructive.order(o).promise_date for o in shorts] == [day(4), day(7), day(8)]
    assert improved.status == "optimized"
    # the three short orders are alike, so any order among them is as good
    assert sorted(improved.order(o).promise_date for o in shorts) == [day(0), day(1), day(2)]
    assert improved.order(long_order).promise_date == day(8)
    report = improved.solver
    assert report.status == "optimal"
    assert report.objective_after < report.objective_before
    assert report.variables > 0 and report.constraints > 0


def test_model_is_not_run_when_every_confirmed_order_is_on_time():
    f = FactoryBuilder()
    press = f.workcenter("Press")
    part = f.product("Part", "make")
    f.bom(part, {}, [("Press", press, 0, 1)])
    f.order({part: 8}, asked=5)
    result = plan(f.build())
    assert result.status == "constructive"
    assert result.solver.status == "not_needed"


def test_constructive_plan_is_kept_when_the_model_finds_nothing_better():
    f = FactoryBuilder()
    press = f.workcenter("Press")
    part = f.product("Part", "make")
    f.bom(part, {}, [("Press", press, 0, 1)])
    f.order({part: 80}, asked=1)  # late whatever the sequence
    result = plan(f.build())
    assert result.status == "constructive"
    assert result.solver.status in ("optimal", "feasible")
    assert result.solver.objective_after == result.solver.objective_before
    assert "constructive plan, which is kept" in result.solver.message


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


def test_time_limited_highs_is_not_reported_optimal():
    prob = hard_model()
    backend = pulp.HiGHS(msg=False, timeLimit=0.05, threads=1)
    prob.solve(backend)
    status, gap, message = _read_status(prob, backend)
    assert status in ("feasible", "no_solution"), message
    assert "Time limit" in message
    if status == "feasible":
        assert gap is not None and gap > 0


def test_time_limited_cbc_is_not_reported_optimal():
    prob = hard_model()
    backend = _cbc(0.5, 0.0)
    prob.solve(backend)
    status, _, message = _read_status(prob, backend)
    assert status in ("feasible", "no_solution"), message
