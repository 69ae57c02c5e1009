"""Planner benchmark: per size, what each stage of the plan costs and gains, quote latency,
peak memory, and what Python's cyclic garbage collector would cost.

    python -m bench.run                 # S, M and L, each in its own process
    python -m bench.run --sizes XL --quotes 50
    python -m bench.run --sizes S M --solver cbc

Stages: the constructive plan (engine + promises), the material-allocation model (solve and
replan; kept only if better: the gain is the objective it saves), assembling the plan. Each size
runs in a fresh process so its peak resident memory is its own.
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


def measure(size_name: str, quotes: int, solver: str, seed: int, gc_check: bool
            ) -> dict[str, object]:
    """One size: timings, gains, latencies and memory, as a JSON-able dict."""
    size = SIZES[size_name]
    started = time.perf_counter()
    snapshot = generate(size, seed)
    generated = time.perf_counter() - started
    before_plan = _rss_mb()

    # the model stage is forced on to show what it gains and costs at every size; by default
    # the planner runs it only up to PlannerSettings.model_max_orders confirmed orders
    settings = PlannerSettings(horizon_days=size.horizon_days, solver=solver,  # type: ignore
                               model_max_orders=10**9)
    with_gc = None
    if gc_check:  # the engine run with the cyclic collector on, as the planner ran before
        started = time.perf_counter()
        Engine(snapshot, settings).run()
        with_gc = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    result = plan(snapshot, settings)
    plan_seconds = time.perf_counter() - started
    peak_plan = _rss_mb()

    rng = random.Random(seed)
    finished = [p.id for p in snapshot.products if p.procurement == "make" and p.id >= 300_000]
    base = next(o for o in snapshot.sale_orders if o.state == "quotation")
    latencies = []
    for i in range(quotes):
        lines = tuple(SaleLine(i * 10 + k, rng.choice(finished), rng.randint(1, 8), 1)
                      for k in range(rng.randint(1, 3)))
        inquiry = dataclasses.replace(base, id=9_000_000 + i, name=f"Q{i}", lines=lines)
        started = time.perf_counter()
        quote(result, inquiry)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()

    summary = result.summary()
    report = result.solver
    gain = None
    if report.objective_before is not None and report.objective_after is not None:
        gain = report.objective_before - report.objective_after
    return {
        "size": size_name,
        "orders": f"{size.manufacturing_orders:,} MOs, {size.confirmed_orders:,} confirmed, "
                  f"{size.quotations:,} quotations, {size.workcenters} work centers, "
                  f"{size.products:,} products",
        "generate_s": round(generated, 2),
        "plan_s": round(plan_seconds, 2),
        "constructive_s": round(result.timings["constructive"], 2),
        "constructive_with_gc_s": with_gc,
        "model_s": round(result.timings["improve"], 2),
        "assemble_s": round(result.timings["assemble"], 2),
        "model_status": f"{report.solver} {report.status}",
        "model_gap": report.gap,
        "model_gain": gain,
        "objective": result.objective,
        "plan_status": result.status,
        "quote_median_ms": round(statistics.median(latencies), 2) if latencies else None,
        "quote_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2)
        if latencies else None,
        "rss_before_plan_mb": before_plan,
        "peak_rss_mb": max(peak_plan, _rss_mb()),
        "late": summary["late"],
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
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.quotes, args.solver, args.seed,
                                 not args.no_gc_check)))
        return 0
    print(f"{'size':<5}{'plan s':>8}{'constr. s':>10}{'with GC s':>10}{'model s':>9}"
          f"{'assemble s':>11}{'quote p50':>10}{'quote p95':>10}{'peak MB':>9}  model")
    for size in args.sizes:
        command = [sys.executable, "-m", "bench.run", "--one", size, "--quotes",
                   str(args.quotes), "--solver", args.solver, "--seed", str(args.seed)]
        if args.no_gc_check:
            command.append("--no-gc-check")
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"size {size} failed:\n{child.stderr}", file=sys.stderr)
            return 1
        row = json.loads(child.stdout.strip().splitlines()[-1])
        gap = "" if row["model_gap"] is None else f", gap {row['model_gap']:.2%}"
        gain = "" if row["model_gain"] is None else f", saves {row['model_gain']:g}"
        print(f"{row['size']:<5}{row['plan_s']:>8}{row['constructive_s']:>10}"
              f"{row['constructive_with_gc_s'] or '-':>10}{row['model_s']:>9}"
              f"{row['assemble_s']:>11}{row['quote_median_ms'] or '-':>10}"
              f"{row['quote_p95_ms'] or '-':>10}{row['peak_rss_mb']:>9}  "
              f"{row['model_status']}{gap}{gain} of {row['objective']:g} "
              f"({row['plan_status']}); {row['orders']}; late {row['late']}, cannot plan "
              f"{row['cannot_plan']}, {row['jobs']} jobs, memory before planning "
              f"{row['rss_before_plan_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
