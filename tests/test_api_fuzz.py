"""The HTTP API fuzzed from its own OpenAPI description: bodies drawn from the published
request schema, at and beyond its bounds, with any field swapped for any JSON value, and bodies
that are not JSON at all. Whatever comes in, the answer is one of the documented statuses with
a JSON body that matches the documented schema; a refusal names the field; nothing non-finite
is promised; and ``docs/openapi.json`` is the document the service serves."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from api_helpers import call, planned_service  # noqa: F401 - the fixture
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sync.openapi import QUOTE_STATUSES, document
from sync.server import ApiApp

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"^(body|Content-Length|order_id|name|partner|date_order|commitment_date|"
                   r"picking_policy|lines(\[\d+\](\.(line_id|product_id|quantity|uom_id|"
                   r"customer_lead))?)?): ")
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

json_scalars = (st.none() | st.booleans() | st.text(max_size=20)
                | st.integers(min_value=-(10**400), max_value=10**400)
                | st.floats(allow_nan=True, allow_infinity=True))
any_json = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def from_schema(schema: dict[str, Any], schemas: dict[str, Any],
                wild: bool = True) -> st.SearchStrategy[Any]:
    """Values for a schema of the document: valid ones and, when ``wild``, values at and just
    past each bound and (one time in eight) any JSON value at all."""
    if "$ref" in schema:
        return from_schema(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas, wild)
    if not wild:
        return valid_for(schema, schemas)
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    options: list[st.SearchStrategy[Any]] = []
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    if "integer" in kinds:
        low, high = schema.get("minimum", -(2**63)), schema.get("maximum", 2**63)
        options += [st.integers(low, high), st.sampled_from([low - 1, high, high + 1, 2**63,
                                                              10**400, -(10**400)])]
    if "number" in kinds:
        low, high = schema.get("minimum", -1e300), schema.get("maximum", 1e300)
        options += [st.floats(low, high), st.integers(int(low), int(high)),
                    st.sampled_from([low - 1e-9, high, high * 10, 10**400, math.inf, -math.inf,
                                     math.nan, 1e308])]
    if "string" in kinds:
        limit = schema.get("maxLength", 40)
        options += [st.text(max_size=min(limit, 40)), st.just("x" * (limit + 1)),
                    st.sampled_from(["2026-11-23 09:00:00", "9999-12-31 23:59:59",
                                     "0001-01-01 00:00:00", "2026-02-30 10:00:00",
                                     "line\nforged WARNING x", "2026-11-23"])]
    if "null" in kinds:
        options.append(st.none())
    if "array" in kinds:
        items = from_schema(schema["items"], schemas, wild)
        options.append(st.lists(items, max_size=4))
    if "object" in kinds:
        properties = {name: from_schema(sub, schemas, wild)
                      for name, sub in schema.get("properties", {}).items()}
        required = set(schema.get("required", []))
        options.append(st.fixed_dictionaries(
            {name: value for name, value in properties.items() if name in required},
            optional={name: value for name, value in properties.items()
                      if name not in required}))
    valid_or_not = st.one_of(options) if options else any_json
    return st.one_of(valid_or_not, valid_or_not, valid_or_not, valid_or_not, valid_or_not,
                     valid_or_not, valid_or_not, any_json)


def valid_for(schema: dict[str, Any], schemas: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Only values the schema allows (dates in the documented form)."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "integer" in kinds:
        return st.integers(schema["minimum"], schema["maximum"])
    if "number" in kinds:
        return st.floats(schema["minimum"], schema["maximum"]) | st.integers(0, 1000)
    if "pattern" in schema:
        return st.datetimes(dt.datetime(1970, 1, 2), dt.datetime(2999, 12, 30)).map(
            lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")) | st.none()
    if "string" in kinds:
        return st.text(max_size=40)
    if "array" in kinds:
        return st.lists(from_schema(schema["items"], schemas, wild=False), max_size=4)
    properties = {name: from_schema(sub, schemas, wild=False)
                  for name, sub in schema.get("properties", {}).items()}
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: value for name, value in properties.items() if name in required},
        optional={name: value for name, value in properties.items() if name not in required})


DOCUMENT = document()
SCHEMAS = DOCUMENT["components"]["schemas"]


@pytest.fixture(scope="module")
def app(planned_service):  # noqa: F811
    return ApiApp(planned_service)


@pytest.fixture(scope="module")
def known(planned_service):  # noqa: F811
    """Products and units the plan knows, so that some fuzzed lines are promised."""
    products = planned_service.current.snapshot.products
    return [(p.id, p.uom_id) for p in products if p.procurement != "none"]


def check_answer(status: int, answer: Any, headers: dict[str, str]) -> None:
    event(f"HTTP {status}")
    assert str(status) in QUOTE_STATUSES, (status, answer)
    assert headers["Content-Type"] == "application/json"
    schema = "QuoteAnswer" if status == 200 else "Error"
    jsonschema.validate(answer, {**SCHEMAS[schema], "components": {"schemas": SCHEMAS}},
                        cls=jsonschema.Draft202012Validator)
    if status == 400:
        assert FIELD.match(answer["error"]), answer["error"]
    if status == 200:
        assert all(math.isfinite(shipment["quantity"]) for line in answer["lines"]
                   for shipment in line["shipments"])
    text = json.dumps(answer)
    assert "http://" not in text and "test-token" not in text


def with_known_products(body: Any, known, pick: int) -> Any:
    """Give some lines a product and unit the plan knows."""
    if isinstance(body, dict) and isinstance(body.get("lines"), list):
        for position, line in enumerate(body["lines"]):
            if isinstance(line, dict) and (pick + position) % 2 == 0:
                product, uom = known[(pick + position) % len(known)]
                line.setdefault("product_id", product)
                line["product_id"], line["uom_id"] = product, uom
    return body


@FUZZ
@given(body=from_schema(SCHEMAS["QuoteRequest"], SCHEMAS), pick=st.integers(0, 1000),
       with_lines=st.booleans())
def test_any_body_from_the_schema_gets_a_documented_answer(app, known, body, pick, with_lines):
    if with_lines and isinstance(body, dict):
        body.setdefault("lines", [])
    body = with_known_products(body, known, pick)
    raw = json.dumps(body, allow_nan=True).encode()
    status, answer, headers = call(app, "POST", "/quote", raw)
    check_answer(status, answer, headers)


@FUZZ
@given(body=from_schema(SCHEMAS["QuoteRequest"], SCHEMAS, wild=False),
       pick=st.integers(0, 1000))
def test_a_valid_body_is_promised_or_refused_for_the_plan(app, known, body, pick):
    body.setdefault("lines", [])
    body = with_known_products(body, known, pick)
    status, answer, headers = call(app, "POST", "/quote", json.dumps(body).encode())
    check_answer(status, answer, headers)
    assert status in (200, 422), answer  # 422: a product the plan does not know


@FUZZ
@given(body=any_json)
def test_any_json_gets_a_documented_answer(app, body):
    raw = json.dumps(body, allow_nan=True).encode()
    status, answer, headers = call(app, "POST", "/quote", raw)
    check_answer(status, answer, headers)


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_get_a_documented_answer(app, raw):
    status, answer, headers = call(app, "POST", "/quote", raw)
    check_answer(status, answer, headers)


@FUZZ
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]),
       path=st.sampled_from(["/quote", "/health", "/metrics", "/openapi.json", "/", "/x"])
       | st.text(max_size=30).map(lambda text: "/" + text),
       token=st.none() | st.just("test-token") | st.text(max_size=10))
def test_any_method_and_path_get_an_answer(app, method, path, token):
    body = b'{"order_id": 1, "lines": []}' if method == "POST" else None
    status, answer, _ = call(app, method, path, body, token=token or None)
    assert 200 <= status < 600 and status != 500, (method, path, status, answer)


def test_the_published_description_is_the_served_one(app):
    status, served, _ = call(app, "GET", "/openapi.json", token=None)
    assert status == 200
    assert json.loads((ROOT / "docs/openapi.json").read_text()) == served
    assert set(served["paths"]) == {"/quote", "/health", "/metrics", "/openapi.json"}
