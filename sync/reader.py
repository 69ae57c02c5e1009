"""Reading Odoo into the state store: a full read the first time, then only what changed.

Each model is read with the fields this Odoo version has (``fields_get``, asked once per process,
decides between, e.g., 17's ``date_start`` and 16's ``date_planned_start``, or 19's
``product_uom_id`` and 17's ``product_uom``; models a series lacks are not read), stored under one
logical name, in keyset pages, with many2one values as bare ids where the planner needs no name.

A poll first asks one cheap question per *family* of models (sales, manufacturing, purchasing,
stock, products, capacity): "has any record of this family been written since the family's
cursor by someone other than the service?" (one ``search`` with ``limit=1`` whose domain reaches
the family's other models through ``any``). Only a family that answers yes is read, model by
model, and what it read is compared by content with the store: a record rewritten with the same
values the planner uses is no change. The service's own writes (the addon writes only its own
promise fields, as the service user) are thus never read again; a user edit that lands between
the service's read and its apply is caught by :meth:`OdooReader.changed_since_read`, which marks
its family to be read once without that filter.

Records deleted in Odoo, or that left (or entered) the open domain without being written, are
found by comparing counts: every poll for the models whose open records can be deleted outright
(quotations, requests for quotation), for a family's models when it changed, and round-robin for
the rest, one model per poll.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from sync.odoo import OdooClient, OdooError
from sync.state import StateStore, content_digest

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
    orders, internal stock). ``open_states``: the model's own open states, for a family's
    anchor, whose changes are read in every state so that one leaving them is seen.
    ``parent``: (field, spec key) of the record this one belongs to, dropped with it.
    ``names``: many2one values keep their display name (vendors, customers); other models are
    read with bare ids, which Odoo does not have to compute names for."""

    model: str
    fields: tuple[FieldSpec, ...]
    domain: tuple[Any, ...] = ()
    master: bool = False
    required: bool = True
    name: str = ""  # where the records are kept, when one model is read twice
    names: bool = False
    open_states: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None
    deletable: bool = False  # open records may be deleted without any write: counted each poll

    @property
    def key(self) -> str:
        return self.name or self.model

    def read_domain(self) -> list[Any]:
        return list(self.domain)

    def domain_fields(self) -> set[str]:
        return {leaf[0].split(".")[0] for leaf in self.domain if isinstance(leaf, tuple)}

    def keeps(self, row: dict[str, Any]) -> bool:
        """Whether a record read in any state belongs in the store."""
        return not self.open_states or row.get("state") in self.open_states


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("res.company", _fields("name", "resource_calendar_id", "partner_id",
                                     "security_lead"), master=True),
    # up to 18 a unit has a category; 19 makes it a multiple of another unit
    ModelSpec("uom.uom", _fields("name", "category_id", "factor", "relative_factor",
                                 "relative_uom_id", "parent_path", "active"), master=True,
              names=True),
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
    # a work center's capacity and set-up/clean-up for one product (19: or for every product
    # in one unit)
    ModelSpec("mrp.workcenter.capacity", _fields(
        "workcenter_id", "product_id", "product_uom_id", "capacity", "time_start", "time_stop"),
        master=True, required=False, parent=("workcenter_id", "mrp.workcenter")),
    ModelSpec("product.template", _fields(
        "name", "uom_id", "sale_delay", ("detailed_type", "type"), "is_storable", "route_ids",
        "company_id", "active"), master=True),
    ModelSpec("product.product", _fields("product_tmpl_id", "display_name", "default_code",
                                         "active"), master=True),
    # manufacture and buy rules say how a product is replenished; the pull rules of a
    # warehouse's delivery route add their lead time ("delay") to every delivery
    ModelSpec("stock.rule", _fields("action", "route_id", "delay", "company_id", "active"),
              domain=(("action", "in", ["manufacture", "buy", "pull", "pull_push"]),),
              master=True),
    ModelSpec("stock.warehouse", _fields("delivery_route_id", "sequence", "company_id",
                                         "active"), master=True, required=False),
    ModelSpec("product.supplierinfo", _fields(
        "partner_id", "product_tmpl_id", "product_id", "min_qty", "delay",
        ("product_uom", "product_uom_id"), "sequence", "price", "date_start", "date_end",
        "company_id"), master=True, names=True),
    ModelSpec("mrp.bom", _fields(
        "product_tmpl_id", "product_id", "product_qty", "product_uom_id", "type", "sequence",
        "produce_delay", "code", "company_id", "active"), master=True, names=True),
    ModelSpec("mrp.bom.line", _fields("bom_id", "product_id", "product_qty", "product_uom_id"),
              master=True, parent=("bom_id", "mrp.bom")),
    ModelSpec("mrp.routing.workcenter", _fields(
        "bom_id", "name", "workcenter_id", "sequence", "time_cycle", "active"), master=True,
        parent=("bom_id", "mrp.bom")),
    ModelSpec("stock.quant", _fields("product_id", "location_id", "quantity", "company_id"),
              domain=(("location_id.usage", "=", "internal"),)),
    ModelSpec("purchase.order", _fields("name", "partner_id", "state", "company_id"),
              domain=(("state", "in", OPEN_PURCHASE),), names=True,
              open_states=tuple(OPEN_PURCHASE), deletable=True),
    ModelSpec("purchase.order.line", _fields(
        "order_id", "product_id", "product_qty", "qty_received", ("product_uom", "product_uom_id"),
        "date_planned",
        "partner_id", "state", "company_id"),
        domain=(("state", "in", OPEN_PURCHASE), ("display_type", "=", False)), names=True,
        parent=("order_id", "purchase.order")),
    ModelSpec("mrp.production", _fields(
        "name", "product_id", "product_qty", "qty_produced", "product_uom_id", "state",
        ("date_start", "date_planned_start"), "date_deadline", "procurement_group_id",
        "reference_ids", "sale_line_id", "company_id"), domain=(("state", "in", OPEN_MO),),
        open_states=tuple(OPEN_MO)),
    ModelSpec("mrp.workorder", _fields(
        "name", "production_id", "workcenter_id", "state", "duration_expected", "duration",
        "operation_id", "leave_id"),
        # a path through the order ("production_id.state") costs Odoo seconds at size M: the
        # work orders of done or cancelled orders are done or cancelled themselves, and those
        # of orders not planned are left out by the snapshot
        domain=(("production_id", "!=", False), ("state", "not in", ["done", "cancel"])),
        parent=("production_id", "mrp.production")),
    ModelSpec("stock.move", _fields(
        "raw_material_production_id", "product_id", "product_uom_qty",
        ("product_uom", "product_uom_id"), "state"),
        domain=(("raw_material_production_id", "!=", False),
                ("state", "not in", ["done", "cancel"])),
        parent=("raw_material_production_id", "mrp.production")),
    ModelSpec("procurement.group", _fields("name", "sale_id"), domain=(("sale_id", "!=", False),),
              required=False),
    # 19's successor of procurement groups: the sale orders a manufacturing order serves
    ModelSpec("stock.reference", _fields("name", "sale_ids"), domain=(("sale_ids", "!=", False),),
              required=False),
    # deliveries that no sale order line stands for (manual pickings, ...): stock they take
    ModelSpec("stock.move", _fields("product_id", "product_uom_qty",
                                    ("product_uom", "product_uom_id"), "state", "company_id"),
              # to a customer location: "picking_code" (not stored) costs Odoo a scan per call
              domain=(("location_dest_id.usage", "=", "customer"),
                      ("state", "not in", ["draft", "done", "cancel"]),
                      ("sale_line_id", "=", False)),
              required=False, name="stock.move:outgoing"),
    # purchase lines created from suggestions: counted as supply even while only RFQs, when
    # for the suggestion's product and company (named in the warning when not)
    ModelSpec("capacity.purchase.suggestion", _fields(
        "purchase_line_id", "state", "key", "product_id", "company_id"),
              domain=(("purchase_line_id", "!=", False),), required=False, names=True),
    ModelSpec("sale.order", _fields(
        "name", "partner_id", "state", "date_order", "commitment_date", "picking_policy",
        # capacity_lost: the addon's (a quotation whose CRM opportunity is lost)
        "create_date", "company_id", "validity_date", "capacity_lost"),
        domain=(("state", "in", OPEN_SALE),),
        names=True,
        open_states=tuple(OPEN_SALE), deletable=True),
    ModelSpec("sale.order.line", _fields(
        "order_id", "product_id", "product_uom_qty", "qty_delivered",
        ("product_uom", "product_uom_id"), "customer_lead", "display_type", "sequence"),
        domain=(("state", "in", OPEN_SALE), ("display_type", "=", False)),  # stored related
        parent=("order_id", "sale.order")),
)
SPECS = {spec.key: spec for spec in MODELS}


