"""The service's own small store: the records read from Odoo (so a poll reads only changes),
read cursors, and the history of plan runs. SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

metadata = MetaData()

records = Table(
    "odoo_record", metadata,
    Column("model", String(64), primary_key=True),
    Column("record_id", Integer, primary_key=True, autoincrement=False),
    Column("write_date", String(32), nullable=False),
    Column("data", Text, nullable=False),
)

cursors = Table(
    "read_cursor", metadata,
    Column("model", String(64), primary_key=True),
    Column("write_date", String(32), nullable=False),
    Column("full_read_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "plan_run", metadata,
    Column("run_key", String(80), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),
    Column("seconds", Float),
    Column("summary", Text),
    Column("error", Text),
)

meta = Table(
    "store_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


REBUILD_HINT = ("it only caches what was read from Odoo: start again with --rebuild-state "
                "to empty it and read everything from Odoo again")


class StateError(RuntimeError):
    """The store cannot be used (unreachable, damaged, or it belongs to another Odoo); the
    message is one sentence that says what to do."""


def content_digest(model: str, rows: list[dict[str, Any]]) -> str:
    """A digest of a model's records without their ``write_date`` (so a record rewritten
    with the same values digests the same)."""
    digest = hashlib.sha256(model.encode())
    for row in rows:
        content = {k: v for k, v in row.items() if k != "write_date"}
        digest.update(json.dumps(content, sort_keys=True, default=str).encode())
    return digest.hexdigest()


class StateStore:
    """Records by model and id with their ``write_date``, per-model read cursors, plan runs.

    Two services starting at once on a new store both succeed (tables and the first rows are
    created so that the loser of a race finds the winner's); a damaged store (not a
    database, a broken row, a missing folder) is refused with :class:`StateError`, and
    ``rebuild=True`` empties it (a SQLite file that is not a database is replaced)."""

    def __init__(self, url: str, rebuild: bool = False):
        self.url = url
        # the records as :meth:`all_rows` gives them, and a digest per model, kept between
        # polls: only a model this store changed since is loaded again (at size L, loading
        # 173,000 records and digesting them took 2 s of each plan). One service owns a store.
        self._cache_lock = threading.Lock()
        self._by_model: dict[str, list[dict[str, Any]]] | None = None
        self._digests: dict[str, str] = {}
        self._changed: set[str] = set()
        try:
            self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        except (SQLAlchemyError, ValueError) as error:
            raise StateError(f"the state store URL {url!r} cannot be used ({error}); set "
                             "CAPACITY_PROMISE_STATE_URL to a SQLAlchemy URL") from error
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self._check_folder()
        if rebuild:
            self._rebuild()
        try:
            self._create_tables()
            self.verify()
        except StateError:
            self.engine.dispose()
            raise
        except SQLAlchemyError as error:
            self.engine.dispose()
            raise StateError(f"the state store {self.describe()} cannot be read "
                             f"({_cause(error)}); {REBUILD_HINT}") from error

    def _sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        return Path(database) if database and database != ":memory:" else None

    def _check_folder(self) -> None:
        path = self._sqlite_path()
        if path is not None and not path.parent.is_dir():
            raise StateError(f"the folder {path.parent} of the state store does not exist; "
                             "create it or set CAPACITY_PROMISE_STATE_URL to another place")

    def _create_tables(self) -> None:
        """Create what is missing; a table another process created meanwhile is no error."""
        for attempt in range(5):
            try:
                metadata.create_all(self.engine)
                return
            except (OperationalError, ProgrammingError, IntegrityError) as error:
                text = str(error).lower()
                if not any(word in text for word in ("already exists", "duplicate", "locked")) \
                        or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def verify(self) -> None:
        """Refuse a damaged store: the database's own check, and every stored row readable."""
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                result = connection.exec_driver_sql("PRAGMA quick_check").scalar()
                if result != "ok":
                    raise StateError(f"the state store {self.describe()} is damaged "
                                     f"({result}); {REBUILD_HINT}")
            for model, record_id, data in connection.execute(
                    select(records.c.model, records.c.record_id, records.c.data)):
                try:
                    row = json.loads(data)
                except (TypeError, ValueError):
                    row = None
                if not isinstance(row, dict) or row.get("id") != record_id:
                    raise StateError(f"the state store {self.describe()} is damaged (record "
                                     f"{model} {record_id} is unreadable); {REBUILD_HINT}")
            for key, value in connection.execute(select(meta.c.key, meta.c.value)):
                if key == "odoo":
                    continue
                try:
                    json.loads(value)
                except (TypeError, ValueError):
                    if key != "schema":
                        raise StateError(f"the state store {self.describe()} is damaged "
                                         f"(value {key!r} is unreadable); {REBUILD_HINT}"
                                         ) from None

    def _rebuild(self) -> None:
        """Empty the store; a SQLite file that is not a database at all is replaced."""
        path = self._sqlite_path()
        try:
            metadata.drop_all(self.engine)
        except SQLAlchemyError:
            if path is None:
                raise
            self.engine.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        log.warning("state store %s emptied: everything is read from Odoo again",
                    self.describe())

    def describe(self) -> str:
        """The store's address without any password."""
        return self.engine.url.render_as_string(hide_password=True)

    def bind(self, odoo_url: str, odoo_db: str) -> None:
        """Tie the store to one Odoo database; refuse one that holds another's records."""
        identity = f"{odoo_url.rstrip('/')}#{odoo_db}"
        with self.engine.begin() as connection:
            # the first of two starts at once writes the identity; the other reads it
            for key, value in (("odoo", identity), ("schema", SCHEMA_VERSION)):
                connection.execute(self._insert(meta).values(key=key, value=value)
                                   .on_conflict_do_nothing(index_elements=[meta.c.key]))
            row = connection.execute(select(meta.c.value).where(meta.c.key == "odoo")).first()
            if row is not None and row.value != identity:
                raise StateError(f"the state store {self.describe()} holds data of "
                                 f"{row.value.split('#')[0]} (database {row.value.split('#')[1]})"
                                 f"; use another CAPACITY_PROMISE_STATE_URL or empty it")

    # -- records ----------------------------------------------------------------------------
    def upsert(self, model: str, rows: Iterable[dict[str, Any]]) -> int:
        """Store records; returns how many are new or differ from the stored ones in more than
        their ``write_date`` (a record rewritten with the same values is no change)."""
        values = [{"model": model, "record_id": row["id"],
                   "write_date": str(row.get("write_date") or ""),
                   "data": json.dumps(row, sort_keys=True, default=str)} for row in rows]
        if not values:
            return 0
        stored = self._stored(model, [value["record_id"] for value in values])
        changed = sum(1 for value in values
                      if _content(stored.get(value["record_id"])) != _content(value["data"]))
        insert = self._insert(records)
        statement = insert.on_conflict_do_update(
            index_elements=[records.c.model, records.c.record_id],
            set_={"write_date": insert.excluded.write_date, "data": insert.excluded.data})
        with self.engine.begin() as connection:
            for start in range(0, len(values), 500):
                connection.execute(statement, values[start:start + 500])
        self._forget(model)
        return changed

    def _stored(self, model: str, ids: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                result = connection.execute(select(records.c.record_id, records.c.data).where(
                    records.c.model == model,
                    records.c.record_id.in_(ids[start:start + 500])))
                found.update((row.record_id, row.data) for row in result)
        return found

    def delete(self, model: str, ids: Iterable[int]) -> int:
        doomed = list(ids)
        with self.engine.begin() as connection:
            for start in range(0, len(doomed), 500):
                connection.execute(delete(records).where(
                    records.c.model == model,
                    records.c.record_id.in_(doomed[start:start + 500])))
        if doomed:
            self._forget(model)
        return len(doomed)

    def ids(self, model: str) -> set[int]:
        with self.engine.connect() as connection:
            return set(connection.execute(
                select(records.c.record_id).where(records.c.model == model)).scalars())

    def ids_written_since(self, model: str, write_date: str) -> set[int]:
        """Ids of stored records of a model whose ``write_date`` is ``write_date`` or later."""
        with self.engine.connect() as connection:
            return set(connection.execute(select(records.c.record_id).where(
                records.c.model == model, records.c.write_date >= write_date)).scalars())

    def rows(self, model: str) -> list[dict[str, Any]]:
        """Every stored record of a model, by id."""
        with self.engine.connect() as connection:
            result = connection.execute(select(records.c.data).where(records.c.model == model)
                                        .order_by(records.c.record_id))
            return [json.loads(data) for data in result.scalars()]

    def _forget(self, model: str) -> None:
        with self._cache_lock:
            self._changed.add(model)
            self._digests.pop(model, None)

    def all_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored record, by model and id (the same lists as the last call for the
        models not changed since: read them, do not change them)."""
        with self._cache_lock:
            if self._by_model is None:
                self._by_model = self._load_rows()
            else:
                for model in self._changed:
                    rows = self.rows(model)
                    if rows:
                        self._by_model[model] = rows
                    else:
                        self._by_model.pop(model, None)
            self._changed.clear()
            return dict(self._by_model)

    def model_digests(self) -> dict[str, str]:
        """Per model, a digest of its records without their ``write_date`` (a record
        rewritten with the same values digests the same); kept until the model changes."""
        rows = self.all_rows()
        with self._cache_lock:
            for model, model_rows in rows.items():
                if model not in self._digests:
                    self._digests[model] = content_digest(model, model_rows)
            return {model: self._digests[model] for model in rows}

    def _load_rows(self) -> dict[str, list[dict[str, Any]]]:
        by_model: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as connection:
            result = connection.execute(select(records.c.model, records.c.data)
                                        .order_by(records.c.model, records.c.record_id))
            for model, data in result:
                by_model.setdefault(model, []).append(json.loads(data))
        return by_model

    def get_meta(self, key: str) -> Any:
        """A small JSON value the service keeps between runs (None when never set)."""
        with self.engine.connect() as connection:
            row = connection.execute(select(meta.c.value).where(meta.c.key == key)).first()
        return json.loads(row.value) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        """Keep a small JSON value between runs."""
        text = json.dumps(value, sort_keys=True, default=str)
        insert = self._insert(meta).values(key=key, value=text)
        with self.engine.begin() as connection:
            connection.execute(insert.on_conflict_do_update(index_elements=[meta.c.key],
                                                            set_={"value": text}))

    # -- cursors ----------------------------------------------------------------------------
    def cursor(self, model: str) -> str | None:
        """The newest ``write_date`` read for a model, or None before the first full read."""
        with self.engine.connect() as connection:
            row = connection.execute(select(cursors.c.write_date)
                                     .where(cursors.c.model == model)).first()
            return row.write_date if row else None

    def set_cursor(self, model: str, write_date: str, full: bool = False) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        values: dict[str, Any] = {"write_date": write_date}
        if full:
            values["full_read_at"] = now
        insert = self._insert(cursors).values(model=model, write_date=write_date,
                                              full_read_at=now)
        with self.engine.begin() as connection:
            connection.execute(insert.on_conflict_do_update(index_elements=[cursors.c.model],
                                                            set_=values))

    def reset(self) -> None:
        """Forget every record and cursor: the next read is a full one."""
        with self._cache_lock:
            self._by_model, self._digests, self._changed = None, {}, set()
        with self.engine.begin() as connection:
            connection.execute(delete(records))
            connection.execute(delete(cursors))

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, run_key: str, started_at: dt.datetime) -> None:
        """Record a run; the same key again (the same plan, computed again within the same
        second) starts that record over."""
        insert = self._insert(runs).values(run_key=run_key, started_at=started_at,
                                           status="running")
        with self.engine.begin() as connection:
            connection.execute(insert.on_conflict_do_update(
                index_elements=[runs.c.run_key],
                set_={"started_at": started_at, "status": "running", "error": None}))

    def finish_run(self, run_key: str, status: str, seconds: float,
                   summary: dict[str, Any] | None = None, error: str | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(runs).where(runs.c.run_key == run_key).values(
                status=status, seconds=seconds, finished_at=dt.datetime.now(dt.timezone.utc),
                summary=json.dumps(summary or {}, default=str), error=error))

    def recent_runs(self, limit: int = 20) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as connection:
            result = connection.execute(select(runs).order_by(runs.c.started_at.desc())
                                        .limit(limit))
            for row in result.mappings():
                yield dict(row)

    def close(self) -> None:
        self.engine.dispose()

    def _insert(self, table: Table) -> Any:
        """An INSERT that can say what to do on a conflict (SQLite and PostgreSQL)."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)


def _cause(error: SQLAlchemyError) -> str:
    """The database's own words, without SQLAlchemy's statement and background link."""
    original = getattr(error, "orig", None)
    return str(original or error).splitlines()[0][:200]


def _content(data: str | None) -> Any:
    if data is None:
        return None
    row = json.loads(data)
    row.pop("write_date", None)
    return row


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the HTTP threads read while the poll loop writes
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    # switching to WAL can answer "locked" at once while another first start does the same
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
