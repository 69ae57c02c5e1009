"""The planner's input: one frozen, validated picture of a factory.

Every record carries the id it has in the source system (Odoo) so that errors and results can
name it. Quantities are in the unit of measure given next to them; the planner converts them to
the product's own unit. A :class:`Snapshot` validates itself when it is built and refuses bad
input with a :class:`SnapshotError` that lists every problem found, each naming its record and
field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from optimizer.transactions import (  # the open transactions, re-exported
    ComponentNeed,
    ManufacturingOrder,
    OrderState,
    PickingPolicy,
    PurchaseLine,
    RecordId,
    SaleLine,
    SaleOrder,
    StockLevel,
    WorkOrder,
)

Procurement = Literal["make", "buy", "none"]
BomKind = Literal["normal", "phantom"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, phrased for the person who can fix it in Odoo."""

    model: str
    record_id: object
    record_name: str
    field: str
    message: str

    def __str__(self) -> str:
        name = f" '{self.record_name}'" if self.record_name else ""
        return f"{self.model} {self.record_id}{name}, field {self.field}: {self.message}"


class SnapshotError(ValueError):
    """The snapshot was refused; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the factory snapshot was refused ({count} {noun}):\n{lines}")


@dataclass(frozen=True)
class Uom:
    """A unit of measure. ``factor`` follows Odoo: units per reference unit (Dozen = 1/12)."""

    id: RecordId
    name: str
    category: str
    factor: float = 1.0


@dataclass(frozen=True)
class Attendance:
    """One working interval of a weekly calendar, in the calendar's local time.

    ``weekday`` is 0 for Monday. ``week_type`` is 0 or 1 for two-week calendars (Odoo's
    numbering) and ``None`` for every week. ``day_period`` "lunch" marks a break, never work.
    """

    weekday: int
    hour_from: float
    hour_to: float
    week_type: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    day_period: str = "morning"


@dataclass(frozen=True)
class Leave:
    """Time off: a public holiday (on a calendar) or a work center's own downtime.

    ``start`` and ``end`` are timezone-aware datetimes (Odoo stores UTC).
    """

    id: RecordId
    name: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Calendar:
    """Working time: weekly attendances, the time zone they are written in, public holidays."""

    id: RecordId
    name: str
    tz: str
    attendances: tuple[Attendance, ...]
    leaves: tuple[Leave, ...] = ()
    two_weeks: bool = False


@dataclass(frozen=True)
class ProductCapacity:
    """A work center's capacity and set-up/clean-up for one product
    (``mrp.workcenter.capacity``)."""

    product_id: RecordId
    capacity: float
    setup_minutes: float = 0.0
    cleanup_minutes: float = 0.0


@dataclass(frozen=True)
class WorkCenter:
    """A machine, line or team, working one work order at a time as Odoo plans them.

    ``capacity`` is the number of units one cycle makes; ``efficiency`` a fraction (1.0 =
    100 %); ``setup_minutes`` and ``cleanup_minutes`` are Odoo's ``time_start`` and
    ``time_stop``. Leaves here are this work center's own downtime.
    """

    id: RecordId
    name: str
    calendar_id: RecordId
    capacity: float = 1.0
    efficiency: float = 1.0
    alternative_ids: tuple[RecordId, ...] = ()
    leaves: tuple[Leave, ...] = ()
    setup_minutes: float = 0.0
    cleanup_minutes: float = 0.0
    product_capacities: tuple[ProductCapacity, ...] = ()

    def capacity_for(self, product_id: RecordId) -> ProductCapacity:
        """Units per cycle and set-up/clean-up minutes for a product (Odoo's
        ``_get_capacity`` and ``_get_expected_duration``)."""
        for special in self.product_capacities:
            if special.product_id == product_id:
                return special
        return ProductCapacity(product_id, self.capacity, self.setup_minutes,
                               self.cleanup_minutes)


@dataclass(frozen=True)
class Product:
    """Something stocked, made, bought or sold.

    ``procurement`` says how a shortage is filled: "make" (by its bill of materials), "buy" (from
    its vendors) or "none" (stock and open supply only). ``customer_lead_days`` is the fixed lead
    time Odoo adds to the order date (``sale_delay``).
    """

    id: RecordId
    name: str
    uom_id: RecordId
    procurement: Procurement = "buy"
    customer_lead_days: float = 0.0
    default_code: str = ""


@dataclass(frozen=True)
class Vendor:
    """A supplier (``res.partner``)."""

    id: RecordId
    name: str


@dataclass(frozen=True)
class SupplierInfo:
    """A vendor's offer for a product (Odoo ``product.supplierinfo``)."""

    id: RecordId
    product_id: RecordId
    vendor_id: RecordId
    lead_days: float
    min_qty: float = 0.0
    uom_id: RecordId | None = None
    sequence: int = 10
    price: float = 0.0
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    multiple: float = 0.0  # the purchase packaging: quantities are bought in multiples of it


