"""How a quote's cost grows with its lines: one inquiry of N lines against the plan of a bench
factory, timed in CPU seconds (the quote path of ``/quote``, without HTTP).

    python -m bench.quote_lines --size S --lines 250 500 1000 2000
    python -m bench.quote_lines --size S --lines 2000 --profile   # where the time goes
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import random
import time

from bench.generator import SIZES, generate
from optimizer import PlannerSettings, plan, quote
from optimizer.snapshot import SaleLine


def main() -> None:
    """Plan once, then time one quote per number of lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", choices=sorted(SIZES))
    parser.add_argument("--lines", type=int, nargs="+", default=[250, 500, 1000, 2000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile the largest quote")
    args = parser.parse_args()
    size = SIZES[args.size]
    snapshot = generate(size, args.seed)
    result = plan(snapshot, PlannerSettings(horizon_days=size.horizon_days, solver="none"))
    finished = [p.id for p in snapshot.products if p.procurement == "make" and p.id >= 300_000]
    base = next(o for o in snapshot.sale_orders if o.state == "quotation")
    rng = random.Random(args.seed)
    print(f"{'lines':>6} {'seconds':>8} {'ms/line':>8}")
    for count in args.lines:
        lines = tuple(SaleLine(k + 1, rng.choice(finished), rng.randint(1, 8), 1)
                      for k in range(count))
        inquiry = dataclasses.replace(base, id=9_000_000 + count, lines=lines)
        started = time.process_time()
        quote(result, inquiry)
        seconds = time.process_time() - started
        print(f"{count:>6} {seconds:>8.2f} {seconds / count * 1000:>8.2f}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(quote, result, inquiry)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
