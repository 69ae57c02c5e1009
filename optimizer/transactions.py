"""The open transactions of a snapshot: stock on hand, open purchase lines, open manufacturing
orders with their work orders, and sale orders (confirmed or quotations) with their lines.
Like every record of a :class:`~optimizer.snapshot.Snapshot`, each carries its Odoo id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RecordId = int
OrderState = Literal["confirmed", "quotation"]
PickingPolicy = Literal["direct", "one"]


@dataclass(frozen=True)
class StockLevel:
    """Quantity on hand in the warehouse's internal locations."""

    product_id: RecordId
    quantity: float
    uom_id: RecordId


@dataclass(frozen=True)
class PurchaseLine:
    """An open purchase order line: what is still to be received, and when it is expected."""

    id: RecordId
    order_name: str
    product_id: RecordId
    vendor_id: RecordId
    quantity: float
    uom_id: RecordId
    expected_date: dt.date
    expected_at: dt.datetime | None = None  # Odoo's date_planned; the date's start otherwise


@dataclass(frozen=True)
class ComponentNeed:
    """A component an open manufacturing order has still to consume."""

    product_id: RecordId
    quantity: float
    uom_id: RecordId


@dataclass(frozen=True)
class WorkOrder:
    """Remaining work of an open manufacturing order on one work center, in Odoo's minutes
    (``duration_expected`` less ``duration``)."""

    id: RecordId
    name: str
    workcenter_id: RecordId
    sequence: int
    remaining_minutes: float
    started: bool = False


@dataclass(frozen=True)
class ManufacturingOrder:
    """An open manufacturing order: it holds capacity for its remaining work and will put
    ``quantity`` of the product into stock when done."""

    id: RecordId
    name: str
    product_id: RecordId
    quantity: float
    uom_id: RecordId
    components: tuple[ComponentNeed, ...] = ()
    work_orders: tuple[WorkOrder, ...] = ()
    planned_start: dt.date | None = None
    deadline: dt.date | None = None
    sale_order_id: RecordId | None = None
    planned_start_at: dt.datetime | None = None  # Odoo's date_start, to the second


@dataclass(frozen=True)
class SaleLine:
    """A line of a sale order or quotation (remaining quantity when confirmed)."""

    id: RecordId
    product_id: RecordId
    quantity: float
    uom_id: RecordId
    customer_lead_days: float | None = None


@dataclass(frozen=True)
class SaleOrder:
    """A confirmed sale order (remaining quantities) or an open quotation.

    ``commitment_date`` is the date the customer asked for (or that was committed), if any,
    and ``commitment_at`` the same moment to the second when known. ``created_at`` orders
    quotations first come, first served; ``priority`` (higher first) ranks confirmed orders
    for scarce material before their due dates do.
    """

    id: RecordId
    name: str
    customer: str
    state: OrderState
    order_date: dt.date
    lines: tuple[SaleLine, ...]
    commitment_date: dt.date | None = None
    created_at: dt.datetime | None = None
    picking_policy: PickingPolicy = "direct"
    commitment_at: dt.datetime | None = None
    priority: int = 0


__all__ = ["ComponentNeed", "ManufacturingOrder", "OrderState", "PickingPolicy", "PurchaseLine",
           "RecordId", "SaleLine", "SaleOrder", "StockLevel", "WorkOrder"]
