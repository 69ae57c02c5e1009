# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What differs between the Odoo series this addon runs on (17.0, 18.0, 19.0).

The addon's Python is one source for all three series; every difference of
Odoo's Python API it meets is answered here, by asking Odoo what it has rather
than by comparing version numbers, so that the models read the same in every
series. (The differences in data files, such as ``<tree>`` becoming ``<list>``
in 18 or group privileges in 19, are in each series' own folder.)
"""

from odoo import fields, models


def unique(definition, message):
    """A unique constraint, as a model attribute named ``_<name>``:
    ``_run_key_unique = unique("unique(run_key)", "...")``.

    19 declares table constraints so (models.Constraint) and ignores
    ``_sql_constraints`` with a warning; 17 and 18 know only ``_sql_constraints``,
    to which the attribute then adds itself, under the same name.
    """
    if hasattr(models, "Constraint"):
        return models.Constraint(definition, message)
    return _SqlConstraint(definition, message)


class _SqlConstraint:
    def __init__(self, definition, message):
        self.definition = definition
        self.message = message

    def __set_name__(self, owner, name):
        owner._sql_constraints = [
            *owner.__dict__.get("_sql_constraints", []),
            (name[1:], self.definition, self.message),
        ]


def aggregator(operator):
    """Keyword argument of a field for how grouped views total it:
    ``group_operator`` up to 17, ``aggregator`` from 18 (which warns about the old name)."""
    name = "aggregator" if hasattr(fields.Field, "aggregator") else "group_operator"
    return {name: operator}


def uom_field(model):
    """Name of the unit-of-measure field of a sale or purchase order line:
    ``product_uom`` up to 18, ``product_uom_id`` from 19."""
    return "product_uom_id" if "product_uom_id" in model._fields else "product_uom"


def same_uom_kind(uom, other):
    """Whether quantities in ``uom`` and ``other`` convert into each other: the same
    category up to 18; from 19 (no categories) a common reference unit."""
    if "category_id" in uom._fields:
        return uom.category_id == other.category_id
    return uom._has_common_reference(other)


def list_view_type(env):
    """The name of the list view type, for an action built in Python: ``tree`` up to
    17, ``list`` from 18."""
    return "list" if "list" in dict(env["ir.ui.view"]._fields["type"].selection) else "tree"
