"""Against a live Odoo of each series that is configured; skipped with the reason otherwise (the
variables are described in ``tests/live.py``).

The service's integration (read, plan, write back, quote) needs ``..._URL``, ``_DB``, ``_LOGIN``
and ``_API_KEY``. It writes to that database only with ``..._WRITE=1``.

The addon's own Odoo tests need ``..._COMMAND`` (how to start odoo-bin, e.g.
``/opt/odoo17-venv/bin/python /opt/odoo17/odoo-bin -c /opt/odoo17.conf``), ``..._ADDONS_PATH``
(Odoo's addons folders), ``..._TEMPLATE`` (a database with sale_management, sale_stock, mrp and
purchase_stock installed, copied for the run and dropped after) and ``..._PG_URL`` (an
SQLAlchemy URL of that PostgreSQL's ``postgres`` database, to copy and drop it; default
``postgresql+psycopg2://postgres@127.0.0.1:5432/postgres``); ``..._HTTP_PORT`` is the port the
test server listens on (a free one if unset), ``..._DB_PREFIX`` how the copy is named (default
``odoo17_cp_addon_test_`` and so on, then a random suffix). The addon of the series,
``addon/<series>``, is put on the addons path.
"""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import addon_fake, settings_for
from live import ENV, by_target, configured, live_settings, series_of

from optimizer.checker import check_plan
from sync.service import PlanningService

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.odoo
@by_target
def test_live_odoo_read_plan_write_and_quote(prefix: str, series: str | None,
                                             tmp_path: Path) -> None:
    service = PlanningService(live_settings(prefix, series, tmp_path))
    write = ENV.get(prefix + "WRITE") == "1"
    current = service.run_once(write=write)
    if series:  # 17 and 18 over XML-RPC, 19 over JSON-2 with the API key
        assert service.client.protocol == ("json2" if series >= "19.0" else "jsonrpc")
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


def odoo_series(command: list[str]) -> str:
    result = subprocess.run([*command, "--version"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return series_of(result.stdout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.odoo
@by_target
def test_addon_tests_pass_in_a_real_odoo(prefix: str, series: str | None,
                                         tmp_path: Path) -> None:
    values = configured(prefix, ("COMMAND", "ADDONS_PATH", "TEMPLATE"),
                        "no Odoo to run the addon's tests")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    command = shlex.split(values["COMMAND"])
    found = odoo_series(command)
    assert series in (None, found), f"{prefix}COMMAND starts an Odoo {found}, not {series}"
    addon = ROOT / "addon" / found
    admin_url = ENV.get(prefix + "PG_URL",
                        "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    # named as the series' databases are (Odoo's dbfilter is often ^odoo17_.*$)
    prefix_db = ENV.get(prefix + "DB_PREFIX") or f"odoo{found.split('.')[0]}_cp_addon_test_"
    database = f"{prefix_db}{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE DATABASE "{database}" TEMPLATE "{values["TEMPLATE"]}"')
    log = tmp_path / "odoo-test.log"
    try:
        result = subprocess.run(
            [*command, "-d", database, "-i", "sale_capacity_promise",
             "--addons-path", f"{values['ADDONS_PATH']},{addon}", "--test-enable",
             "--test-tags", "/sale_capacity_promise", "--stop-after-init",
             "--http-port", ENV.get(prefix + "HTTP_PORT") or str(free_port()),
             # the copy's filestore and the log stay in the test's own folder
             "--data-dir", str(tmp_path / "data"), "--logfile", str(log)],
            capture_output=True, text=True, timeout=1500, check=False)
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        summary = re.findall(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests",
                             text)
        problems = "\n".join(line for line in text.splitlines()
                             if " ERROR " in line or " FAIL" in line)
        assert result.returncode == 0, (problems or result.stderr)[-5000:]
        assert summary, text[-3000:]
        failed, errors, total = map(int, summary[-1])
        print(f"Odoo {found}: {failed} failed, {errors} error(s) of {total} tests")  # -rP shows it
        assert (failed, errors) == (0, 0) and total > 0, problems[-5000:]
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.odoo
@by_target
def test_the_fake_odoo_names_fields_as_this_series_does(prefix: str, series: str | None,
                                                        tmp_path: Path) -> None:
    """The fake's dialect of a series (``tests/fake_odoo/dialect.py``) resolves every model and
    field the service reads as the real Odoo of that series does, so the suite's 18 and 19
    stay true to Odoo."""
    real = PlanningService(live_settings(prefix, series, tmp_path))
    real.client.connect()
    found = series_of(real.client.version_string)
    (tmp_path / "fake").mkdir()
    with addon_fake(found) as (server, _):
        fake = PlanningService(settings_for(server, tmp_path / "fake"))
        fake_names = {spec.key: fake.reader.resolve(spec) for spec in fake.reader.specs()}
    real_names = {spec.key: real.reader.resolve(spec) for spec in real.reader.specs()}
    # the fake has no addon models or fields of its own (the addon's sale.order.capacity_lost)
    addon_models = {"capacity.purchase.suggestion"}
    odoos = {key: {name: field for name, field in names.items()
                   if not field.startswith("capacity_")}
             for key, names in real_names.items() if key not in addon_models}
    assert odoos == fake_names
