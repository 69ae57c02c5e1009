"""``python -m bench.simulate``: the four policies at several loads and seeds, as a table and a
chart of on-time rate against quoted lead time."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.simulate.model import draw_scenario
from bench.simulate.policies import CapacityPromise, GreedyForwardLoading, OdooLeadTime, Policy
from bench.simulate.run import Outcome, simulate

CONVERSION = 0.6


def policies() -> list[Policy]:
    """The four policies compared, in the order they are reported."""
    return [OdooLeadTime(), GreedyForwardLoading(), CapacityPromise(hold=False),
            # quotations hold the share of capacity they will likely need: the share of
            # quotations that become orders, plus a margin of 0.1
            CapacityPromise(hold=True, hold_share=CONVERSION + 0.1)]


def run_one(load: float, seed: int, working_days: int) -> list[Outcome]:
    scenario = draw_scenario(load, seed, working_days=working_days, convert_share=CONVERSION)
    return [simulate(scenario, policy) for policy in policies()]


def _spread(values: list[float], fmt: str) -> str:
    mean = statistics.fmean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:{fmt}} ± {spread:{fmt}}"


def table(outcomes: list[Outcome]) -> str:
    by_key: dict[tuple[float, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_key[(outcome.load, outcome.policy)].append(outcome)
    order = [p.name for p in policies()]
    header = ("| load | policy | on time | mean days late | p90 days late | quoted lead (days) "
              "| hindsight bound (days) | above bound | utilization |")
    lines = [header, "|" + "---|" * 9]
    for load in sorted({o.load for o in outcomes}):
        for name in order:
            group = by_key[(load, name)]
            lines.append(
                f"| {load:.0%} | {name} | {_spread([o.on_time * 100 for o in group], '.1f')} % "
                f"| {_spread([o.mean_days_late for o in group], '.2f')} "
                f"| {_spread([o.p90_days_late for o in group], '.1f')} "
                f"| {_spread([o.mean_quoted_lead for o in group], '.2f')} "
                f"| {_spread([o.mean_hindsight_lead for o in group], '.2f')} "
                f"| {_spread([o.padding * 100 for o in group], '+.0f')} % "
                f"| {_spread([o.utilization * 100 for o in group], '.0f')} % |")
    return "\n".join(lines)


def chart(outcomes: list[Outcome], path: Path) -> None:
    """On-time rate against mean quoted lead time, one marker per policy and load."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    markers = {0.7: "o", 0.85: "s", 0.95: "^"}
    colours = ["#888888", "#e07b39", "#6aa6d8", "#1f4e9c"]
    figure, axes = plt.subplots(figsize=(9, 6.2), dpi=120)
    for colour, policy in zip(colours, [p.name for p in policies()], strict=True):
        for load in sorted({o.load for o in outcomes}):
            group = [o for o in outcomes if o.policy == policy and o.load == load]
            if not group:
                continue
            x = [o.mean_quoted_lead for o in group]
            y = [o.on_time * 100 for o in group]
            mean_y = statistics.fmean(y)
            spread = statistics.stdev(y) if len(y) > 1 else 0.0
            axes.errorbar(statistics.fmean(x), mean_y,
                          xerr=statistics.stdev(x) if len(x) > 1 else 0,
                          yerr=[[spread], [min(spread, 100 - mean_y)]],  # no rate above 100 %
                          marker=markers.get(load, "D"), color=colour, markersize=8, capsize=3,
                          label=f"{policy} ({load:.0%} load)")
    axes.set_xlabel("mean quoted lead time (calendar days) - shorter is better")
    axes.set_ylabel("orders delivered on or before the promised date (%) - higher is better")
    axes.set_title("Promise quality: kept promises against quoted lead time\n"
                   "(mean and standard deviation over seeds)")
    axes.set_ylim(top=101)
    axes.grid(alpha=0.3)
    figure.legend(fontsize=7, loc="lower center", ncol=3, frameon=False)
    figure.tight_layout(rect=(0, 0.14, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=float, nargs="+", default=[0.70, 0.85, 0.95])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7, 8])
    parser.add_argument("--days", type=int, default=90, help="working days with arrivals")
    parser.add_argument("--png", type=Path, default=Path("docs/simulation.png"))
    parser.add_argument("--jobs", type=int, default=2, help="processes to run in parallel")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tasks = [(load, seed, args.days) for load in args.loads for seed in args.seeds]
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(run_one, *zip(*tasks, strict=True)):
            outcomes.extend(result)
    print(table(outcomes))
    chart(outcomes, args.png)
    print(f"\n{len(tasks)} scenarios ({len(args.seeds)} seeds per load), "
          f"{time.perf_counter() - started:.0f} s; chart written to {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
