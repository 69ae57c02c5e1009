"""The Odoo client through the real odoo-client-lib code on loopback: protocol choice,
timeouts, retries, access errors, restarts, and keys that never leak."""

from __future__ import annotations

import logging
import time

import pytest
from conftest import settings_for

from sync.config import Secret
from sync.odoo import OdooClient, OdooError
from sync.reader import MODELS, WANTED_FIELDS, OdooReader
from sync.state import StateStore


def no_sleep(_: float) -> None:
    """Backoff without waiting, so the tests stay fast."""


def short_sleep(seconds: float) -> None:
    """Backoff that waits, but never long."""
    time.sleep(min(seconds, 0.15))


def _reader(server, tmp_path) -> tuple[OdooReader, StateStore]:
    settings = settings_for(server, tmp_path)
    store = StateStore(settings.state_url)
    store.bind(settings.odoo_url, settings.odoo_db)
    return OdooReader(OdooClient(settings), store), store


def test_protocol_is_chosen_from_the_server_version(fake_odoo, tmp_path):
    client = OdooClient(settings_for(fake_odoo, tmp_path))
    client.connect()
    assert client.version == 17
    assert client.protocol == "jsonrpc"  # JSON is parsed in C on both sides
    assert client.uid == fake_odoo.uid


def test_json_rpc_reads_the_same_records(fake_odoo, tmp_path):
    xml = OdooClient(settings_for(fake_odoo, tmp_path))
    json_client = OdooClient(settings_for(fake_odoo, tmp_path, odoo_protocol="jsonrpc"))
    domain = [("state", "in", ["draft", "sent", "sale"])]
    assert json_client.search_read("sale.order", domain, ["name"]) == \
        xml.search_read("sale.order", domain, ["name"])


def test_fields_are_asked_by_name_once_and_the_rest_only_when_needed(fake_odoo, tmp_path):
    client = OdooClient(settings_for(fake_odoo, tmp_path))
    fake_odoo.reset_calls()
    first = client.fields("mrp.production", ["date_start", "date_planned_start", "state"])
    assert set(first) == {"date_start", "state"}  # 17 has no date_planned_start
    assert client.fields("mrp.production", ["state"]) is first  # asked before: no call
    more = client.fields("mrp.production", ["state", "bom_id"])
    assert {"date_start", "state", "bom_id"} <= set(more)
    asked = [call for call in fake_odoo.calls if call.method == "fields_get"]
    assert [call.size for call in asked] == [2, 1]  # the second asked for bom_id alone
    everything = client.fields("mrp.production")
    assert len(everything) > 20 and len(asked) + 1 == len(
        [call for call in fake_odoo.calls if call.method == "fields_get"])


def test_a_full_read_asks_odoo_to_describe_only_the_fields_it_uses(fake_odoo, tmp_path):
    reader, store = _reader(fake_odoo, tmp_path)
    fake_odoo.reset_calls()
    reader.refresh()
    asked = [call for call in fake_odoo.calls if call.method == "fields_get"]
    models = [call.model for call in asked]
    assert sorted(models) == sorted(set(models))  # once per model
    answered = [call for call in asked if call.size is not None]
    optional = {spec.model for spec in MODELS if not spec.required}  # 17: no stock.reference
    assert {call.model for call in asked if call.size is None} <= optional
    for call in answered:
        assert call.size <= len(WANTED_FIELDS[call.model or ""])
    store.close()


def test_keyset_pages_cover_every_record_once(fake_odoo, tmp_path):
    client = OdooClient(settings_for(fake_odoo, tmp_path))
    pages = list(client.read_pages("product.product", [], ["id"], 7, {"active_test": False}))
    ids = [row["id"] for page in pages for row in page]
    assert ids == sorted(set(ids))
    assert len(ids) == len(fake_odoo.dataset.ids("product.product"))
    assert all(len(page) <= 7 for page in pages)


def test_a_slow_server_hits_the_timeout_and_is_retried(fake_odoo, tmp_path):
    client = OdooClient(settings_for(fake_odoo, tmp_path, odoo_timeout=0.3, odoo_retries=2),
                        sleep=no_sleep)
    client.connect()
    fake_odoo.delay(1.0, calls=1, model="sale.order")
    rows = client.search_read("sale.order", [], ["name"])  # the second attempt answers
    assert rows
    fake_odoo.delay(1.0, calls=None, model="sale.order")
    with pytest.raises(OdooError, match=r"did not answer sale.order.search_read within 0.3 s"):
        client.search_read("sale.order", [], ["name"])


def test_an_access_error_is_not_retried_and_names_the_model(fake_odoo, tmp_path):
    client = OdooClient(settings_for(fake_odoo, tmp_path), sleep=no_sleep)
    client.connect()
    fake_odoo.fail_access("mrp.production")
    fake_odoo.reset_calls()
    with pytest.raises(OdooError) as caught:
        client.search_read("mrp.production", [], ["name"])
    assert not caught.value.transient
    assert "refused mrp.production.search_read" in str(caught.value)
    assert "You are not allowed to access" in str(caught.value)
    assert len(fake_odoo.calls_for("mrp.production")) == 1


def test_a_restart_mid_read_is_survived(fake_odoo, tmp_path):
    client = OdooClient(settings_for(fake_odoo, tmp_path, odoo_retries=4), sleep=short_sleep)
    client.connect()
    expected = len(fake_odoo.dataset.ids("product.product"))
    pages = client.read_pages("product.product", [], ["id"], 10, {"active_test": False})
    first = next(pages)
    fake_odoo.fail_next(2, kind="restart", downtime=0.2)
    rest = [row for page in pages for row in page]
    assert len(first) + len(rest) == expected


def test_an_unreachable_server_fails_clearly(tmp_path, fake_odoo):
    settings = settings_for(fake_odoo, tmp_path, odoo_retries=1)
    fake_odoo.stop()
    client = OdooClient(settings, sleep=no_sleep)
    with pytest.raises(OdooError, match=r"Odoo at http://127.0.0.1:\d+ could not be reached"):
        client.connect()


def test_wrong_key_is_refused_without_showing_it(fake_odoo, tmp_path, caplog):
    secret = "wrong-secret-key-123"
    settings = settings_for(fake_odoo, tmp_path, odoo_api_key=Secret(secret))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(OdooError) as caught:
        OdooClient(settings, sleep=no_sleep).connect()
    assert "refused the login 'admin'" in str(caught.value)
    assert secret not in str(caught.value)
    assert secret not in caplog.text
    assert all(secret not in str(call) for call in fake_odoo.calls)
