"""The ``capacity-promise`` command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from optimizer import PlannerSettings, plan
from optimizer.demo import demo_snapshot
from optimizer.report import html_report, text_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capacity-promise",
        description="Delivery dates the factory can keep, and the purchases they need.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="plan the bundled demo factory and print promises and purchases "
                     "(no Odoo needed)")
    demo.add_argument("--date", type=_date, default=None,
                      help="plan as of this day (default: today)")
    demo.add_argument("--html", type=Path, default=Path("demo-report.html"),
                      help="where to write the HTML report (default: %(default)s)")
    demo.add_argument("--hold", action="store_true",
                      help="let open quotations hold capacity for later ones")
    demo.add_argument("--solver", choices=["highs", "cbc", "none"], default="highs",
                      help="MILP solver that improves the constructive plan "
                           "(default: %(default)s)")
    demo.set_defaults(handler=run_demo)
    return parser


def run_demo(args: argparse.Namespace) -> int:
    snapshot = demo_snapshot(args.date)
    result = plan(snapshot, PlannerSettings(quotations_hold_capacity=args.hold,
                                            solver=args.solver))
    print(text_report(result, snapshot))
    args.html.write_text(html_report(result, snapshot), encoding="utf-8")
    print(f"\nHTML report with the capacity load per work center: {args.html.resolve()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except BrokenPipeError:  # output piped into head or less that closed early
        sys.stderr.close()
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
