"""One read-plan-write cycle, the current plan, and quotes against it."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from optimizer import PlannerSettings, SnapshotError, plan, quote, requote
from optimizer.plan import Plan
from optimizer.snapshot import SaleOrder, Snapshot
from sync import quote_request
from sync.build import Rows, build_snapshot, m2o_id, m2o_name
from sync.config import ConfigError, Settings
from sync.odoo import OdooClient, OdooError, server_version
from sync.payload import (
    Digests,
    build_payload,
    delta_payload,
    failed_payload,
    input_digests,
    item_digests,
    odoo_datetime,
    order_payload,
)
from sync.reader import SPECS, OdooReader, Progress, ReadReport, snapshot_digest
from sync.runs import RunError, plan_digest, run_key
from sync.state import StateStore
from sync.worktime import working_time_between

log = logging.getLogger(__name__)

APPLY_MODEL = "capacity.planner.run"
ACCURACY_MODEL = "capacity.promise.accuracy"
# the on-time figure changes with deliveries, not by the second: /metrics asks Odoo at most
# this often
ACCURACY_CACHE_SECONDS = 300.0
# a change only here may be a quotation's alone: re-quoted, not planned again (see _planned)
SALES = {"sale.order", "sale.order.line"}
# what tells whether Odoo plans a product at all (17: detailed_type; 18 and 19: is_storable)
PRODUCT_KIND = ("detailed_type", "type", "is_storable", "bom_ids", "display_name")


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """No cyclic garbage collection while a snapshot is built and planned, and what survives
    it frozen out of later collections.

    A plan leaves no cyclic garbage (a dropped plan is freed by reference counting: measured,
    0 objects for the collector at size M), but a full collection over its half a million
    objects stops every thread for 0.3-0.6 s at M, so ``/quote`` would wait for it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(1)  # the young generations only: milliseconds
        gc.freeze()
        if was_enabled:
            gc.enable()


# what a salesperson reads when Odoo does not answer the service: no address, no trace
UNREADABLE = ("the planning service cannot read %s from Odoo right now; try again in a "
              "moment (the service's log has the details)")


class QuoteError(ValueError):
    """A quote request the service cannot answer; ``status`` is the HTTP status to send."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(frozen=True)
class CurrentPlan:
    """The plan quotes are answered from. ``applied``: Odoo shows this plan (applied by this
    run or, unchanged, by an earlier one); ``checked_at``: when a poll last found it current."""

    snapshot: Snapshot
    plan: Plan
    computed_at: dt.datetime
    run_key: str
    applied: bool
    checked_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class SentPlan:
    """What Odoo shows since this service applied run ``run_key``: the digest of every item
    sent (kept in memory only: after a restart the first apply is a full one), and the day
    it was planned on (a new day sends the whole plan again: the addon writes a promise
    before today as today)."""

    run_key: str
    today: dt.date
    digests: Digests


@dataclasses.dataclass(frozen=True)
class PollResult:
    """What one poll did: ``outcome`` is ``idle`` (nothing changed, no plan), ``unchanged``
    (planned, the same plan as Odoo shows: nothing written), ``applied``, ``ignored`` (sent,
    and Odoo did not apply it: ``reason`` says why), ``planned`` (a dry run) or ``failed``."""

    outcome: str
    seconds: float
    calls: int
    records: int
    reason: str = ""
    phases: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds per step


@dataclasses.dataclass
class Metrics:
    """Counters for ``/metrics``; guarded by a lock because HTTP threads read them."""

    runs: dict[str, int] = dataclasses.field(default_factory=dict)
    last_run_seconds: float = 0.0
    run_seconds_total: float = 0.0
    last_success: float = 0.0
    last_failure: float = 0.0
    quotes: dict[str, int] = dataclasses.field(default_factory=dict)
    quote_seconds_total: float = 0.0
    odoo_calls: int = 0
    last_poll: PollResult | None = None
    poll_calls_total: int = 0
    poll_records_total: int = 0
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)

    def count_poll(self, poll: PollResult) -> None:
        """A poll's outcome, duration, calls and records read."""
        with self.lock:
            self.runs[poll.outcome] = self.runs.get(poll.outcome, 0) + 1
            self.last_run_seconds = poll.seconds
            self.run_seconds_total += poll.seconds
            self.last_poll = poll
            self.poll_calls_total += poll.calls
            self.poll_records_total += poll.records
            if poll.outcome == "failed":
                self.last_failure = time.time()
            else:
                self.last_success = time.time()

    def count_quote(self, status: str, seconds: float) -> None:
        with self.lock:
            self.quotes[status] = self.quotes.get(status, 0) + 1
            self.quote_seconds_total += seconds


