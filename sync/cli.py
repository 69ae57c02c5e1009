"""The ``capacity-promise`` command."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from optimizer import Plan, PlannerSettings, Snapshot, SnapshotError, plan, quote
from optimizer.demo import demo_snapshot
from optimizer.report import html_report, text_report
from optimizer.snapshot import SaleLine, SaleOrder
from sync import logs
from sync.config import ConfigError, Settings, load_settings
from sync.odoo import OdooError
from sync.runs import RunError
from sync.state import StateError

if TYPE_CHECKING:
    from sync.service import PlanningService



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

    sync = commands.add_parser(
        "sync", help="read Odoo, plan, and write the plan back through the addon")
    sync.add_argument("--once", action="store_true", required=True,
                      help="one read-plan-write cycle, then exit (use 'serve' to keep going)")
    sync.add_argument("--dry-run", action="store_true",
                      help="read and plan, print the summary, write nothing to Odoo")
    sync.set_defaults(handler=run_sync)

    defaults = Settings()
    serve = commands.add_parser(
        "serve", help="poll Odoo and answer /quote, /health, /metrics and /openapi.json "
                      "over HTTP",
        description="Poll Odoo and answer /quote, /health, /metrics and /openapi.json over "
                    "HTTP.",
        epilog=f"Every CAPACITY_PROMISE_POLL_INTERVAL seconds (default "
               f"{defaults.poll_interval:g}) a poll asks Odoo one cheap question per family "
               "of models (about ten small calls in all) and reads only the records that "
               "changed, in pages of CAPACITY_PROMISE_PAGE_SIZE (default "
               f"{defaults.page_size}). It plans only when something changed, on the first "
               "poll of a new day, or when working time passed and the plan is older than "
               f"CAPACITY_PROMISE_REPLAN_INTERVAL (default {defaults.replan_interval:g} s); "
               "when only quotations changed, only they are planned again. A plan is sent to "
               "Odoo only when it differs from the one Odoo shows.")
    serve.add_argument("--host", help="address to listen on (default: "
                                      "CAPACITY_PROMISE_LISTEN_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: CAPACITY_PROMISE_LISTEN_PORT "
                                                "or 8080)")
    serve.set_defaults(handler=run_serve)

    quote = commands.add_parser(
        "quote", help="what-if: the earliest dates for one quotation, printed (reserves and "
                      "writes nothing)")
    quote.add_argument("order", help="the quotation's number (S00042) or id")
    quote.add_argument("--json", action="store_true", help="print the answer as JSON")
    quote.set_defaults(handler=run_quote)

    for command in (sync, serve, quote):
        command.add_argument("--config", type=Path,
                             help="a file of CAPACITY_PROMISE_*=value lines (the environment "
                                  "wins)")
        command.add_argument("-v", "--verbose", action="store_true", help="log more")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(file=args.config)
    level = "DEBUG" if args.verbose else settings.log_level.upper()
    logs.configure(level, settings.secret_values(), settings.log_format == "json")
    return settings


def _service(settings: Settings, progress: bool = False) -> PlanningService:
    from sync.service import PlanningService

    def show(model: str, count: int) -> None:
        print(f"\r  reading {model}: {count} records", end="", file=sys.stderr, flush=True)

    return PlanningService(settings, progress=show if progress else None)


def run_sync(args: argparse.Namespace) -> int:
    settings = _settings(args)
    service = _service(settings, progress=sys.stderr.isatty())
    current = service.run_once(write=not args.dry_run)
    summary = current.plan.summary()
    outcome = service.metrics.last_poll.outcome if service.metrics.last_poll else ""
    where = {"applied": "written to Odoo",
             "unchanged": "the plan Odoo already shows, nothing written"}.get(
        outcome, "not written (dry run)")
    print(f"run {current.run_key}: {summary['orders']} orders ({summary['on_time']} on time, "
          f"{summary['late']} late, {summary['cannot_plan']} cannot plan), "
          f"{summary['purchases']} purchase suggestions, plan {summary['status']}, "
          f"solver {summary['solver']}; {where}")
    for warning in current.plan.warnings:
        print(f"  warning: {warning}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from sync.server import serve

    settings = _settings(args)
    service = _service(settings)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    serve(service, args.host or settings.listen_host, args.port or settings.listen_port,
          settings.poll_interval)
    return 0


def run_quote(args: argparse.Namespace) -> int:
    from sync.service import QuoteError

    settings = _settings(args)
    service = _service(settings, progress=sys.stderr.isatty())
    service.client.connect()
    if args.order.isdigit():
        order_id = int(args.order)
    else:
        found = service.client.search_read("sale.order", [("name", "=", args.order)],
                                           ["name"], limit=1)
        if not found:
            print(f"no sale order named {args.order} in Odoo", file=sys.stderr)
            return 2
        order_id = found[0]["id"]
    service.run_once(write=False)
    try:
        answer = service.quote({"order_id": order_id})
    except QuoteError as error:
        print(f"cannot quote {args.order}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    print(f"{args.order}: {answer['promise_date'] or 'cannot be planned'} "
          f"({answer['status'].replace('_', ' ')}) - {answer['reason']}")
    for line in answer["lines"]:
        print(f"  line {line['line_id']}: {line['promise_date'] or '-'} "
              f"({line['status'].replace('_', ' ')}) - {line['reason']}")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    snapshot = demo_snapshot(args.date)
    result = plan(snapshot, PlannerSettings(quotations_hold_capacity=args.hold,
                                            solver=args.solver))
    print(text_report(result, snapshot))
    print()
    print(what_if(result, snapshot))
    args.html.write_text(html_report(result, snapshot), encoding="utf-8")
    print(f"\nHTML report with the capacity load per work center: {args.html.resolve()}")
    return 0


def what_if(result: Plan, snapshot: Snapshot) -> str:
    """A new quotation answered against the plan, as the Check capacity button would."""
    desks = next(p for p in snapshot.products if p.default_code == "ODK-100")
    inquiry = SaleOrder(99_999, "New quotation", "Walk-in customer", "quotation",
                        snapshot.today, (SaleLine(1, desks.id, 6, desks.uom_id),))
    started = time.perf_counter()
    answer = quote(result, inquiry)
    elapsed = (time.perf_counter() - started) * 1000
    when = answer.promise_date.strftime("%a %d %b") if answer.promise_date else "cannot plan"
    return (f"What if a customer asks now for 6 {desks.name}s? Promised {when}: "
            f"{answer.reason} (answered in {elapsed:.1f} ms, nothing reserved)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except BrokenPipeError:  # output piped into head or less that closed early
        sys.stderr.close()
        return 0
    except (ConfigError, OdooError, StateError, SnapshotError, RunError) as error:
        print(f"capacity-promise {args.command}: {error}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
