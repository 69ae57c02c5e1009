"""Running a PuLP model on HiGHS (default) or CBC within a deterministic node limit, and
reading the solver's own verdict: PuLP reports "Optimal" for runs stopped by a limit."""

from __future__ import annotations

import math

import pulp

from optimizer.plan import SolverStatus


def solve(prob: pulp.LpProblem, solver: str, nodes: int, seconds: float,
          gap: float) -> tuple[SolverStatus, float | None, str]:
    """Solve ``prob`` on a node limit (``seconds`` only as a safety net); (status, gap,
    message) as the solver reports them."""
    if solver == "highs":
        backend: pulp.LpSolver = pulp.HiGHS(msg=False, timeLimit=seconds, gapRel=gap,
                                            threads=1, mip_max_nodes=nodes, random_seed=0)
    else:
        backend = cbc(nodes, seconds, gap)
    run_solver(prob, backend)
    return read_status(prob, backend)


def run_solver(prob: pulp.LpProblem, backend: pulp.LpSolver) -> None:
    """Solve; PuLP 3.3's HiGHS adapter has no entry for HiGHS's "solution limit" status (a node
    limit reached) and raises KeyError after it has set the variables' values: the status is
    then read from HiGHS itself by :func:`read_status`."""
    try:
        prob.solve(backend)
    except KeyError:
        if not isinstance(backend, pulp.HiGHS):
            raise


def cbc(nodes: int, seconds: float, gap: float) -> pulp.LpSolver:
    """CBC with a node limit: cbcbox's when installed, else PuLP's bundled one."""
    options = [f"maxNodes {nodes}", "randomSeed 1", "threads 1"]
    try:
        import cbcbox

        return pulp.COIN_CMD(path=cbcbox.cbc_bin_path(), msg=False, timeLimit=seconds,
                             gapRel=gap, options=options)
    except ImportError:  # PuLP's bundled CBC
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=seconds, gapRel=gap, options=options)


def read_status(prob: pulp.LpProblem,
                 backend: pulp.LpSolver) -> tuple[SolverStatus, float | None, str]:
    """The solver's own verdict. PuLP's ``status`` says Optimal after a limit for HiGHS and
    CBC, so read ``sol_status`` and, for HiGHS, its model status and MIP gap."""
    if isinstance(backend, pulp.HiGHS):
        highs = prob.solverModel
        model_status = highs.modelStatusToString(highs.getModelStatus())
        info = highs.getInfo()
        gap = float(info.mip_gap) if math.isfinite(info.mip_gap) else None
        if model_status == "Optimal":
            return "optimal", gap, f"HiGHS: {model_status}"
        if int(info.primal_solution_status) == 2:
            return "feasible", gap, f"HiGHS: {model_status} with a feasible solution"
        return "no_solution", gap, f"HiGHS: {model_status}, no solution"
    if prob.sol_status == pulp.LpSolutionOptimal:
        return "optimal", None, f"CBC: {pulp.LpStatus[prob.status]}"
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible", None, "CBC: stopped with a feasible solution (node or time limit)"
    return "no_solution", None, f"CBC: {pulp.LpStatus[prob.status]}, no solution"
