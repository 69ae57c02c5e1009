"""``/metrics`` shows the addon's promise-accuracy figure (the on-time share sales and
operations share), read from Odoo through one addon method and cached."""

from __future__ import annotations

from conftest import settings_for

from sync.server import metrics_text
from sync.service import PlanningService

FIGURES = {"delivered_orders": 40, "on_time_share": 0.925, "mean_days_late": 0.6,
           "p90_days_late": 2.0, "repromised_share": 0.1}


def test_metrics_show_the_promise_accuracy(addon_odoo, tmp_path):
    server, _addon = addon_odoo
    asked = []

    def get_promise_accuracy() -> dict[str, float]:
        asked.append(1)
        return FIGURES

    server.register_method("capacity.promise.accuracy", "get_promise_accuracy",
                           get_promise_accuracy)
    service = PlanningService(settings_for(server, tmp_path))
    text = metrics_text(service)
    assert "capacity_promise_accuracy_on_time_share 0.925" in text
    assert "capacity_promise_accuracy_p90_days_late 2" in text
    assert "capacity_promise_accuracy_delivered_orders 40" in text
    assert "# TYPE capacity_promise_accuracy_mean_days_late gauge" in text
    metrics_text(service)
    assert len(asked) == 1  # cached: a scrape does not ask Odoo each time


def test_without_the_figure_metrics_still_answer(addon_odoo, tmp_path):
    server, _addon = addon_odoo  # an addon without the report: the method is unknown
    service = PlanningService(settings_for(server, tmp_path))
    text = metrics_text(service)
    assert "capacity_promise_odoo_up 1" in text
    assert "capacity_promise_accuracy" not in text
