"""The service against a real Odoo: full sync, an idle poll, a small change, and ``/quote``
under load while a poll plans.

    CAPACITY_PROMISE_TEST_ODOO_URL=http://127.0.0.1:8111 CAPACITY_PROMISE_TEST_ODOO_DB=sync17_m \
    CAPACITY_PROMISE_TEST_ODOO_LOGIN=capacity-service CAPACITY_PROMISE_TEST_ODOO_API_KEY=... \
    CAPACITY_PROMISE_BENCH_ODOO_ADMIN_PASSWORD=admin python -m bench.sync_bench

The database must hold a factory (``python -m bench.odoo_factory``) and the addon, and is
changed by the run (the plan is applied, one quotation line is changed): use a copy. The small
change is made as an administrator (``CAPACITY_PROMISE_BENCH_ODOO_ADMIN_LOGIN``, default
``admin``, and ``_PASSWORD``); without the password that phase is skipped. Without the live
variables the tool says so and exits 0. Everything runs on loopback, in bounded loops.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.gil_watch import GilWatch
from bench.odoo_factory import Odoo
from sync.config import Secret, Settings
from sync.server import ApiServer
from sync.service import PlanningService

LIVE = ("URL", "DB", "LOGIN", "API_KEY")


def _settings(state: Path, **overrides: Any) -> Settings:
    env = os.environ
    return Settings(odoo_url=env["CAPACITY_PROMISE_TEST_ODOO_URL"],
                    odoo_db=env["CAPACITY_PROMISE_TEST_ODOO_DB"],
                    odoo_login=env["CAPACITY_PROMISE_TEST_ODOO_LOGIN"],
                    odoo_api_key=Secret(env["CAPACITY_PROMISE_TEST_ODOO_API_KEY"]),
                    state_url=f"sqlite:///{state}", token=Secret("bench-token"),
                    **overrides)


def _phase(name: str, service: PlanningService, **extra: Any) -> dict[str, Any]:
    poll = service.metrics.last_poll
    assert poll is not None
    row = {"phase": name, "outcome": poll.outcome, "seconds": round(poll.seconds, 2),
           "calls": poll.calls, "records": poll.records, **extra}
    phases = {f"{step}_s": round(value, 2) for step, value in poll.phases.items()}
    row.update(phases)
    print(f"  {name:<22} {poll.outcome:<10} {poll.seconds:7.2f} s {poll.calls:5d} calls "
          f"{poll.records:7d} records" + "".join(f"  {k}={v}" for k, v in
                                                  {**phases, **extra}.items()))
    return row


def _made_quotation_line(service: PlanningService) -> tuple[int, int, float]:
    """(order, line, quantity) of a quotation line made on the work centers."""
    snapshot = service.current.snapshot if service.current else None
    assert snapshot is not None
    made = {bom.product_id for bom in snapshot.boms if bom.operations}
    for order in snapshot.sale_orders:
        if order.state == "quotation":
            for line in order.lines:
                if line.product_id in made:
                    return order.id, line.id, line.quantity
    raise SystemExit("no quotation of a manufactured product in this database")


def small_change(service: PlanningService, admin: Odoo) -> dict[str, Any]:
    """A salesperson adds units to one quotation line; the poll that follows plans and writes
    the new promise: seconds from the poll's start until Odoo has it."""
    order_id, line_id, quantity = _made_quotation_line(service)
    before = admin.call("sale.order", "read", [order_id], ["capacity_promise_date"])[0]
    admin.call("sale.order", "write", [order_id],
               {"order_line": [(1, line_id, {"product_uom_qty": quantity + 40})]})
    started = time.perf_counter()
    service.run_once()
    latency = time.perf_counter() - started
    after = admin.call("sale.order", "read", [order_id], ["capacity_promise_date"])[0]
    return {"promise": f"{before['capacity_promise_date']}->{after['capacity_promise_date']}",
            "in_odoo_after_s": round(latency, 2)}


