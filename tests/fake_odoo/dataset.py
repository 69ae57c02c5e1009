"""The records the fake Odoo serves: loaded from a recording of a real Odoo 17, changed by tests.

Records are kept the way Odoo's ``read`` returns them, except many2one values, which are kept as
a bare id (or False) so that renaming or deleting the target shows through. A recording is parsed
once per process; every :class:`Dataset` shares the parsed records and copies a record only when
a test changes it, so a fresh fake per test costs next to nothing.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATASET = Path(__file__).parent / "data" / "odoo17_demo.json"

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

NUMERIC_TYPES = frozenset({"integer", "float", "monetary"})
X2MANY_TYPES = frozenset({"one2many", "many2many"})
RELATIONAL_TYPES = X2MANY_TYPES | {"many2one"}
MAGIC_FIELDS = {
    "id": {"type": "integer", "string": "ID", "readonly": True, "store": True},
    "display_name": {"type": "char", "string": "Display Name", "readonly": True, "store": False},
    "create_date": {"type": "datetime", "string": "Created on", "readonly": True, "store": True},
    "create_uid": {"type": "many2one", "relation": "res.users", "string": "Created by",
                   "readonly": True, "store": True},
    "write_date": {"type": "datetime", "string": "Last Updated on", "readonly": True,
                   "store": True},
    "write_uid": {"type": "many2one", "relation": "res.users", "string": "Last Updated by",
                  "readonly": True, "store": True},
}


def empty_value(field_type: str) -> Any:
    """What Odoo's ``read`` returns for a field that holds nothing."""
    if field_type in X2MANY_TYPES:
        return []
    if field_type == "integer":
        return 0
    if field_type in ("float", "monetary"):
        return 0.0
    return False


def format_datetime(value: dt.datetime) -> str:
    """Odoo's wire format for a datetime: naive UTC, seconds precision."""
    return value.strftime(DATETIME_FORMAT)


@dataclass
class Model:
    """One model of the dataset: its ``fields_get`` answer, its records and its ORM metadata."""

    name: str
    description: str
    fields: dict[str, dict[str, Any]]
    records: dict[int, dict[str, Any]]
    order: str = "id"
    parent_name: str | None = None
    rec_name: str = "display_name"
    # every record of the model was recorded, so one2many values pointing here can be derived
    complete: bool = True
    recorded_fields: frozenset[str] = field(default_factory=frozenset)
    # _inherits: parent model name -> the many2one to it (product.product -> product.template)
    inherits: dict[str, str] = field(default_factory=dict)

    @property
    def has_active(self) -> bool:
        """Whether records of this model can be archived (Odoo's ``_active_name``)."""
        return "active" in self.fields

    def field_type(self, fname: str) -> str:
        """The Odoo type of one field."""
        return str(self.fields[fname]["type"])


