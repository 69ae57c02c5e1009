"""Against a live Odoo 17, when one is configured; skipped with the reason otherwise.

The service's integration (read, plan, write back, quote) needs
``CAPACITY_PROMISE_TEST_ODOO_URL``, ``_DB``, ``_LOGIN`` and ``_API_KEY`` (a user of the
addon's *Planning Service* group). It writes to that database only with
``CAPACITY_PROMISE_TEST_ODOO_WRITE=1``.

The addon's own Odoo tests need ``CAPACITY_PROMISE_TEST_ODOO_COMMAND`` (how to start
odoo-bin, e.g. ``/opt/odoo17-venv/bin/python /opt/odoo17/odoo-bin -c /opt/odoo17.conf``),
``CAPACITY_PROMISE_TEST_ODOO_ADDONS_PATH`` (Odoo's addons folders) and
``CAPACITY_PROMISE_TEST_ODOO_TEMPLATE`` (a database with sale_management, sale_stock, mrp and
purchase_stock installed, copied for the run and dropped after).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from optimizer.checker import check_plan
from sync.config import Secret, Settings
from sync.service import PlanningService

ROOT = Path(__file__).resolve().parent.parent
ENV = os.environ


def live_settings(tmp_path: Path) -> Settings:
    missing = [name for name in ("URL", "DB", "LOGIN", "API_KEY")
               if not ENV.get(f"CAPACITY_PROMISE_TEST_ODOO_{name}")]
    if missing:
        pytest.skip("no live Odoo: set CAPACITY_PROMISE_TEST_ODOO_" + ", _".join(missing))
    return Settings(odoo_url=ENV["CAPACITY_PROMISE_TEST_ODOO_URL"],
                    odoo_db=ENV["CAPACITY_PROMISE_TEST_ODOO_DB"],
                    odoo_login=ENV["CAPACITY_PROMISE_TEST_ODOO_LOGIN"],
                    odoo_api_key=Secret(ENV["CAPACITY_PROMISE_TEST_ODOO_API_KEY"]),
                    state_url=f"sqlite:///{tmp_path / 'live.sqlite'}")


@pytest.mark.odoo
def test_live_odoo_read_plan_write_and_quote(tmp_path):
    service = PlanningService(live_settings(tmp_path))
    write = ENV.get("CAPACITY_PROMISE_TEST_ODOO_WRITE") == "1"
    current = service.run_once(write=write)
    assert check_plan(current.snapshot, current.plan) == []
    assert current.snapshot.workcenters and current.snapshot.products
    assert current.applied == write
    quotations = [o for o in current.snapshot.sale_orders if o.state == "quotation"]
    if quotations:
        answer = service.quote({"order_id": quotations[0].id})
        assert answer["order_id"] == quotations[0].id
    # a second cycle reads only what changed
    calls_before = service.client.calls
    service.read()
    assert service.client.calls - calls_before < 3 * 25


@pytest.mark.odoo
def test_addon_tests_pass_in_a_real_odoo(tmp_path):
    command = ENV.get("CAPACITY_PROMISE_TEST_ODOO_COMMAND")
    addons = ENV.get("CAPACITY_PROMISE_TEST_ODOO_ADDONS_PATH")
    template = ENV.get("CAPACITY_PROMISE_TEST_ODOO_TEMPLATE")
    if not (command and addons and template):
        pytest.skip("no Odoo to run the addon's tests: set CAPACITY_PROMISE_TEST_ODOO_COMMAND, "
                    "_ADDONS_PATH and _TEMPLATE")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    admin_url = ENV.get("CAPACITY_PROMISE_TEST_PG_URL",
                        "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    database = f"cp_addon_test_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    log = tmp_path / "odoo-test.log"
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        result = subprocess.run(
            [*shlex.split(command), "-d", database, "-i", "sale_capacity_promise",
             "--addons-path", f"{addons},{ROOT / 'addon'}", "--test-enable",
             "--test-tags", "/sale_capacity_promise", "--stop-after-init",
             "--http-port", str(port), "--logfile", str(log)],
            capture_output=True, text=True, timeout=900, check=False)
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        summary = re.findall(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests",
                             text)
        problems = "\n".join(line for line in text.splitlines()
                              if " ERROR " in line or " FAIL" in line)
        assert result.returncode == 0, (problems or result.stderr)[-5000:]
        assert summary, text[-3000:]
        failed, errors, total = map(int, summary[-1])
        assert (failed, errors) == (0, 0) and total > 0
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()
