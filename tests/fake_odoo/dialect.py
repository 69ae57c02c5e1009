"""The recorded Odoo 17 data as Odoo 18 or 19 would serve it: the models and fields those series
renamed, dropped or added (checked against their sources), with the same records.

- 18: products say ``is_storable`` instead of ``detailed_type`` ("product" becomes "consu"
  and storable); manufacturing orders know the sale line they were made for (``sale_line_id``).
- 19, in addition: no ``uom.category``: a unit names the unit it is a multiple of
  (``relative_uom_id``, ``relative_factor``, ``parent_path``) and ``factor`` is the number of
  reference units it holds (Dozens 12, where 17 says 1/12); sale and purchase lines say
  ``product_uom_id`` and ``tax_ids``, vendor prices ``product_uom_id``; work centers lose
  ``default_capacity`` (a capacity becomes an ``mrp.workcenter.capacity`` line without
  product); calendar attendances lose their dates and resource; ``procurement.group`` gives
  way to ``stock.reference`` (``mrp.production.reference_ids``, ``stock.reference.sale_ids``).

A :class:`~fake_odoo.dataset.Dataset` shares its records with the parsed recording, so every
change here builds new dicts and never mutates one in place.
"""

from __future__ import annotations

import copy
from typing import Any

from .dataset import MAGIC_FIELDS, Dataset, Model

SERIES = ("17.0", "18.0", "19.0")
VERSIONS = {
    "18.0": ("18.0-20250925", [18, 0, 0, "final", 0, ""]),
    "19.0": ("19.0-20260402", [19, 0, 0, "final", 0, ""]),
}


def to_series(dataset: Dataset, series: str) -> None:
    """Turn a dataset recorded from Odoo 17 into what ``series`` serves."""
    if series not in SERIES:
        raise ValueError(f"series must be one of {SERIES}, got {series!r}")
    major = int(series.split(".", maxsplit=1)[0])
    if major >= 18:
        _odoo18(dataset)
    if major >= 19:
        _odoo19(dataset)
    if series in VERSIONS:
        version, info = VERSIONS[series]
        dataset.version = {**dataset.version, "server_version": version,
                           "server_version_info": list(info), "server_serie": series}


# ---------------------------------------------------------------------- helpers


def _own(model: Model) -> None:
    """Give the model its own ``fields`` dict (the parsed recording's is shared)."""
    model.fields = copy.deepcopy(model.fields)


def _rows(model: Model) -> list[dict[str, Any]]:
    return [dict(record) for record in model.records.values()]


def _store(model: Model, rows: list[dict[str, Any]]) -> None:
    model.records = {row["id"]: row for row in rows}


def _add_field(model: Model, name: str, attrs: dict[str, Any], default: Any) -> None:
    model.fields[name] = {"string": name.replace("_", " ").title(), "store": True,
                          "readonly": False, "required": False, **attrs}
    model.recorded_fields = model.recorded_fields | {name}
    _store(model, [{**row, name: row.get(name, default)} for row in _rows(model)])


def _drop_field(model: Model, name: str) -> None:
    model.fields.pop(name, None)
    model.recorded_fields = model.recorded_fields - {name}
    _store(model, [{k: v for k, v in row.items() if k != name} for row in _rows(model)])


def _rename_field(model: Model, old: str, new: str) -> None:
    if old not in model.fields:
        return
    model.fields[new] = model.fields.pop(old)
    model.recorded_fields = (model.recorded_fields - {old}) | {new}
    _store(model, [{(new if k == old else k): v for k, v in row.items()}
                   for row in _rows(model)])


def _drop_model(dataset: Dataset, name: str) -> None:
    """Remove a model and every field pointing at it."""
    dataset.models.pop(name, None)
    for model in dataset.models.values():
        gone = [f for f, attrs in model.fields.items() if attrs.get("relation") == name]
        if gone:
            _own(model)
            for fname in gone:
                _drop_field(model, fname)


# ---------------------------------------------------------------------- 18


def _odoo18(dataset: Dataset) -> None:
    for name in ("product.template", "product.product"):
        model = dataset.models[name]
        _own(model)
        storable = {row["id"]: row.get("detailed_type") == "product" for row in _rows(model)}
        _drop_field(model, "detailed_type")
        model.fields["type"]["selection"] = [["consu", "Goods"], ["service", "Service"],
                                             ["combo", "Combo"]]
        _add_field(model, "is_storable", {"type": "boolean", "string": "Track Inventory"},
                   False)
        _store(model, [{**row, "is_storable": storable[row["id"]],
                        "type": "consu" if row.get("type") == "product" else row.get("type")}
                       for row in _rows(model)])
    production = dataset.models["mrp.production"]
    _own(production)
    _add_field(production, "sale_line_id", {"type": "many2one", "relation": "sale.order.line",
                                            "string": "Origin sale order line"}, False)


