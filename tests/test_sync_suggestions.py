"""An RFQ line made from one of our purchase suggestions counts as supply (it must not be
suggested again), but only when it is for the suggestion's product in its company: anyone who
may write a suggestion could otherwise make any RFQ line count as supply."""

from __future__ import annotations

from conftest import addon_fake, settings_for

from sync.service import PlanningService

SUGGESTION_FIELDS = {
    "key": "char",
    "state": {"type": "selection",
              "selection": [["open", "Open"], ["ordered", "Ordered"], ["dismissed", "Dismissed"]]},
    "product_id": {"type": "many2one", "relation": "product.product"},
    "company_id": {"type": "many2one", "relation": "res.company"},
    "product_uom_id": {"type": "many2one", "relation": "uom.uom"},
    "purchase_line_id": {"type": "many2one", "relation": "purchase.order.line"},
}


def rfq_lines(dataset) -> dict[int, dict]:
    return {row["id"]: row for row in dataset.model("purchase.order.line").records.values()
            if row["state"] in ("draft", "sent")}


def test_an_rfq_line_counts_only_for_its_suggestions_product(tmp_path):
    with addon_fake() as (server, _):
        dataset = server.dataset
        lines = rfq_lines(dataset)
        # two RFQ lines of one product, in two RFQs
        product = next(row["product_id"] for row in lines.values()
                       if sum(other["product_id"] == row["product_id"]
                              for other in lines.values()) > 1)
        right, wrong = [line_id for line_id, row in lines.items()
                        if row["product_id"] == product][:2]
        other = next(row["product_id"] for row in lines.values() if row["product_id"] != product)
        company = dataset.get("purchase.order.line", right)["company_id"]
        dataset.add_model("capacity.purchase.suggestion", SUGGESTION_FIELDS, [
            {"key": "good", "state": "ordered", "product_id": product, "company_id": company,
             "purchase_line_id": right},
            # a buyer marked another product's suggestion ordered on this product's RFQ line
            {"key": "bent", "state": "ordered", "product_id": other, "company_id": company,
             "purchase_line_id": wrong},
        ])
        service = PlanningService(settings_for(server, tmp_path, solver="none"))
        current = service.run_once()
    supply = {line.id for line in current.snapshot.purchase_lines}
    assert right in supply
    assert wrong not in supply
    [warning] = [w for w in current.plan.warnings if "capacity.purchase.suggestion" in w]
    bent = next(record["id"] for record in
                dataset.model("capacity.purchase.suggestion").records.values()
                if record["key"] == "bent")
    assert f"capacity.purchase.suggestion {bent} 'bent'" in warning
    assert f"purchase.order.line {wrong} " in warning
    assert dataset.display_name("product.product", other) in warning
    assert "not counted as supply" in warning
    assert current.applied
