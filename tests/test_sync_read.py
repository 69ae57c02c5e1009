"""Reading Odoo into the state store and the planner's snapshot, against a fake Odoo 17 seeded
with data recorded from a real one (SQLite and PostgreSQL stores)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from conftest import settings_for
from fake_odoo import FakeOdoo

from optimizer import plan
from optimizer.checker import check_plan
from sync.build import build_snapshot
from sync.odoo import OdooClient
from sync.reader import MODELS, OdooReader
from sync.state import StateError, StateStore

PG_ADMIN_URL = os.environ.get("CAPACITY_PROMISE_TEST_PG_URL",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


def _postgres_store() -> Iterator[str]:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    name = f"cp_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL.split('@')[-1]}: {error}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.sqlite'}"
    else:
        yield from _postgres_store()


def reader_for(server: FakeOdoo, url: str, tmp_path) -> tuple[OdooReader, StateStore]:
    settings = settings_for(server, tmp_path, state_url=url)
    store = StateStore(url)
    store.bind(settings.odoo_url, settings.odoo_db)
    return OdooReader(OdooClient(settings), store, page_size=20, overlap_seconds=60,
                      clock=lambda: server.now.replace(tzinfo=dt.timezone.utc)), store


def snapshot_of(reader: OdooReader, store: StateStore):
    return build_snapshot(store.all_rows(), reader.user,
                          dt.datetime(2026, 11, 23, 6, tzinfo=dt.timezone.utc))


def test_full_read_gives_a_plannable_snapshot(fake_odoo, store_url, tmp_path):
    reader, store = reader_for(fake_odoo, store_url, tmp_path)
    report = reader.refresh()
    assert report.full
    assert report.read["mrp.workcenter"] == 3
    assert report.read["sale.order"] > 0 and report.read["mrp.production"] > 0
    snapshot = snapshot_of(reader, store)
    names = {wc.name for wc in snapshot.workcenters}
    assert names == {"Assembly Line 1", "Assembly Line 2", "Drill Station 1"}
    assert snapshot.timezone == "Europe/Brussels"
    assert any(bom.operations for bom in snapshot.boms)
    assert any(mo.work_orders for mo in snapshot.manufacturing_orders)
    assert any(o.state == "quotation" for o in snapshot.sale_orders)
    assert any(o.state == "confirmed" for o in snapshot.sale_orders)
    result = plan(snapshot)
    assert check_plan(snapshot, result) == []
    # every field the reader asked for was in the recording of the real Odoo 17
    assert not fake_odoo.dataset.unrecorded_reads
    store.close()


def test_fields_are_chosen_from_what_this_odoo_has(fake_odoo, tmp_path):
    reader, _ = reader_for(fake_odoo, f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    production = next(spec for spec in MODELS if spec.model == "mrp.production")
    template = next(spec for spec in MODELS if spec.model == "product.template")
    assert reader.resolve(production)["date_start"] == "date_start"  # 16 had date_planned_start
    resolved = reader.resolve(template)
    assert resolved["detailed_type"] == "detailed_type"
    assert "is_storable" not in resolved  # that is 18.0


def test_a_poll_with_nothing_changed_reads_no_records(fake_odoo, tmp_path):
    reader, store = reader_for(fake_odoo, f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    reader.refresh()
    fake_odoo.dataset.advance(seconds=600)  # past the overlap window
    reader.refresh()  # the first poll also checks master data for deletions
    fake_odoo.reset_calls()
    report = reader.refresh()
    assert not report.changed
    reads = [call for call in fake_odoo.calls if call.method in ("search_read", "read")]
    assert all(call.size == 0 for call in reads if call.model != "res.users")
    assert report.calls <= 2 * len(MODELS) + 1
    assert all((call.size or 0) <= 1 for call in fake_odoo.calls
               if call.method in ("search_count",))
    store.close()


def test_changes_deletions_and_archives_are_picked_up(fake_odoo, tmp_path):
    reader, store = reader_for(fake_odoo, f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    reader.refresh()
    data = fake_odoo.dataset
    data.advance(seconds=600)
    quotation_line = next(line for line in store.rows("sale.order.line")
                          if _order_state(store, line) == "draft")
    data.update("sale.order.line", quotation_line["id"], product_uom_qty=42.0)
    deleted = next(row for row in store.rows("stock.quant"))
    data.delete("stock.quant", deleted["id"])
    archived = next(row for row in store.rows("product.product") if row.get("active"))
    data.archive("product.product", archived["id"])
    reader.refresh()
    lines = {row["id"]: row for row in store.rows("sale.order.line")}
    assert lines[quotation_line["id"]]["product_uom_qty"] == 42.0
    assert deleted["id"] not in store.ids("stock.quant")
    products = {row["id"]: row for row in store.rows("product.product")}
    assert products[archived["id"]]["active"] is False
    snapshot = snapshot_of(reader, store)
    assert archived["id"] not in snapshot.index.products
    store.close()


def test_an_order_leaving_the_open_states_leaves_the_store(fake_odoo, tmp_path):
    reader, store = reader_for(fake_odoo, f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    reader.refresh()
    order = next(row for row in store.rows("sale.order") if row["state"] == "draft")
    fake_odoo.dataset.advance(seconds=600)
    fake_odoo.dataset.update("sale.order", order["id"], state="cancel")
    reader.refresh()
    assert order["id"] not in store.ids("sale.order")
    assert all(_order_id(line) != order["id"] for line in store.rows("sale.order.line"))
    store.close()


def test_a_store_refuses_another_odoo(tmp_path):
    store = StateStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.bind("https://erp.example.com", "prod")
    with pytest.raises(StateError, match="holds data of https://erp.example.com"):
        store.bind("https://other.example.com", "prod")
    store.close()


def _order_id(line: dict) -> int:
    return line["order_id"][0]


def _order_state(store: StateStore, line: dict) -> str:
    orders = {row["id"]: row for row in store.rows("sale.order")}
    return orders[_order_id(line)]["state"]
