"""The HTTP API described in OpenAPI 3.1, served at ``/openapi.json`` and kept in
``docs/openapi.json`` (``python -m sync.openapi > docs/openapi.json`` writes it again; a test
checks that the two agree). The bounds come from :mod:`sync.quote_request`, which enforces
them, so the description cannot drift from what the service accepts."""

from __future__ import annotations

import json
import typing
from typing import Any

from optimizer.plan import PromiseStatus
from sync.quote_request import (
    DATETIME_FORMAT,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_BODY,
    MAX_DEPTH,
    MAX_ID,
    MAX_LEAD_DAYS,
    MAX_QUANTITY,
    MAX_TEXT,
)

# the status codes /quote answers with, each with what it means
QUOTE_STATUSES = {
    "200": "The earliest dates, from the current plan; nothing is reserved.",
    "400": "The body or a field is wrong; `error` starts with the field (`lines[2].quantity: "
           "...`).",
    "401": "Missing or wrong token.",
    "404": "The sale order does not exist in Odoo (body without `lines`).",
    "413": "The body is larger than the limit.",
    "422": "The plan cannot quote this order yet (a product it has not read, or Odoo's record "
           "cannot be quoted); `error` says which.",
    "502": "Odoo did not answer the service (body without `lines`); try again.",
    "503": "No plan yet: the first planning run has not finished.",
}


def _id(description: str, minimum: int = 1) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": MAX_ID,
            "description": description}


def _datetime(description: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "maxLength": 32,
            "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
            "description": f"{description}: naive UTC, `{DATETIME_FORMAT}` as Odoo writes it, "
                           f"a year from {FIRST_YEAR} to {LAST_YEAR}."}


def _statuses() -> list[str]:
    return list(typing.get_args(PromiseStatus))


def document(max_lines: int = 2000, max_body: int = MAX_BODY) -> dict[str, Any]:
    """The OpenAPI document for the limits in force."""
    error = {"type": "object", "required": ["error"], "additionalProperties": False,
             "properties": {"error": {"type": "string", "description":
                                      "One sentence; starts with the field when one is wrong."}}}
    reason_data = {"type": ["object", "null"],
                   "description": "The reason as structured data: `kind` and its values."}
    line_request = {
        "type": "object", "required": ["line_id", "product_id", "quantity", "uom_id"],
        "properties": {
            "line_id": _id("sale.order.line id (0 for a line not saved yet)", minimum=0),
            "product_id": _id("product.product id"),
            "quantity": {"type": "number", "minimum": 0, "maximum": MAX_QUANTITY,
                         "description": "In the line's unit of measure."},
            "uom_id": _id("uom.uom id of the line's unit"),
            "customer_lead": {"type": ["number", "null"], "minimum": 0,
                              "maximum": MAX_LEAD_DAYS,
                              "description": "Days from the order to delivery."},
        }}
    quote_request = {
        "type": "object", "required": ["order_id"],
        "description": f"Without `lines` the service reads the order from Odoo. JSON nested at "
                       f"most {MAX_DEPTH} levels; `NaN` and `Infinity` are refused.",
        "properties": {
            "order_id": _id("sale.order id"),
            "name": {"type": ["string", "null"], "maxLength": MAX_TEXT},
            "partner": {"type": ["string", "null"], "maxLength": MAX_TEXT},
            "date_order": _datetime("When the quotation was made"),
            "commitment_date": _datetime("The delivery date the customer asked for"),
            "picking_policy": {"enum": ["direct", "one", None]},
            "lines": {"type": "array", "maxItems": max_lines, "items": line_request},
        }}
    line_answer = {
        "type": "object",
        "required": ["line_id", "promise_date", "status", "reason", "shipments"],
        "properties": {
            "line_id": {"type": "integer"},
            "promise_date": {"type": ["string", "null"], "format": "date"},
            "status": {"enum": _statuses()},
            "reason": {"type": "string"},
            "reason_data": reason_data,
            "shipments": {"type": "array", "items": {
                "type": "object", "required": ["date", "quantity"],
                "properties": {"date": {"type": "string", "format": "date"},
                               "quantity": {"type": "number"}}}},
            "quantity_by_requested_date": {"type": ["number", "null"]},
            "missing_quantity": {"type": ["number", "null"]},
        }}
    quote_answer = {
        "type": "object",
        "required": ["order_id", "promise_date", "status", "reason", "lines", "computed_at",
                     "plan_age_seconds", "plan_run"],
        "properties": {
            "order_id": {"type": "integer"},
            "promise_date": {"type": ["string", "null"], "format": "date"},
            "status": {"enum": _statuses()},
            "reason": {"type": "string"},
            "reason_data": reason_data,
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/LineAnswer"}},
            "computed_at": {"type": "string"},
            "plan_age_seconds": {"type": "number", "minimum": 0},
            "plan_run": {"type": "string"},
        }}
    health = {"type": "object", "required": ["status"],
              "properties": {"status": {"enum": ["up", "degraded", "down"]}},
              "description": "Without the token only `status`; with it also `version` (the "
                             "service's), `odoo`, `poll`, `plan` and `runs`."}

    def answers(codes: dict[str, str], schema: str) -> dict[str, Any]:
        return {code: {"description": text, "content": {"application/json": {"schema": {
            "$ref": f"#/components/schemas/{schema if code == '200' else 'Error'}"}}}}
            for code, text in codes.items()}

    return {
        "openapi": "3.1.0",
        "info": {"title": "capacity-promise", "version": "1",
                 "description": "Delivery dates the factory can keep. Requests must arrive "
                                f"whole within the server's deadlines; bodies of at most "
                                f"{max_body} bytes."},
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "CAPACITY_PROMISE_TOKEN"}},
            "schemas": {"Error": error, "QuoteRequest": quote_request,
                        "LineRequest": line_request, "QuoteAnswer": quote_answer,
                        "LineAnswer": line_answer, "Health": health},
        },
        "paths": {
            "/quote": {"post": {
                "summary": "The earliest dates for a quotation (an inquiry: reserves nothing).",
                "security": [{"token": []}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/QuoteRequest"}}}},
                "responses": answers(QUOTE_STATUSES, "QuoteAnswer")}},
            "/health": {"get": {
                "summary": "up, degraded or down; details with the token.",
                "security": [{}, {"token": []}],
                "responses": {code: {"description": text, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Health"}}}}
                    for code, text in (("200", "up"), ("503", "degraded or down"))}}},
            "/metrics": {"get": {
                "summary": "Prometheus text: polls, runs by outcome, quotes, plan age.",
                "responses": {"200": {"description": "Prometheus text exposition",
                                      "content": {"text/plain": {"schema": {
                                          "type": "string"}}}}}}},
            "/openapi.json": {"get": {
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": {
                                          "type": "object"}}}}}}},
        },
    }


def main() -> None:
    """Print the document with the default limits (for ``docs/openapi.json``)."""
    print(json.dumps(document(), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
