"""``capacity-promise serve``: the poll loop and the HTTP API (``/quote``, ``/health``,
``/metrics``) on waitress, a production WSGI server: requests are read whole (with size limits
and an inactivity timeout) by one asynchronous loop before a worker thread sees them, so a slow
or malicious client holds no thread, a refused body is never taken as the next request, and
connections are limited in number with a real listen backlog."""

from __future__ import annotations

import hmac
import importlib.metadata
import json
import logging
import random
import sys
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from optimizer import SnapshotError
from sync.guard import close_server, create_guarded_server
from sync.odoo import OdooError
from sync.openapi import document
from sync.quote_request import MAX_BODY, RequestError, parse_body
from sync.runs import RunError
from sync.service import PlanningService, QuoteError

log = logging.getLogger(__name__)
try:
    SERVICE_VERSION = importlib.metadata.version("capacity-promise")
except importlib.metadata.PackageNotFoundError:  # run from a checkout that is not installed
    SERVICE_VERSION = "unknown"
# waitress warns of every queued request; a queue of a few under a burst is normal
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

# waitress's adjustments: the numbers the service is measured with (README, Performance)
SERVER_OPTIONS: dict[str, Any] = {
    "threads": 8,  # quotes take a few ms each; eight keep 20 concurrent clients under 50 ms
    "backlog": 1024,  # the standard library's 5 refused connections under load
    "connection_limit": 1000,  # at the limit the longest-waiting connection makes room
    "channel_timeout": 15,  # seconds without a byte from a client: its connection is closed
    "cleanup_interval": 1,  # how often read deadlines are checked
    "max_request_header_size": 32_768,
    "max_request_body_size": MAX_BODY,
    "asyncore_use_poll": True,  # no select() limit of 1,024 descriptors
    "expose_tracebacks": False,
    "ident": "capacity-promise",
}

SWITCH_INTERVAL = 0.001  # seconds a thread may hold the interpreter's lock while others wait
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


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
            except (OdooError, SnapshotError, RunError) as error:
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


