"""Planner benchmark: for each size, full-plan time, quote latency, peak memory, solver status.

    python -m bench.run            # S, M and L, each in its own process
    python -m bench.run --sizes S M --quotes 300

Each size runs in a fresh process so its peak resident memory is its own.
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
from optimizer.snapshot import SaleLine


def measure(size_name: str, quotes: int, time_limit: float, seed: int) -> dict[str, object]:
    size = SIZES[size_name]
    started = time.perf_counter()
    snapshot = generate(size, seed)
    generated = time.perf_counter() - started

    settings = PlannerSettings(horizon_days=size.horizon_days, time_limit_seconds=time_limit)
    started = time.perf_counter()
    result = plan(snapshot, settings)
    plan_seconds = time.perf_counter() - started

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
    return {
        "size": size_name,
        "orders": f"{size.manufacturing_orders} MOs, {size.confirmed_orders} confirmed, "
                  f"{size.quotations} quotations",
        "workcenters": size.workcenters,
        "products": size.products,
        "generate_s": round(generated, 2),
        "plan_s": round(plan_seconds, 2),
        "constructive_s": round(result.timings["constructive"], 2),
        "improve_s": round(result.timings["improve"], 2),
        "quote_median_ms": round(statistics.median(latencies), 2),
        "quote_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "plan_status": result.status,
        "solver": result.solver.solver,
        "solver_status": result.solver.status,
        "gap": result.solver.gap,
        "late": summary["late"],
        "cannot_plan": summary["cannot_plan"],
        "jobs": summary["jobs"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["S", "M", "L"], choices=sorted(SIZES))
    parser.add_argument("--quotes", type=int, default=200, help="inquiries timed per size")
    parser.add_argument("--time-limit", type=float, default=5.0,
                        help="MILP time limit in seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.quotes, args.time_limit, args.seed)))
        return 0
    header = (f"{'size':<5}{'plan s':>8}{'quote p50 ms':>14}{'quote p95 ms':>14}"
              f"{'peak MB':>9}  {'solver':<22}{'gap':>7}  orders")
    print(header)
    for size in args.sizes:
        child = subprocess.run(
            [sys.executable, "-m", "bench.run", "--one", size, "--quotes", str(args.quotes),
             "--time-limit", str(args.time_limit), "--seed", str(args.seed)],
            capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"size {size} failed:\n{child.stderr}", file=sys.stderr)
            return 1
        row = json.loads(child.stdout.strip().splitlines()[-1])
        gap = "-" if row["gap"] is None else f"{row['gap']:.1%}"
        solver = f"{row['solver']} {row['solver_status']}"
        print(f"{row['size']:<5}{row['plan_s']:>8}{row['quote_median_ms']:>14}"
              f"{row['quote_p95_ms']:>14}{row['peak_rss_mb']:>9}  {solver:<22}{gap:>7}  "
              f"{row['orders']}, {row['workcenters']} work centers, {row['products']} products "
              f"(late {row['late']}, cannot plan {row['cannot_plan']}, "
              f"constructive {row['constructive_s']} s, improve {row['improve_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
