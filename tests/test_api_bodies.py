"""Every ``/quote`` body gets an HTTP answer whose message names the field: the kinds of body
that once ended with the connection closed and no answer (overflowing lead times, dates and
400-digit numbers, deep nesting), non-finite quantities that were promised, and ids that Odoo's
integer columns cannot hold, which gave a 502 blaming Odoo."""

from __future__ import annotations

import json
from typing import Any

import pytest
from api_helpers import call, planned_service  # noqa: F401 - the fixture

from sync.server import ApiApp


@pytest.fixture(scope="module")
def app(planned_service):  # noqa: F811
    return ApiApp(planned_service)


@pytest.fixture(scope="module")
def product(planned_service):  # noqa: F811
    return next(p for p in planned_service.current.snapshot.products if p.procurement == "make")


def body_with(product, **line: Any) -> dict[str, Any]:
    values = {"line_id": 1, "product_id": product.id, "quantity": 2, "uom_id": product.uom_id,
              "customer_lead": 7, **line}
    return {"order_id": 999_001, "name": "S-NEW", "date_order": "2026-11-23 09:00:00",
            "lines": [values]}


def post(app, raw: bytes | str):
    return call(app, "POST", "/quote", raw.encode() if isinstance(raw, str) else raw)


@pytest.mark.parametrize(("line", "field"), [
    ({"customer_lead": 10**400}, "lines[0].customer_lead"),
    ({"customer_lead": 1e300}, "lines[0].customer_lead"),
    ({"customer_lead": 4000}, "lines[0].customer_lead"),
    ({"quantity": 10**400}, "lines[0].quantity"),
    ({"quantity": 1e300}, "lines[0].quantity"),
    ({"quantity": -1}, "lines[0].quantity"),
    ({"quantity": "2"}, "lines[0].quantity"),
    ({"quantity": True}, "lines[0].quantity"),
    ({"line_id": 10**400}, "lines[0].line_id"),
    ({"product_id": 2**31}, "lines[0].product_id"),
    ({"product_id": 2**63}, "lines[0].product_id"),
    ({"product_id": 0}, "lines[0].product_id"),
    ({"uom_id": -3}, "lines[0].uom_id"),
])
def test_a_bad_line_value_is_a_400_naming_the_field(app, product, line, field):
    status, answer, _ = post(app, json.dumps(body_with(product, **line)))
    assert status == 400, answer
    assert answer["error"].startswith(f"{field}: ")


@pytest.mark.parametrize("raw", [
    '{"order_id": 5, "lines": [{"line_id": 1, "product_id": 1, "quantity": Infinity, '
    '"uom_id": 1}]}',
    '{"order_id": 5, "lines": [{"line_id": 1, "product_id": 1, "quantity": NaN, "uom_id": 1}]}',
    '{"order_id": 5, "lines": [{"line_id": 1, "product_id": 1, "quantity": -Infinity, '
    '"uom_id": 1}]}',
])
def test_non_finite_numbers_are_refused(app, raw):
    status, answer, _ = post(app, raw)
    assert status == 400 and answer["error"].startswith("body: ")


def test_an_overflowing_json_number_is_refused_by_field(app, product):
    raw = json.dumps(body_with(product)).replace('"quantity": 2', '"quantity": 1e999')
    status, answer, _ = post(app, raw)
    assert status == 400 and answer["error"].startswith("lines[0].quantity: ")


@pytest.mark.parametrize(("fields", "field"), [
    ({"date_order": "9999-12-31 23:59:59"}, "date_order"),
    ({"date_order": "0001-01-01 00:00:00"}, "date_order"),
    ({"commitment_date": "9999-12-31 23:59:59"}, "commitment_date"),
    ({"commitment_date": "yesterday"}, "commitment_date"),
    ({"commitment_date": 20261201}, "commitment_date"),
    ({"order_id": 2**31}, "order_id"),
    ({"order_id": 10**400}, "order_id"),
    ({"order_id": "12"}, "order_id"),
    ({"name": "S" * 900_000}, "name"),
    ({"partner": {"name": "x"}}, "partner"),
    ({"picking_policy": "all"}, "picking_policy"),
    ({"lines": "none"}, "lines"),
    ({"lines": [5]}, "lines[0]"),
])
def test_a_bad_order_value_is_a_400_naming_the_field(app, product, fields, field):
    status, answer, _ = post(app, json.dumps({**body_with(product), **fields}))
    assert status == 400, answer
    assert answer["error"].startswith(f"{field}: ")


def test_an_id_beyond_odoos_integers_is_not_asked_of_odoo(app, planned_service):  # noqa: F811
    calls = planned_service.client.calls
    status, answer, _ = post(app, json.dumps({"order_id": 2**31}))
    assert status == 400 and answer["error"].startswith("order_id: ")
    assert planned_service.client.calls == calls


def test_too_many_lines_are_refused(app, product, planned_service):  # noqa: F811
    body = body_with(product)
    limit = planned_service.settings.quote_max_lines
    body["lines"] = [dict(body["lines"][0], line_id=n) for n in range(limit + 1)]
    status, answer, _ = post(app, json.dumps(body))
    assert status == 400 and answer["error"].startswith(f"lines: at most {limit} lines")


@pytest.mark.parametrize("raw", [
    "[" * 100_000 + "]" * 100_000,
    '{"order_id": 5, "lines": ' + "[" * 50 + "]" * 50 + "}",
    '{"order_id": 5, "x": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}",
])
def test_deep_nesting_is_refused(app, raw):
    status, answer, _ = post(app, raw)
    assert status == 400 and answer["error"].startswith("body: nested deeper than")


@pytest.mark.parametrize(("raw", "start"), [
    (b"\xff\xfe", "body: not UTF-8"),
    (b"{", "body: not JSON"),
    (b"[1, 2]", "body: expected a JSON object"),
    (b'{"order_id": 1' + b"1" * 5000 + b"}", "body: not JSON"),
])
def test_a_body_that_is_not_a_json_object_is_refused(app, raw, start):
    status, answer, _ = post(app, raw)
    assert status == 400 and answer["error"].startswith(start)


def test_a_non_numeric_content_length_is_a_400(app):
    status, answer, _ = call(app, "POST", "/quote", b"{}",
                             headers={"CONTENT_LENGTH": "twelve"})
    assert status == 400 and answer["error"].startswith("Content-Length: ")


def test_a_good_body_is_still_promised(app, product):
    status, answer, _ = post(app, json.dumps(body_with(product)))
    assert status == 200 and answer["lines"][0]["promise_date"]


def test_a_quote_error_from_odoo_does_not_show_odoos_address(addon_odoo, tmp_path):
    from conftest import settings_for

    from sync.service import PlanningService

    server, _ = addon_odoo
    service = PlanningService(settings_for(server, tmp_path, solver="none", odoo_retries=0))
    service.run_once()
    server.stop()
    status, answer, _ = post(ApiApp(service), json.dumps({"order_id": 7}))
    assert status == 502
    assert answer["error"].startswith("the planning service cannot read sale order 7 from Odoo")
    assert server.url not in answer["error"] and "127.0.0.1" not in answer["error"]