@dataclasses.dataclass(frozen=True)
class Reach:
    """A relation from a family's anchor (or from another reach) to the records of ``key``:
    a change there counts as a change of the family."""

    field: str
    key: str
    inner: tuple[Reach, ...] = ()


@dataclasses.dataclass(frozen=True)
class Family:
    """Models probed together by one ``search`` on ``anchor`` (``own``: the anchor's own
    changes count too), read model by model when the probe finds something. ``stamped``: the
    addon's apply may write records of the family as the service user (promises, planned
    dates, suggestions, work-order bookings), so a user's edit there can be masked."""

    name: str
    anchor: str
    reach: tuple[Reach, ...]
    members: tuple[str, ...]
    own: bool = True
    stamped: bool = True


FAMILIES: tuple[Family, ...] = (
    Family("sales", "sale.order", (Reach("order_line", "sale.order.line"),),
           ("sale.order", "sale.order.line")),
    Family("manufacturing", "mrp.production", (
        Reach("workorder_ids", "mrp.workorder"), Reach("move_raw_ids", "stock.move"),
        Reach("procurement_group_id", "procurement.group"),
        Reach("reference_ids", "stock.reference")),
        ("mrp.production", "mrp.workorder", "stock.move", "procurement.group",
         "stock.reference")),
    Family("purchasing", "purchase.order", (Reach("order_line", "purchase.order.line"),),
           ("purchase.order", "purchase.order.line", "capacity.purchase.suggestion")),
    Family("stock", "product.product", (
        Reach("stock_quant_ids", "stock.quant"), Reach("stock_move_ids", "stock.move:outgoing")),
        ("stock.quant", "stock.move:outgoing"), own=False, stamped=False),
    Family("products", "product.template", (
        Reach("product_variant_ids", "product.product"),
        Reach("seller_ids", "product.supplierinfo"),
        Reach("bom_ids", "mrp.bom", (Reach("bom_line_ids", "mrp.bom.line"),
                                     Reach("operation_ids", "mrp.routing.workcenter")))),
        ("product.template", "product.product", "product.supplierinfo", "mrp.bom",
         "mrp.bom.line", "mrp.routing.workcenter"), stamped=False),
    Family("capacity", "mrp.workcenter", (
        Reach("capacity_ids", "mrp.workcenter.capacity"),
        Reach("resource_calendar_id", "resource.calendar", (
            Reach("attendance_ids", "resource.calendar.attendance"),
            Reach("leave_ids", "resource.calendar.leaves")))),
        ("mrp.workcenter", "mrp.workcenter.capacity", "resource.calendar",
         "resource.calendar.attendance", "resource.calendar.leaves")),
)



