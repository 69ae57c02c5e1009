"""Small factories whose dates can be checked by hand.

Monday 2 March 2026 is day 0. The standard calendar works Monday to Friday, 8:00-12:00 and
13:00-17:00 (8 h) in UTC, so a work center with capacity 1 has 8 hours a working day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from optimizer.snapshot import (
    Attendance,
    Bom,
    BomLine,
    Calendar,
    ManufacturingOrder,
    Operation,
    Product,
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

MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.timezone.utc)
UNIT, DOZEN, KG = 1, 2, 3


def day(offset: int) -> dt.date:
    """The date ``offset`` calendar days after Monday 2 March 2026."""
    return MONDAY + dt.timedelta(days=offset)


def standard_calendar(calendar_id: int = 1, tz: str = "UTC", **kwargs: Any) -> Calendar:
    attendances = []
    for weekday in range(5):
        attendances += [
            Attendance(weekday, 8, 12, day_period="morning"),
            Attendance(weekday, 12, 13, day_period="lunch"),
            Attendance(weekday, 13, 17, day_period="afternoon"),
        ]
    return Calendar(calendar_id, "Standard 40 hours", tz, tuple(attendances), **kwargs)


UOMS = (
    Uom(UNIT, "Units", "Unit", 1.0),
    Uom(DOZEN, "Dozens", "Unit", 1 / 12),
    Uom(KG, "kg", "Weight", 1.0),
)


class FactoryBuilder:
    """Collects records, then builds a validated :class:`Snapshot`."""

    def __init__(self, now: dt.datetime = NOW):
        self.now = now
        self.calendars = [standard_calendar()]
        self.workcenters: list[WorkCenter] = []
        self.products: list[Product] = []
        self.boms: list[Bom] = []
        self.vendors: list[Vendor] = []
        self.supplier_infos: list[SupplierInfo] = []
        self.stock: list[StockLevel] = []
        self.purchase_lines: list[PurchaseLine] = []
        self.manufacturing_orders: list[ManufacturingOrder] = []
        self.sale_orders: list[SaleOrder] = []
        self._ids = 1000

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def workcenter(self, name: str, **kwargs: Any) -> int:
        wc = WorkCenter(kwargs.pop("id", self.next_id()), name, kwargs.pop("calendar_id", 1),
                        **kwargs)
        self.workcenters.append(wc)
        return wc.id

    def product(self, name: str, procurement: str = "buy", **kwargs: Any) -> int:
        product = Product(kwargs.pop("id", self.next_id()), name, kwargs.pop("uom_id", UNIT),
                          procurement, **kwargs)  # type: ignore[arg-type]
        self.products.append(product)
        return product.id

    def bom(self, product_id: int, lines: dict[int, float], operations: list[tuple],
            quantity: float = 1.0, **kwargs: Any) -> int:
        """``operations``: (name, workcenter id, hours per cycle); a cycle makes the work
        center's capacity of units, set-up and clean-up are the work center's."""
        bom = Bom(
            kwargs.pop("id", self.next_id()), product_id, quantity, kwargs.pop("uom_id", UNIT),
            tuple(BomLine(self.next_id(), pid, qty, UNIT) for pid, qty in lines.items()),
            tuple(Operation(self.next_id(), name, wc, 10 * (i + 1), hours * 60)
                  for i, (name, wc, hours) in enumerate(operations)),
            **kwargs)
        self.boms.append(bom)
        return bom.id

    def vendor(self, name: str) -> int:
        vendor = Vendor(self.next_id(), name)
        self.vendors.append(vendor)
        return vendor.id

    def supplier(self, product_id: int, vendor_id: int, lead_days: float,
                 min_qty: float = 0.0, **kwargs: Any) -> int:
        info = SupplierInfo(self.next_id(), product_id, vendor_id, lead_days, min_qty, **kwargs)
        self.supplier_infos.append(info)
        return info.id

    def on_hand(self, product_id: int, quantity: float, uom_id: int = UNIT) -> None:
        self.stock.append(StockLevel(product_id, quantity, uom_id))

    def purchase(self, product_id: int, vendor_id: int, quantity: float, arrives: int,
                 name: str = "", at: dt.datetime | None = None) -> int:
        line = PurchaseLine(self.next_id(), name or f"P{len(self.purchase_lines) + 1:05d}",
                            product_id, vendor_id, quantity, UNIT, day(arrives), at)
        self.purchase_lines.append(line)
        return line.id

    def manufacturing_order(self, product_id: int, quantity: float,
                            work: list[tuple[int, float]], **kwargs: Any) -> int:
        """``work``: (workcenter id, remaining hours) in sequence."""
        mo_id = kwargs.pop("id", self.next_id())
        mo = ManufacturingOrder(
            mo_id, kwargs.pop("name", f"MO/{mo_id}"), product_id, quantity, UNIT,
            work_orders=tuple(WorkOrder(self.next_id(), f"op {i + 1}", wc, 10 * (i + 1),
                                        hours * 60)
                              for i, (wc, hours) in enumerate(work)),
            **kwargs)
        self.manufacturing_orders.append(mo)
        return mo.id

    def order(self, lines: dict[int, float], state: str = "confirmed", ordered: int = 0,
              asked: int | None = None, customer: str = "Customer", **kwargs: Any) -> int:
        order_id = kwargs.pop("id", self.next_id())
        created = kwargs.pop("created_at", self.now - dt.timedelta(hours=len(self.sale_orders)))
        order = SaleOrder(
            order_id, kwargs.pop("name", f"S{order_id}"), customer, state,  # type: ignore[arg-type]
            day(ordered),
            tuple(SaleLine(self.next_id(), pid, qty, UNIT) for pid, qty in lines.items()),
            commitment_date=day(asked) if asked is not None else None,
            created_at=created, **kwargs)
        self.sale_orders.append(order)
        return order.id

    def quotation(self, lines: dict[int, float], **kwargs: Any) -> int:
        return self.order(lines, state="quotation", **kwargs)

    def build(self, **overrides: Any) -> Snapshot:
        values = {
            "now": self.now, "uoms": UOMS, "calendars": tuple(self.calendars),
            "workcenters": tuple(self.workcenters), "products": tuple(self.products),
            "boms": tuple(self.boms), "vendors": tuple(self.vendors),
            "supplier_infos": tuple(self.supplier_infos), "stock": tuple(self.stock),
            "purchase_lines": tuple(self.purchase_lines),
            "manufacturing_orders": tuple(self.manufacturing_orders),
            "sale_orders": tuple(self.sale_orders),
        }
        values.update(overrides)
        return Snapshot(**values)


def replace_order(snapshot: Snapshot, order_id: int, **changes: Any) -> Snapshot:
    orders = tuple(dataclasses.replace(o, **changes) if o.id == order_id else o
                   for o in snapshot.sale_orders)
    return dataclasses.replace(snapshot, sale_orders=orders)
