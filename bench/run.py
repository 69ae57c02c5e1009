"""Planner benchmark: per size, what each stage of the plan costs and gains, quote latency,
peak memory, and what Python's cyclic garbage collector would cost.

    python -m bench.run                 # S, M and L, each in its own process
    python -m bench.run --sizes XL --quotes 50 --no-gc-check --no-model-check
    python -m bench.run --sizes S M --solver cbc

Stages: the constructive plan (engine + promises), the material-allocation model (solve and
replan; kept only if better: the gain is the objective it saves), assembling the plan. The plan
is timed as the planner runs it (the model stage only up to ``model_max_orders`` confirmed
orders), in wall-clock and CPU seconds (the CPU figure is steadier on a busy machine); the model
stage is then timed forced on, to show what it would cost and gain at that size. Each size runs
in a fresh process so its peak resident memory is its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import statistics
import subprocess
import sys
import time

from bench.generator import SIZES, generate
from optimizer import PlannerSettings, plan, quote
from optimizer.engine import Engine
from optimizer.snapshot import SaleLine


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(size_name: str, quotes: int, solver: str, seed: int, gc_check: bool,
            model_check: bool) -> dict[str, object]:
    """One size: timings, gains, latencies and memory, as a JSON-able dict."""
    size = SIZES[size_name]
    started = time.perf_counter()
    snapshot = generate(size, seed)
    generated = time.perf_counter() - started
    before_plan = _rss_mb()

    # the plan as the planner runs it by default: the model stage only up to
    # PlannerSettings.model_max_orders confirmed orders
    settings = PlannerSettings(horizon_days=size.horizon_days, solver=solver)  # type: ignore
    started, cpu = time.perf_counter(), time.process_time()
    result = plan(snapshot, settings)
    plan_seconds = time.perf_counter() - started
    plan_cpu = time.process_time() - cpu
    peak_plan = _rss_mb()

    rng = random.Random(seed)
    finished = [p.id for p in snapshot.products if p.procurement == "make" and p.id >= 300_000]
    base = next(o for o in snapshot.sale_orders if o.state == "quotation")
    latencies, cpu_latencies = [], []
    for i in range(quotes):
        lines = tuple(SaleLine(i * 10 + k, rng.choice(finished), rng.randint(1, 8), 1)
                      for k in range(rng.randint(1, 3)))
        inquiry = dataclasses.replace(base, id=9_000_000 + i, name=f"Q{i}", lines=lines)
        started, cpu = time.perf_counter(), time.process_time()
        quote(result, inquiry)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu_latencies.append((time.process_time() - cpu) * 1000)
    latencies.sort()
    cpu_latencies.sort()
    summary = result.summary()

    # what the model stage would cost and gain here: forced on, whatever the size
    model: dict[str, object] = {"model_s": None, "model_status": "not measured",
                                "model_gap": None, "model_gain": None}
    if model_check:
        forced = plan(snapshot, dataclasses.replace(settings, model_max_orders=10**9))
        report = forced.solver
        model = {"model_s": round(forced.timings["improve_cpu"], 2),
                 "model_status": f"{report.solver} {report.status}", "model_gap": report.gap,
                 "model_gain": None if report.objective_before is None
                 or report.objective_after is None
                 else report.objective_before - report.objective_after}
        del forced
    with_gc = None
    if gc_check:  # the engine run with the cyclic collector on, as the planner ran before
        cpu = time.process_time()
        Engine(snapshot, settings).run()
        with_gc = round(time.process_time() - cpu, 2)
    return {
        "size": size_name,
        "orders": f"{size.manufacturing_orders:,} MOs, {size.confirmed_orders:,} confirmed, "
                  f"{size.quotations:,} quotations, {size.workcenters} work centers, "
                  f"{size.products:,} products",
        "generate_s": round(generated, 2),
        "plan_s": round(plan_seconds, 2),
        "plan_cpu_s": round(plan_cpu, 2),
        "constructive_s": round(result.timings["constructive_cpu"], 2),
        "constructive_with_gc_s": with_gc,
        "assemble_s": round(result.timings["assemble_cpu"], 2),
        "model_run_s": round(result.timings["improve_cpu"], 2),
        "stage": f"{result.solver.solver} {result.solver.status}",
        **model,
        "objective": result.objective,
        "plan_status": result.status,
        "quote_median_ms": round(statistics.median(latencies), 2) if latencies else None,
        "quote_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2)
        if latencies else None,
        "quote_cpu_p95_ms": round(cpu_latencies[int(0.95 * (len(cpu_latencies) - 1))], 2)
        if cpu_latencies else None,
        "objective_before_model": result.solver.objective_before,
        "rss_before_plan_mb": before_plan,
        "peak_rss_mb": max(peak_plan, _rss_mb()),
        "peak_rss_plan_mb": peak_plan,
        "late": summary["late"],
        "orders_planned": summary["orders"],
        "cannot_plan": summary["cannot_plan"],
        "jobs": summary["jobs"],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the sizes asked for, each in its own process, and print one table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["S", "M", "L"], choices=list(SIZES))
    parser.add_argument("--quotes", type=int, default=200, help="inquiries timed per size")
    parser.add_argument("--solver", default="highs", choices=["highs", "cbc", "none"])
    parser.add_argument("--no-gc-check", action="store_true",
                        help="skip the extra engine run with the cyclic collector on")
    parser.add_argument("--no-model-check", action="store_true",
                        help="skip the extra plan with the model stage forced on")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.quotes, args.solver, args.seed,
                                 not args.no_gc_check, not args.no_model_check)))
        return 0
    print("CPU seconds but 'plan s' (wall clock); quotes in ms, wall clock and p95 in CPU; "
          "'with GC': the engine run with the cyclic collector on; 'model s': the model stage "
          "as it runs, 'forced s' forced on")
    print(f"{'size':<5}{'plan s':>8}{'cpu s':>7}{'constr. s':>10}{'with GC s':>10}"
          f"{'model s':>8}{'assemble s':>11}{'quote p50':>10}{'quote p95':>10}{'p95 cpu':>8}"
          f"{'peak MB':>9}"
          f"{'forced s':>9}  model stage")
    for size in args.sizes:
        command = [sys.executable, "-m", "bench.run", "--one", size, "--quotes",
                   str(args.quotes), "--solver", args.solver, "--seed", str(args.seed)]
        command += ["--no-gc-check"] * args.no_gc_check + ["--no-model-check"] * \
            args.no_model_check
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"size {size} failed:\n{child.stderr}", file=sys.stderr)
            return 1
        row = json.loads(child.stdout.strip().splitlines()[-1])
        gap = "" if row["model_gap"] is None else f", gap {row['model_gap']:.2%}"
        gain = "" if row["model_gain"] is None else f", saves {row['model_gain']:g}"
        print(f"{row['size']:<5}{row['plan_s']:>8}{row['plan_cpu_s']:>7}"
              f"{row['constructive_s']:>10}{row['constructive_with_gc_s'] or '-':>10}"
              f"{row['model_run_s']:>8}{row['assemble_s']:>11}{row['quote_median_ms'] or '-':>10}"
              f"{row['quote_p95_ms'] or '-':>10}{row['quote_cpu_p95_ms'] or '-':>8}"
              f"{row['peak_rss_mb']:>9}"
              f"{row['model_s'] if row['model_s'] is not None else '-':>9}  "
              f"runs: {row['stage']}; forced on: {row['model_status']}{gap}{gain} of "
              f"{row['objective_before_model'] or row['objective']:g}; plan "
              f"{row['plan_status']}, objective {row['objective']:g}; {row['orders']}; late "
              f"{row['late']} of {row['orders_planned']}, cannot plan {row['cannot_plan']}, "
              f"{row['jobs']} jobs, memory before planning {row['rss_before_plan_mb']} MB, "
              f"after {row['peak_rss_plan_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
