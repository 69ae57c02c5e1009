"""Validation of a :class:`~optimizer.snapshot.Snapshot`: every problem, each naming its record
and field, so that whoever fixes the data in Odoo knows where to look."""

from __future__ import annotations

import math
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from optimizer.snapshot import (
    Calendar,
    Leave,
    Problem,
    RecordId,
    SaleOrder,
    Snapshot,
    SnapshotIndex,
    WorkCenter,
)

_Reporter = Callable[[str, object, str, str, str], None]


def validate(snapshot: Snapshot, index: SnapshotIndex) -> list[Problem]:
    """Every problem of a snapshot, each naming its record and field."""
    problems: list[Problem] = []

    def bad(model: str, record_id: object, name: str, fld: str, message: str) -> None:
        problems.append(Problem(model, record_id, name, fld, message))

    if snapshot.now.tzinfo is None:
        bad("snapshot", "-", "", "now", "must be timezone-aware (Odoo sends UTC)")
    try:
        ZoneInfo(snapshot.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        bad("snapshot", "-", "", "timezone", f"unknown time zone {snapshot.timezone!r}")

    for kind, records in (
        ("uom.uom", snapshot.uoms),
        ("resource.calendar", snapshot.calendars),
        ("mrp.workcenter", snapshot.workcenters),
        ("product.product", snapshot.products),
        ("mrp.bom", snapshot.boms),
        ("res.partner", snapshot.vendors),
        ("mrp.production", snapshot.manufacturing_orders),
        ("sale.order", snapshot.sale_orders),
        ("purchase.order.line", snapshot.purchase_lines),
    ):
        seen: set[object] = set()
        for record in records:
            record_id = record.id
            if record_id in seen:
                bad(kind, record_id, getattr(record, "name", ""), "id", "appears twice")
            seen.add(record_id)

    for uom in snapshot.uoms:
        if not uom.factor > 0:
            bad("uom.uom", uom.id, uom.name, "factor", f"must be positive, got {uom.factor}")

    for calendar in snapshot.calendars:
        _check_calendar(calendar, bad)

    for wc in snapshot.workcenters:
        if wc.calendar_id not in index.calendars:
            bad("mrp.workcenter", wc.id, wc.name, "resource_calendar_id",
                f"unknown working calendar {wc.calendar_id}")
        if not wc.capacity > 0:
            bad("mrp.workcenter", wc.id, wc.name, "default_capacity",
                f"must be positive, got {wc.capacity}")
        if not wc.efficiency > 0:
            bad("mrp.workcenter", wc.id, wc.name, "time_efficiency",
                f"must be positive, got {wc.efficiency:.0%}")
        for alternative in wc.alternative_ids:
            if alternative not in index.workcenters:
                bad("mrp.workcenter", wc.id, wc.name, "alternative_workcenter_ids",
                    f"unknown work center {alternative}")
        for leave in wc.leaves:
            _check_leave(leave, "mrp.workcenter", wc, bad)
        for minutes, fld in ((wc.setup_minutes, "time_start"), (wc.cleanup_minutes, "time_stop")):
            if not minutes >= 0:
                bad("mrp.workcenter", wc.id, wc.name, fld, f"must be zero or more, got {minutes}")
        for special in wc.product_capacities:
            if not special.capacity > 0:
                bad("mrp.workcenter.capacity", wc.id, wc.name, "capacity",
                    f"must be positive, got {special.capacity}")

    def check_item(model: str, record_id: object, name: str,  # noqa: PLR0917
                   product_id: RecordId, uom_id: RecordId | None,
                   fields: tuple[str, str] = ("product_id", "product_uom_id")) -> None:
        """The product is known and, when ``uom_id`` is given, the unit converts to its own."""
        if product_id not in index.products:
            bad(model, record_id, name, fields[0], f"unknown product {product_id}")
        elif uom_id is not None:
            message = _uom_problem(index, uom_id, product_id)
            if message:
                bad(model, record_id, name, fields[1], message)

    def check_quantity(model: str, record_id: object, name: str, fld: str,  # noqa: PLR0917
                       quantity: float, strictly_positive: bool = False) -> None:
        if math.isnan(quantity) or quantity < 0 or (strictly_positive and quantity == 0):
            expected = "positive" if strictly_positive else "zero or more"
            bad(model, record_id, name, fld, f"quantity must be {expected}, got {quantity}")

    def check_work(model: str, record_id: object, name: str, workcenter_id: RecordId,
                   minutes: tuple[str, float]) -> None:
        """A step of work: its work center is known and its minutes are not negative."""
        if workcenter_id not in index.workcenters:
            bad(model, record_id, name, "workcenter_id", f"unknown work center {workcenter_id}")
        check_quantity(model, record_id, name, *minutes)

    for product in snapshot.products:
        if product.uom_id not in index.uoms:
            bad("product.product", product.id, product.name, "uom_id",
                f"unknown unit of measure {product.uom_id}")
        if product.procurement not in ("make", "buy", "none"):
            bad("product.product", product.id, product.name, "route_ids",
                f"procurement must be make, buy or none, got {product.procurement!r}")
        check_quantity("product.product", product.id, product.name, "sale_delay",
                       product.customer_lead_days)
        if product.procurement == "make" and product.id not in index.bom_for:
            bad("product.product", product.id, product.name, "bom_ids",
                "is manufactured but has no bill of materials")

    for bom in snapshot.boms:
        label = bom.name or (index.products[bom.product_id].name
                             if bom.product_id in index.products else "")
        check_item("mrp.bom", bom.id, label, bom.product_id, bom.uom_id)
        check_quantity("mrp.bom", bom.id, label, "product_qty", bom.quantity,
                       strictly_positive=True)
        check_quantity("mrp.bom", bom.id, label, "produce_delay", bom.lead_days)
        for line in bom.lines:
            line_label = f"line of BoM '{label}'"
            check_item("mrp.bom.line", line.id, line_label, line.product_id, line.uom_id)
            check_quantity("mrp.bom.line", line.id, line_label, "product_qty", line.quantity)
        for operation in bom.operations:
            check_work("mrp.routing.workcenter", operation.id,
                       f"{operation.name} (operation of BoM '{label}')",
                       operation.workcenter_id, ("time_cycle", operation.cycle_minutes))

    problems.extend(_bom_cycles(snapshot, index))

    for info in snapshot.supplier_infos:
        label = f"vendor offer for product {info.product_id}"
        check_item("product.supplierinfo", info.id, label, info.product_id, info.uom_id,
                   ("product_id", "product_uom"))
        if info.vendor_id not in index.vendors:
            bad("product.supplierinfo", info.id, label, "partner_id",
                f"unknown vendor {info.vendor_id}")
        check_quantity("product.supplierinfo", info.id, label, "delay", info.lead_days)
        check_quantity("product.supplierinfo", info.id, label, "min_qty", info.min_qty)
        check_quantity("product.supplierinfo", info.id, label, "packaging", info.multiple)

    for level in snapshot.stock:
        label = f"stock of product {level.product_id}"
        check_item("stock.quant", level.product_id, label, level.product_id, level.uom_id)
        check_quantity("stock.quant", level.product_id, label, "quantity", level.quantity)

    for po_line in snapshot.purchase_lines:
        check_item("purchase.order.line", po_line.id, po_line.order_name, po_line.product_id,
                   po_line.uom_id, ("product_id", "product_uom"))
        if po_line.vendor_id not in index.vendors:
            bad("purchase.order.line", po_line.id, po_line.order_name, "partner_id",
                f"unknown vendor {po_line.vendor_id}")
        check_quantity("purchase.order.line", po_line.id, po_line.order_name, "product_qty",
                       po_line.quantity)

    for mo in snapshot.manufacturing_orders:
        check_item("mrp.production", mo.id, mo.name, mo.product_id, mo.uom_id)
        check_quantity("mrp.production", mo.id, mo.name, "product_qty", mo.quantity)
        for need in mo.components:
            check_item("mrp.production", mo.id, mo.name, need.product_id, need.uom_id,
                       ("move_raw_ids", "move_raw_ids.product_uom"))
            check_quantity("mrp.production", mo.id, mo.name, "move_raw_ids.product_uom_qty",
                           need.quantity)
        for wo in mo.work_orders:
            check_work("mrp.workorder", wo.id, f"{wo.name} of {mo.name}", wo.workcenter_id,
                       ("duration_expected", wo.remaining_minutes))

    for order in snapshot.sale_orders:
        problems.extend(order_problems(order, index))
    return problems


def order_problems(order: SaleOrder, index: SnapshotIndex) -> list[Problem]:
    """What is wrong with one sale order or quotation, checked against a snapshot's records."""
    problems: list[Problem] = []
    if order.state not in ("confirmed", "quotation"):
        problems.append(Problem("sale.order", order.id, order.name, "state",
                                f"must be confirmed or quotation, got {order.state!r}"))
    line_ids: set[RecordId] = set()
    for line in order.lines:
        label = f"line of {order.name}"

        def bad(fld: str, message: str, line_id: RecordId = line.id, label: str = label) -> None:
            problems.append(Problem("sale.order.line", line_id, label, fld, message))

        if line.id in line_ids:
            bad("id", "appears twice")
        line_ids.add(line.id)
        if line.product_id not in index.products:
            bad("product_id", f"unknown product {line.product_id}")
        message = _uom_problem(index, line.uom_id, line.product_id)
        if message:
            bad("product_uom", message)
        if not line.quantity >= 0:
            bad("product_uom_qty", f"quantity must be zero or more, got {line.quantity}")
        if line.customer_lead_days is not None and not line.customer_lead_days >= 0:
            bad("customer_lead", f"must be zero or more, got {line.customer_lead_days}")
    return problems


def _uom_problem(index: SnapshotIndex, uom_id: RecordId, product_id: RecordId) -> str | None:
    """Why ``uom_id`` cannot measure the product (unknown, or of another category), if so."""
    uom = index.uoms.get(uom_id)
    if uom is None:
        return f"unknown unit of measure {uom_id}"
    product = index.products.get(product_id)
    if product is not None and product.uom_id in index.uoms:
        product_uom = index.uoms[product.uom_id]
        if uom.category != product_uom.category:
            return (f"unit '{uom.name}' ({uom.category}) cannot be converted to "
                    f"'{product_uom.name}' ({product_uom.category}) of product '{product.name}'")
    return None


def _check_calendar(calendar: Calendar, bad: _Reporter) -> None:
    try:
        ZoneInfo(calendar.tz)
    except (ZoneInfoNotFoundError, ValueError):
        bad("resource.calendar", calendar.id, calendar.name, "tz",
            f"unknown time zone {calendar.tz!r}")
    working = 0.0
    for attendance in calendar.attendances:
        if not 0 <= attendance.weekday <= 6:
            bad("resource.calendar", calendar.id, calendar.name, "attendance_ids.dayofweek",
                f"weekday must be 0 (Monday) to 6, got {attendance.weekday}")
        if not 0 <= attendance.hour_from <= attendance.hour_to <= 24:
            bad("resource.calendar", calendar.id, calendar.name, "attendance_ids.hour_from",
                f"interval {attendance.hour_from}-{attendance.hour_to} is not within one day")
        if attendance.day_period != "lunch":
            working += max(0.0, attendance.hour_to - attendance.hour_from)
    if working <= 0:
        bad("resource.calendar", calendar.id, calendar.name, "attendance_ids",
            "has no working time")
    for leave in calendar.leaves:
        _check_leave(leave, "resource.calendar", calendar, bad)


def _check_leave(leave: Leave, model: str, owner: Calendar | WorkCenter, bad: _Reporter) -> None:
    if leave.start.tzinfo is None or leave.end.tzinfo is None:
        bad("resource.calendar.leaves", leave.id, f"{leave.name} of {owner.name}", "date_from",
            "must be timezone-aware (Odoo sends UTC)")
    elif leave.end < leave.start:
        bad("resource.calendar.leaves", leave.id, f"{leave.name} of {owner.name}", "date_to",
            "ends before it starts")


def _bom_cycles(snapshot: Snapshot, index: SnapshotIndex) -> list[Problem]:
    """Find bills of materials that (indirectly) contain their own product."""
    children: dict[RecordId, list[RecordId]] = {}
    for product_id, bom in index.bom_for.items():
        children[product_id] = [line.product_id for line in bom.lines]
    state: dict[RecordId, int] = {}  # 1 = on the current path, 2 = done
    problems: list[Problem] = []
    reported: set[RecordId] = set()

    def name(product_id: RecordId) -> str:
        product = index.products.get(product_id)
        return product.name if product else str(product_id)

    for root in children:
        if state.get(root):
            continue
        path: list[RecordId] = []
        stack: list[tuple[RecordId, int]] = [(root, 0)]
        while stack:
            node, position = stack.pop()
            if position == 0:
                state[node] = 1
                path.append(node)
            kids = children.get(node, [])
            if position < len(kids):
                stack.append((node, position + 1))
                child = kids[position]
                if state.get(child) == 1:
                    cycle = path[path.index(child):] + [child]
                    bom = index.bom_for[node]
                    if bom.id not in reported:
                        reported.add(bom.id)
                        problems.append(Problem(
                            "mrp.bom", bom.id, bom.name or name(node), "bom_line_ids",
                            "cyclic bill of materials: " + " → ".join(name(p) for p in cycle)))
                elif not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return problems

