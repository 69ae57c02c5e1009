"""A planning service with a plan from the fake Odoo 17, shared by the API tests of one module,
and a way to call the WSGI application without a socket."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from conftest import AddonStub, settings_for
from fake_odoo import start_fake_odoo

from sync.server import ApiApp
from sync.service import PlanningService

TOKEN = "test-token"


@pytest.fixture(scope="module")
def planned_service(tmp_path_factory):
    """A service that has planned the recorded demo data once (its Odoo keeps running)."""
    tmp_path = tmp_path_factory.mktemp("api")
    addon = AddonStub()
    with start_fake_odoo() as server:
        server.register_method("capacity.planner.run", "apply_plan", addon.apply_plan)
        server.register_method("capacity.planner.run", "get_service_settings",
                               addon.get_service_settings)
        service = PlanningService(settings_for(server, tmp_path, solver="none"))
        service.run_once()
        yield service


def call(app: ApiApp, method: str, path: str, body: bytes | None = None,
         token: str | None = TOKEN, headers: dict[str, str] | None = None
         ) -> tuple[int, Any, dict[str, str]]:
    """One request straight into the WSGI application: (status, decoded body, headers)."""
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path,
                               "wsgi.input": io.BytesIO(body or b""),
                               "CONTENT_LENGTH": str(len(body)) if body is not None else ""}
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    for name, value in (headers or {}).items():
        environ[name] = value
    started: list[Any] = []
    chunks = app(environ, lambda status, response_headers: started.append(
        (status, response_headers)))
    raw = b"".join(chunks)
    status, response_headers = started[0]
    code = int(status.split(" ", 1)[0])
    kind = dict(response_headers).get("Content-Type", "")
    payload = json.loads(raw) if kind.startswith("application/json") else raw.decode()
    return code, payload, dict(response_headers)
