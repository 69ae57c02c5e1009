"""Monitoring tells the truth about runs: a plan Odoo answered ``{"ignored": true}`` is recorded
and reported as ignored with the reason (store, ``/health``, ``/metrics``), and any unexpected
error in a run is a failed run: counted, ``/health`` non-200 with the reason, and recorded in
the addon's planner runs."""

from __future__ import annotations

import pytest
from conftest import AddonStub, addon_fake, settings_for

from sync.runs import RunError
from sync.server import PollLoop, health, metrics_text
from sync.service import PlanningService

REASON = "Snapshot 2026-12-01 09:00:00 is older than the snapshot of run cp-x, already applied."


class IgnoringAddon(AddonStub):
    """Odoo's addon that answers every plan with ``ignored`` (as it does for a plan older than
    the latest applied one, e.g. after someone moved a run's snapshot into the future)."""

    def apply_plan(self, payload):
        if payload["status"] == "failed":
            self.applied.append(payload)
            return {"run_id": len(self.applied), "ignored": False}
        return {"run_id": False, "ignored": True, "reason": REASON}


@pytest.fixture
def odoo_with(request):
    with addon_fake(addon=request.param()) as pair:
        yield pair


@pytest.mark.parametrize("odoo_with", [IgnoringAddon], indirect=True)
def test_an_ignored_plan_is_recorded_and_reported_as_ignored(odoo_with, tmp_path):
    server, _ = odoo_with
    service = PlanningService(settings_for(server, tmp_path, solver="none"))
    current = service.run_once()
    assert not current.applied
    [run] = list(service.store.recent_runs())
    assert run["status"] == "ignored" and run["error"] == REASON
    code, payload = health(service, detailed=True)
    assert code == 503 and payload["status"] == "degraded"
    assert payload["poll"]["last"]["outcome"] == "ignored"
    assert REASON in payload["poll"]["last"]["reason"]
    assert health(service) == (503, {"status": "degraded"})
    text = metrics_text(service)
    assert 'capacity_promise_polls_total{outcome="ignored"} 1' in text
    assert 'capacity_promise_polls_total{outcome="applied"} 0' in text


@pytest.mark.parametrize("odoo_with", [AddonStub], indirect=True)
def test_an_unexpected_error_is_a_failed_run_everyone_sees(odoo_with, tmp_path, monkeypatch):
    server, addon = odoo_with
    service = PlanningService(settings_for(server, tmp_path, solver="none"))
    service.run_once()
    assert health(service)[0] == 200

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("sync.service.plan", broken)
    with pytest.raises(RunError, match="ZeroDivisionError: float division by zero"):
        service.run_once(force=True)
    code, payload = health(service, detailed=True)
    assert code == 503 and payload["status"] == "degraded"
    assert "ZeroDivisionError" in payload["odoo"]["last_error"]
    assert health(service) == (503, {"status": "degraded"})  # no detail without the token
    assert 'capacity_promise_polls_total{outcome="failed"} 1' in metrics_text(service)
    assert [run["status"] for run in service.store.recent_runs()][0] == "failed"
    [reported] = [p for p in addon.applied if p["status"] == "failed"]
    assert "ZeroDivisionError" in reported["warnings"][0]
    assert reported["orders"] == [] and reported["solver"]["status"] == "error"
    # the same failure again is counted, not reported to Odoo a second time
    with pytest.raises(RunError):
        service.run_once(force=True)
    assert len([p for p in addon.applied if p["status"] == "failed"]) == 1
    assert 'capacity_promise_polls_total{outcome="failed"} 2' in metrics_text(service)
    # quotes still come from the last good plan, and the next good run clears the failure
    monkeypatch.undo()
    service.run_once(force=True)
    assert health(service)[0] == 200


@pytest.mark.parametrize("odoo_with", [AddonStub], indirect=True)
def test_the_poll_loop_counts_a_crash_and_goes_on(odoo_with, tmp_path, monkeypatch):
    server, _ = odoo_with
    service = PlanningService(settings_for(server, tmp_path, solver="none"))
    monkeypatch.setattr("sync.service.build_snapshot",
                        lambda *args, **kwargs: (_ for _ in ()).throw(OverflowError("date")))
    loop = PollLoop(service, interval=0.01)
    calls = []

    def stop_after_two(timeout=None):
        calls.append(timeout)
        if len(calls) >= 2:
            loop.stopped.set()
        return True

    loop.stopped.wait = stop_after_two  # type: ignore[method-assign]
    loop.run()
    assert loop.failures == 2 and service.metrics.runs["failed"] == 2
    assert "OverflowError: date" in service.last_error


@pytest.mark.parametrize("odoo_with", [AddonStub], indirect=True)
def test_a_huge_horizon_is_planned_over_the_limit(odoo_with, tmp_path):
    server, addon = odoo_with
    addon.settings["horizon_days"] = 365_000
    service = PlanningService(settings_for(server, tmp_path, solver="none"))
    assert service.planner_settings().horizon_days == service.settings.max_horizon_days
    service.run_once()
    assert addon.applied


@pytest.mark.parametrize("odoo_with", [AddonStub], indirect=True)
def test_a_snapshot_over_the_limit_is_a_failed_run_saying_so(odoo_with, tmp_path):
    server, addon = odoo_with
    service = PlanningService(settings_for(server, tmp_path, solver="none",
                                           max_snapshot_records=50))
    with pytest.raises(RunError, match="CAPACITY_PROMISE_MAX_SNAPSHOT_RECORDS"):
        service.run_once()
    assert health(service)[0] == 503
    assert [p["status"] for p in addon.applied] == ["failed"]
