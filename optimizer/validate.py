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

    def check_uom(model: str, record_id: object, name: str, fld: str,  # noqa: PLR0917
                  uom_id: RecordId, product_id: RecordId) -> None:
        uom = index.uoms.get(uom_id)
        product = index.products.get(product_id)
        if uom is None:
            bad(model, record_id, name, fld, f"unknown unit of measure {uom_id}")
        elif product is not None and product.uom_id in index.uoms:
            product_uom = index.uoms[product.uom_id]
            if uom.category != product_uom.category:
                bad(model, record_id, name, fld,
                    f"unit '{uom.name}' ({uom.category}) cannot be converted to "
                    f"'{product_uom.name}' ({product_uom.category}) of product '{product.name}'")

    def check_product(model: str, record_id: object, name: str, fld: str,
                      product_id: RecordId) -> bool:
        if product_id not in index.products:
            bad(model, record_id, name, fld, f"unknown product {product_id}")
            return False
        return True

    def check_quantity(model: str, record_id: object, name: str, fld: str,  # noqa: PLR0917
                       quantity: float, strictly_positive: bool = False) -> None:
        if math.isnan(quantity) or quantity < 0 or (strictly_positive and quantity == 0):
            expected = "positive" if strictly_positive else "zero or more"
            bad(model, record_id, name, fld, f"quantity must be {expected}, got {quantity}")

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
        if check_product("mrp.bom", bom.id, label, "product_id", bom.product_id):
            check_uom("mrp.bom", bom.id, label, "product_uom_id", bom.uom_id, bom.product_id)
        check_quantity("mrp.bom", bom.id, label, "product_qty", bom.quantity,
                       strictly_positive=True)
        check_quantity("mrp.bom", bom.id, label, "produce_delay", bom.lead_days)
        for line in bom.lines:
            line_label = f"line of BoM '{label}'"
            if check_product("mrp.bom.line", line.id, line_label, "product_id", line.product_id):
                check_uom("mrp.bom.line", line.id, line_label, "product_uom_id", line.uom_id,
                          line.product_id)
            check_quantity("mrp.bom.line", line.id, line_label, "product_qty", line.quantity)
        for operation in bom.operations:
            op_label = f"{operation.name} (operation of BoM '{label}')"
            if operation.workcenter_id not in index.workcenters:
                bad("mrp.routing.workcenter", operation.id, op_label, "workcenter_id",
                    f"unknown work center {operation.workcenter_id}")
            check_quantity("mrp.routing.workcenter", operation.id, op_label, "time_cycle",
                           operation.cycle_minutes)

    problems.extend(_bom_cycles(snapshot, index))

    for info in snapshot.supplier_infos:
        label = f"vendor offer for product {info.product_id}"
        check_product("product.supplierinfo", info.id, label, "product_id", info.product_id)
        if info.vendor_id not in index.vendors:
            bad("product.supplierinfo", info.id, label, "partner_id",
                f"unknown vendor {info.vendor_id}")
        check_quantity("product.supplierinfo", info.id, label, "delay", info.lead_days)
        check_quantity("product.supplierinfo", info.id, label, "min_qty", info.min_qty)
        check_quantity("product.supplierinfo", info.id, label, "packaging", info.multiple)
        if info.uom_id is not None:
            check_uom("product.supplierinfo", info.id, label, "product_uom", info.uom_id,
                      info.product_id)

    for level in snapshot.stock:
        label = f"stock of product {level.product_id}"
        if check_product("stock.quant", level.product_id, label, "product_id", level.product_id):
            check_uom("stock.quant", level.product_id, label, "product_uom_id", level.uom_id,
                      level.product_id)
        check_quantity("stock.quant", level.product_id, label, "quantity", level.quantity)

    for po_line in snapshot.purchase_lines:
        if check_product("purchase.order.line", po_line.id, po_line.order_name, "product_id",
                         po_line.product_id):
            check_uom("purchase.order.line", po_line.id, po_line.order_name, "product_uom",
                      po_line.uom_id, po_line.product_id)
        if po_line.vendor_id not in index.vendors:
            bad("purchase.order.line", po_line.id, po_line.order_name, "partner_id",
                f"unknown vendor {po_line.vendor_id}")
        check_quantity("purchase.order.line", po_line.id, po_line.order_name, "product_qty",
                       po_line.quantity)

    for mo in snapshot.manufacturing_orders:
        if check_product("mrp.production", mo.id, mo.name, "product_id", mo.product_id):
            check_uom("mrp.production", mo.id, mo.name, "product_uom_id", mo.uom_id,
                      mo.product_id)
        check_quantity("mrp.production", mo.id, mo.name, "product_qty", mo.quantity)
        for need in mo.components:
            if check_product("mrp.production", mo.id, mo.name, "move_raw_ids", need.product_id):
                check_uom("mrp.production", mo.id, mo.name, "move_raw_ids.product_uom",
                          need.uom_id, need.product_id)
            check_quantity("mrp.production", mo.id, mo.name, "move_raw_ids.product_uom_qty",
                           need.quantity)
        for wo in mo.work_orders:
            wo_label = f"{wo.name} of {mo.name}"
            if wo.workcenter_id not in index.workcenters:
                bad("mrp.workorder", wo.id, wo_label, "workcenter_id",
                    f"unknown work center {wo.workcenter_id}")
            check_quantity("mrp.workorder", wo.id, wo_label, "duration_expected",
                           wo.remaining_minutes)

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
        product = index.products.get(line.product_id)
        uom = index.uoms.get(line.uom_id)
        if product is None:
            bad("product_id", f"unknown product {line.product_id}")
        if uom is None:
            bad("product_uom", f"unknown unit of measure {line.uom_id}")
        elif product is not None and product.uom_id in index.uoms:
            product_uom = index.uoms[product.uom_id]
            if uom.category != product_uom.category:
                bad("product_uom", f"unit '{uom.name}' ({uom.category}) cannot be converted to "
                    f"'{product_uom.name}' ({product_uom.category}) of product '{product.name}'")
        if not line.quantity >= 0:
            bad("product_uom_qty", f"quantity must be zero or more, got {line.quantity}")
        if line.customer_lead_days is not None and not line.customer_lead_days >= 0:
            bad("customer_lead", f"must be zero or more, got {line.customer_lead_days}")
    return problems


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