class Dataset:
    """The models and records one :class:`~fake_odoo.server.FakeOdoo` serves, with a clock.

    ``now`` is the server's clock (naive UTC): every change made through this API or through RPC
    ``create``/``write`` stamps ``write_date`` with it, so tests control incremental reads exactly.
    """

    def __init__(self, source: Mapping[str, Any] | _Parsed, now: dt.datetime | None = None) -> None:
        parsed = _parse(source) if not isinstance(source, _Parsed) else source
        self.version: dict[str, Any] = copy.deepcopy(parsed.version)
        self.users: list[dict[str, Any]] = copy.deepcopy(parsed.users)
        self.models: dict[str, Model] = {
            name: Model(**{**model.__dict__, "records": dict(model.records)})
            for name, model in parsed.models.items()
        }
        self.names: dict[tuple[str, int], str] = dict(parsed.names)
        self.deleted: dict[str, set[int]] = {}
        # (model, field) pairs a client read that the recording does not hold
        self.unrecorded_reads: set[tuple[str, str]] = set()
        self.now: dt.datetime = now or parsed.recorded_at
        self.uid: int = self.users[0]["id"] if self.users else 2
        self._acting = threading.RLock()

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> Dataset:
        """Load a recording (by default the bundled Odoo 17 demo recording)."""
        return cls(_load(str(Path(path or DEFAULT_DATASET).resolve())))

    # ---------------------------------------------------------------- reading

    def model(self, name: str) -> Model:
        """The model called ``name``; KeyError if the dataset does not hold it."""
        return self.models[name]

    def ids(self, model: str) -> list[int]:
        """Every record id of a model, archived ones included, ascending."""
        return sorted(self.models[model].records)

    def get(self, model: str, record_id: int) -> dict[str, Any]:
        """A copy of one record as stored (many2one values are bare ids)."""
        return dict(self.models[model].records[record_id])

    def display_name(self, model: str, record_id: int) -> str:
        """The display name a many2one pointing at this record shows."""
        target = self.models.get(model)
        if target is not None and record_id in target.records:
            name = target.records[record_id].get("display_name")
            if name:
                return str(name)
        return self.names.get((model, record_id), f"{model},{record_id}")

    # ---------------------------------------------------------------- the clock

    @contextlib.contextmanager
    def acting_as(self, uid: int) -> Iterator[None]:
        """Stamp ``create_uid``/``write_uid`` of what is written meanwhile with ``uid`` (RPC
        calls act as their caller; a test edits as another user)."""
        with self._acting:
            previous, self.uid = self.uid, uid
            try:
                yield
            finally:
                self.uid = previous

    def advance(self, **delta: float) -> dt.datetime:
        """Move the clock forward (``advance(seconds=5)``, ``advance(days=1)``); returns it."""
        self.now += dt.timedelta(**delta)
        return self.now

    # ---------------------------------------------------------------- changes

    def add_model(
        self,
        name: str,
        fields: Mapping[str, str | Mapping[str, Any]],
        records: Iterable[Mapping[str, Any]] = (),
        *,
        order: str = "id",
        description: str | None = None,
    ) -> Model:
        """Declare a model the recording lacks (e.g. one of the addon's), with optional records.

        ``fields`` maps a field name to its type (``"char"``) or to a ``fields_get``-style dict
        (``{"type": "many2one", "relation": "sale.order"}``).
        """
        specs: dict[str, dict[str, Any]] = copy.deepcopy(MAGIC_FIELDS)
        for fname, spec in fields.items():
            attrs: dict[str, Any] = {"type": spec} if isinstance(spec, str) else dict(spec)
            attrs.setdefault("string", fname.replace("_", " ").title())
            attrs.setdefault("store", True)
            attrs.setdefault("readonly", False)
            attrs.setdefault("required", False)
            specs[fname] = attrs
        model = Model(name=name, description=description or name, fields=specs, records={},
                      order=order, recorded_fields=frozenset(specs))
        self.models[name] = model
        for values in records:
            self.create(name, values)
        return model

    def create(self, model: str, values: Mapping[str, Any]) -> int:
        """Create a record (``id`` may be given); stamps create/write dates with ``now``."""
        target = self.models[model]
        values = dict(values)
        record_id = int(values.pop("id", 0)) or max(target.records, default=0) + 1
        if record_id in target.records:
            raise ValueError(f"{model} already has a record with id {record_id}")
        stamp = format_datetime(self.now)
        record: dict[str, Any] = {"id": record_id}
        for fname, attrs in target.fields.items():
            if fname in target.recorded_fields and fname != "id":
                record[fname] = empty_value(attrs["type"])
        if target.has_active:
            record["active"] = True
        record.update(create_date=stamp, write_date=stamp, create_uid=self.uid,
                      write_uid=self.uid)
        target.records[record_id] = record
        self._write_one(target, record_id, values, stamp_date=False)
        if not target.records[record_id].get("display_name"):
            name = target.records[record_id].get("name")
            target.records[record_id] = {**target.records[record_id],
                                         "display_name": name or f"{model},{record_id}"}
        self.deleted.get(model, set()).discard(record_id)
        return record_id

    def update(self, model: str, record_id: int, **values: Any) -> None:
        """Change one record's fields; stamps ``write_date`` with ``now``."""
        self.write(model, [record_id], values)

    def write(self, model: str, ids: Iterable[int], values: Mapping[str, Any]) -> None:
        """Change fields of several records; stamps ``write_date`` with ``now``."""
        target = self.models[model]
        for record_id in ids:
            if record_id not in target.records:
                raise KeyError(f"{model} has no record {record_id}")
            self._write_one(target, record_id, values)

    def touch(self, model: str, record_id: int) -> None:
        """Bump ``write_date`` without changing anything else."""
        self.write(model, [record_id], {})

    def archive(self, model: str, record_id: int) -> None:
        """Set ``active`` to False (hidden from searches unless the domain asks for it)."""
        self.write(model, [record_id], {"active": False})

    def unarchive(self, model: str, record_id: int) -> None:
        """Set ``active`` back to True."""
        self.write(model, [record_id], {"active": True})

    def delete(self, model: str, record_id: int) -> None:
        """Delete a record, as ``unlink`` does."""
        del self.models[model].records[record_id]
        self.deleted.setdefault(model, set()).add(record_id)

    def _write_one(self, target: Model, record_id: int, values: Mapping[str, Any],
                   stamp_date: bool = True) -> None:
        old = target.records[record_id]
        new = dict(old)
        for fname, value in values.items():
            if fname not in target.fields:
                raise ValueError(f"Invalid field {fname!r} on model {target.name!r}")
            new[fname] = self._to_stored(target, record_id, fname, value, old.get(fname))
        if stamp_date:
            new["write_date"] = format_datetime(self.now)
            new["write_uid"] = self.uid
        # keep the display name in step with a renamed record, as Odoo recomputes it
        rec_field = "complete_name" if "complete_name" in values else "name"
        if rec_field in values and "display_name" not in values and old.get(rec_field):
            old_display = str(old.get("display_name") or "")
            new_name = str(new[rec_field] or "")
            if old_display and str(old[rec_field]) in old_display:
                new["display_name"] = old_display.replace(str(old[rec_field]), new_name)
            else:
                new["display_name"] = new_name
        target.records[record_id] = new

    def _to_stored(self, target: Model, record_id: int, fname: str, value: Any, old: Any) -> Any:
        ftype = target.field_type(fname)
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        if isinstance(value, dt.date):
            return value.strftime(DATE_FORMAT)
        if ftype == "many2one":
            if isinstance(value, (list, tuple)) and value:
                if len(value) > 1:
                    self.names[(target.fields[fname]["relation"], int(value[0]))] = str(value[1])
                return int(value[0])
            return int(value) if value else False
        if ftype in X2MANY_TYPES:
            return self._apply_commands(target, record_id, fname, value, old or [])
        return value

    def _apply_commands(self, target: Model, record_id: int, fname: str, value: Any,
                        old: list[int]) -> list[int]:
        """x2many values: a list of ids, or Odoo's command triples (0, 2, 3, 4, 5, 6)."""
        if value is False or value is None:
            return []
        items = list(value)
        if not items or not isinstance(items[0], (list, tuple)):
            return [int(v) for v in items]
        ids = list(old)
        comodel = target.fields[fname].get("relation")
        for command in items:
            code = command[0]
            if code == 0:
                if comodel not in self.models:
                    raise ValueError(f"fake_odoo: cannot create {comodel} lines: not in dataset")
                child = dict(command[2])
                inverse = target.fields[fname].get("relation_field")
                if inverse:
                    child[inverse] = record_id
                ids.append(self.create(str(comodel), child))
            elif code in (2, 3):
                ids = [i for i in ids if i != command[1]]
                if code == 2 and comodel in self.models:
                    self.models[comodel].records.pop(command[1], None)
            elif code == 4 and command[1] not in ids:
                ids.append(command[1])
            elif code == 5:
                ids = []
            elif code == 6:
                ids = [int(i) for i in command[2]]
        return ids


