"""The log cannot be forged or flooded and carries no secret: a quotation's name with a
newline stays on its record's line, a huge value is cut, secrets are blanked even inside an
error's text and a traceback; ``CAPACITY_PROMISE_LOG_FORMAT=json`` writes one object a line."""

from __future__ import annotations

import io
import json
import logging

import pytest
from conftest import settings_for
from fake_odoo import TEST_API_KEY

from sync import logs
from sync.config import Secret, load_settings
from sync.server import ApiApp
from sync.service import PlanningService

FORGED = "1999-12-31 23:59:59,000 ERROR sync.service: stock deleted by admin"


@pytest.fixture
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    logs.configure("DEBUG", [TEST_API_KEY, "test-token"], stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def lines_of(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if not line.startswith("  | ")]


def test_a_quotation_name_with_a_newline_cannot_forge_a_log_line(addon_odoo, tmp_path,
                                                                  captured):
    server, _ = addon_odoo
    service = PlanningService(settings_for(server, tmp_path, solver="none"))
    current = service.run_once()
    product = next(p for p in current.snapshot.products if p.procurement == "make")
    body = {"order_id": 999_001, "name": f"S1\n{FORGED}\r\n\x1b[2J",
            "lines": [{"line_id": 1, "product_id": product.id, "quantity": 1,
                       "uom_id": product.uom_id}]}
    service.quote(body)
    quote_lines = [line for line in lines_of(captured) if "quote for order" in line]
    assert len(quote_lines) == 1
    assert "S1\\n1999-12-31" in quote_lines[0] and "\\x1b" in quote_lines[0]
    assert not any(line.startswith("1999-12-31") for line in
                   captured.getvalue().splitlines())


def test_a_path_with_a_newline_stays_on_one_line(captured):
    class Broken:
        settings = load_settings({})

    app = ApiApp(Broken())  # type: ignore[arg-type]
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/health\n{FORGED}"}
    app(environ, lambda status, headers: None)
    logging.getLogger("sync.server").warning("odd path %s", f"/x\n{FORGED}")
    assert not any(line.startswith("1999-12-31") for line in
                   captured.getvalue().splitlines())


def test_a_huge_value_is_cut(captured):
    logging.getLogger("sync.service").warning("quote for order %s", "S" * 900_000)
    [line] = lines_of(captured)
    assert len(line) < 1000 and "(900000 characters)" in line


def test_secrets_never_reach_the_log(addon_odoo, tmp_path, captured):
    server, _ = addon_odoo
    service = PlanningService(settings_for(server, tmp_path, solver="none"))
    service.run_once()
    ApiApp(service)({"REQUEST_METHOD": "GET", "PATH_INFO": "/health",
                     "HTTP_AUTHORIZATION": "Bearer test-token"}, lambda *args: None)
    try:
        raise RuntimeError(f"login failed with key {TEST_API_KEY}")
    except RuntimeError:
        logging.getLogger("sync.odoo").exception("call failed: %s",
                                                 f"password={TEST_API_KEY}")
    text = captured.getvalue()
    assert TEST_API_KEY not in text and "test-token" not in text
    assert "password=***" in text and "login failed with key ***" in text


def test_the_settings_name_every_secret():
    settings = load_settings({"CAPACITY_PROMISE_ODOO_API_KEY": "key-1234",
                              "CAPACITY_PROMISE_TOKEN": "tok-5678",
                              "CAPACITY_PROMISE_STATE_URL":
                                  "postgresql+psycopg2://svc:pw-9012@db/state"})
    assert set(settings.secret_values()) == {"key-1234", "tok-5678", "pw-9012"}
    assert settings.odoo_api_key == Secret("key-1234")


def test_json_logs_are_one_object_a_line():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logs.configure("INFO", ["s3cret-key"], as_json=True, stream=stream)
        logging.getLogger("sync.service").info("quote for order %s", f"S1\n{FORGED}")
        try:
            raise ValueError("boom s3cret-key")
        except ValueError:
            logging.getLogger("sync.server").exception("POST /quote failed")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(entries) == 2
    assert entries[0]["message"].startswith("quote for order S1\\n1999")
    assert "ValueError: boom ***" in entries[1]["traceback"]
