"""From the records Odoo gave us to the planner's snapshot.

Everything Odoo-specific about meaning lives here: naive UTC datetimes, dates in the factory's
time zone, units, which products are made or bought, which calendar leaves are work-order
bookings rather than time off, and what differs between series where the same meaning is stored
differently (17's unit categories against 19's unit tree; a work center's capacity per product,
which 19 defaults to the bill of materials' quantity). A record the planner cannot use becomes a
warning naming it, never a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from optimizer.snapshot import (
    Attendance,
    Bom,
    BomKind,
    BomLine,
    Calendar,
    ComponentNeed,
    Leave,
    ManufacturingOrder,
    Operation,
    Product,
    ProductCapacity,
    PurchaseLine,
    SaleLine,
    SaleOrder,
    Snapshot,
    StockLevel,
    SupplierInfo,
    Uom,
    Vendor,
    WorkCenter,
    WorkOrder,
)

Rows = dict[str, list[dict[str, Any]]]
UTC = dt.timezone.utc
# moments the planner can count with in every time zone; Odoo stores up to 9999-12-31 23:59:59
FIRST_YEAR, LAST_YEAR = 1970, 2999
LAST_MOMENT = dt.datetime(LAST_YEAR, 12, 31, tzinfo=UTC)
MAX_DAYS = 3650  # lead times and delays beyond ten years are a typing error, not a plan
MAX_QUANTITY = 1e12


def m2o_id(value: Any) -> int | None:
    """The id of a many2one as Odoo sends it ([id, name] or False)."""
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return value
    return None


def m2o_name(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) > 1:
        return str(value[1])
    return ""


def utc_datetime(value: Any) -> dt.datetime | None:
    """Odoo's naive UTC ``YYYY-MM-DD HH:MM:SS`` as an aware datetime."""
    if not value:
        return None
    return dt.datetime.strptime(str(value)[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def local_date(value: Any, tz: ZoneInfo) -> dt.date | None:
    """An Odoo datetime (naive UTC) as a date in time zone ``tz``."""
    moment = utc_datetime(value)
    return moment.astimezone(tz).date() if moment else None


def unit_scales(rows: list[dict[str, Any]]) -> dict[int, tuple[str, float]]:
    """Each unit's category and its factor as 17 states it (units per reference unit, Dozens
    1/12). Up to 18 both are stored (``category_id``, ``factor``). 19 has no categories: a unit
    is ``relative_factor`` times the unit ``relative_uom_id`` (Dozens: 12 Units), so its
    category is the root of that tree and its 17 factor the inverse of the product along the
    way."""
    by_id = {row["id"]: row for row in rows}
    scales: dict[int, tuple[str, float]] = {}
    for row in rows:
        if "category_id" in row:
            category = m2o_name(row.get("category_id")) or str(m2o_id(row.get("category_id")))
            scales[row["id"]] = (category, float(row.get("factor") or 0))
            continue
        contains, unit, seen = 1.0, row, {row["id"]}
        while True:
            contains *= float(unit.get("relative_factor") or 0)
            parent = m2o_id(unit.get("relative_uom_id"))
            if parent is None or parent in seen or parent not in by_id:
                break
            seen.add(parent)
            unit = by_id[parent]
        root = unit.get("name") or f"unit {unit['id']}"
        scales[row["id"]] = (str(root), 1.0 / contains if contains > 0 else 0.0)
    return scales


def odoo_date(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


class SnapshotBuilder:
    """Builds one :class:`Snapshot` for one company from stored rows."""

    def __init__(self, rows: Rows, user: dict[str, Any], now: dt.datetime,
                 company_id: int = 0):
        self.rows = rows
        self.now = now
        self.company_id = company_id or m2o_id(user.get("company_id")) or 1
        self.warnings: list[str] = []
        self.refused_workcenters: set[int] = set()
        self._warned: set[str] = set()
        # calendar leaves that are work orders' bookings of a work center, not time off
        self.booked = {m2o_id(row.get("leave_id")) for row in rows.get("mrp.workorder", [])}
        self.timezone = self._timezone(user)
        self.tz = ZoneInfo(self.timezone)
        self.scales = unit_scales(rows.get("uom.uom", []))

    def warn(self, message: str) -> None:
        if message not in self._warned:  # a template's problem is met once per variant
            self._warned.add(message)
            self.warnings.append(message)

    def refuse(self, model: str, row: dict[str, Any], field: str, problem: str,
               consequence: str) -> None:
        """Warn that a record's field cannot be used, naming model, record and field."""
        name = row.get("display_name") or row.get("name")
        named = f"{model} {row.get('id')}" + (f" '{name}'" if name else "")
        self.warn(f"{named}: {field} {problem}; {consequence}")

    def moment(self, model: str, row: dict[str, Any], field: str,
               consequence: str) -> dt.datetime | None:
        """A datetime field as an aware UTC moment; None when empty or when the value cannot
        be planned with (warned, with ``consequence``): callers tell the two apart by the raw
        value."""
        value = row.get(field)
        if not value:
            return None
        try:
            moment = utc_datetime(value)
        except (ValueError, TypeError):
            moment = None
        if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
            self.refuse(model, row, field, f"{str(value)[:40]!r} is not a date the planner can "
                        f"use (years {FIRST_YEAR}-{LAST_YEAR})", consequence)
            return None
        return moment

    def day(self, model: str, row: dict[str, Any], field: str,
            consequence: str) -> dt.date | None:
        """A datetime field as a date in the factory's time zone (see :meth:`moment`)."""
        moment = self.moment(model, row, field, consequence)
        return moment.astimezone(self.tz).date() if moment else None

    def number(self, model: str, row: dict[str, Any], field: str, consequence: str,
               default: float = 0.0, positive: bool = False,
               high: float = MAX_QUANTITY) -> float | None:
        """A numeric field (``default`` when empty); None, warned with ``consequence``, when
        it is negative (or not positive), not finite or above ``high``."""
        value = row.get(field)
        if value is None or value is False:
            return default
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number) or number < 0 or (positive and number == 0) \
                or number > high:
            expected = "positive" if positive else "zero or more"
            limit = f" and at most {high:g}" if high != MAX_QUANTITY else ""
            self.refuse(model, row, field, f"{str(value)[:40]} must be {expected}{limit}",
                        consequence)
            return None
        return number

    def local_date(self, value: Any) -> dt.date | None:
        """An Odoo datetime as a date in the factory's time zone."""
        return local_date(value, self.tz)

    def ours(self, row: dict[str, Any]) -> bool:
        """A record of this company, or shared by all companies."""
        company = m2o_id(row.get("company_id"))
        return company is None or company == self.company_id

    def live(self, model: str) -> list[dict[str, Any]]:
        """Active records of this company."""
        return [row for row in self.rows.get(model, [])
                if row.get("active", True) is not False and self.ours(row)]

    def company(self) -> dict[str, Any]:
        """The company's stored record (empty when it was not read)."""
        return next((row for row in self.rows.get("res.company", [])
                     if row["id"] == self.company_id), {})

    def _timezone(self, user: dict[str, Any]) -> str:
        calendars = {row["id"]: row for row in self.rows.get("resource.calendar", [])}
        company = self.company()
        calendar = calendars.get(m2o_id(company.get("resource_calendar_id")) or 0, {})
        for candidate in (calendar.get("tz"), user.get("tz"), "UTC"):
            if candidate:
                try:
                    ZoneInfo(candidate)
                    return str(candidate)
                except (ZoneInfoNotFoundError, ValueError):
                    continue
        return "UTC"

    # -- the whole snapshot -----------------------------------------------------------------
    def build(self) -> Snapshot:
        uoms = self.uoms()
        calendars = self.calendars()
        workcenters = self.workcenters({c.id for c in calendars})
        products, storable = self.products({u.id for u in uoms})
        product_ids = {p.id for p in products}
        boms = self.boms(product_ids, {w.id: w for w in workcenters},
                         storable | self.made_products())
        workcenters = self.product_capacities(workcenters, products, boms)
        made = {bom.product_id for bom in boms}
        suppliers, vendors = self.suppliers(product_ids)
        bought = {s.product_id for s in suppliers}
        products = self.procurement(products, made, bought)
        planned = {p.id for p in products if p.id in made or p.id in storable}
        purchase_lines = self.purchase_lines(planned, vendors)
        return Snapshot(
            now=self.now, timezone=self.timezone, uoms=tuple(uoms), calendars=tuple(calendars),
            workcenters=tuple(workcenters), products=tuple(products), boms=tuple(boms),
            vendors=tuple(vendors.values()), supplier_infos=tuple(suppliers),
            stock=tuple(self.stock(planned)), purchase_lines=tuple(purchase_lines),
            manufacturing_orders=tuple(self.manufacturing_orders(
                planned, {w.id: w for w in workcenters})),
            sale_orders=tuple(self.sale_orders(planned)),
            delivery_lead_days=self.delivery_lead_days(),
            warnings=tuple(self.warnings))

    def delivery_lead_days(self) -> float:
        """Days Odoo puts between goods ready in stock and delivered, as ``sale_stock``
        schedules a delivery: the company's security lead time (``security_lead``, the
        delivery is planned that many days before the promised date) plus the lead time of
        every pull rule on its warehouse's delivery route (pick, pack, ship:
        ``stock.rule._get_stock_move_values`` moves each transfer ``delay`` days earlier).
        The warehouse is the company's first, as a new sale order gets it."""
        company = self.company()
        days = float(company.get("security_lead") or 0.0)
        warehouses = sorted(self.live("stock.warehouse"),
                            key=lambda row: (row.get("sequence") or 0, row["id"]))
        if warehouses:
            route = m2o_id(warehouses[0].get("delivery_route_id"))
            days += sum(float(rule.get("delay") or 0.0) for rule in self.live("stock.rule")
                        if route is not None and m2o_id(rule.get("route_id")) == route
                        and rule.get("action") in ("pull", "pull_push"))
        if days < 0:
            self.warn(f"delivery lead time of {days:g} days (security lead time and route "
                      "delays) counted as 0")
        return max(days, 0.0)

    # -- master data ------------------------------------------------------------------------
    def uoms(self) -> list[Uom]:
        return [Uom(row["id"], row.get("name") or f"unit {row['id']}", *self.scales[row["id"]])
                for row in self.rows.get("uom.uom", []) if self.scales[row["id"]][1] > 0]

    def calendars(self) -> list[Calendar]:
        attendances: dict[int, list[Attendance]] = defaultdict(list)
        for row in self.rows.get("resource.calendar.attendance", []):
            calendar_id = m2o_id(row.get("calendar_id"))
            if calendar_id is None or row.get("display_type") or m2o_id(row.get("resource_id")):
                continue
            week_type = row.get("week_type")
            attendances[calendar_id].append(Attendance(
                int(row.get("dayofweek") or 0), float(row.get("hour_from") or 0),
                float(row.get("hour_to") or 0),
                int(week_type) if week_type not in (None, False, "") else None,
                odoo_date(row.get("date_from")), odoo_date(row.get("date_to")),
                row.get("day_period") or "morning"))
        global_leaves: dict[int | None, list[Leave]] = defaultdict(list)
        for row in self.rows.get("resource.calendar.leaves", []):
            if row["id"] in self.booked or m2o_id(row.get("resource_id")) or not self.ours(row):
                continue
            leave = self._leave(row)
            if leave:
                global_leaves[m2o_id(row.get("calendar_id"))].append(leave)
        calendars = []
        for row in self.live("resource.calendar"):
            working = [a for a in attendances.get(row["id"], []) if a.day_period != "lunch"
                       and a.hour_to > a.hour_from]
            if not working:
                self.warn(f"resource.calendar {row['id']} '{row.get('name')}' has no working "
                          "time; work centers on it are ignored")
                continue
            tz = row.get("tz") or self.timezone
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                self.warn(f"resource.calendar {row['id']} '{row.get('name')}': unknown time "
                          f"zone {tz!r}, using {self.timezone}")
                tz = self.timezone
            leaves = (*global_leaves.get(row["id"], []), *global_leaves.get(None, []))
            calendars.append(Calendar(row["id"], row.get("name") or "", tz,
                                      tuple(attendances[row["id"]]), leaves,
                                      bool(row.get("two_weeks_calendar"))))
        return calendars

    def _leave(self, row: dict[str, Any]) -> Leave | None:
        try:
            start, end = utc_datetime(row.get("date_from")), utc_datetime(row.get("date_to"))
        except ValueError:
            start = end = None
        if end is not None:  # time off "until 9999" is time off beyond any horizon
            end = min(end, LAST_MOMENT)
        if start is None or end is None or end <= start:
            self.warn(f"resource.calendar.leaves {row['id']} '{row.get('name')}' has no valid "
                      "period; ignored")
            return None
        return Leave(row["id"], row.get("name") or "Time off", start, end)

    def workcenters(self, calendar_ids: set[int]) -> list[WorkCenter]:
        leaves_by_resource: dict[int, list[Leave]] = defaultdict(list)
        for row in self.rows.get("resource.calendar.leaves", []):
            resource = m2o_id(row.get("resource_id"))
            if resource and row["id"] not in self.booked:
                leave = self._leave(row)
                if leave:
                    leaves_by_resource[resource].append(leave)
        company = self.company()
        default_calendar = m2o_id(company.get("resource_calendar_id"))
        live = self.live("mrp.workcenter")
        live_ids = {row["id"] for row in live}
        result = []
        for row in live:
            name = row.get("name") or f"work center {row['id']}"
            calendar = m2o_id(row.get("resource_calendar_id")) or default_calendar
            if calendar not in calendar_ids:
                self.warn(f"mrp.workcenter {row['id']} '{name}' has no usable working hours; "
                          "operations on it cannot be planned")
                continue
            # 19 has no capacity of the work center itself: see product_capacities
            capacity = float(row.get("default_capacity") or 0) if "default_capacity" in row else 1.0
            if capacity <= 0:
                self.warn(f"mrp.workcenter {row['id']} '{name}': capacity {capacity:g}, "
                          "planned as 1")
                capacity = 1.0
            unusable = "the work center is not planned, nor what is made on it"
            efficiency = self.number("mrp.workcenter", row, "time_efficiency", unusable,
                                     default=100, positive=True)
            setup = self.number("mrp.workcenter", row, "time_start", unusable)
            cleanup = self.number("mrp.workcenter", row, "time_stop", unusable)
            if efficiency is None or setup is None or cleanup is None:
                self.refused_workcenters.add(row["id"])
                continue
            alternatives = tuple(a for a in row.get("alternative_workcenter_ids") or []
                                 if a in live_ids and a != row["id"])
            result.append(WorkCenter(
                row["id"], name, calendar, capacity, efficiency / 100,
                alternatives, tuple(leaves_by_resource.get(m2o_id(row.get("resource_id")) or 0,
                                                           [])),
                setup, cleanup))
        known = {wc.id for wc in result}
        return [wc if set(wc.alternative_ids) <= known else
                dataclasses.replace(wc, alternative_ids=tuple(a for a in wc.alternative_ids
                                                              if a in known))
                for wc in result]

    def product_capacities(self, workcenters: list[WorkCenter], products: list[Product],
                           boms: list[Bom]) -> list[WorkCenter]:
        """Work centers with their capacity and set-up/clean-up per product, as Odoo's
        ``mrp.workcenter._get_capacity`` decides them: up to 18 a line of
        ``mrp.workcenter.capacity`` for the product, else the work center's own; from 19 the
        product's line, else a line for every product in the product's unit, else as many
        units per cycle as the bill of materials makes with the work center's own set-up and
        clean-up (a line of capacity 0 keeps that quantity with the line's times)."""
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows.get("mrp.workcenter.capacity", []):
            workcenter = m2o_id(row.get("workcenter_id"))
            if workcenter is not None:
                lines[workcenter].append(row)
        unit_of = {product.id: product.uom_id for product in products}
        per_cycle = self._bom_quantities(boms) if self._odoo19_capacities() else {}
        result = []
        for wc in workcenters:
            specials: dict[int, ProductCapacity] = {}
            for product, quantity in per_cycle.items():
                specials[product] = ProductCapacity(product, quantity, wc.setup_minutes,
                                                    wc.cleanup_minutes)
            # a line for every product of one unit, then a line for the product, win
            ordered = sorted(lines.get(wc.id, []), key=lambda line: (
                m2o_id(line.get("product_id")) is not None, line["id"]))
            for line in ordered:
                line_product = m2o_id(line.get("product_id"))
                unit = m2o_id(line.get("product_uom_id"))
                if line_product is not None:
                    targets = [line_product] if line_product in unit_of else []
                else:  # 19: every product in the line's unit
                    targets = [p for p in per_cycle if unit_of.get(p) == unit]
                for target in targets:
                    if per_cycle and unit not in (None, unit_of[target]):
                        continue  # 19 uses a product's line only in the product's unit
                    ignored = "the line is ignored"
                    capacity, setup, cleanup = (
                        self.number("mrp.workcenter.capacity", line, field, ignored)
                        for field in ("capacity", "time_start", "time_stop"))
                    if capacity is None or setup is None or cleanup is None:
                        continue
                    if capacity <= 0 and not per_cycle:
                        self.warn(f"mrp.workcenter.capacity {line['id']} of mrp.workcenter "
                                  f"{wc.id} '{wc.name}': capacity {capacity:g}; ignored")
                        continue
                    specials[target] = ProductCapacity(
                        target, capacity if capacity > 0 else per_cycle.get(target, 1.0),
                        setup, cleanup)
            own = ProductCapacity(0, wc.capacity, wc.setup_minutes, wc.cleanup_minutes)
            kept = tuple(special for product, special in sorted(specials.items())
                         if dataclasses.replace(special, product_id=0) != own)
            result.append(dataclasses.replace(wc, product_capacities=kept) if kept else wc)
        return result

    def _odoo19_capacities(self) -> bool:
        """Whether this Odoo takes a cycle's default quantity from the bill of materials (19:
        work centers have no ``default_capacity`` any more)."""
        return any("default_capacity" not in row for row in self.rows.get("mrp.workcenter", []))

    @staticmethod
    def _bom_quantities(boms: list[Bom]) -> dict[int, float]:
        """Units one cycle makes by default from 19 on: the quantity of the bill of materials
        Odoo picks for the product (the first by sequence)."""
        first: dict[int, Bom] = {}
        for bom in sorted(boms, key=lambda b: (b.sequence, b.id), reverse=True):
            if bom.kind == "normal":
                first[bom.product_id] = bom
        return {product: bom.quantity for product, bom in first.items()
                if bom.quantity > 0}

    def products(self, uom_ids: set[int]) -> tuple[list[Product], set[int]]:
        """Products and the set of storable ones (stock is counted only for those)."""
        templates = {row["id"]: row for row in self.rows.get("product.template", [])}
        products, storable = [], set()
        for row in self.live("product.product"):
            template = templates.get(m2o_id(row.get("product_tmpl_id")) or 0)
            if template is None or template.get("active") is False or not self.ours(template):
                continue
            kind = template.get("detailed_type")
            if kind in ("service", "combo"):
                continue
            if kind == "product" or template.get("is_storable"):
                storable.add(row["id"])
            uom = m2o_id(template.get("uom_id"))
            if uom not in uom_ids:
                self.warn(f"product.product {row['id']} '{row.get('display_name')}' has an "
                          "unknown unit of measure; ignored")
                continue
            lead = self.number("product.template", template, "sale_delay",
                               "counted as 0 days", high=MAX_DAYS)
            products.append(Product(row["id"], row.get("display_name") or template.get("name")
                                    or f"product {row['id']}", uom, "none", lead or 0.0,
                                    row.get("default_code") or ""))
        return products, storable

    def variants(self) -> dict[int, list[int]]:
        by_template: dict[int, list[int]] = defaultdict(list)
        for row in self.live("product.product"):
            template = m2o_id(row.get("product_tmpl_id"))
            if template:
                by_template[template].append(row["id"])
        return by_template

    def boms(self, product_ids: set[int], workcenters: dict[int, WorkCenter],
             planned: set[int]) -> list[Bom]:
        """Bills of materials per variant; components that are neither stocked nor made
        (consumables) are always at hand in Odoo and are left out."""
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows.get("mrp.bom.line", []):
            bom_id = m2o_id(row.get("bom_id"))
            if bom_id:
                lines[bom_id].append(row)
        operations: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows.get("mrp.routing.workcenter", []):
            bom_id = m2o_id(row.get("bom_id"))
            if bom_id and row.get("active", True) is not False:
                operations[bom_id].append(row)
        variants = self.variants()
        result: list[Bom] = []
        for row in self.live("mrp.bom"):
            label = f"mrp.bom {row['id']} '{m2o_name(row.get('product_tmpl_id'))}'"
            kind: BomKind = "phantom" if row.get("type") == "phantom" else "normal"
            if row.get("type") not in ("normal", "phantom", None, False):
                self.warn(f"{label}: {row.get('type')} bills of materials are not planned")
                continue
            targets = ([m2o_id(row.get("product_id"))] if m2o_id(row.get("product_id"))
                       else variants.get(m2o_id(row.get("product_tmpl_id")) or 0, []))
            targets = [t for t in targets if t in product_ids]
            if not targets:
                continue
            skipped = "the bill of materials is not planned"
            quantity = self.number("mrp.bom", row, "product_qty", skipped, default=1,
                                   positive=True)
            delay = self.number("mrp.bom", row, "produce_delay", skipped, high=MAX_DAYS)
            usable = quantity is not None and delay is not None
            bom_lines = []
            for line in lines.get(row["id"], []):
                component = m2o_id(line.get("product_id"))
                uom = m2o_id(line.get("product_uom_id"))
                if component is None:
                    self.warn(f"mrp.bom.line {line['id']} of {label} has no product; ignored")
                    continue
                if component not in product_ids or component not in planned:
                    continue  # a service, consumable or archived product: nothing to plan
                needed = self.number("mrp.bom.line", line, "product_qty",
                                     f"{skipped} ({label})")
                if needed is None:
                    usable = False
                    continue
                bom_lines.append(BomLine(line["id"], component, needed, uom or 0))
            bom_operations = []
            for op in operations.get(row["id"], []):
                wc_id = m2o_id(op.get("workcenter_id"))
                if wc_id in self.refused_workcenters:
                    self.refuse("mrp.routing.workcenter", op, "workcenter_id",
                                f"is work center {wc_id}, which cannot be planned",
                                f"{skipped} ({label})")
                    usable = False
                    continue
                if wc_id is None or wc_id not in workcenters:
                    self.warn(f"mrp.routing.workcenter {op['id']} '{op.get('name')}' of {label} "
                              "has no usable work center; operation ignored")
                    continue
                cycle = self.number("mrp.routing.workcenter", op, "time_cycle",
                                    f"{skipped} ({label})")
                if cycle is None:
                    usable = False
                    continue
                # Odoo's minutes per cycle; the planner adds the work center's set-up and
                # clean-up and divides by its efficiency, as Odoo does
                bom_operations.append(Operation(
                    op["id"], op.get("name") or "operation", wc_id, int(op.get("sequence") or 0),
                    cycle))
            if not usable or quantity is None or delay is None:
                continue
            for target in targets:
                result.append(Bom(
                    row["id"] if len(targets) == 1 else row["id"] * 100_000 + target,
                    target, quantity,
                    m2o_id(row.get("product_uom_id")) or 0, tuple(bom_lines),
                    tuple(bom_operations), kind, int(row.get("sequence") or 0),
                    delay, m2o_name(row.get("product_tmpl_id"))))
        return result

    def made_products(self) -> set[int]:
        """Variants with an active bill of materials."""
        variants = self.variants()
        made: set[int] = set()
        for row in self.live("mrp.bom"):
            product = m2o_id(row.get("product_id"))
            made.update([product] if product else
                        variants.get(m2o_id(row.get("product_tmpl_id")) or 0, []))
        return made

    def suppliers(self, product_ids: set[int]) -> tuple[list[SupplierInfo], dict[int, Vendor]]:
        today = self.now.astimezone(self.tz).date()
        variants = self.variants()
        vendors: dict[int, Vendor] = {}
        result = []
        for row in self.rows.get("product.supplierinfo", []):
            if not self.ours(row):
                continue
            start, end = odoo_date(row.get("date_start")), odoo_date(row.get("date_end"))
            if (start and start > today) or (end and end < today):
                continue
            vendor = m2o_id(row.get("partner_id"))
            if vendor is None:
                continue
            not_used = "this vendor offer is not used"
            delay = self.number("product.supplierinfo", row, "delay", not_used, high=MAX_DAYS)
            minimum = self.number("product.supplierinfo", row, "min_qty", not_used)
            if delay is None or minimum is None:
                continue
            vendors[vendor] = Vendor(vendor, m2o_name(row.get("partner_id")) or str(vendor))
            targets = ([m2o_id(row.get("product_id"))] if m2o_id(row.get("product_id"))
                       else variants.get(m2o_id(row.get("product_tmpl_id")) or 0, []))
            for target in targets:
                if target not in product_ids:
                    continue
                result.append(SupplierInfo(
                    row["id"] if len(targets) == 1 else row["id"] * 100_000 + target, target,
                    vendor, delay, minimum,
                    m2o_id(row.get("product_uom")), int(row.get("sequence") or 0),
                    float(row.get("price") or 0)))
        return result, vendors

    def procurement(self, products: list[Product], made: set[int],
                    bought: set[int]) -> list[Product]:
        """Made when it has a bill of materials (unless only a Buy route is set), else bought
        when a vendor sells it, else neither."""
        buy_routes: set[int | None] = set()
        make_routes: set[int | None] = set()
        for rule in self.rows.get("stock.rule", []):
            if rule.get("active") is False:
                continue
            route = m2o_id(rule.get("route_id"))
            if rule.get("action") == "buy":
                buy_routes.add(route)
            elif rule.get("action") == "manufacture":
                make_routes.add(route)
        templates = {row["id"]: row for row in self.rows.get("product.template", [])}
        template_of = {row["id"]: m2o_id(row.get("product_tmpl_id"))
                       for row in self.rows.get("product.product", [])}
        result = []
        for product in products:
            routes = set(templates.get(template_of.get(product.id) or 0, {}).get("route_ids")
                         or [])
            buy_only = bool(routes & buy_routes) and not routes & make_routes
            if product.id in made and not (buy_only and product.id in bought):
                procurement = "make"
            elif product.id in bought:
                procurement = "buy"
            else:
                procurement = "none"
            result.append(Product(product.id, product.name, product.uom_id,
                                  procurement,  # type: ignore[arg-type]
                                  product.customer_lead_days, product.default_code))
        return result

    # -- transactions -----------------------------------------------------------------------
    def stock(self, planned: set[int]) -> list[StockLevel]:
        templates = {row["id"]: row for row in self.rows.get("product.template", [])}
        template_of = {row["id"]: m2o_id(row.get("product_tmpl_id"))
                       for row in self.rows.get("product.product", [])}
        totals: dict[int, float] = defaultdict(float)
        for row in self.rows.get("stock.quant", []):
            product = m2o_id(row.get("product_id"))
            if product in planned and self.ours(row):
                totals[product] += float(row.get("quantity") or 0)
        factors = {uom: scale[1] or 1.0 for uom, scale in self.scales.items()}
        uom_of = {product: m2o_id(templates.get(template_of.get(product) or 0, {})
                                  .get("uom_id")) or 0 for product in planned}
        # deliveries no sale order stands for take their stock first (as in Odoo's forecast)
        for row in self.rows.get("stock.move:outgoing", []):
            product = m2o_id(row.get("product_id"))
            if product in planned and self.ours(row) and product in totals:
                move_uom = m2o_id(row.get("product_uom")) or uom_of[product]
                quantity = self.number("stock.move", row, "product_uom_qty",
                                       "the delivery is not counted")
                if quantity is None:
                    continue
                totals[product] -= quantity / factors.get(move_uom, 1.0) * factors.get(
                    uom_of[product], 1.0)
        levels = []
        for product, quantity in sorted(totals.items()):
            if quantity < 0:
                self.warn(f"product.product {product}: stock {quantity:g} after open "
                          "deliveries, counted as 0")
                continue
            levels.append(StockLevel(product, quantity, uom_of[product]))
        return levels

    def ordered_from_suggestions(self) -> set[int]:
        """The RFQ lines our suggestions were ordered on. Requests for quotation are not supply
        yet (Odoo's forecast ignores them), except those made from our suggestions: they must
        not be suggested again. A line counts only when it is for the suggestion's product in
        its company (any unit of the product converts), else anyone who may write the
        suggestion could make any RFQ line count as supply."""
        lines = {row["id"]: row for row in self.rows.get("purchase.order.line", [])}
        result = set()
        for row in self.rows.get("capacity.purchase.suggestion", []):
            line = lines.get(m2o_id(row.get("purchase_line_id")) or 0)
            if row.get("state") != "ordered" or line is None:
                continue
            problem = ""
            if m2o_id(line.get("product_id")) != m2o_id(row.get("product_id")):
                problem = (f"is for {m2o_name(line.get('product_id')) or 'no product'}, not "
                           f"for the suggestion's {m2o_name(row.get('product_id')) or 'product'}")
            elif "company_id" in row and (m2o_id(line.get("company_id")) or self.company_id) != \
                    (m2o_id(row.get("company_id")) or self.company_id):
                problem = (f"is in {m2o_name(line.get('company_id')) or 'another company'}, "
                           f"not in the suggestion's {m2o_name(row.get('company_id'))}")
            if problem:
                order = m2o_name(line.get("order_id")) or line.get("display_name") or ""
                self.warn(f"capacity.purchase.suggestion {row['id']} '{row.get('key') or ''}' "
                          f"is ordered on purchase.order.line {line['id']} '{order}', which "
                          f"{problem}; the RFQ line is not counted as supply")
                continue
            result.add(line["id"])
        return result

    def purchase_lines(self, planned: set[int], vendors: dict[int, Vendor]) -> list[PurchaseLine]:
        today = self.now.astimezone(self.tz).date()
        # the order's own number: its display name adds the vendor's reference
        numbers = {row["id"]: row.get("name") for row in self.rows.get("purchase.order", [])}
        from_suggestions = self.ordered_from_suggestions()
        result = []
        for row in self.rows.get("purchase.order.line", []):
            product = m2o_id(row.get("product_id"))
            if product not in planned or not self.ours(row):
                continue
            if row.get("state") != "purchase" and row["id"] not in from_suggestions:
                continue
            not_supply = "the line is not counted as supply"
            ordered = self.number("purchase.order.line", row, "product_qty", not_supply)
            received = self.number("purchase.order.line", row, "qty_received", not_supply)
            arrival = self.moment("purchase.order.line", row, "date_planned", not_supply)
            if ordered is None or received is None or (arrival is None and
                                                       row.get("date_planned")):
                continue
            remaining = ordered - received
            if remaining <= 0:
                continue
            vendor = m2o_id(row.get("partner_id"))
            if vendor is None:
                continue
            vendors.setdefault(vendor, Vendor(vendor, m2o_name(row.get("partner_id"))))
            order = m2o_id(row.get("order_id"))
            result.append(PurchaseLine(
                row["id"], numbers.get(order or 0) or m2o_name(row.get("order_id"))
                or f"PO line {row['id']}", product,
                vendor, remaining, m2o_id(row.get("product_uom")) or 0,
                arrival.astimezone(self.tz).date() if arrival else today, arrival))
        return result

    def manufacturing_orders(self, planned: set[int],
                             workcenters: dict[int, WorkCenter]) -> list[ManufacturingOrder]:
        moves: dict[int, list[ComponentNeed]] = defaultdict(list)
        for row in self.rows.get("stock.move", []):
            production = m2o_id(row.get("raw_material_production_id"))
            product = m2o_id(row.get("product_id"))
            if production and product in planned and row.get("state") not in ("done", "cancel"):
                needed = self.number("stock.move", row, "product_uom_qty",
                                     "the component is not counted")
                if needed is not None:
                    moves[production].append(ComponentNeed(
                        product, needed, m2o_id(row.get("product_uom")) or 0))
        sequences = {row["id"]: int(row.get("sequence") or 0)
                     for row in self.rows.get("mrp.routing.workcenter", [])}
        work: dict[int, list[WorkOrder]] = defaultdict(list)
        for row in self.rows.get("mrp.workorder", []):
            production = m2o_id(row.get("production_id"))
            wc_id = m2o_id(row.get("workcenter_id"))
            if production is None or row.get("state") in ("done", "cancel"):
                continue
            if wc_id not in workcenters:
                self.warn(f"mrp.workorder {row['id']} '{row.get('name')}' is on an unusable "
                          "work center; its work is not counted")
                continue
            expected = self.number("mrp.workorder", row, "duration_expected",
                                   "counted as 0 minutes")
            spent = self.number("mrp.workorder", row, "duration", "counted as 0 minutes")
            minutes = max((expected or 0.0) - (spent or 0.0), 0.0)
            work[production].append(WorkOrder(
                row["id"], row.get("name") or "work order", wc_id,
                sequences.get(m2o_id(row.get("operation_id")) or 0, 0) * 10_000 + row["id"],
                minutes, row.get("state") == "progress"))
        sale_of = self._sale_of_production()
        result = []
        for row in self.rows.get("mrp.production", []):
            product = m2o_id(row.get("product_id"))
            if row.get("state") not in ("confirmed", "progress", "to_close") or \
                    not self.ours(row):
                continue
            if product not in planned:
                self.warn(f"mrp.production {row['id']} '{row.get('name')}' makes a product the "
                          "planner does not know; ignored")
                continue
            not_planned = "the manufacturing order is not planned"
            quantity = self.number("mrp.production", row, "product_qty", not_planned)
            produced = self.number("mrp.production", row, "qty_produced", not_planned)
            if quantity is None or produced is None:
                continue
            remaining = quantity - produced
            start = self.moment("mrp.production", row, "date_start", "it is planned from now")
            deadline = self.day("mrp.production", row, "date_deadline", "it has no deadline")
            result.append(ManufacturingOrder(
                row["id"], row.get("name") or f"MO {row['id']}", product, max(remaining, 0.0),
                m2o_id(row.get("product_uom_id")) or 0, tuple(moves.get(row["id"], [])),
                tuple(work.get(row["id"], [])), start.astimezone(self.tz).date() if start else None,
                deadline, sale_of(row), start))
        return result

    def _sale_of_production(self) -> Any:
        """The sale order a manufacturing order is made for: its procurement group's up to 18;
        from 19 (no procurement groups) the first sale order of its stock references, or the
        order of the sale line it was made for."""
        groups = {row["id"]: m2o_id(row.get("sale_id"))
                  for row in self.rows.get("procurement.group", [])}
        references = {row["id"]: sorted(row.get("sale_ids") or [])
                      for row in self.rows.get("stock.reference", [])}
        order_of_line = {row["id"]: m2o_id(row.get("order_id"))
                         for row in self.rows.get("sale.order.line", [])}

        def sale_of(row: dict[str, Any]) -> int | None:
            group = groups.get(m2o_id(row.get("procurement_group_id")) or 0)
            if group:
                return group
            sales = [sale for reference in row.get("reference_ids") or []
                     for sale in references.get(reference, [])]
            if sales:
                return min(sales)
            return order_of_line.get(m2o_id(row.get("sale_line_id")) or 0)
        return sale_of

    def sale_orders(self, planned: set[int]) -> list[SaleOrder]:
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows.get("sale.order.line", []):
            order = m2o_id(row.get("order_id"))
            if order and not row.get("display_type"):
                lines[order].append(row)
        result = []
        today = self.now.astimezone(self.tz).date()
        for row in self.rows.get("sale.order", []):
            state = row.get("state")
            if state not in ("draft", "sent", "sale") or not self.ours(row):
                continue
            confirmed = state == "sale"
            if not confirmed and _expired(row.get("validity_date"), today):
                continue  # past its expiration date: it holds nothing and is not planned
            if not confirmed and row.get("capacity_lost"):
                continue  # its opportunity is lost: as if cancelled
            sale_lines = []
            for line in sorted(lines.get(row["id"], []),
                               key=lambda item: (item.get("sequence") or 0, item["id"])):
                product = m2o_id(line.get("product_id"))
                if product not in planned:
                    continue  # services, consumables: nothing to plan
                model = "sale.order.line"
                quantity = self.number(model, line, "product_uom_qty", "the line is not planned")
                delivered = self.number(model, line, "qty_delivered", "the line is not planned")
                if quantity is None or delivered is None:
                    continue
                if confirmed:
                    quantity -= delivered
                if quantity <= 0 and confirmed:
                    continue
                lead = self.number(model, line, "customer_lead",
                                   "the product's lead time is used", high=MAX_DAYS)
                sale_lines.append(SaleLine(line["id"], product, max(quantity, 0.0),
                                           m2o_id(line.get("product_uom")) or 0, lead))
            if not sale_lines:
                continue
            ordered = (self.day("sale.order", row, "date_order", "the order counts from today")
                       or self.now.astimezone(self.tz).date())
            commitment = self.moment("sale.order", row, "commitment_date",
                                     "the order is planned without it")
            result.append(SaleOrder(
                row["id"], row.get("name") or f"order {row['id']}",
                m2o_name(row.get("partner_id")), "confirmed" if confirmed else "quotation",
                ordered, tuple(sale_lines),
                commitment.astimezone(self.tz).date() if commitment else None,
                self.moment("sale.order", row, "create_date", "it is queued last"),
                "one" if row.get("picking_policy") == "one" else "direct", commitment))
        return result


def _expired(validity: Any, today: dt.date) -> bool:
    """Whether a quotation's expiration date (``validity_date``, a date) is before today."""
    if not validity:
        return False
    try:
        return dt.date.fromisoformat(str(validity)[:10]) < today
    except ValueError:
        return False


def build_snapshot(rows: Rows, user: dict[str, Any], now: dt.datetime,
                   company_id: int = 0) -> Snapshot:
    """The planner's snapshot of one company from the stored Odoo records."""
    return SnapshotBuilder(rows, user, now, company_id).build()

