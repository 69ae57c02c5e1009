"""The plan as the addon's ``capacity.planner.run.apply_plan`` takes it: one dict, one call.

Dates are ``YYYY-MM-DD``; datetimes are naive UTC ``YYYY-MM-DD HH:MM:SS`` as Odoo writes them.
The format is documented in the addon's readme (``readme/DEVELOP.md``). A *full* payload carries
the whole plan; a *delta* (:func:`delta_payload`) carries, against the run Odoo last applied
(``base_run_key``), only the items that are new or changed, the items removed and the run's totals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from optimizer.plan import LinePromise, OrderPromise, Plan
from optimizer.snapshot import Snapshot

# 2: a payload may be a delta (``base_run_key``, ``removed``, ``totals``); the addon reads 1 and 2
PAYLOAD_VERSION = 2

# the payload's families of items, each item named by what the addon keys it on
ITEM_NAMES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "orders": lambda item: item["order_id"],
    "productions": lambda item: item["production_id"],
    "suggestions": lambda item: item["key"],
    "load": lambda item: (item["workcenter_id"], item["date"]),
    "bring_forward": lambda item: item["purchase_line_id"],
}
# digests of what was sent: {family: {item name: digest}}
Digests = dict[str, dict[Any, str]]


def odoo_datetime(moment: dt.datetime) -> str:
    """An aware datetime as Odoo writes it: naive UTC to the second."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _datetime(moment: dt.datetime | None) -> str | None:
    return odoo_datetime(moment) if moment else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def run_key(snapshot: Snapshot, plan: Plan) -> str:
    """Unique per run: the moment Odoo was read plus a digest of what was promised, so the same
    run sent twice has the same key and a new run a new one."""
    digest = hashlib.sha256()
    for promise in plan.orders:
        digest.update(f"{promise.order_id}:{promise.promise_date}:{promise.status};".encode())
    return f"{snapshot.now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{digest.hexdigest()[:12]}"


def _line(line: LinePromise) -> dict[str, Any]:
    return {"line_id": line.line_id, "promise_date": _date(line.promise_date),
            "status": line.status, "reason": line.reason,
            "reason_data": line.reason_data,
            "shipments": [{"date": date.isoformat(), "quantity": qty}
                          for date, qty in line.shipments],
            "quantity_by_requested_date": line.by_requested, "missing_quantity": line.missing}


def order_payload(promise: OrderPromise) -> dict[str, Any]:
    """One order's promise; ``reason_data`` is the reason as {kind, values} next to the text."""
    return {"order_id": promise.order_id, "promise_date": _date(promise.promise_date),
            "status": promise.status, "reason": promise.reason,
            "reason_data": promise.reason_data,
            "lines": [_line(line) for line in promise.lines]}


def failed_payload(company_id: int, key: str, snapshot_at: dt.datetime,
                   started_at: dt.datetime, finished_at: dt.datetime,
                   reason: str) -> dict[str, Any]:
    """A run that produced no plan, for the addon's planner runs: it changes nothing else."""
    return {
        "version": PAYLOAD_VERSION, "run_key": key, "company_id": company_id,
        "snapshot_at": odoo_datetime(snapshot_at), "started_at": odoo_datetime(started_at),
        "finished_at": odoo_datetime(max(finished_at, started_at)), "status": "failed",
        "solver": {"name": "", "status": "error", "gap": None, "seconds": 0.0,
                   "message": reason},
        "warnings": [reason], "orders": [], "productions": [], "suggestions": [], "load": [],
    }


