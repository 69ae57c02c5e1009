"""A planning service with a plan from the fake Odoo 17, shared by the API tests of one module,
a way to call the WSGI application without a socket, and the API served on a real one."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conftest import addon_fake, settings_for

from sync.server import ApiApp, ApiServer
from sync.service import PlanningService

TOKEN = "test-token"


@pytest.fixture(scope="module")
def planned_service(tmp_path_factory):
    """A service that has planned the recorded demo data once (its Odoo keeps running)."""
    tmp_path = tmp_path_factory.mktemp("api")
    with addon_fake() as (server, _):
        service = PlanningService(settings_for(server, tmp_path, solver="none"))
        service.run_once()
        yield service


@contextmanager
def serving(service: PlanningService, **options: Any) -> Iterator[tuple[str, int]]:
    """The service's HTTP API on a free local port (``options``: the server's limits), its
    address while the block runs."""
    httpd = ApiServer(("127.0.0.1", 0), service, **options)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address
    finally:
        httpd.shutdown()
        thread.join(10)


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
