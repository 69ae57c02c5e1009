"""The service's own small store: the records read from Odoo (so a poll reads only changes),
read cursors, and the history of plan runs. SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
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


class StateError(RuntimeError):
    """The store cannot be used (unreachable, or it belongs to another Odoo)."""


class StateStore:
    """Records by model and id with their ``write_date``, per-model read cursors, plan runs."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    def describe(self) -> str:
        """The store's address without any password."""
        return self.engine.url.render_as_string(hide_password=True)

    def bind(self, odoo_url: str, odoo_db: str) -> None:
        """Tie the store to one Odoo database; refuse one that holds another's records."""
        identity = f"{odoo_url.rstrip('/')}#{odoo_db}"
        with self.engine.begin() as connection:
            row = connection.execute(select(meta.c.value).where(meta.c.key == "odoo")).first()
            if row is None:
                connection.execute(meta.insert().values(key="odoo", value=identity))
                connection.execute(meta.insert().values(key="schema", value=SCHEMA_VERSION))
            elif row.value != identity:
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
        dialect = self.engine.dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(records)
        statement = insert.on_conflict_do_update(
            index_elements=[records.c.model, records.c.record_id],
            set_={"write_date": insert.excluded.write_date, "data": insert.excluded.data})
        with self.engine.begin() as connection:
            for start in range(0, len(values), 500):
                connection.execute(statement, values[start:start + 500])
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

    def all_rows(self) -> dict[str, list[dict[str, Any]]]:
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
        with self.engine.begin() as connection:
            done = connection.execute(update(meta).where(meta.c.key == key).values(value=text))
            if not done.rowcount:
                connection.execute(meta.insert().values(key=key, value=text))

    # -- cursors ----------------------------------------------------------------------------
    def cursor(self, model: str) -> str | None:
        """The newest ``write_date`` read for a model, or None before the first full read."""
        with self.engine.connect() as connection:
            row = connection.execute(select(cursors.c.write_date)
                                     .where(cursors.c.model == model)).first()
            return row.write_date if row else None

    def set_cursor(self, model: str, write_date: str, full: bool = False) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        with self.engine.begin() as connection:
            exists = connection.execute(select(cursors.c.model)
                                        .where(cursors.c.model == model)).first()
            if exists is None:
                connection.execute(cursors.insert().values(model=model, write_date=write_date,
                                                           full_read_at=now))
            else:
                values: dict[str, Any] = {"write_date": write_date}
                if full:
                    values["full_read_at"] = now
                connection.execute(update(cursors).where(cursors.c.model == model)
                                   .values(**values))

    def reset(self) -> None:
        """Forget every record and cursor: the next read is a full one."""
        with self.engine.begin() as connection:
            connection.execute(delete(records))
            connection.execute(delete(cursors))

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, run_key: str, started_at: dt.datetime) -> None:
        """Record a run; the same key again (the same plan, computed again within the same
        second) starts that record over."""
        with self.engine.begin() as connection:
            exists = connection.execute(select(runs.c.run_key)
                                        .where(runs.c.run_key == run_key)).first()
            if exists is None:
                connection.execute(runs.insert().values(run_key=run_key, started_at=started_at,
                                                        status="running"))
            else:
                connection.execute(update(runs).where(runs.c.run_key == run_key).values(
                    started_at=started_at, status="running", error=None))

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


def _content(data: str | None) -> Any:
    if data is None:
        return None
    row = json.loads(data)
    row.pop("write_date", None)
    return row


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the HTTP threads read while the poll loop writes
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