def quote_load(service: PlanningService, port: int, clients: int, requests: int,
               replans: bool, watch: bool = False) -> dict[str, Any]:
    """``clients`` threads send ``requests`` quotes in all (the addon's body: the order with
    its lines) on kept-alive loopback connections, while a poll plans again and again."""
    snapshot = service.current.snapshot if service.current else None
    assert snapshot is not None
    bodies = [json.dumps({
        "order_id": order.id, "name": order.name, "partner": order.customer,
        "date_order": f"{order.order_date} 08:00:00", "commitment_date": None,
        "picking_policy": "direct",
        "lines": [{"line_id": line.id, "product_id": line.product_id, "quantity": line.quantity,
                   "uom_id": line.uom_id, "customer_lead": 0} for line in order.lines]})
        for order in snapshot.sale_orders if order.state == "quotation"]
    server = ApiServer(("127.0.0.1", port), service)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    stop = threading.Event()
    polls = [0]

    def poll() -> None:
        while not stop.is_set():
            service.run_once(force=True)
            polls[0] += 1

    poller = threading.Thread(target=poll, daemon=True)
    if replans:
        poller.start()
        time.sleep(0.5)  # the poll is planning when the load starts
    per_client = max(1, requests // clients)
    started = time.perf_counter()
    # the clients run in a process of their own: in this one they would take the GIL from
    # the server they measure
    watcher = GilWatch() if watch else contextlib.nullcontext()
    with concurrent.futures.ProcessPoolExecutor(1) as pool, watcher:
        latencies, errors = pool.submit(_clients, server.server_address[1], bodies, clients,
                                        per_client).result()
    elapsed = time.perf_counter() - started
    stop.set()
    if replans:
        poller.join()
    server.shutdown()
    latencies.sort()
    ms = [value * 1000 for value in latencies]
    result = {"requests": len(ms), "errors": errors, "clients": clients,
              "p50_ms": round(statistics.median(ms), 1),
              "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 1), "max_ms": round(ms[-1], 1),
              "per_second": round(len(ms) / elapsed), "polls_meanwhile": polls[0]}
    print(f"  /quote {'(polls running)' if replans else '(no poll)':<15} "
          + "  ".join(f"{k}={v}" for k, v in result.items()))
    if isinstance(watcher, GilWatch):
        print("  " + watcher.report().replace("\n", "\n  "))
    return result


def _clients(port: int, bodies: list[str], clients: int,
             per_client: int) -> tuple[list[float], int]:
    """``clients`` threads, each sending ``per_client`` quotes on one kept-alive connection;
    (every latency in seconds, how many answers were not 200)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        for k in range(per_client):
            body = bodies[(number * per_client + k) % len(bodies)]
            started = time.perf_counter()
            connection.request("POST", "/quote", body, {
                "Content-Type": "application/json", "Authorization": "Bearer bench-token"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="quotes in all")
    parser.add_argument("--port", type=int, default=0, help="loopback port for /quote")
    parser.add_argument("--no-quotes", action="store_true", help="skip the /quote load")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--gil-watch", action="store_true",
                        help="during the /quote load, print where the service held the "
                             "interpreter's lock 20 ms or more (bench/gil_watch.py)")
    args = parser.parse_args(argv)
    missing = [f"CAPACITY_PROMISE_TEST_ODOO_{name}" for name in LIVE
               if not os.environ.get(f"CAPACITY_PROMISE_TEST_ODOO_{name}")]
    if missing:
        print("sync bench skipped: no live Odoo configured (set " + ", ".join(missing) + ")")
        return 0
    env = os.environ
    with tempfile.TemporaryDirectory() as folder:
        service = PlanningService(_settings(Path(folder) / "state.sqlite"))
        print(f"sync bench against {service.client.address}, database "
              f"{env['CAPACITY_PROMISE_TEST_ODOO_DB']}")
        rows = []
        current = service.run_once()
        summary = current.plan.summary()
        rows.append(_phase("full sync", service, orders=summary["orders"],
                           plan_s=round(current.plan.timings.get("total", 0.0), 2)))
        service.run_once()
        rows.append(_phase("idle poll", service))
        password = env.get("CAPACITY_PROMISE_BENCH_ODOO_ADMIN_PASSWORD")
        if password:
            admin = Odoo(env["CAPACITY_PROMISE_TEST_ODOO_URL"],
                         env["CAPACITY_PROMISE_TEST_ODOO_DB"],
                         env.get("CAPACITY_PROMISE_BENCH_ODOO_ADMIN_LOGIN", "admin"), password)
            rows.append(_phase("small change", service, **small_change(service, admin)))
            service.run_once()
            rows.append(_phase("idle poll after it", service))
        else:
            print("  small change skipped: set CAPACITY_PROMISE_BENCH_ODOO_ADMIN_PASSWORD")
        if not args.no_quotes:
            # the same load without a poll, then while full polls run back to back
            rows.append({"phase": "quote, no poll", **quote_load(
                service, args.port, args.clients, args.requests, replans=False,
                watch=args.gil_watch)})
            rows.append({"phase": "quote, polls running", **quote_load(
                service, args.port, args.clients, args.requests, replans=True,
                watch=args.gil_watch)})
        service.store.close()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