# ---------------------------------------------------------------------- 19


def _odoo19(dataset: Dataset) -> None:
    _units19(dataset)
    for name, renames in (("sale.order.line", (("product_uom", "product_uom_id"),
                                                ("tax_id", "tax_ids"))),
                          ("purchase.order.line", (("product_uom", "product_uom_id"),
                                                    ("taxes_id", "tax_ids"))),
                          ("product.supplierinfo", (("product_uom", "product_uom_id"),))):
        model = dataset.models[name]
        _own(model)
        for old, new in renames:
            _rename_field(model, old, new)
    attendance = dataset.models["resource.calendar.attendance"]
    _own(attendance)
    for fname in ("date_from", "date_to", "resource_id"):
        _drop_field(attendance, fname)
    _capacities19(dataset)
    _references19(dataset)


def _units19(dataset: Dataset) -> None:
    """19's unit tree: each unit relative to its category's reference unit."""
    uom = dataset.models["uom.uom"]
    _own(uom)
    rows = _rows(uom)
    reference = {row.get("category_id"): row["id"] for row in rows
                 if row.get("uom_type") == "reference"}
    for fname in ("category_id", "factor_inv", "ratio", "uom_type"):
        _drop_field(uom, fname)
    _add_field(uom, "relative_factor", {"type": "float", "string": "Contains"}, 1.0)
    _add_field(uom, "relative_uom_id", {"type": "many2one", "relation": "uom.uom",
                                        "string": "Reference Unit"}, False)
    _add_field(uom, "parent_path", {"type": "char", "string": "Parent Path"}, False)
    uom.fields["factor"]["string"] = "Absolute Quantity"
    changed = []
    for row in rows:
        base = reference.get(row.get("category_id"))
        contains = 1.0 / float(row.get("factor") or 1.0)  # 17: units per reference unit
        relative = base if base and base != row["id"] else False
        changed.append({k: v for k, v in row.items()
                        if k not in ("category_id", "factor_inv", "ratio", "uom_type")}
                       | {"relative_factor": contains, "factor": contains,
                          "relative_uom_id": relative,
                          "parent_path": f"{relative}/{row['id']}/" if relative
                          else f"{row['id']}/"})
    _store(uom, changed)
    _drop_model(dataset, "uom.category")


def _capacities19(dataset: Dataset) -> None:
    """A work center's own capacity becomes a capacity line for every product (in Units)."""
    workcenter = dataset.models["mrp.workcenter"]
    capacity = dataset.models["mrp.workcenter.capacity"]
    _own(workcenter)
    _own(capacity)
    capacity.fields["product_id"]["required"] = False
    capacity.fields["product_uom_id"].pop("related", None)
    lines = _rows(capacity)
    for row in _rows(workcenter):
        default = float(row.get("default_capacity") or 1.0)
        if default != 1.0:
            lines.append({"id": max([0, *(line["id"] for line in lines)]) + 1,
                          "workcenter_id": row["id"], "product_id": False,
                          "product_uom_id": 1, "capacity": default,
                          "time_start": row.get("time_start") or 0.0,
                          "time_stop": row.get("time_stop") or 0.0,
                          **{k: row[k] for k in MAGIC_FIELDS if k in row and k != "id"}})
    _store(capacity, lines)
    _drop_field(workcenter, "default_capacity")


def _references19(dataset: Dataset) -> None:
    """``procurement.group`` (sale orders' and manufacturing orders' common group) becomes a
    ``stock.reference`` naming the sale orders."""
    groups = dataset.models["procurement.group"]
    stamps = dict(MAGIC_FIELDS)
    reference = Model(name="stock.reference", description="Reference between stock documents",
                      fields={**copy.deepcopy(stamps),
                              "name": {"type": "char", "string": "Reference", "store": True},
                              "sale_ids": {"type": "many2many", "relation": "sale.order",
                                           "string": "Sales", "store": True}},
                      records={}, recorded_fields=frozenset(
                          {*stamps, "name", "sale_ids"}))
    of_group = {}
    rows = []
    for row in _rows(groups):
        of_group[row["id"]] = row["id"]
        rows.append({k: row[k] for k in (*stamps, "name") if k in row}
                    | {"sale_ids": [row["sale_id"]] if row.get("sale_id") else []})
    _store(reference, rows)
    production = dataset.models["mrp.production"]
    _own(production)
    groups_of = {row["id"]: row.get("procurement_group_id") for row in _rows(production)}
    _add_field(production, "reference_ids", {"type": "many2many",
                                             "relation": "stock.reference",
                                             "string": "References"}, [])
    _store(production, [{**row, "reference_ids": [of_group[groups_of[row["id"]]]]
                         if groups_of.get(row["id"]) in of_group else []}
                        for row in _rows(production)])
    _drop_model(dataset, "procurement.group")
    dataset.models["stock.reference"] = reference