def build_payload(snapshot: Snapshot, plan: Plan, company_id: int, started_at: dt.datetime,
                  finished_at: dt.datetime, key: str | None = None,
                  read_at: dt.datetime | None = None) -> dict[str, Any]:
    """Everything one run decided, for one company; ``snapshot_at`` is ``read_at``, the
    moment of the data, when given (a re-quoted plan keeps its older clock)."""
    index = snapshot.index
    productions = []
    for job in plan.jobs:
        if job.manufacturing_order_id is not None and job.quotation_id is None:
            productions.append({
                "production_id": job.manufacturing_order_id,
                "start_date": _date(job.start), "finish_date": _date(job.finish),
                "date_start": _datetime(job.start_at), "date_finished": _datetime(job.finish_at),
                "workorders": [{"workorder_id": op.workorder_id,
                                "workcenter_id": op.workcenter_id,
                                "date_start": _datetime(op.start_at),
                                "date_finished": _datetime(op.finish_at)}
                               for op in job.operations if op.workorder_id is not None]})
    suggestions = []
    for suggestion in plan.purchases:
        if suggestion.quotation_id is not None:
            continue  # an inquiry's purchase is only part of its answer
        suggestions.append({
            "key": suggestion.key, "product_id": suggestion.product_id,
            "vendor_id": suggestion.vendor_id, "quantity": suggestion.quantity,
            "uom_id": index.products[suggestion.product_id].uom_id,
            "order_by_date": _date(suggestion.order_by), "need_date": _date(suggestion.need_date),
            "lead_days": suggestion.lead_days,
            "serves": [{"kind": demand.kind, "id": demand.id, "quantity": demand.quantity}
                       for demand in suggestion.serves],
            "reason": suggestion.reason, "reason_data": suggestion.reason_data,
            "group": suggestion.group})
    return {
        "version": PAYLOAD_VERSION,
        "run_key": key or run_key(snapshot, plan),
        "company_id": company_id,
        "snapshot_at": odoo_datetime(read_at or snapshot.now),
        "started_at": odoo_datetime(started_at),
        "finished_at": odoo_datetime(finished_at),
        "status": plan.status,
        "solver": {"name": plan.solver.solver, "status": plan.solver.status,
                   "gap": plan.solver.gap, "seconds": round(plan.solver.seconds, 3),
                   "message": plan.solver.message},
        "warnings": list(plan.warnings),
        "orders": [order_payload(promise) for promise in plan.orders],
        "productions": productions,
        "suggestions": suggestions,
        "bring_forward": [
            {"purchase_line_id": item.purchase_line_id, "order_name": item.order_name,
             "product_id": item.product_id, "vendor_id": item.vendor_id,
             "quantity": item.quantity, "expected_date": _date(item.expected),
             "wanted_date": _date(item.wanted),
             "serves": [{"kind": d.kind, "id": d.id, "quantity": d.quantity}
                        for d in item.serves]}
            for item in plan.bring_forward],
        "load": [{"workcenter_id": row.workcenter_id, "date": row.date.isoformat(),
                  "available_hours": row.available_hours, "planned_hours": row.planned_hours}
                 for row in plan.load],
    }


def input_digests(rows: dict[str, list[dict[str, Any]]]) -> Digests:
    """Per order and per manufacturing order, a digest of its records as read from Odoo (the
    order with its lines, the manufacturing order with its work orders), ``write_date``
    included: a record someone wrote since the last apply (a line edited, a promise checked
    by a salesperson, a work order moved) digests otherwise, so its item is sent again even
    when the plan for it is the same, and the addon sets it right as a full plan would."""
    def parent(row: dict[str, Any], field: str) -> Any:
        value = row.get(field)
        return value[0] if isinstance(value, list | tuple) and value else value

    families = {"orders": ("sale.order", "sale.order.line", "order_id"),
                "productions": ("mrp.production", "mrp.workorder", "production_id")}
    digests: Digests = {}
    for family, (model, child_model, field) in families.items():
        content: dict[Any, list[Any]] = {row["id"]: [row] for row in rows.get(model, [])}
        for row in rows.get(child_model, []):
            owner = content.get(parent(row, field))
            if owner is not None:
                owner.append(row)
        digests[family] = {record_id: _digest(records) for record_id, records in content.items()}
    return digests


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def item_digests(payload: dict[str, Any], inputs: Digests | None = None) -> Digests:
    """A digest of every item of a full ``payload``, by family and name; an order's and a
    manufacturing order's include the digest of their records in ``inputs``."""
    inputs = inputs or {}
    digests: Digests = {}
    for family, name_of in ITEM_NAMES.items():
        extra = inputs.get(family, {})
        digests[family] = {}
        for item in payload.get(family) or []:
            name = name_of(item)
            digests[family][name] = _digest([item, extra.get(name, "")])
    return digests


def totals(payload: dict[str, Any]) -> dict[str, int]:
    """The counts the addon's planner run shows, of a full ``payload``."""
    orders = payload.get("orders") or []
    return {"orders": len(orders),
            "late": sum(1 for order in orders if order["status"] == "late"),
            "cannot_plan": sum(1 for order in orders if order["status"] == "cannot_plan"),
            "suggestions": len(payload.get("suggestions") or []),
            "workcenter_days": len(payload.get("load") or [])}


def delta_payload(payload: dict[str, Any], digests: Digests, base: Digests,
                  base_run_key: str) -> dict[str, Any]:
    """The full ``payload`` as a delta against ``base`` (the digests of what Odoo shows, as
    run ``base_run_key`` left it): the run's own fields, warnings and totals, the items whose
    digest is new or differs, and the names of the items ``base`` has and ``payload`` not."""
    delta = {key: value for key, value in payload.items() if key not in ITEM_NAMES}
    delta["base_run_key"] = base_run_key
    delta["totals"] = totals(payload)
    removed: dict[str, list[Any]] = {}
    for family, name_of in ITEM_NAMES.items():
        sent, before = digests.get(family, {}), base.get(family, {})
        delta[family] = [item for item in payload.get(family) or []
                         if before.get(name_of(item)) != sent[name_of(item)]]
        removed[family] = [list(name) if isinstance(name, tuple) else name
                           for name in before if name not in sent]
    delta["removed"] = removed
    return delta
