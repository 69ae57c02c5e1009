"""The bundled demo: what ``make demo`` shows a manufacturer."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer import plan
from optimizer.checker import check_plan
from optimizer.demo import demo_snapshot
from sync.cli import main


def test_demo_prints_promises_purchases_and_writes_a_load_chart(tmp_path, capsys):
    report = tmp_path / "report.html"
    assert main(["demo", "--date", "2026-11-23", "--html", str(report)]) == 0
    out = capsys.readouterr().out
    quotations = out.split("Quotations:")[1].split("Confirmed orders")[0]
    header = quotations.splitlines()[1].split()
    assert header == ["order", "customer", "asked", "odoo", "date", "promised", "status",
                      "reason"]
    assert "fully booked until" in quotations  # capacity-bound promises
    assert "must be bought from" in quotations or "arrives on" in quotations  # material-bound
    purchases = out.split("Suggested purchases, by vendor")[1]
    assert "Motion Parts" in purchases and "Electric Motor" in purchases
    assert "What if a customer asks now for 6 Office Desks? Promised" in out
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg class='chart'") == 5  # one load chart per work center
    assert "Assembly Line 1" in html


@pytest.mark.parametrize("offset", range(7))
def test_demo_plans_pass_the_checker_whatever_the_weekday(offset):
    snapshot = demo_snapshot(dt.date(2026, 11, 23) + dt.timedelta(days=offset))
    result = plan(snapshot)
    assert check_plan(snapshot, result) == []
    statuses = {promise.status for promise in result.orders}
    assert "late" in statuses and "on_time" in statuses
    assert len(snapshot.manufacturing_orders) == 30
    assert sum(o.state == "quotation" for o in snapshot.sale_orders) >= 8
    assert len(snapshot.products) >= 20
