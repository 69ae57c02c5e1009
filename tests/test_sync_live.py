"""The quiet poll against a real Odoo of each configured series (``tests/live.py``; skipped
without one): after a full sync that applies the plan, a poll with nothing changed plans
nothing, writes nothing and costs at most ten calls; and the bench tool says why it does not run
when no Odoo is configured."""

from __future__ import annotations

import pytest
from live import by_target, live_settings, writes

from bench import sync_bench
from sync.odoo import OdooClient
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


@pytest.mark.odoo
@by_target
def test_live_an_order_closed_just_before_the_full_sync_keeps_the_idle_poll_quiet(
        prefix, series, tmp_path):
    """A closed order written moments before the full sync (a database just installed or
    loaded, a busy hour) is not stored; no probe may take it for a change: the one before the
    apply had the next poll read back every order and manufacturing order the apply stamped."""
    writes(prefix, "creates and cancels a quotation")
    (tmp_path / "admin").mkdir()
    admin = OdooClient(live_settings(prefix, series, tmp_path / "admin", admin=True))
    partner = admin.call("res.partner", "search", [("active", "=", True)], limit=1)
    product = admin.call("product.product", "search", [("sale_ok", "=", True)], limit=1)
    order = admin.call("sale.order", "create", {
        "partner_id": partner[0],
        "order_line": [(0, 0, {"product_id": product[0], "product_uom_qty": 1})]})
    admin.call("sale.order", "action_cancel", [order],
               context={"disable_cancel_warning": True})
    service = PlanningService(live_settings(prefix, series, tmp_path))
    first = service.run_once()
    assert order not in service.store.ids("sale.order")
    idle = service.run_once()
    poll = service.metrics.last_poll
    assert poll.outcome == "idle", poll.reason
    assert poll.records == 0 and poll.calls <= 10
    assert idle.run_key == first.run_key


def test_the_sync_bench_without_an_odoo_says_why_and_succeeds(monkeypatch, capsys):
    for name in sync_bench.LIVE:
        monkeypatch.delenv(f"CAPACITY_PROMISE_TEST_ODOO_{name}", raising=False)
    assert sync_bench.main([]) == 0
    assert "no live Odoo configured" in capsys.readouterr().out