def _wanted_fields() -> dict[str, frozenset[str]]:
    """Per model, every field name the reader may use: the candidates of its specs, the
    fields their domains filter on and the relations the family probes follow. Only these
    are asked of ``fields_get``."""
    wanted: dict[str, set[str]] = {}
    for spec in MODELS:
        names = wanted.setdefault(spec.model, {"write_date"})
        names.update(candidate for _, candidates in spec.fields for candidate in candidates)
        names.update(spec.domain_fields())

    def follow(model: str, reach: tuple[Reach, ...]) -> None:
        for item in reach:
            wanted.setdefault(model, set()).add(item.field)
            follow(SPECS[item.key].model, item.inner)

    for family in FAMILIES:
        follow(family.anchor, family.reach)
    return {model: frozenset(names) for model, names in wanted.items()}


WANTED_FIELDS = _wanted_fields()
# the models with most records at any size: a full read starts with them
BIG = {"stock.move", "mrp.workorder", "mrp.production", "sale.order.line",
       "purchase.order.line", "stock.quant"}
Progress = Callable[[str, int], None]
USER_ROTATION = "res.users"
# ids read in the overlap window are passed back to Odoo as "already seen": runs of
# consecutive ids (a batch of records created or written together) as ranges, the rest one by
# one, up to this many terms in all
MAX_EXCLUDED = 2_000
MAX_CLOSED_LISTED = 10_000  # closed records a full read notes as read, the newest first


