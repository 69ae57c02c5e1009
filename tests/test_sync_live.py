"""The quiet poll against a real Odoo (skipped without one): after a full sync that applies the
plan, a poll with nothing changed plans nothing, writes nothing and costs at most ten calls;
and the bench tool says why it does not run when no Odoo is configured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import sync_bench
from sync.config import Secret, Settings
from sync.service import PlanningService

ENV = os.environ


def live_settings(tmp_path: Path) -> Settings:
    missing = [name for name in ("URL", "DB", "LOGIN", "API_KEY")
               if not ENV.get(f"CAPACITY_PROMISE_TEST_ODOO_{name}")]
    if missing:
        pytest.skip("no live Odoo: set CAPACITY_PROMISE_TEST_ODOO_" + ", _".join(missing))
    if ENV.get("CAPACITY_PROMISE_TEST_ODOO_WRITE") != "1":
        pytest.skip("applies a plan: set CAPACITY_PROMISE_TEST_ODOO_WRITE=1 (on a copy)")
    return Settings(odoo_url=ENV["CAPACITY_PROMISE_TEST_ODOO_URL"],
                    odoo_db=ENV["CAPACITY_PROMISE_TEST_ODOO_DB"],
                    odoo_login=ENV["CAPACITY_PROMISE_TEST_ODOO_LOGIN"],
                    odoo_api_key=Secret(ENV["CAPACITY_PROMISE_TEST_ODOO_API_KEY"]),
                    state_url=f"sqlite:///{tmp_path / 'live.sqlite'}")


@pytest.mark.odoo
def test_live_an_idle_poll_after_the_full_sync_is_quiet(tmp_path):
    service = PlanningService(live_settings(tmp_path))
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
