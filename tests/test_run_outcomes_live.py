"""Against a real Odoo of each configured series (``tests/live.py``; skipped without one, and
unless ``_WRITE=1``: the runs are recorded in that database, so use a copy): a failed run is
recorded in the addon's planner runs as failed, with the reason, and ``/health`` answers 503
(the reason only with the token); a plan Odoo ignores is reported as ignored with Odoo's
reason. The same paths as ``test_sync_run_outcomes.py``, with the addon's own answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from api_helpers import serving
from live import by_target, live_settings, writes

from sync.config import Secret
from sync.runs import RunError
from sync.service import PlanningService

TOKEN = "live-outcomes-token"


@contextmanager
def api(service: PlanningService) -> Iterator[str]:
    """The service's HTTP API on a free local port, by its URL."""
    with serving(service) as (host, port):
        yield f"http://{host}:{port}"


def get_health(base: str, token: str | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(f"{base}/health", headers=(
        {"Authorization": f"Bearer {token}"} if token else {}))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def odoo_run(service: PlanningService, key: str) -> dict[str, Any]:
    """The addon's planner run of ``key``, as the service's user reads it."""
    rows = service.client.call("capacity.planner.run", "search_read", [("run_key", "=", key)],
                               fields=["state", "solver_message", "warnings", "snapshot_at"])
    assert len(rows) == 1, (key, rows)
    return rows[0]


def last_run(service: PlanningService) -> dict[str, Any]:
    return next(iter(service.store.recent_runs()))


@pytest.mark.odoo
@by_target
def test_live_a_failed_run_is_recorded_in_odoo_and_health_says_so(prefix, series, tmp_path,
                                                                  monkeypatch):
    settings = live_settings(prefix, series, tmp_path, solver="none", token=Secret(TOKEN),
                             max_snapshot_records=10)
    writes(prefix, "records failed runs")
    service = PlanningService(settings)
    with pytest.raises(RunError, match="CAPACITY_PROMISE_MAX_SNAPSHOT_RECORDS"):
        service.run_once()
    run = last_run(service)
    assert run["status"] == "failed"
    recorded = odoo_run(service, run["run_key"])
    assert recorded["state"] == "failed"
    assert "CAPACITY_PROMISE_MAX_SNAPSHOT_RECORDS (10)" in recorded["solver_message"]
    assert recorded["warnings"] == recorded["solver_message"]
    with api(service) as base:
        assert get_health(base) == (503, {"status": "down"})  # no plan yet, and no detail
        code, detail = get_health(base, TOKEN)
    assert code == 503 and detail["status"] == "down"
    assert "CAPACITY_PROMISE_MAX_SNAPSHOT_RECORDS" in detail["odoo"]["last_error"]
    assert detail["poll"]["last"]["outcome"] == "failed"

    # with the limit right, a plan is applied; then a bug in the planner fails a run
    service.settings = dataclasses.replace(settings, max_snapshot_records=1_000_000)
    current = service.run_once()
    assert current.applied

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("sync.service.plan", broken)
    with pytest.raises(RunError, match="ZeroDivisionError"):
        service.run_once(force=True)
    failed = odoo_run(service, last_run(service)["run_key"])
    assert failed["state"] == "failed"
    assert "ZeroDivisionError: float division by zero" in failed["solver_message"]
    with api(service) as base:
        assert get_health(base) == (503, {"status": "degraded"})  # quotes from the last plan
        code, detail = get_health(base, TOKEN)
    assert code == 503 and "ZeroDivisionError" in detail["odoo"]["last_error"]
    assert detail["plan"]["run"] == current.run_key


@pytest.mark.odoo
@by_target
def test_live_a_plan_odoo_ignores_is_reported_as_ignored(prefix, series, tmp_path):
    settings = live_settings(prefix, series, tmp_path / "first", solver="none")
    writes(prefix, "applies a plan")
    (tmp_path / "first").mkdir()
    first = PlanningService(settings)
    first.run_once(force=True)
    applied = first.client.call("capacity.planner.run", "search_read",
                                [("state", "=", "applied")], fields=["snapshot_at"],
                                order="snapshot_at desc", limit=1)
    latest = dt.datetime.fromisoformat(applied[0]["snapshot_at"]).replace(tzinfo=dt.timezone.utc)
    # a second service whose clock is a day behind Odoo's latest applied run (as after
    # someone moved a run's snapshot into the future): Odoo ignores its plan
    behind = latest - dt.timedelta(days=1)
    late = PlanningService(live_settings(prefix, series, tmp_path, solver="none",
                                         token=Secret(TOKEN)), clock=lambda: behind)
    current = late.run_once()
    assert not current.applied
    run = last_run(late)
    assert run["status"] == "ignored"
    assert "is older than the snapshot" in run["error"], run
    assert late.metrics.last_poll.outcome == "ignored"
    with api(late) as base:
        code, detail = get_health(base, TOKEN)
        assert get_health(base)[0] == 503
    assert code == 503 and detail["status"] == "degraded"
    assert "is older than the snapshot" in detail["poll"]["last"]["reason"]
    assert not late.client.call("capacity.planner.run", "search_count",
                                [("run_key", "=", current.run_key)])
