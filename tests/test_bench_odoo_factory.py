"""The factory builder speaks each series' field names (decided from ``fields_get``, as the
service decides them) and creates and confirms orders in chunks."""

from __future__ import annotations

from typing import Any

from bench.odoo_factory import CHUNK, Dialect, _in_parallel

UNIT = 1


def dialect(series: str) -> Dialect:
    product = {"name", "uom_id", "route_ids", "sale_delay"}
    workcenter = {"name", "time_start", "time_stop", "capacity_ids"}
    if series == "17.0":
        product |= {"detailed_type", "type", "uom_po_id"}
        workcenter.add("default_capacity")
    elif series == "18.0":
        product |= {"type", "is_storable", "uom_po_id"}
        workcenter.add("default_capacity")
    else:  # 19.0: no purchase unit, no capacity of the work center's own
        product |= {"type", "is_storable"}
    return Dialect(frozenset(product), frozenset(workcenter))


def test_a_stocked_product_is_typed_as_each_series_says():
    assert dialect("17.0").storable(UNIT) == {"uom_id": UNIT, "detailed_type": "product",
                                              "uom_po_id": UNIT}
    assert dialect("18.0").storable(UNIT) == {"uom_id": UNIT, "type": "consu",
                                              "is_storable": True, "uom_po_id": UNIT}
    assert dialect("19.0").storable(UNIT) == {"uom_id": UNIT, "type": "consu",
                                              "is_storable": True}


def test_a_work_centers_capacity_is_a_capacity_line_on_19():
    assert dialect("17.0").capacity(2, UNIT) == {"default_capacity": 2}
    assert dialect("19.0").capacity(1, UNIT) == {}
    assert dialect("19.0").capacity(2, UNIT) == {
        "capacity_ids": [(0, 0, {"product_uom_id": UNIT, "capacity": 2})]}


class Recorder:
    """Stands for Odoo: creates ids in order and records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self.next_id = 1

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((model, method, len(args[0])))
        if method == "create":
            ids = list(range(self.next_id, self.next_id + len(args[0])))
            self.next_id += len(args[0])
            return ids
        return True


def test_orders_are_created_and_confirmed_one_chunk_per_call():
    odoo = Recorder()
    values = [{"product_id": n} for n in range(2 * CHUNK + 5)]
    ids = _in_parallel(odoo, "mrp.production", "action_confirm", values, jobs=2)  # type: ignore[arg-type]
    assert sorted(ids) == list(range(1, len(values) + 1)) and len(set(ids)) == len(values)
    creates = [size for _, method, size in odoo.calls if method == "create"]
    confirms = [size for _, method, size in odoo.calls if method == "action_confirm"]
    assert sorted(creates) == sorted(confirms) == [5, CHUNK, CHUNK]