class PlanningService:
    """Owns the Odoo client, the state store and the current plan."""

    def __init__(self, settings: Settings, client: OdooClient | None = None,
                 store: StateStore | None = None, progress: Progress | None = None,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)):
        self.settings = settings
        self.client = client or OdooClient(settings)
        self.store = store or StateStore(settings.state_url)
        self.store.bind(settings.odoo_url, settings.odoo_db)
        # one clock for the whole run: a read stamped by another would make a plan's
        # started_at and finished_at disagree
        self.reader = OdooReader(self.client, self.store, settings.page_size,
                                 settings.overlap_seconds, progress=progress, clock=clock,
                                 workers=settings.read_workers)
        self.clock = clock
        self.current: CurrentPlan | None = None
        self.metrics = Metrics()
        self.last_error: str = ""
        self.last_ignored: str = ""  # why Odoo ignored the last plan it was sent
        self.sent: SentPlan | None = None  # what the next apply may be a delta against
        self.last_sent = ""  # what the last apply sent: the full plan or a delta of n items
        self.odoo_reachable: bool | None = None
        self.last_poll_at: dt.datetime | None = None
        self._run_lock = threading.Lock()
        self._reachability: tuple[float, bool, str] = (0.0, False, "")
        self._reachability_lock = threading.Lock()
        self._accuracy: tuple[float, dict[str, float] | None] = (0.0, None)

    # -- promise accuracy -----------------------------------------------------------------
    def promise_accuracy(self) -> dict[str, float] | None:
        """The addon's on-time figure (``get_promise_accuracy``: delivered orders, share on
        time, mean and p90 days late, share re-promised), read at most every few minutes;
        None when Odoo or the addon cannot tell."""
        fetched, figures = self._accuracy
        if fetched and time.monotonic() - fetched < ACCURACY_CACHE_SECONDS:
            return figures
        try:
            answer = self.client.call(ACCURACY_MODEL, "get_promise_accuracy")
        except OdooError as error:
            log.debug("no promise accuracy from Odoo: %s", error)
            self._accuracy = (time.monotonic(), figures)  # not asked again at every scrape
            return figures
        if isinstance(answer, dict):
            figures = {key: float(value) for key, value in answer.items()
                       if isinstance(value, int | float) and not isinstance(value, bool)}
            self._accuracy = (time.monotonic(), figures)
        return figures

    # -- settings ---------------------------------------------------------------------------
    def planner_settings(self) -> PlannerSettings:
        """The addon's settings (horizon, whether quotations hold capacity), overridden by the
        service's own configuration when that sets them."""
        from_odoo: dict[str, Any] = {}
        try:
            from_odoo = self.client.call(APPLY_MODEL, "get_service_settings") or {}
        except OdooError as error:
            log.warning("cannot read the addon's settings, using defaults: %s", error)
        horizon = self.settings.horizon_days or int(from_odoo.get("horizon_days") or 180)
        if horizon > self.settings.max_horizon_days:
            # a plan's memory and time grow with its horizon: 365,000 days took 2.4 GB
            log.warning("planning horizon of %d days is above CAPACITY_PROMISE_MAX_HORIZON_DAYS"
                        " (%d): planned over %d days", horizon,
                        self.settings.max_horizon_days, self.settings.max_horizon_days)
            horizon = self.settings.max_horizon_days
        hold_setting = self.settings.quotations_hold_capacity.lower()
        hold = (hold_setting == "true") if hold_setting else \
            bool(from_odoo.get("quotations_hold_capacity"))
        try:
            return PlannerSettings(horizon_days=horizon, quotations_hold_capacity=hold,
                                   quotation_hold_share=self.settings.quotation_hold_share,
                                   capacity_factor=self.settings.capacity_factor,
                                   purchase_safety_days=self.settings.purchase_safety_days,
                                   schedule=self.settings.schedule,
                                   solver=self.settings.solver,
                                   time_limit_seconds=self.settings.solver_time_limit,
                                   mip_gap=self.settings.mip_gap)
        except ValueError as error:
            raise ConfigError(f"planner settings: {error}") from error

    # -- the cycle --------------------------------------------------------------------------
    def read(self) -> ReadReport:
        report = self.reader.refresh()
        log.info("read Odoo: %s%d records changed, %d removed, %d calls",
                 "full read, " if report.full else "", sum(report.read.values()),
                 sum(report.removed.values()), report.calls)
        return report

    def run_once(self, write: bool = True, force: bool = False) -> CurrentPlan:
        """One poll: read what changed; when something did (or the clock moved on enough to
        matter, see :meth:`replan_reason`), plan, and apply the plan to Odoo in one call unless
        it is the plan Odoo already shows. A failure leaves Odoo as it was (the addon applies
        all or nothing) and the previous plan in service."""
        with self._run_lock:
            mark = time.perf_counter()
            calls = self.client.calls
            key = ""
            records = 0
            phases: dict[str, float] = {}
            try:
                report = self.read()
                records = report.fetched
                phases["read"] = time.perf_counter() - mark
                reason = "asked" if force else self.replan_reason(report)
                if not reason and self.current is not None:
                    current = dataclasses.replace(self.current, checked_at=self.clock())
                    outcome = "idle"
                else:
                    current, outcome = self._plan_and_apply(report, write, reason, phases)
                    key = current.run_key
                    if "requote" in current.plan.timings:
                        reason += "; only the quotations planned again"
            except (OdooError, SnapshotError, RunError) as error:
                self._count_failure(error, str(error), mark, calls, records, key)
                raise
            except Exception as error:  # a bug: counted and reported like any failed run
                log.exception("planning run crashed")
                reason = f"the planning run failed unexpectedly: {type(error).__name__}: " \
                         f"{str(error)[:300]}"
                self._count_failure(error, reason, mark, calls, records, key)
                raise RunError(reason) from error
            seconds = time.perf_counter() - mark
            self.current = current
            self.odoo_reachable = True
            self.last_error = ""
            self.last_poll_at = self.clock()
            if outcome == "ignored":
                reason = f"Odoo ignored run {current.run_key}: {self.last_ignored}"
            poll = PollResult(outcome, seconds, self.client.calls - calls, records, reason,
                              phases)
            self.metrics.count_poll(poll)
            self.metrics.odoo_calls = self.client.calls
            if outcome == "idle":
                log.info("poll: nothing changed in Odoo (%d calls, %.2f s)", poll.calls, seconds)
            else:
                log.info("run %s (%s): %s, %s in %.2f s, %d calls", current.run_key, reason,
                         outcome, current.plan.summary(), seconds, poll.calls)
            return current

    def _count_failure(self, error: Exception, reason: str, mark: float, calls: int,
                       records: int, key: str) -> None:
        """A failed run: counted, kept in the store, shown by ``/health``, and (unless Odoo
        is what failed) recorded in the addon's planner runs."""
        seconds = time.perf_counter() - mark
        self.last_error = reason
        if isinstance(error, OdooError):
            self.odoo_reachable = not error.transient
        self.metrics.count_poll(PollResult("failed", seconds, self.client.calls - calls,
                                           records, reason))
        started = self.clock()
        if not key:
            digest = hashlib.sha256(f"{started.isoformat()}|{reason}".encode()).hexdigest()
            key = f"cp-failed-{digest[:16]}"
            self.store.start_run(key, started)
        self.store.finish_run(key, "failed", seconds, error=reason)
        if not isinstance(error, OdooError):
            self._report_failure(key, started, reason)

    def _report_failure(self, key: str, started: dt.datetime, reason: str) -> None:
        """Tell the addon, once per distinct reason, so its planner runs show the failure."""
        if self.store.get_meta("last_failure_reported") == reason:
            return
        # the planning clock, as a plan would have: the addon ignores runs older than its last
        payload = failed_payload(self._company_id(), key, _next_minute(started), started,
                                 self.clock(), reason)
        try:
            answer = self.client.call(APPLY_MODEL, "apply_plan", payload)
        except OdooError as error:
            log.warning("could not record the failed run in Odoo: %s", error)
            return
        if isinstance(answer, dict) and answer.get("ignored"):
            log.warning("Odoo did not record the failed run: %s", answer.get("reason"))
            return
        self.store.set_meta("last_failure_reported", reason)

    def replan_reason(self, report: ReadReport) -> str:
        """Why this poll plans, or "" when the current plan still holds.

        The plan depends on the data and on ``now``: work already past is gone, lead times
        count from today. So a poll plans when Odoo's data changed, on the first poll of a new
        day in the factory's time zone, and when working time has passed on some work center
        since the plan was made and the plan is older than ``replan_interval``; at night and
        on days off nothing passes and an idle Odoo is left alone. Between such runs a quote
        may count at most ``replan_interval`` of working time that is already past.
        """
        if self.current is None:
            return "first plan"
        if report.changed:
            return "Odoo changed: " + ", ".join(sorted(
                {*(k for k, n in report.read.items() if n),
                 *(k for k, n in report.removed.items() if n)}))
        return self._clock_reason()

    def _clock_reason(self) -> str:
        """Why the clock alone makes the current plan out of date, or ""."""
        assert self.current is not None
        now = self.clock()
        snapshot = self.current.snapshot
        tz = ZoneInfo(snapshot.timezone)
        if now.astimezone(tz).date() != snapshot.now.astimezone(tz).date():
            return "a new day"
        age = (now - snapshot.now).total_seconds()
        if age >= self.settings.replan_interval and working_time_between(snapshot,
                                                                          snapshot.now, now):
            return f"{age / 60:.0f} minutes of working time passed"
        return ""

    def _planned(self, rows: Rows, report: ReadReport,
                 settings: PlannerSettings) -> tuple[Snapshot, Plan]:
        """The snapshot and its plan. When only quotations changed (and the clock has not
        made the current plan out of date), they alone are planned again, on the current
        plan's clock (:func:`optimizer.requote`: the plan a full run gives on that clock);
        otherwise everything is planned from the next whole minute."""
        current = self.current
        only_sales = report.changed and {
            key for key, count in (*report.read.items(), *report.removed.items()) if count
        } <= SALES
        if current is not None and only_sales and current.plan.settings == settings and \
                not self._clock_reason():
            snapshot = build_snapshot(rows, self.reader.user, current.snapshot.now,
                                      self.settings.company_id)
            result = requote(current.plan, snapshot)
            if result is not None:
                return snapshot, result
        snapshot = build_snapshot(rows, self.reader.user, _next_minute(report.started_at),
                                  self.settings.company_id)
        return snapshot, plan(snapshot, settings)

    def _plan_and_apply(self, report: ReadReport, write: bool, reason: str,
                        phases: dict[str, float]) -> tuple[CurrentPlan, str]:
        mark = time.perf_counter()
        settings = self.planner_settings()
        with quiet_collector():
            rows = self.store.all_rows()
            size = sum(len(model_rows) for model_rows in rows.values())
            if size > self.settings.max_snapshot_records:
                raise RunError(f"Odoo holds {size} records to plan, more than "
                               f"CAPACITY_PROMISE_MAX_SNAPSHOT_RECORDS "
                               f"({self.settings.max_snapshot_records}); raise it if this "
                               "machine has the memory for it")
            snapshot, result = self._planned(rows, report, settings)
        phases["plan"] = time.perf_counter() - mark
        phases["planner"] = result.timings.get("total", 0.0)
        mark = time.perf_counter()
        data = snapshot_digest(rows, self.reader.user, self.store.model_digests())
        # the moment of the data, which a re-quoted plan's clock may be older than: promises
        # are stamped with it, and lines changed before it are not stale
        payload = build_payload(snapshot, result, self._company_id(), report.started_at,
                                self.clock(), "", read_at=_next_minute(report.started_at))
        digest = plan_digest(payload, snapshot.today.isoformat())
        phases["payload"] = time.perf_counter() - mark
        mark = time.perf_counter()
        last = self.store.get_meta("last_applied") or {}
        if last.get("plan") == digest:
            # the plan Odoo already shows: nothing to write, the run keeps its key
            current = CurrentPlan(snapshot, result, self.clock(), last["key"], True,
                                  self.clock())
            return current, "unchanged"
        key = run_key(data, digest, last.get("key", ""))
        payload["run_key"] = key
        payload["finished_at"] = odoo_datetime(self.clock())
        self.store.start_run(key, report.started_at)
        applied = False
        if write:
            # a user edit since the read may be stamped over by the apply: its family is
            # read again, whole, by the next poll
            self.reader.changed_since_read()
            digests = item_digests(payload, input_digests(rows))
            answer = self._apply(key, payload, digests, last.get("key", ""), snapshot.today)
            if isinstance(answer, dict) and answer.get("ignored"):
                self.last_ignored = str(answer.get("reason") or "no reason given")
                log.warning("Odoo ignored run %s: %s", key, self.last_ignored)
                self.store.finish_run(key, "ignored", 0.0, result.summary(),
                                      error=self.last_ignored)
                current = CurrentPlan(snapshot, result, self.clock(), key, False, self.clock())
                return current, "ignored"
            applied = True
            self.sent = SentPlan(key, snapshot.today, digests)
            log.info("run %s applied: %s", key, self.last_sent)
            self.store.set_meta("last_applied", {"key": key, "plan": digest, "data": data})
        self.store.finish_run(key, "applied" if applied else "planned", 0.0, result.summary())
        phases["apply"] = time.perf_counter() - mark
        current = CurrentPlan(snapshot, result, self.clock(), key, applied, self.clock())
        return current, "applied" if applied else "planned"

    def _apply(self, key: str, payload: dict[str, Any], digests: Digests, base_key: str,
               today: dt.date) -> Any:
        """Send the plan: as a delta against what this service last applied when Odoo still
        shows that run, else (or when the addon asks for it) whole, in the same poll."""
        sent = self.sent
        if sent is not None and base_key and sent.run_key == base_key and sent.today == today:
            delta = delta_payload(payload, digests, sent.digests, base_key)
            items = sum(len(delta[family]) for family in digests)
            removed = sum(len(names) for names in delta["removed"].values())
            self.last_sent = f"delta of {items} items, {removed} removed"
            answer = self._send(key, delta)
            if not (isinstance(answer, dict) and answer.get("full_plan_needed")):
                return answer
            log.info("Odoo needs the full plan for run %s: %s", key, answer.get("reason"))
        self.last_sent = "full plan"
        return self._send(key, payload)

    def _send(self, key: str, payload: dict[str, Any]) -> Any:
        try:
            return self.client.call_applying(APPLY_MODEL, "apply_plan", payload)
        except OdooError as error:
            self.store.finish_run(key, "failed", 0.0, error=str(error))
            if (f"Object {APPLY_MODEL} doesn't exist" in str(error)
                    or f"the model {APPLY_MODEL!r} does not exist" in str(error)):
                raise OdooError(
                    f"{error} - is the addon sale_capacity_promise installed in "
                    f"database {self.settings.odoo_db}?") from error
            raise

    def odoo_live(self, max_age: float = 5.0) -> tuple[bool, str]:
        """Whether Odoo answers now: its version page (no login, no database work), asked
        at most every ``max_age`` seconds whoever asks; (reachable, what went wrong)."""
        with self._reachability_lock:
            checked, reachable, problem = self._reachability
            if time.monotonic() - checked < max_age:
                return reachable, problem
            try:
                server_version(self.client.base_url, min(self.settings.odoo_timeout, 3.0))
                reachable, problem = True, ""
            except Exception as error:  # any failure means: not reachable now
                reachable = False
                problem = f"Odoo at {self.client.address} does not answer: " \
                          f"{type(error).__name__}"
            self._reachability = (time.monotonic(), reachable, problem)
            return reachable, problem

    def _company_id(self) -> int:
        return self.settings.company_id or m2o_id(self.reader.user.get("company_id")) or 1

    # -- quotes -----------------------------------------------------------------------------
    def plan_age(self) -> float | None:
        if self.current is None:
            return None
        return (self.clock() - self.current.computed_at).total_seconds()

    def quote(self, request: dict[str, Any]) -> dict[str, Any]:
        """An inquiry: the earliest dates for a quotation, from the current plan, reserving
        nothing. ``request`` holds ``order_id`` and, optionally, the order's lines."""
        mark = time.perf_counter()
        status = "error"
        try:
            current = self.current
            if current is None:
                raise QuoteError("no plan yet: the first planning run has not finished", 503)
            order = self._quotation(request, current)
            try:
                promise = quote(current.plan, order)
            except SnapshotError as error:
                raise QuoteError(str(error), 422) from error
            answer = order_payload(promise)
            answer["computed_at"] = self.clock().astimezone(dt.timezone.utc).strftime(
                "%Y-%m-%d %H:%M:%S")
            answer["plan_age_seconds"] = round(self.plan_age() or 0.0, 1)
            answer["plan_run"] = current.run_key
            status = "ok"
            log.info("quote for order %s: %s (%s) in %.0f ms", order.name,
                     answer["promise_date"], answer["status"],
                     (time.perf_counter() - mark) * 1000)
            return answer
        except QuoteError as error:
            log.warning("quote refused (%d): %s", error.status, error)
            raise
        finally:
            self.metrics.count_quote(status, time.perf_counter() - mark)

    def _quotation(self, request: dict[str, Any], current: CurrentPlan) -> SaleOrder:
        tz = ZoneInfo(current.snapshot.timezone)
        max_lines = self.settings.quote_max_lines
        try:
            order_id = quote_request.order_id(request)
            if "lines" in request:
                order = quote_request.quotation(request, tz, current.snapshot.today, max_lines)
            else:
                body = self._order_from_odoo(order_id)
                try:
                    order = quote_request.quotation(body, tz, current.snapshot.today,
                                                    max_lines)
                except quote_request.RequestError as error:
                    raise QuoteError(f"sale order {order_id} in Odoo cannot be quoted: "
                                     f"{error}", 422) from error
        except quote_request.RequestError as error:
            raise QuoteError(str(error)) from error
        known = current.snapshot.index.products
        # (not "- set(known)": a set of every product per quote was half its time at size L)
        unknown = {line.product_id for line in order.lines if line.product_id not in known}
        if unknown:
            skipped = self._not_planned(unknown)
            order = dataclasses.replace(order, lines=tuple(
                line for line in order.lines if line.product_id not in skipped))
        return order

    def _not_planned(self, product_ids: set[int]) -> set[int]:
        """Of products the plan does not know, those Odoo never plans (services and
        consumables, always at hand); a new stocked or manufactured product is refused until
        the next run has read it."""
        try:
            rows = self.client.search_read(
                "product.product", [("id", "in", sorted(product_ids))],
                [name for name in PRODUCT_KIND
                 if name in self.client.fields("product.product", PRODUCT_KIND)],
                context={"active_test": False})
        except OdooError as error:
            log.warning("quote: cannot read products %s: %s", sorted(product_ids), error)
            raise QuoteError(UNREADABLE % "the quotation's products", 502) from error
        skipped = set()
        for row in rows:
            kind = row.get("detailed_type") or row.get("type")
            storable = kind == "product" or bool(row.get("is_storable"))
            if kind in ("service", "combo") or (not storable and not row.get("bom_ids")):
                skipped.add(row["id"])
        missing = sorted(product_ids - skipped)
        if missing:
            names = {row["id"]: row.get("display_name") for row in rows}
            described = ", ".join(f"{names.get(pid) or 'product'} (id {pid})" for pid in missing)
            raise QuoteError(f"the plan does not know {described} yet: it is planned from the "
                             "next planning run on", 422)
        return skipped

    def _order_from_odoo(self, order_id: int) -> dict[str, Any]:
        """The quotation as Odoo has it, in the ``/quote`` body's shape."""
        try:
            # the unit field as this series names it (19: product_uom_id)
            uom_field = self.reader.resolve(SPECS["sale.order.line"]).get("product_uom",
                                                                          "product_uom")
            orders = self.client.search_read(
                "sale.order", [("id", "=", order_id)],
                ["name", "partner_id", "date_order", "commitment_date", "picking_policy",
                 "create_date"])
            if not orders:
                raise QuoteError(f"sale order {order_id} does not exist in Odoo", 404)
            lines = self.client.search_read(
                "sale.order.line", [("order_id", "=", order_id), ("display_type", "=", False)],
                ["product_id", "product_uom_qty", uom_field, "customer_lead"],
                order="sequence, id")
        except OdooError as error:
            log.warning("quote: cannot read sale order %d: %s", order_id, error)
            raise QuoteError(UNREADABLE % f"sale order {order_id}", 502) from error
        row = orders[0]
        return {
            "order_id": order_id, "name": row.get("name"),
            "partner": m2o_name(row.get("partner_id")), "date_order": row.get("date_order"),
            "commitment_date": row.get("commitment_date") or None,
            "picking_policy": row.get("picking_policy"),
            "lines": [{"line_id": line["id"], "product_id": m2o_id(line.get("product_id")),
                       "quantity": line.get("product_uom_qty"),
                       "uom_id": m2o_id(line.get(uom_field)),
                       "customer_lead": line.get("customer_lead")} for line in lines
                      if m2o_id(line.get("product_id"))],
        }


def _next_minute(moment: dt.datetime) -> dt.datetime:
    """The planning clock: the next whole minute. Odoo plans work orders to the minute, and
    seconds would make every replan of unchanged data a new plan (work in progress starts now)."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(minutes=1)
