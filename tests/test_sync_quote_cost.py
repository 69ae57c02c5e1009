"""A quote's cost does not grow with the number of products the factory has."""

from __future__ import annotations

import datetime as dt
import tracemalloc

from bench.generator import Size, generate
from optimizer import PlannerSettings, plan
from sync.config import Secret, Settings
from sync.service import CurrentPlan, PlanningService


def test_a_quote_in_a_factory_of_twenty_thousand_products_allocates_little(tmp_path):
    # each quote once made a set of every product the plan knows (half its time at size L)
    snapshot = generate(Size("many products", 100, 5, 20_000, 50, 20))
    result = plan(snapshot, PlannerSettings(solver="none"))
    service = PlanningService(Settings(
        odoo_url="http://127.0.0.1:9", odoo_db="db", odoo_login="service",
        odoo_api_key=Secret("k" * 32), state_url=f"sqlite:///{tmp_path / 's.sqlite'}",
        token=Secret("token")))
    now = dt.datetime.now(dt.timezone.utc)
    service.current = CurrentPlan(snapshot, result, now, "key", True, now)
    order = next(order for order in snapshot.sale_orders if order.state == "quotation")
    request = {"order_id": order.id, "lines": [
        {"line_id": line.id, "product_id": line.product_id, "quantity": line.quantity,
         "uom_id": line.uom_id, "customer_lead": 0} for line in order.lines]}
    service.quote(request)
    tracemalloc.start()
    try:
        answer = service.quote(request)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer["order_id"] == order.id and answer["promise_date"]
    assert peak < 256 * 1024, peak  # a set of 20,000 product ids alone is a megabyte
    service.store.close()
