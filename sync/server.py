"""``capacity-promise serve``: the poll loop and the HTTP API (``/quote``, ``/health``,
``/metrics``), on the standard library's threading HTTP server."""

from __future__ import annotations

import hmac
import json
import logging
import random
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from optimizer import SnapshotError
from sync.odoo import OdooError
from sync.service import PlanningService, QuoteError

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000


class PollLoop(threading.Thread):
    """Runs a cycle every ``poll_interval`` seconds; after a failure it backs off (doubling, up
    to the interval) and tries again, never giving up and never taking the server down."""

    def __init__(self, service: PlanningService, interval: float):
        super().__init__(name="poll-loop", daemon=True)
        self.service = service
        self.interval = interval
        self.stopped = threading.Event()
        self.failures = 0

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.service.run_once()
                self.failures = 0
                wait = self.interval
            except (OdooError, SnapshotError) as error:
                self.failures += 1
                wait = min(self.interval, 5.0 * 2 ** (self.failures - 1))
                wait *= random.uniform(0.9, 1.1)
                log.error("planning run failed (%d in a row), next try in %.0f s: %s",
                          self.failures, wait, error)
            except Exception:  # a bug must not stop the loop that keeps quotes fresh
                self.failures += 1
                wait = min(self.interval, 5.0 * 2 ** (self.failures - 1))
                log.exception("planning run crashed; next try in %.0f s", wait)
            self.stopped.wait(wait)

    def stop(self) -> None:
        self.stopped.set()


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], service: PlanningService):
        super().__init__(address, ApiHandler)
        self.service = service


class ApiHandler(BaseHTTPRequestHandler):
    server: ApiServer
    server_version = "capacity-promise"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    # -- plumbing ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload, default=str).encode(), "application/json")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _authorized(self) -> bool:
        expected = self.server.service.settings.token.reveal()
        given = self.headers.get("Authorization", "")
        token = given[7:] if given.startswith("Bearer ") else ""
        return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())

    # -- routes -----------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = self.path.split("?", 1)[0]
        if path == "/health":
            status, payload = health(self.server.service)
            self._json(status, payload)
        elif path == "/metrics":
            self._send(200, metrics_text(self.server.service).encode(),
                       "text/plain; version=0.0.4")
        else:
            self._error(404, f"no such page: {path}")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        path = self.path.split("?", 1)[0]
        if path != "/quote":
            self._error(404, f"no such page: {path}")
            return
        if not self._authorized():
            self._error(401, "missing or wrong token (send 'Authorization: Bearer <token>')")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            self._error(400, "send the quotation as a JSON body")
            return
        try:
            request = json.loads(self.rfile.read(length))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self._error(400, f"the body is not JSON: {error}")
            return
        if not isinstance(request, dict):
            self._error(400, "the body must be a JSON object")
            return
        try:
            self._json(200, self.server.service.quote(request))
        except QuoteError as error:
            self._error(error.status, str(error))


def health(service: PlanningService) -> tuple[int, dict[str, Any]]:
    """Up with a plan (possibly old) = 200; no plan yet = 503. Odoo's state is reported, since
    quotes keep working from the last plan while Odoo is away."""
    current = service.current
    age = service.plan_age()
    payload: dict[str, Any] = {
        "status": "ok" if current and service.odoo_reachable else
                  ("degraded" if current else "starting"),
        "odoo": {"address": service.client.address, "reachable": service.odoo_reachable,
                 "version": service.client.version_string or None,
                 "last_error": service.last_error or None},
        "plan": None if current is None else {
            "run": current.run_key, "age_seconds": round(age or 0.0, 1),
            "computed_at": current.computed_at.isoformat(), "status": current.plan.status,
            "applied": current.applied, **current.plan.summary()},
    }
    return (HTTPStatus.OK if current else HTTPStatus.SERVICE_UNAVAILABLE), payload


def metrics_text(service: PlanningService) -> str:
    """Prometheus text exposition."""
    metrics = service.metrics
    lines = [
        "# HELP capacity_promise_runs_total Planning runs by outcome.",
        "# TYPE capacity_promise_runs_total counter",
    ]
    with metrics.lock:
        runs = dict(metrics.runs)
        quotes = dict(metrics.quotes)
        for status in ("applied", "planned", "failed"):
            lines.append(f'capacity_promise_runs_total{{status="{status}"}} '
                         f"{runs.get(status, 0)}")
        lines += [
            "# HELP capacity_promise_run_failures_total Planning runs that failed.",
            "# TYPE capacity_promise_run_failures_total counter",
            f"capacity_promise_run_failures_total {runs.get('failed', 0)}",
            "# HELP capacity_promise_run_duration_seconds Duration of planning runs.",
            "# TYPE capacity_promise_run_duration_seconds summary",
            f"capacity_promise_run_duration_seconds_sum {metrics.run_seconds_total:.3f}",
            f"capacity_promise_run_duration_seconds_count {sum(runs.values())}",
            "# HELP capacity_promise_last_run_duration_seconds Duration of the last run.",
            "# TYPE capacity_promise_last_run_duration_seconds gauge",
            f"capacity_promise_last_run_duration_seconds {metrics.last_run_seconds:.3f}",
            "# HELP capacity_promise_last_success_timestamp_seconds When a run last succeeded.",
            "# TYPE capacity_promise_last_success_timestamp_seconds gauge",
            f"capacity_promise_last_success_timestamp_seconds {metrics.last_success:.0f}",
            "# HELP capacity_promise_quotes_total Quote requests by outcome.",
            "# TYPE capacity_promise_quotes_total counter",
        ]
        for status in ("ok", "error"):
            lines.append(f'capacity_promise_quotes_total{{status="{status}"}} '
                         f"{quotes.get(status, 0)}")
        lines += [
            "# HELP capacity_promise_quote_duration_seconds Time spent answering quotes.",
            "# TYPE capacity_promise_quote_duration_seconds summary",
            f"capacity_promise_quote_duration_seconds_sum {metrics.quote_seconds_total:.6f}",
            f"capacity_promise_quote_duration_seconds_count {sum(quotes.values())}",
        ]
    age = service.plan_age()
    lines += [
        "# HELP capacity_promise_plan_age_seconds Age of the plan quotes are answered from.",
        "# TYPE capacity_promise_plan_age_seconds gauge",
        f"capacity_promise_plan_age_seconds {age if age is not None else float('nan')}",
        "# HELP capacity_promise_odoo_up Whether the last contact with Odoo succeeded.",
        "# TYPE capacity_promise_odoo_up gauge",
        f"capacity_promise_odoo_up {1 if service.odoo_reachable else 0}",
        "# HELP capacity_promise_odoo_calls_total Calls made to Odoo.",
        "# TYPE capacity_promise_odoo_calls_total counter",
        f"capacity_promise_odoo_calls_total {service.client.calls}",
    ]
    return "\n".join(lines) + "\n"


def serve(service: PlanningService, host: str, port: int, interval: float) -> None:
    """Start the poll loop and answer HTTP until interrupted."""
    loop = PollLoop(service, interval)
    server = ApiServer((host, port), service)
    loop.start()
    log.info("serving on http://%s:%d (poll every %.0f s)", host, server.server_address[1],
             interval)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        loop.stop()
        server.server_close()
        time.sleep(0)