@dataclasses.dataclass
class ReadReport:
    """What one read did, per model: records whose content changed, records dropped, and what
    it cost."""

    full: bool = False
    read: dict[str, int] = dataclasses.field(default_factory=dict)
    removed: dict[str, int] = dataclasses.field(default_factory=dict)
    fetched: int = 0  # records that came over the wire, changed or not
    families: list[str] = dataclasses.field(default_factory=list)  # that had changes
    started_at: dt.datetime = dataclasses.field(
        default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    calls: int = 0

    @property
    def changed(self) -> bool:
        return any(self.read.values()) or any(self.removed.values())


class OdooReader:
    """Keeps the state store in step with Odoo."""

    def __init__(self, client: OdooClient, store: StateStore, page_size: int = 2000,
                 overlap_seconds: float = 120.0, progress: Progress | None = None,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
                 workers: int = 4):
        self.client = client
        self.workers = workers
        self.clock = clock
        self.store = store
        self.page_size = page_size
        self.overlap = dt.timedelta(seconds=overlap_seconds)
        self.progress = progress
        self.user: dict[str, Any] = {}
        self._polls = 0
        self._readable_cache: dict[str, bool] = {}

    # -- what this Odoo has -----------------------------------------------------------------
    def resolve(self, spec: ModelSpec) -> dict[str, str]:
        """Logical name -> this Odoo's field name, for the fields this version has."""
        available = self._available(spec.model)
        names = {}
        for logical, candidates in spec.fields:
            for candidate in candidates:
                if candidate in available:
                    names[logical] = candidate
                    break
        return names

    def _available(self, model: str) -> dict[str, dict[str, Any]]:
        """Which of the fields the reader may use on ``model`` this Odoo has."""
        return self.client.fields(model, WANTED_FIELDS[model])

    def specs(self) -> list[ModelSpec]:
        """The models this Odoo lets the service read (optional ones only where they exist)."""
        return [spec for spec in MODELS if spec.required or self._readable(spec)]

    def _readable(self, spec: ModelSpec) -> bool:
        """An optional model is read only if this Odoo has it and the fields its domain
        needs (the addon may not be installed; Odoo versions differ)."""
        if spec.key not in self._readable_cache:
            try:
                available = self._available(spec.model)
            except OdooError as error:
                if error.transient:
                    raise
                log.debug("not reading %s: %s", spec.key, error)
                available = {}
            self._readable_cache[spec.key] = spec.domain_fields() <= set(available)
        return self._readable_cache[spec.key]

    @property
    def service_uid(self) -> int:
        """The service user's id: records it last wrote are the addon applying a plan."""
        return int(self.user.get("id") or self.client.uid or 0)

    # -- one poll ---------------------------------------------------------------------------
    def refresh(self) -> ReadReport:
        """Bring the store up to date: a full read of models never read, then the families
        that changed, the counts that find deletions, and one model round-robin."""
        calls_before = self.client.calls
        report = ReadReport(started_at=self.clock())
        specs = self.specs()
        rotation = [USER_ROTATION, *(spec.key for spec in specs)]
        turn = rotation[self._polls % len(rotation)]
        self._polls += 1
        if not self.user or turn == USER_ROTATION:
            self.user = self._user()
        keys = {spec.key for spec in specs}
        never_read = [spec for spec in specs if self.store.cursor(spec.key) is None]
        for spec, pages in self._fetched(never_read):
            report.full = True
            report.read[spec.key] = self._store_full(spec, pages)
            report.fetched += report.read[spec.key]
        if report.full:  # everything was just read
            return self._finish(report, calls_before)
        dirty = set(self.store.get_meta("dirty_families") or [])
        families = self._families(keys)
        covered = {key for family in families for key in family.members}
        counted: set[str] = set()
        for family in families:
            if family.name in dirty or self._probe(family):
                report.families.append(family.name)
                for key in family.members:
                    self._read_changes(SPECS[key], report, own_writes=family.name in dirty)
                    self._reconcile(SPECS[key], report)
                    counted.add(key)
        if dirty:
            self.store.set_meta("dirty_families", [])
        for spec in specs:
            if spec.deletable and spec.key not in counted:
                self._reconcile(spec, report)
                counted.add(spec.key)
        if turn in keys:
            if turn not in covered:
                self._read_changes(SPECS[turn], report, own_writes=False)
            if turn not in counted:
                self._reconcile(SPECS[turn], report)
        return self._finish(report, calls_before)

    def _finish(self, report: ReadReport, calls_before: int) -> ReadReport:
        report.calls = self.client.calls - calls_before
        return report

    def changed_since_read(self) -> list[str]:
        """Families a user wrote since the last read (asked just before a plan is applied):
        the apply may stamp the same records as the service's, so they are read once more,
        without the filter on the service's own writes, by the next poll. Families the apply
        never writes are not asked: the next poll sees their edits as usual."""
        keys = {spec.key for spec in self.specs()}
        hit = [family.name for family in self._families(keys)
               if family.stamped and self._probe(family)]
        if hit:
            dirty = set(self.store.get_meta("dirty_families") or [])
            self.store.set_meta("dirty_families", sorted(dirty | set(hit)))
            log.info("changed in Odoo while planning: %s", ", ".join(hit))
        return hit

    # -- probing ----------------------------------------------------------------------------
    def _families(self, keys: set[str]) -> list[Family]:
        """The families whose anchor this Odoo has, with the relations it has; a model that a
        missing relation would have reached is probed on its own."""
        families = []
        for family in FAMILIES:
            members = tuple(key for key in family.members if key in keys)
            try:
                available = self._available(family.anchor)
            except OdooError as error:
                if error.transient:
                    raise
                available = {}
            if not available or not members:
                continue
            reach = tuple(r for r in family.reach
                          if r.key in keys and self._reachable(family.anchor, r))
            families.append(dataclasses.replace(family, reach=reach, members=members))
            meant = {key for r in family.reach for key in _keys(r)} & keys
            reached = {key for r in reach for key in _keys(r)}
            for key in sorted(meant - reached):
                families.append(Family(f"{family.name}:{key}", SPECS[key].model, (), (key,),
                                       stamped=family.stamped))
        return families

    def _reachable(self, model: str, reach: Reach) -> bool:
        field = self._available(model).get(reach.field)
        if not field or field.get("relation") != SPECS[reach.key].model:
            return False
        return all(self._reachable(SPECS[reach.key].model, inner) for inner in reach.inner)

    def _since(self, key: str) -> list[Any]:
        """Domain parts for records of ``key`` not read yet: newer than its cursor, or, while
        the last change is recent, written within the overlap window before it (a slow
        transaction commits late) and not among the records already read from that window."""
        cursor = self.store.cursor(key) or "1970-01-01 00:00:00"
        newest = dt.datetime.strptime(cursor, ODOO_DATETIME).replace(tzinfo=dt.timezone.utc)
        # Odoo stores microseconds but sends whole seconds: "newer" starts at the next second
        after = (newest + dt.timedelta(seconds=1)).strftime(ODOO_DATETIME)
        if self.clock() - newest > 2 * self.overlap:  # long settled
            return [("write_date", ">=", after)]
        window = (newest - self.overlap).strftime(ODOO_DATETIME)
        seen = self.store.ids_written_since(key, window) | set(self._closed(key, window))
        unseen = _not_among(sorted(seen))
        if unseen is None:  # too scattered to name: the window is read again, and compared
            return [("write_date", ">=", window)]
        return [("write_date", ">=", window), ["|", ("write_date", ">=", after), *unseen]]

    def _not_ours(self) -> list[Any]:
        uid = self.service_uid
        return [("write_uid", "!=", uid)] if uid else []

    def _touched(self, model: str, key: str | None, reach: tuple[Reach, ...],
                 own: bool) -> list[Any]:
        terms: list[list[Any]] = []
        if own and key:
            spec = SPECS[key]
            scope = [] if spec.open_states or spec.model != model else spec.read_domain()
            terms.append([*scope, *self._since(key), *self._not_ours()])
        for item in reach:
            inner = self._touched(SPECS[item.key].model, item.key, item.inner, own=True)
            terms.append([(item.field, "any", inner)])
        return _any_of(terms)

    def _probe(self, family: Family) -> bool:
        """One call: has anything of the family been written since its cursors?"""
        anchor_key = next((key for key in family.members if SPECS[key].model == family.anchor),
                          None)
        domain = self._touched(family.anchor, anchor_key, family.reach,
                               own=family.own and anchor_key is not None)
        found = self.client.call(family.anchor, "search", domain, limit=1,
                                 context={"active_test": False})
        return bool(found)

    # -- reading ----------------------------------------------------------------------------
    def _user(self) -> dict[str, Any]:
        uid = self.client.uid
        domain: list[Any] = [("id", "=", uid)] if uid else [("login", "=",
                                                                self.client.settings.odoo_login)]
        rows = self.client.search_read("res.users", domain, ["company_id", "tz", "login"])
        return rows[0] if rows else {}

    def _fields_to_read(self, spec: ModelSpec) -> tuple[list[str], dict[str, str]]:
        names = self.resolve(spec)
        wanted = sorted({*names.values(), "write_date", *(["state"] if spec.open_states else [])})
        return wanted, names

    def _normalise(self, rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
        renamed = []
        for row in rows:
            record = {"id": row["id"], "write_date": row.get("write_date") or ""}
            for logical, actual in names.items():
                record[logical] = row.get(actual)
            renamed.append(record)
        return renamed

    def _pages(self, spec: ModelSpec, domain: list[Any]) -> Iterable[list[dict[str, Any]]]:
        fields, names = self._fields_to_read(spec)
        for page in self.client.read_pages(spec.model, domain, fields, self.page_size,
                                           {"active_test": False},
                                           load="_classic_read" if spec.names else None):
            yield self._normalise(page, names)

    def _fetched(self, specs: list[ModelSpec]
                 ) -> Iterator[tuple[ModelSpec, list[list[dict[str, Any]]]]]:
        """Every record of each model, read ``workers`` models at a time on the shared
        connection (each call is its own HTTP request: Odoo answers them in parallel), the
        biggest first; (spec, its pages) as each model is done, for the caller to store."""
        def fetch(spec: ModelSpec) -> list[list[dict[str, Any]]]:
            return list(self._pages(spec, spec.read_domain()))

        if self.workers <= 1 or len(specs) <= 1:
            for spec in specs:
                yield spec, fetch(spec)
            return
        ordered = sorted(specs, key=lambda spec: (spec.master, spec.key not in BIG))
        pool = ThreadPoolExecutor(min(self.workers, len(ordered)),
                                  thread_name_prefix="odoo-read")
        futures = {pool.submit(fetch, spec): spec for spec in ordered}
        failure: BaseException | None = None
        try:
            for future in as_completed(futures):
                if future.cancelled():
                    continue
                error = future.exception()
                if error is None:
                    yield futures[future], future.result()  # kept, even if another fails
                elif failure is None:  # the models not started yet are left for next time
                    failure = error
                    for pending in futures:
                        pending.cancel()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if failure is not None:
            raise failure

    def _store_full(self, spec: ModelSpec, pages: Iterable[list[dict[str, Any]]]) -> int:
        self.store.delete(spec.key, self.store.ids(spec.key))
        newest = ""
        count = 0
        for rows in pages:
            self.store.upsert(spec.key, rows)
            newest = max([newest, *(row["write_date"] for row in rows)])
            count += len(rows)
            if self.progress:
                self.progress(spec.key, count)
        newest = newest or "1970-01-01 00:00:00"
        if spec.open_states:
            newest = self._closed_at_full_read(spec, newest)
        self.store.set_cursor(spec.key, newest, full=True)
        log.debug("read %d %s records (full)", count, spec.key)
        return count

    def _read_changes(self, spec: ModelSpec, report: ReadReport, own_writes: bool) -> None:
        """Records of ``spec`` written since its cursor; those whose content did not change
        (the planner's fields are the same) are no change. A family's anchor is read in every
        state, so that one that left the open states leaves the store with its lines."""
        cursor = self.store.cursor(spec.key) or ""
        scope = [] if spec.open_states else spec.read_domain()
        domain = _all_of([*scope, *self._since(spec.key),
                          *([] if own_writes else self._not_ours())])
        newest = cursor
        changed = removed = 0
        closed: dict[int, str] = {}
        for rows in self._pages(spec, domain):
            report.fetched += len(rows)
            newest = max([newest, *(row["write_date"] for row in rows)])
            kept = [row for row in rows if spec.keeps(row)]
            outside = {row["id"]: row["write_date"] for row in rows if not spec.keeps(row)}
            closed.update(outside)
            gone = set(outside) & self.store.ids(spec.key)
            changed += self.store.upsert(spec.key, kept)
            if gone:
                removed += self._drop(spec, gone)
        report.read[spec.key] = report.read.get(spec.key, 0) + changed
        if removed:
            report.removed[spec.key] = report.removed.get(spec.key, 0) + removed
        if newest != cursor:
            self.store.set_cursor(spec.key, newest)
        if closed:
            self._note_closed(spec.key, closed, newest)

    # -- records read outside the open states -----------------------------------------------
    # A family's anchor is read in every state, but the store keeps only its open records: the
    # others (done, cancelled, draft orders) read or listed within the overlap window are
    # remembered with their write_date, so that the window's "not read yet" leaves them out.
    # Without this a database just written (an install, a demo, a factory, a busy hour) had
    # every probe take them for changes until the window closed, the one before the apply too,
    # which then had the next poll read back everything the apply had stamped.
    def _closed(self, key: str, since: str) -> dict[int, str]:
        """Records of ``key`` outside its open states, as last read, written ``since``."""
        noted = self.store.get_meta(f"closed:{key}") or {}
        return {int(record): stamp for record, stamp in noted.items() if stamp >= since}

    def _note_closed(self, key: str, found: dict[int, str], cursor: str, reset: bool = False
                     ) -> None:
        """Remember ``found`` (id: write_date) as read; only what is in the overlap window
        before ``cursor`` is kept."""
        window = (dt.datetime.strptime(cursor, ODOO_DATETIME) - self.overlap).strftime(
            ODOO_DATETIME)
        before = {} if reset else self._closed(key, window)
        noted = {**before, **{record: stamp for record, stamp in found.items()
                              if stamp >= window}}
        if reset or noted != before:
            self.store.set_meta(f"closed:{key}", {str(record): stamp
                                                  for record, stamp in sorted(noted.items())})

    def _closed_at_full_read(self, spec: ModelSpec, newest: str) -> str:
        """After the full read of an anchor's open records: one call lists (ids and
        write_date only, the newest first) its other records written since the overlap window
        before the newest open one. They move the cursor, as they would had they been read
        (later polls read the anchor in every state), and those in the window are noted as
        read. Returns the cursor. A record listed here is committed outside the open states:
        nothing the planner uses."""
        start = dt.datetime.strptime(newest, ODOO_DATETIME) - self.overlap
        rows = self.client.search_read(
            spec.model, [("state", "not in", list(spec.open_states)),
                         ("write_date", ">=", start.strftime(ODOO_DATETIME))],
            ["write_date"], order="write_date desc, id desc", limit=MAX_CLOSED_LISTED,
            context={"active_test": False})
        found = {row["id"]: row["write_date"] for row in rows if row.get("write_date")}
        newest = max([newest, *found.values()])
        self._note_closed(spec.key, found, newest, reset=True)
        return newest

    def _drop(self, spec: ModelSpec, ids: set[int]) -> int:
        """Forget records, and the records that belong to them (an order's lines)."""
        dropped = self.store.delete(spec.key, ids)
        for child in MODELS:
            if child.parent and child.parent[1] == spec.key:
                field = child.parent[0]
                doomed = {row["id"] for row in self.store.rows(child.key)
                          if _id(row.get(field)) in ids}
                if doomed:
                    self._drop(child, doomed)
        return dropped

    def _reconcile(self, spec: ModelSpec, report: ReadReport) -> None:
        """Drop records deleted in Odoo or no longer in the domain, and read records that
        entered it without changing themselves (a line whose order was confirmed)."""
        context = {"active_test": False}
        total = self.client.call(spec.model, "search_count", spec.read_domain(), context=context)
        stored = self.store.ids(spec.key)
        if total == len(stored):
            return
        current = set(self.client.call(spec.model, "search", spec.read_domain(),
                                       context=context))
        gone = stored - current
        if gone:
            report.removed[spec.key] = report.removed.get(spec.key, 0) + self._drop(spec, gone)
        new = sorted(current - stored)
        added = 0
        for start in range(0, len(new), self.page_size):
            chunk = new[start:start + self.page_size]
            for rows in self._pages(spec, [("id", "in", chunk)]):
                report.fetched += len(rows)
                added += self.store.upsert(spec.key, rows)
        if added:
            report.read[spec.key] = report.read.get(spec.key, 0) + added


def _keys(reach: Reach) -> list[str]:
    return [reach.key, *(key for inner in reach.inner for key in _keys(inner))]


def _id(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _not_among(ids: list[int]) -> list[Any] | None:
    """A domain for "id is none of ``ids``" (sorted): a run of consecutive ids is one range,
    so the 8,000 records a batch wrote a minute ago cost a few terms, not 8,000 ids; None
    when it would take more than ``MAX_EXCLUDED`` terms."""
    single: list[int] = []
    ranges: list[list[Any]] = []
    start = 0
    for end in range(1, len(ids) + 1):
        if end < len(ids) and ids[end] == ids[end - 1] + 1:
            continue
        first, last = ids[start], ids[end - 1]
        if last - first >= 2:
            ranges.append(["|", ("id", "<", first), ("id", ">", last)])
        else:
            single.extend(ids[start:end])
        start = end
    if len(ranges) + len(single) > MAX_EXCLUDED:
        return None
    return _all_of([*ranges, *([("id", "not in", single)] if single else [])]) \
        if ranges or single else [("id", "!=", 0)]


def _all_of(parts: list[Any]) -> list[Any]:
    """Odoo's prefix AND of parts, each a leaf (tuple) or a domain in prefix form (list)."""
    domain: list[Any] = ["&"] * (len(parts) - 1)
    for part in parts:
        domain += part if isinstance(part, list) else [part]
    return domain


def _any_of(terms: list[list[Any]]) -> list[Any]:
    """Odoo's prefix OR of terms, each a list of parts that all hold."""
    domain: list[Any] = ["|"] * (len(terms) - 1)
    for term in terms:
        domain += _all_of(term)
    return domain


def snapshot_digest(rows: dict[str, list[dict[str, Any]]], user: dict[str, Any],
                    models: dict[str, str] | None = None) -> str:
    """A digest of what the planner is given: every stored record without its ``write_date``
    (so a record rewritten with the same values digests the same). ``models``: the digest of
    each model's records (:meth:`StateStore.model_digests`, kept between polls), if known."""
    import hashlib

    digest = hashlib.sha256()
    digest.update(json.dumps({k: user.get(k) for k in ("company_id", "tz")}, sort_keys=True,
                             default=str).encode())
    for model in sorted(rows):
        known = models.get(model) if models is not None else None
        digest.update((known or content_digest(model, rows[model])).encode())
    return digest.hexdigest()
