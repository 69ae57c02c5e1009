"""Reading Odoo into the state store: a full read the first time, then only what changed.

Each model is read with the fields this Odoo version has (``fields_get`` decides between, e.g.,
17's ``date_start`` and 16's ``date_planned_start``), stored under one logical name. A poll reads
records whose ``write_date`` is newer than the last one seen minus an overlap window (clocks and
long transactions), by keyset pages, and compares counts to find records that were deleted or
left the "open" domain (a delivered order, a received purchase line).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sync.odoo import OdooClient, OdooError
from sync.state import StateStore

log = logging.getLogger(__name__)

OPEN_MO = ["confirmed", "progress", "to_close"]
OPEN_PURCHASE = ["draft", "sent", "to approve", "purchase"]
OPEN_SALE = ["draft", "sent", "sale"]
ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"

# logical field name -> candidates, first that this Odoo has wins
FieldSpec = tuple[str, tuple[str, ...]]


def _fields(*names: str | tuple[str, ...]) -> tuple[FieldSpec, ...]:
    specs: list[FieldSpec] = []
    for name in names:
        if isinstance(name, tuple):
            specs.append((name[0], name))
        else:
            specs.append((name, (name,)))
    return tuple(specs)


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """What to read of one model. ``domain`` limits reads to what the planner can use (open
    orders, internal stock); ``master`` data is checked for deletions less often."""

    model: str
    fields: tuple[FieldSpec, ...]
    domain: tuple[Any, ...] = ()
    master: bool = False
    required: bool = True
    name: str = ""  # where the records are kept, when one model is read twice

    @property
    def key(self) -> str:
        return self.name or self.model

    def read_domain(self) -> list[Any]:
        return list(self.domain)

    def domain_fields(self) -> set[str]:
        return {leaf[0].split(".")[0] for leaf in self.domain if isinstance(leaf, tuple)}


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("res.company", _fields("name", "resource_calendar_id", "partner_id"), master=True),
    ModelSpec("uom.uom", _fields("name", "category_id", "factor", "active"), master=True),
    ModelSpec("resource.calendar", _fields("name", "tz", "two_weeks_calendar", "company_id",
                                           "active"), master=True),
    ModelSpec("resource.calendar.attendance", _fields(
        "calendar_id", "dayofweek", "hour_from", "hour_to", "day_period", "week_type",
        "date_from", "date_to", "display_type", "resource_id"), master=True),
    ModelSpec("resource.calendar.leaves", _fields(
        "name", "calendar_id", "resource_id", "date_from", "date_to", "time_type", "company_id")),
    ModelSpec("mrp.workcenter", _fields(
        "name", "resource_id", "resource_calendar_id", "default_capacity", "time_efficiency",
        "time_start", "time_stop", "alternative_workcenter_ids", "company_id", "active"),
        master=True),
    ModelSpec("product.template", _fields(
        "name", "uom_id", "sale_delay", ("detailed_type", "type"), "is_storable", "route_ids",
        "company_id", "active"), master=True),
    ModelSpec("product.product", _fields("product_tmpl_id", "display_name", "default_code",
                                         "active"), master=True),
    ModelSpec("stock.rule", _fields("action", "route_id", "company_id", "active"),
              domain=(("action", "in", ["manufacture", "buy"]),), master=True),
    ModelSpec("product.supplierinfo", _fields(
        "partner_id", "product_tmpl_id", "product_id", "min_qty", "delay",
        ("product_uom", "product_uom_id"), "sequence", "price", "date_start", "date_end",
        "company_id"), master=True),
    ModelSpec("mrp.bom", _fields(
        "product_tmpl_id", "product_id", "product_qty", "product_uom_id", "type", "sequence",
        "produce_delay", "code", "company_id", "active"), master=True),
    ModelSpec("mrp.bom.line", _fields("bom_id", "product_id", "product_qty", "product_uom_id"),
              master=True),
    ModelSpec("mrp.routing.workcenter", _fields(
        "bom_id", "name", "workcenter_id", "sequence", "time_cycle", "active"), master=True),
    ModelSpec("stock.quant", _fields("product_id", "location_id", "quantity", "company_id"),
              domain=(("location_id.usage", "=", "internal"),)),
    ModelSpec("purchase.order", _fields("name", "partner_id", "state", "company_id"),
              domain=(("state", "in", OPEN_PURCHASE),)),
    ModelSpec("purchase.order.line", _fields(
        "order_id", "product_id", "product_qty", "qty_received", "product_uom", "date_planned",
        "partner_id", "state", "company_id"),
        domain=(("state", "in", OPEN_PURCHASE), ("display_type", "=", False))),
    ModelSpec("mrp.production", _fields(
        "name", "product_id", "product_qty", "qty_produced", "product_uom_id", "state",
        ("date_start", "date_planned_start"), "date_deadline", "procurement_group_id",
        "company_id"), domain=(("state", "in", OPEN_MO),)),
    ModelSpec("mrp.workorder", _fields(
        "name", "production_id", "workcenter_id", "state", "duration_expected", "duration",
        "operation_id", "leave_id"),
        domain=(("production_id.state", "in", OPEN_MO), ("state", "not in", ["done", "cancel"]))),
    ModelSpec("stock.move", _fields(
        "raw_material_production_id", "product_id", "product_uom_qty", "product_uom", "state"),
        domain=(("raw_material_production_id.state", "in", OPEN_MO),
                ("state", "not in", ["done", "cancel"]))),
    ModelSpec("procurement.group", _fields("name", "sale_id"), domain=(("sale_id", "!=", False),),
              required=False),
    # deliveries that no sale order line stands for (manual pickings, ...): stock they take
    ModelSpec("stock.move", _fields("product_id", "product_uom_qty", "product_uom", "state",
                                    "company_id"),
              domain=(("picking_code", "=", "outgoing"),
                      ("state", "not in", ["draft", "done", "cancel"]),
                      ("sale_line_id", "=", False)),
              required=False, name="stock.move:outgoing"),
    # purchase lines created from suggestions: counted as supply even while only RFQs
    ModelSpec("capacity.purchase.suggestion", _fields("purchase_line_id", "state"),
              domain=(("purchase_line_id", "!=", False),), required=False),
    ModelSpec("sale.order", _fields(
        "name", "partner_id", "state", "date_order", "commitment_date", "picking_policy",
        "create_date", "company_id"), domain=(("state", "in", OPEN_SALE),)),
    ModelSpec("sale.order.line", _fields(
        "order_id", "product_id", "product_uom_qty", "qty_delivered", "product_uom",
        "customer_lead", "display_type", "sequence"),
        domain=(("order_id.state", "in", OPEN_SALE), ("display_type", "=", False))),
)

Progress = Callable[[str, int], None]


@dataclasses.dataclass
class ReadReport:
    """What one read did, per model: records read and records dropped."""

    full: bool = False
    read: dict[str, int] = dataclasses.field(default_factory=dict)
    removed: dict[str, int] = dataclasses.field(default_factory=dict)
    started_at: dt.datetime = dataclasses.field(
        default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    calls: int = 0

    @property
    def changed(self) -> bool:
        return any(self.read.values()) or any(self.removed.values())


class OdooReader:
    """Keeps the state store in step with Odoo."""

    def __init__(self, client: OdooClient, store: StateStore, page_size: int = 500,
                 overlap_seconds: float = 120.0, master_check_every: int = 12,
                 progress: Progress | None = None,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)):
        self.client = client
        self.clock = clock
        self.store = store
        self.page_size = page_size
        self.overlap = dt.timedelta(seconds=overlap_seconds)
        self.master_check_every = master_check_every
        self.progress = progress
        self._polls = 0
        self.user: dict[str, Any] = {}

    def resolve(self, spec: ModelSpec) -> dict[str, str]:
        """Logical name -> this Odoo's field name, for the fields this version has."""
        available = self.client.fields(spec.model)
        names = {}
        for logical, candidates in spec.fields:
            for candidate in candidates:
                if candidate in available:
                    names[logical] = candidate
                    break
        return names

    def refresh(self) -> ReadReport:
        """Bring the store up to date: a full read of models never read, changes of the rest."""
        calls_before = self.client.calls
        report = ReadReport()
        self.user = self._user()
        check_master = self._polls % self.master_check_every == 0
        self._polls += 1
        for spec in MODELS:
            if not spec.required and not self._readable(spec):
                continue
            cursor = self.store.cursor(spec.key)
            if cursor is None:
                report.full = True
                report.read[spec.key] = self._read_full(spec)
            else:
                read, removed = self._read_changes(spec, cursor,
                                                   check_deleted=check_master or not spec.master)
                report.read[spec.key] = read
                report.removed[spec.key] = removed
        report.calls = self.client.calls - calls_before
        return report

    def _readable(self, spec: ModelSpec) -> bool:
        """An optional model is read only if this Odoo has it and the fields its domain
        needs (the addon may not be installed; Odoo versions differ)."""
        try:
            available = self.client.fields(spec.model)
        except OdooError as error:
            if error.transient:
                raise
            log.debug("not reading %s: %s", spec.key, error)
            return False
        return spec.domain_fields() <= set(available)

    def _user(self) -> dict[str, Any]:
        uid = self.client.uid
        domain: list[Any] = [("id", "=", uid)] if uid else [("login", "=",
                                                                self.client.settings.odoo_login)]
        rows = self.client.search_read("res.users", domain, ["company_id", "tz", "login"])
        return rows[0] if rows else {}

    def _fields_to_read(self, spec: ModelSpec) -> tuple[list[str], dict[str, str]]:
        names = self.resolve(spec)
        wanted = sorted({*names.values(), "write_date"})
        return wanted, names

    def _normalise(self, rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
        renamed = []
        for row in rows:
            record = {"id": row["id"], "write_date": row.get("write_date") or ""}
            for logical, actual in names.items():
                record[logical] = row.get(actual)
            renamed.append(record)
        return renamed

    def _read_full(self, spec: ModelSpec) -> int:
        fields, names = self._fields_to_read(spec)
        self.store.delete(spec.key, self.store.ids(spec.key))
        newest = ""
        count = 0
        for page in self.client.read_pages(spec.model, spec.read_domain(), fields,
                                           self.page_size, {"active_test": False}):
            rows = self._normalise(page, names)
            self.store.upsert(spec.key, rows)
            newest = max([newest, *(row["write_date"] for row in rows)])
            count += len(rows)
            if self.progress:
                self.progress(spec.key, count)
        self.store.set_cursor(spec.key, newest or "1970-01-01 00:00:00", full=True)
        log.debug("read %d %s records (full)", count, spec.key)
        return count

    def _read_changes(self, spec: ModelSpec, cursor: str,
                      check_deleted: bool) -> tuple[int, int]:
        fields, names = self._fields_to_read(spec)
        newest_seen = dt.datetime.strptime(cursor, ODOO_DATETIME).replace(tzinfo=dt.timezone.utc)
        if self.clock() - newest_seen > 2 * self.overlap:
            # long settled: a transaction that wrote before the newest change has committed
            # by now and was read, so only what is newer is new. Odoo stores microseconds but
            # sends whole seconds: "newer" starts at the next second.
            after = (newest_seen + dt.timedelta(seconds=1)).strftime(ODOO_DATETIME)
            domain = [*spec.read_domain(), ("write_date", ">=", after)]
        else:  # recent: look back over the window in case a slow transaction commits late
            since = (newest_seen - self.overlap).strftime(ODOO_DATETIME)
            domain = [*spec.read_domain(), ("write_date", ">=", since)]
        newest = cursor
        count = 0
        for page in self.client.read_pages(spec.model, domain, fields, self.page_size,
                                           {"active_test": False}):
            rows = self._normalise(page, names)
            self.store.upsert(spec.key, rows)
            newest = max([newest, *(row["write_date"] for row in rows)])
            count += len(rows)
        removed = 0
        if check_deleted:
            removed, added = self._reconcile(spec, fields, names)
            count += added
        if newest != cursor:
            self.store.set_cursor(spec.key, newest)
        return count, removed

    def _reconcile(self, spec: ModelSpec, fields: list[str],
                   names: dict[str, str]) -> tuple[int, int]:
        """Drop records deleted in Odoo or no longer in the domain, and read records that
        entered it without changing themselves (a line whose order was confirmed)."""
        context = {"active_test": False}
        total = self.client.call(spec.model, "search_count", spec.read_domain(), context=context)
        stored = self.store.ids(spec.key)
        if total == len(stored):
            return 0, 0
        current = set(self.client.call(spec.model, "search", spec.read_domain(),
                                       context=context))
        gone = stored - current
        self.store.delete(spec.key, gone)
        new = sorted(current - stored)
        added = 0
        for start in range(0, len(new), self.page_size):
            chunk = new[start:start + self.page_size]
            rows = self.client.search_read(spec.model, [("id", "in", chunk)], fields, "id",
                                           context=context)
            added += self.store.upsert(spec.key, self._normalise(rows, names))
        return len(gone), added
