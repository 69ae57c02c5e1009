"""How the tests against a live Odoo find one: each series (17, 18, 19) is configured by
variables of its own, and a test runs once per series, skipped with the reason when that series is
not configured.

``CAPACITY_PROMISE_TEST_ODOO17_*``, ``..._ODOO18_*`` and ``..._ODOO19_*`` each name an Odoo of that
series; the unnumbered ``CAPACITY_PROMISE_TEST_ODOO_*`` name one more Odoo of any series. The
series is asked of the server and must be the one the variables are named for.

- ``_URL``, ``_DB``, ``_LOGIN``, ``_API_KEY``: the service's user (the addon's *Planning
  Service* group; an API key, which JSON-2 on 19 requires).
- ``_WRITE=1``: tests that apply a plan or create records may write to that database (use a
  copy).
- ``_ADMIN_LOGIN``, ``_ADMIN_API_KEY``: a user who may create manufacturing data, for the tests
  that build their own factory (default: the service's user).
- ``_COMMAND``, ``_ADDONS_PATH``, ``_TEMPLATE``, ``_PG_URL``, ``_HTTP_PORT``, ``_DB_PREFIX``: the
  addon's own Odoo tests (see ``test_live_odoo.py``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from sync.config import Secret, Settings
from sync.odoo import server_version

ENV = os.environ
# (variable prefix, series the Odoo must be of; None: any)
TARGETS = [("CAPACITY_PROMISE_TEST_ODOO17_", "17.0"), ("CAPACITY_PROMISE_TEST_ODOO18_", "18.0"),
           ("CAPACITY_PROMISE_TEST_ODOO19_", "19.0"), ("CAPACITY_PROMISE_TEST_ODOO_", None)]
by_target = pytest.mark.parametrize(("prefix", "series"), TARGETS,
                                    ids=["odoo17", "odoo18", "odoo19", "odoo"])


def configured(prefix: str, names: tuple[str, ...], what: str) -> dict[str, str]:
    """The values of ``prefix + name``; the test is skipped, naming what is missing, unless
    all are set."""
    values = {name: ENV.get(prefix + name, "") for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        pytest.skip(f"{what}: set {prefix}" + ", _".join(missing))
    return values


def series_of(version: str) -> str:
    """'17.0' of '17.0', 'saas~17.4' or '19.0+e'."""
    match = re.search(r"(\d+)\.(\d+)", version)
    assert match, version
    return f"{match[1]}.0"


def writes(prefix: str, what: str) -> None:
    """Skip unless the configured database may be written to."""
    if ENV.get(prefix + "WRITE") != "1":
        pytest.skip(f"{what}: set {prefix}WRITE=1 (on a copy)")


def live_settings(prefix: str, series: str | None, tmp_path: Path, admin: bool = False,
                  **overrides: Any) -> Settings:
    """Settings for the Odoo ``prefix`` names, checked to be of ``series``; ``admin``: log in
    as the user who may create manufacturing data."""
    values = configured(prefix, ("URL", "DB", "LOGIN", "API_KEY"), "no live Odoo")
    if series:
        _, version = server_version(values["URL"].rstrip("/"), 30.0)
        assert series_of(version) == series, f"{prefix}URL is an Odoo {version}, not {series}"
    login, key = values["LOGIN"], values["API_KEY"]
    if admin:
        login = ENV.get(prefix + "ADMIN_LOGIN") or login
        key = ENV.get(prefix + "ADMIN_API_KEY") or key
    return Settings(odoo_url=values["URL"], odoo_db=values["DB"], odoo_login=login,
                    odoo_api_key=Secret(key), state_url=f"sqlite:///{tmp_path / 'live.sqlite'}",
                    **overrides)
