# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Writing only what changed: a plan that finds what the last one found writes
nothing, so that the service's next read of Odoo has nothing to read again."""

from collections import defaultdict

from odoo import models


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


def write_grouped(records, values_by_id):
    """Write ``{id: vals}`` with one ``write`` per distinct ``vals``.

    Thousands of orders share a handful of (date, status, reason) values, so
    this turns thousands of writes into a few.
    """
    ids_by_values = defaultdict(list)
    for record_id, values in values_by_id.items():
        ids_by_values[tuple(sorted(values.items()))].append(record_id)
    for values, ids in ids_by_values.items():
        records.browse(ids).write(dict(values))