@dataclass
class _Parsed:
    version: dict[str, Any]
    users: list[dict[str, Any]]
    models: dict[str, Model]
    names: dict[tuple[str, int], str]
    recorded_at: dt.datetime


@functools.lru_cache(maxsize=8)
def _load(path: str) -> _Parsed:
    with open(path, encoding="utf-8") as handle:
        return _parse(json.load(handle))


def _parse(source: Mapping[str, Any]) -> _Parsed:
    """Turn a recording into models whose many2one values are bare ids (names kept aside)."""
    names: dict[tuple[str, int], str] = {}
    models: dict[str, Model] = {}
    for name, raw in source.get("models", {}).items():
        fields = {**copy.deepcopy(MAGIC_FIELDS), **raw["fields"]}
        m2o = [f for f, attrs in fields.items() if attrs.get("type") == "many2one"]
        records: dict[int, dict[str, Any]] = {}
        recorded: set[str] = {"id"}
        for raw_record in raw["records"]:
            record = dict(raw_record)
            recorded.update(record)
            for fname in m2o:
                value = record.get(fname)
                if isinstance(value, list) and value:
                    names[(fields[fname]["relation"], value[0])] = value[1]
                    record[fname] = value[0]
            records[record["id"]] = record
        models[name] = Model(
            name=name,
            description=raw.get("description", name),
            fields=fields,
            records=records,
            order=raw.get("order", "id"),
            parent_name=raw.get("parent_name"),
            rec_name=raw.get("rec_name", "display_name"),
            complete=raw.get("complete", True),
            recorded_fields=frozenset(recorded | set(raw.get("recorded_fields", ()))),
            inherits=dict(raw.get("inherits", {})),
        )
    recorded_at = source.get("recorded_at")
    now = (dt.datetime.strptime(recorded_at, DATETIME_FORMAT) if recorded_at
           else dt.datetime(2024, 1, 1))
    return _Parsed(
        version=dict(source.get("version", {})),
        users=list(source.get("users", [])),
        models=models,
        names=names,
        recorded_at=now,
    )
