"""The state store: two first starts at once do not crash each other, and a damaged store is
refused with one sentence that says what to do (it is a cache of Odoo: rebuild it)."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from sync.state import StateError, StateStore

ODOO = ("http://odoo.example", "prod")


def first_start(url: str, barrier, results) -> None:
    try:
        barrier.wait(10)
        store = StateStore(url)
        store.bind(*ODOO)
        store.set_meta("last_applied", {"key": "k"})
        store.start_run("cp-1", __import__("datetime").datetime.now(
            __import__("datetime").timezone.utc))
        store.set_cursor("sale.order", "2026-01-01 00:00:00")
        store.close()
        results.put("ok")
    except Exception as error:  # reported to the test, which shows it
        results.put(f"{type(error).__name__}: {error}")


def test_two_first_starts_at_once_both_succeed(tmp_path):
    context = multiprocessing.get_context("fork")
    for attempt in range(4):
        url = f"sqlite:///{tmp_path / f'state-{attempt}.sqlite'}"
        barrier = context.Barrier(2)
        results = context.Queue()
        workers = [context.Process(target=first_start, args=(url, barrier, results))
                   for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        outcomes = [results.get(timeout=5) for _ in workers]
        assert outcomes == ["ok", "ok"], outcomes


def filled_store(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "state.sqlite"
    url = f"sqlite:///{path}"
    store = StateStore(url)
    store.bind(*ODOO)
    store.upsert("sale.order", [{"id": n, "name": f"S{n:05}", "write_date": "2026-01-01",
                                 "note": "x" * 200} for n in range(1, 400)])
    store.set_meta("last_applied", {"key": "cp-1"})
    store.close()
    with sqlite3.connect(path) as connection:  # fold the write-ahead log into the file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return url, path


def refused(url: str) -> str:
    with pytest.raises(StateError) as caught:
        StateStore(url)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message and "sqlalche.me" not in message
    return message


def test_a_truncated_store_is_refused_with_what_to_do(tmp_path):
    url, path = filled_store(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    message = refused(url)
    assert "--rebuild-state" in message and str(path) in message


def test_a_garbage_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"this is not a database at all\x00" * 200)
    assert "--rebuild-state" in refused(f"sqlite:///{path}")


def test_a_broken_row_is_refused_naming_it(tmp_path):
    url, path = filled_store(tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE odoo_record SET data = '{\"id\": 7, \"na' "
                           "WHERE record_id = 7")
    message = refused(url)
    assert "sale.order 7" in message and "--rebuild-state" in message


def test_a_missing_folder_is_named(tmp_path):
    message = refused(f"sqlite:///{tmp_path / 'gone' / 'state.sqlite'}")
    assert "gone" in message and "does not exist" in message


def test_rebuild_replaces_a_damaged_store(tmp_path):
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"garbage" * 1000)
    store = StateStore(f"sqlite:///{path}", rebuild=True)
    store.bind(*ODOO)
    assert store.all_rows() == {} and store.cursor("sale.order") is None
    second = tmp_path / "second"
    second.mkdir()
    url, _ = filled_store(second)
    rebuilt = StateStore(url, rebuild=True)
    assert rebuilt.all_rows() == {} and rebuilt.get_meta("last_applied") is None


def test_serve_does_not_start_on_a_damaged_store(tmp_path, monkeypatch, capsys):
    from sync.cli import main

    path = tmp_path / "state.sqlite"
    path.write_bytes(b"garbage" * 1000)
    for name, value in {"ODOO_URL": "http://127.0.0.1:9", "ODOO_DB": "x", "ODOO_LOGIN": "x",
                        "ODOO_API_KEY": "x", "STATE_URL": f"sqlite:///{path}"}.items():
        monkeypatch.setenv(f"CAPACITY_PROMISE_{name}", value)
    assert main(["serve", "--port", "0"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("capacity-promise serve: the state store")
    assert "--rebuild-state" in error and len(error.splitlines()) == 1
    assert json.dumps(error)  # one sentence, printable


def test_sync_rebuilds_a_damaged_store_when_asked(addon_odoo, tmp_path, monkeypatch, capsys):
    from conftest import settings_for

    from sync.cli import main

    server, addon = addon_odoo
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"garbage" * 1000)
    settings = settings_for(server, tmp_path)
    for name, value in settings.public().items():
        if value not in ("", None, "***"):
            monkeypatch.setenv(f"CAPACITY_PROMISE_{name.upper()}", str(value))
    monkeypatch.setenv("CAPACITY_PROMISE_ODOO_API_KEY", settings.odoo_api_key.reveal())
    monkeypatch.setenv("CAPACITY_PROMISE_SOLVER", "none")
    assert main(["sync", "--once"]) == 1
    assert "--rebuild-state" in capsys.readouterr().err
    assert main(["sync", "--once", "--rebuild-state"]) == 0
    assert "written to Odoo" in capsys.readouterr().out and addon.applied


def test_the_records_are_loaded_again_only_for_the_models_that_changed(tmp_path):
    from sqlalchemy import event

    from sync.reader import snapshot_digest

    store = StateStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.bind(*ODOO)
    store.upsert("sale.order", [{"id": 1, "name": "S1", "write_date": "2026-01-01 00:00:00"}])
    store.upsert("mrp.production", [{"id": 7, "name": "MO7", "write_date": "2026-01-01"}])
    first = store.all_rows()
    digests = store.model_digests()
    queries: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: queries.append(statement))
    assert store.all_rows() == first and store.model_digests() == digests and not queries
    store.upsert("sale.order", [{"id": 2, "name": "S2", "write_date": "2026-01-02 00:00:00"}])
    queries.clear()
    rows = store.all_rows()
    assert [row["id"] for row in rows["sale.order"]] == [1, 2]
    assert rows["mrp.production"] is first["mrp.production"]  # not loaded again
    changed = store.model_digests()
    assert changed["sale.order"] != digests["sale.order"]
    assert changed["mrp.production"] == digests["mrp.production"]
    store.delete("mrp.production", [7])
    assert "mrp.production" not in store.all_rows()
    # the digest kept between polls is the one computed from the records themselves
    rows = store.all_rows()
    user = {"company_id": 1, "tz": "Europe/Brussels"}
    assert snapshot_digest(rows, user, store.model_digests()) == snapshot_digest(rows, user)
    # a record rewritten with the same values is no change, whatever its write_date
    store.upsert("sale.order", [{"id": 2, "name": "S2", "write_date": "2026-03-01 00:00:00"}])
    assert store.model_digests()["sale.order"] == changed["sale.order"]
    store.reset()
    assert store.all_rows() == {}
    store.close()
