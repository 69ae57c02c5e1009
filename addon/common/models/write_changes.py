# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Writing only what changed: a plan that finds what the last one found writes
nothing, so that the service's next read of Odoo has nothing to read again."""

from collections import defaultdict

from odoo import models
from odoo.tools import SQL, split_every


def _plain(value):
    """A value as ``write`` takes it: a many2one as its id, whether read from a
    record or from ``search_read`` (``(id, name)``), and nothing as False."""
    if isinstance(value, models.BaseModel):
        return value.id
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], int):
        return value[0]
    return value or False


def differs(current, wanted):
    """Whether the values of ``current`` (a record, or a dict as ``search_read``
    returns) differ from ``wanted``, values to write."""
    return any(_plain(current[name]) != _plain(value) for name, value in wanted.items())


def changed(records, wanted):
    """Of ``wanted`` (``{id: values}``), the values of the records in ``records``'
    model whose stored values differ, read in one query."""
    if not wanted:
        return {}
    names = sorted({name for values in wanted.values() for name in values})
    return {
        current["id"]: wanted[current["id"]]
        for current in records.search_read([("id", "in", list(wanted))], names)
        if differs(current, wanted[current["id"]])
    }


def _column_value(value):
    """A value as the database column takes it: a record as its id, nothing as NULL."""
    if isinstance(value, models.BaseModel):
        return value.id or None
    if value is False or value is None:
        return None
    return value


def write_each(records, values_by_id, batch=5000):
    """Write ``{id: vals}``, every record its own values, in one UPDATE per ``batch``
    records, as ``write`` would (``write_uid`` and ``write_date`` stamped, fields computed
    from these recomputed).

    ``write`` costs milliseconds per call on a model such as ``sale.order`` and a plan gives
    most orders and lines a promise of their own, so writing them one by one took seconds.
    Only for the addon's own plain stored fields (dates, selections, texts, numbers,
    many2ones), which nothing but the planner writes: no inverse, no tracking.
    """
    by_names = defaultdict(dict)
    for record_id, values in values_by_id.items():
        by_names[tuple(sorted(values))][record_id] = values
    for names, rows in by_names.items():
        _update_rows(records, names, rows, batch)


def _update_rows(records, names, rows, batch):
    columns = []
    for name in names:
        field = records._fields[name]
        plain = field.store and not (field.compute or field.inverse or field.translate)
        if not plain or field.type in ("one2many", "many2many", "binary", "html"):
            raise ValueError(f"write_each cannot write {records._name}.{name}")
        columns.append((name, field.column_type[0]))
    written = records.browse(list(rows))
    written.flush_recordset(list(names))
    written.modified(list(names), before=True)
    table = SQL.identifier(records._table)
    assignments = SQL(", ").join(
        SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name, _kind in columns
    )
    aliases = SQL(", ").join(SQL.identifier(name) for name, _kind in columns)
    cr = records.env.cr
    for chunk in split_every(batch, list(rows)):
        # one array per column (a query of a few parameters, whatever the number of
        # rows: building one placeholder per value took most of the time at thousands)
        arrays = SQL(", ").join(
            [SQL("%s::int4[]", list(chunk))]
            + [
                SQL(
                    "%s::%s[]",
                    [_column_value(rows[record_id][name]) for record_id in chunk],
                    SQL.identifier(kind),
                )
                for name, kind in columns
            ]
        )
        cr.execute(
            SQL(
                "UPDATE %s AS t SET %s, write_uid = %s, write_date = %s "
                "FROM unnest(%s) AS v(id, %s) WHERE t.id = v.id",
                table,
                assignments,
                records.env.uid,
                cr.now(),
                arrays,
                aliases,
            )
        )
    written.invalidate_recordset([*names, "write_uid", "write_date"], flush=False)
    written.modified(list(names))