class ApiApp:
    """The WSGI application: routes, the token check, JSON in and out."""

    def __init__(self, service: PlanningService):
        self.service = service

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        try:
            status, body, content_type = self._route(method, path, environ)
        except Exception:  # a bug answers 500, never a dropped connection
            log.exception("%s %s failed", method, path)
            status, body, content_type = _json(500, {"error": "internal error; see the log"})
        start_response(f"{status} {HTTPStatus(status).phrase}", [
            ("Content-Type", content_type), ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store")])
        return [body]

    def _authorized(self, environ: dict[str, Any]) -> bool:
        expected = self.service.settings.token.reveal()
        given = environ.get("HTTP_AUTHORIZATION", "")
        token = given[7:] if given.startswith("Bearer ") else ""
        return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())

    def _route(self, method: str, path: str, environ: dict[str, Any]) -> tuple[int, bytes, str]:
        if path == "/health" and method in ("GET", "HEAD"):
            status, payload = health(self.service, detailed=self._authorized(environ))
            return _json(status, payload)
        if path == "/metrics" and method in ("GET", "HEAD"):
            return 200, metrics_text(self.service).encode(), "text/plain; version=0.0.4"
        if path == "/quote" and method == "POST":
            return self._quote(environ)
        if path == "/openapi.json" and method in ("GET", "HEAD"):
            return _json(200, document(self.service.settings.quote_max_lines, MAX_BODY))
        if path in ("/health", "/metrics", "/quote", "/openapi.json"):
            return _json(405, {"error": f"{method} is not allowed on {path}"})
        return _json(404, {"error": "no such page"})

    def _quote(self, environ: dict[str, Any]) -> tuple[int, bytes, str]:
        if not self._authorized(environ):
            return _json(401, {"error": "missing or wrong token "
                                        "(send 'Authorization: Bearer <token>')"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _json(400, {"error": "Content-Length: expected a number"})
        if length <= 0:
            return _json(400, {"error": "body: send the quotation as a JSON object"})
        if length > MAX_BODY:  # waitress refuses these before; a second line of defence
            return _json(413, {"error": f"body: at most {MAX_BODY} bytes"})
        try:
            request = parse_body(environ["wsgi.input"].read(length))
        except RequestError as error:
            return _json(400, {"error": str(error)})
        try:
            return _json(200, self.service.quote(request))
        except QuoteError as error:
            return _json(error.status, {"error": str(error)})


def _json(status: int, payload: dict[str, Any]) -> tuple[int, bytes, str]:
    return (status, json.dumps(payload, default=str, allow_nan=False).encode(),
            "application/json")


class ApiServer:
    """The API on waitress, bound at once (port 0 picks a free port); ``serve_forever`` runs
    it, ``shutdown`` (from another thread) stops it."""

    def __init__(self, address: tuple[str, int], service: PlanningService, **options: Any):
        self.app = ApiApp(service)
        settings = service.settings
        header_timeout = float(options.pop("header_timeout", settings.http_header_timeout))
        request_timeout = float(options.pop("request_timeout", settings.http_request_timeout))
        adjustments = {**SERVER_OPTIONS, "connection_limit": settings.http_connection_limit,
                       **options}
        self._server: Any = create_guarded_server(self.app, address[0], address[1],
                                                  header_timeout, request_timeout,
                                                  **adjustments)
        self.server_address = (address[0], int(self._server.effective_port))

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown`. A plan holds the interpreter's lock while
        it runs; a thread that waits for it gets it after at most ``SWITCH_INTERVAL`` (Python's
        default is 5 ms, and a quote passes the lock between the server's threads several
        times): at size M this halved the p99 of quotes answered while a poll planned."""
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._server.run()

    def shutdown(self) -> None:
        """Close the listening socket and every connection; ``serve_forever`` returns."""
        close_server(self._server)

    def server_close(self) -> None:
        """Kept for the standard library's shape: closing happened in :meth:`shutdown`."""


def health(service: PlanningService, detailed: bool = False) -> tuple[int, dict[str, Any]]:
    """``up`` (200) when Odoo answers now and the last poll is recent; ``degraded`` (503)
    when quotes still come from the last plan but Odoo is away or polls are late or failing;
    ``down`` (503) with no plan to answer from. Only with the token does it say more."""
    reachable, problem = service.odoo_live()
    current = service.current
    interval = service.settings.poll_interval
    now = service.clock()
    poll_age = (now - service.last_poll_at).total_seconds() if service.last_poll_at else None
    late = poll_age is None or poll_age > 2 * interval + 60
    last = service.metrics.last_poll
    ignored = last is not None and last.outcome == "ignored"
    if current is None:
        status = "down"
    elif not reachable or late or service.last_error or ignored:
        status = "degraded"
    else:
        status = "up"
    payload: dict[str, Any] = {"status": status}
    if detailed:
        age = service.plan_age()
        poll = service.metrics.last_poll
        payload.update({
            "version": SERVICE_VERSION,
            "odoo": {"address": service.client.address, "reachable": reachable,
                     "version": service.client.version_string or None,
                     "problem": problem or None, "last_error": service.last_error or None},
            "poll": {"interval_seconds": interval,
                     "age_seconds": None if poll_age is None else round(poll_age, 1),
                     "late": late,
                     "last": None if poll is None else {
                         "outcome": poll.outcome, "seconds": round(poll.seconds, 3),
                         "calls": poll.calls, "records": poll.records,
                         "reason": poll.reason}},
            "plan": None if current is None else {
                "run": current.run_key, "age_seconds": round(age or 0.0, 1),
                "computed_at": current.computed_at.isoformat(), "status": current.plan.status,
                "applied": current.applied, **current.plan.summary()},
        })
    return (HTTPStatus.OK if status == "up" else HTTPStatus.SERVICE_UNAVAILABLE), payload


def metrics_text(service: PlanningService) -> str:
    """Prometheus text exposition: polls by outcome with their duration, Odoo calls and
    records read, quotes, the plan's age and whether Odoo answers."""
    metrics = service.metrics
    lines = [
        "# HELP capacity_promise_polls_total Polls by outcome: idle (nothing changed, no plan), "
        "unchanged (planned, same plan, nothing written), applied, ignored (Odoo did not "
        "apply the plan sent), planned (dry run), failed.",
        "# TYPE capacity_promise_polls_total counter",
    ]
    with metrics.lock:
        runs = dict(metrics.runs)
        quotes = dict(metrics.quotes)
        last = metrics.last_poll
        for outcome in ("idle", "unchanged", "applied", "ignored", "planned", "failed"):
            lines.append(f'capacity_promise_polls_total{{outcome="{outcome}"}} '
                         f"{runs.get(outcome, 0)}")
        lines += [
            "# HELP capacity_promise_poll_duration_seconds Duration of polls.",
            "# TYPE capacity_promise_poll_duration_seconds summary",
            f"capacity_promise_poll_duration_seconds_sum {metrics.run_seconds_total:.3f}",
            f"capacity_promise_poll_duration_seconds_count {sum(runs.values())}",
            "# HELP capacity_promise_poll_odoo_calls_total Odoo calls made by polls.",
            "# TYPE capacity_promise_poll_odoo_calls_total counter",
            f"capacity_promise_poll_odoo_calls_total {metrics.poll_calls_total}",
            "# HELP capacity_promise_poll_records_total Records read from Odoo by polls.",
            "# TYPE capacity_promise_poll_records_total counter",
            f"capacity_promise_poll_records_total {metrics.poll_records_total}",
            "# HELP capacity_promise_last_poll_duration_seconds Duration of the last poll.",
            "# TYPE capacity_promise_last_poll_duration_seconds gauge",
            f"capacity_promise_last_poll_duration_seconds {last.seconds if last else 0:.3f}",
            "# HELP capacity_promise_last_poll_odoo_calls Odoo calls of the last poll.",
            "# TYPE capacity_promise_last_poll_odoo_calls gauge",
            f"capacity_promise_last_poll_odoo_calls {last.calls if last else 0}",
            "# HELP capacity_promise_last_poll_records Records read by the last poll.",
            "# TYPE capacity_promise_last_poll_records gauge",
            f"capacity_promise_last_poll_records {last.records if last else 0}",
            "# HELP capacity_promise_last_success_timestamp_seconds When a poll last succeeded.",
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
    reachable, _ = service.odoo_live()
    lines += [
        "# HELP capacity_promise_plan_age_seconds Age of the plan quotes are answered from.",
        "# TYPE capacity_promise_plan_age_seconds gauge",
        f"capacity_promise_plan_age_seconds {age if age is not None else float('nan')}",
        "# HELP capacity_promise_odoo_up Whether Odoo answers (checked live, cached a few "
        "seconds).",
        "# TYPE capacity_promise_odoo_up gauge",
        f"capacity_promise_odoo_up {1 if reachable else 0}",
        "# HELP capacity_promise_odoo_calls_total Calls made to Odoo.",
        "# TYPE capacity_promise_odoo_calls_total counter",
        f"capacity_promise_odoo_calls_total {service.client.calls}",
    ]
    accuracy = service.promise_accuracy() if reachable else None
    for name, value in sorted((accuracy or {}).items()):
        lines += [f"# TYPE capacity_promise_accuracy_{name} gauge",
                  f"capacity_promise_accuracy_{name} {value:g}"]
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
        server.shutdown()