@dataclass(frozen=True)
class BomLine:
    """A component line of a bill of materials."""

    id: RecordId
    product_id: RecordId
    quantity: float
    uom_id: RecordId


@dataclass(frozen=True)
class Operation:
    """A routing step (``mrp.routing.workcenter``). ``cycle_minutes`` is Odoo's ``time_cycle``:
    one cycle makes the work center's capacity of units. Steps run one after the other in
    sequence."""

    id: RecordId
    name: str
    workcenter_id: RecordId
    sequence: int = 10
    cycle_minutes: float = 0.0


@dataclass(frozen=True)
class Bom:
    """A bill of materials for ``quantity`` of ``product_id``. Kits (``phantom``) are exploded
    into their components wherever they are used. ``lead_days`` is the manufacturing lead time
    used when the BoM has no operations."""

    id: RecordId
    product_id: RecordId
    quantity: float
    uom_id: RecordId
    lines: tuple[BomLine, ...]
    operations: tuple[Operation, ...] = ()
    kind: BomKind = "normal"
    sequence: int = 10
    lead_days: float = 0.0
    name: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything the planner knows about one factory at one moment (``now``, timezone-aware).

    Building one validates it; an invalid snapshot raises :class:`SnapshotError`.
    """

    now: dt.datetime
    uoms: tuple[Uom, ...]
    calendars: tuple[Calendar, ...]
    workcenters: tuple[WorkCenter, ...]
    products: tuple[Product, ...]
    boms: tuple[Bom, ...] = ()
    vendors: tuple[Vendor, ...] = ()
    supplier_infos: tuple[SupplierInfo, ...] = ()
    stock: tuple[StockLevel, ...] = ()
    purchase_lines: tuple[PurchaseLine, ...] = ()
    manufacturing_orders: tuple[ManufacturingOrder, ...] = ()
    sale_orders: tuple[SaleOrder, ...] = ()
    timezone: str = "UTC"
    warnings: tuple[str, ...] = ()
    delivery_lead_days: float = 0.0  # days Odoo adds between ready and delivered (security lead)
    _index: SnapshotIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from optimizer.validate import validate

        index = SnapshotIndex(self)
        problems = validate(self, index)
        if problems:
            raise SnapshotError(problems)
        object.__setattr__(self, "_index", index)

    @property
    def index(self) -> SnapshotIndex:
        """Lookups by id and derived facts (chosen BoM, vendors per product, unit factors)."""
        return self._index

    @property
    def today(self) -> dt.date:
        """The first planning day: the date of ``now`` in the factory's time zone."""
        return self.now.astimezone(ZoneInfo(self.timezone)).date()


from optimizer.index import SnapshotIndex  # noqa: E402  (it needs the records above)

__all__ = ["Attendance", "Bom", "BomKind", "BomLine", "Calendar", "ComponentNeed", "Leave",
           "ManufacturingOrder", "Operation", "OrderState", "PickingPolicy", "Problem",
           "Procurement", "Product", "ProductCapacity", "PurchaseLine", "RecordId", "SaleLine",
           "SaleOrder", "Snapshot", "SnapshotError", "SnapshotIndex", "StockLevel", "SupplierInfo",
           "Uom", "Vendor", "WorkCenter", "WorkOrder"]
