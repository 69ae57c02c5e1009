"""The quiet poll against a real Odoo of each configured series (``tests/live.py``; skipped
without one): after a full sync that applies the plan, a poll with nothing changed plans
nothing, writes nothing and costs at most ten calls; and the bench tool says why it does not run
when no Odoo is configured."""

from __future__ import annotations

import pytest
from live import by_target, live_settings, writes

from bench import sync_bench
from sync.service import PlanningService


@pytest.mark.odoo
@by_target
def test_live_an_idle_poll_after_the_full_sync_is_quiet(prefix, series, tmp_path):
    settings = live_settings(prefix, series, tmp_path)
    writes(prefix, "applies a plan")
    service = PlanningService(settings)
    first = service.run_once()
    assert service.metrics.last_poll.outcome in ("applied", "unchanged")
    idle = service.run_once()
    poll = service.metrics.last_poll
    assert poll.outcome == "idle", poll.reason
    assert poll.records == 0 and poll.calls <= 10
    assert idle.run_key == first.run_key
    again = service.run_once(force=True)  # the same data planned again: nothing to write
    assert service.metrics.last_poll.outcome == "unchanged" or again.run_key != first.run_key


def test_the_sync_bench_without_an_odoo_says_why_and_succeeds(monkeypatch, capsys):
    for name in sync_bench.LIVE:
        monkeypatch.delenv(f"CAPACITY_PROMISE_TEST_ODOO_{name}", raising=False)
    assert sync_bench.main([]) == 0
    assert "no live Odoo configured" in capsys.readouterr().out
