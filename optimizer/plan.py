"""The planner's output: promises, schedules, purchases, load and an honest solver report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from optimizer.settings import PlannerSettings

if TYPE_CHECKING:
    from optimizer.engine import PlanState

PromiseStatus = Literal["on_time", "late", "cannot_plan"]
PlanStatus = Literal["optimized", "constructive"]
DemandKind = Literal["sale", "quotation", "manufacturing"]
SolverStatus = Literal["optimal", "feasible", "no_solution", "not_needed", "disabled", "error"]


@dataclass(frozen=True, slots=True)
class DemandRef:
    """The demand a schedule, purchase or delivery serves (pegging)."""

    kind: DemandKind
    id: int
    name: str
    line_id: int | None = None
    quantity: float = 0.0


@dataclass(frozen=True, slots=True)
class LinePromise:
    """The promise for one line. ``promise_date`` is when all of it can be delivered (or,
    when part can never come within the horizon, when the rest can); ``shipments`` says what
    ships when, ``by_requested`` how much can be delivered by the requested date, and
    ``missing`` what cannot come at all. ``reason_data`` is the reason as {kind, values}."""

    line_id: int
    product_id: int
    quantity: float
    lead_time_date: dt.date
    promise_date: dt.date | None
    status: PromiseStatus
    reason: str
    shipments: tuple[tuple[dt.date, float], ...] = ()
    by_requested: float = 0.0
    missing: float = 0.0
    reason_data: dict[str, Any] = field(default_factory=dict, compare=False)
    ready_at: dt.datetime | None = None


@dataclass(frozen=True)
class OrderPromise:
    """The promise for one sale order or quotation; the order date is its latest line's."""

    order_id: int
    name: str
    customer: str
    state: str
    asked_date: dt.date | None
    lead_time_date: dt.date
    promise_date: dt.date | None
    status: PromiseStatus
    reason: str
    lines: tuple[LinePromise, ...]
    holds_capacity: bool
    reason_data: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Booking:
    """Working hours an operation takes on one local date."""

    date: dt.date
    hours: float


@dataclass(frozen=True, slots=True)
class ScheduledOperation:
    """A work order on its lane from ``start_at`` to ``finish_at`` (aware datetimes), which
    is ``hours`` of working time; ``bookings`` splits them by local date."""

    name: str
    workcenter_id: int
    hours: float
    bookings: tuple[Booking, ...]
    operation_id: int | None = None
    workorder_id: int | None = None
    start_at: dt.datetime | None = None
    finish_at: dt.datetime | None = None

    @property
    def start(self) -> dt.date | None:
        """The first local date it works."""
        return self.bookings[0].date if self.bookings else None

    @property
    def finish(self) -> dt.date | None:
        """The last local date it works."""
        return self.bookings[-1].date if self.bookings else None


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """Production of ``quantity`` of a product: an open manufacturing order (with its id) or
    a planned one. Components are consumed on ``start``; the product is available on ``finish``.
    ``quotation_id`` is set when the job exists only in that quotation's inquiry."""

    key: str
    product_id: int
    quantity: float
    start: dt.date
    finish: dt.date
    operations: tuple[ScheduledOperation, ...]
    components: tuple[tuple[int, float], ...]
    serves: tuple[DemandRef, ...]
    manufacturing_order_id: int | None = None
    bom_id: int | None = None
    quotation_id: int | None = None
    share: float = 1.0  # below 1: a quotation holding that part of its work
    start_at: dt.datetime | None = None
    finish_at: dt.datetime | None = None


@dataclass(frozen=True)
class BringForward:
    """An open purchase order line that arrives too late: ask the vendor for ``wanted``."""

    purchase_line_id: int
    order_name: str
    product_id: int
    vendor_id: int
    quantity: float
    expected: dt.date
    wanted: dt.date
    serves: tuple[DemandRef, ...]


@dataclass(frozen=True)
class PurchaseSuggestion:
    """Buy ``quantity`` (product unit) from ``vendor_id`` by ``order_by`` so it arrives by
    ``need_date``."""

    key: str
    product_id: int
    vendor_id: int
    quantity: float
    order_by: dt.date
    need_date: dt.date
    lead_days: float
    serves: tuple[DemandRef, ...]
    quotation_id: int | None = None
    reason: str = ""
    reason_data: dict[str, Any] = field(default_factory=dict, compare=False)
    group: str = ""  # vendor and ISO week: suggestions to put on one purchase order


@dataclass(frozen=True, slots=True)
class Delivery:
    """What ships for a line at ``at``."""

    order_id: int
    line_id: int
    product_id: int
    quantity: float
    date: dt.date
    quotation_id: int | None = None
    share: float = 1.0
    at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class WorkCenterLoad:
    """Available and planned working hours of a work center on one local date."""

    workcenter_id: int
    date: dt.date
    available_hours: float
    planned_hours: float

    @property
    def utilization(self) -> float:
        """Planned over available hours."""
        if self.available_hours <= 0:
            return 1.0 if self.planned_hours > 0 else 0.0
        return self.planned_hours / self.available_hours


@dataclass(frozen=True)
class SolverReport:
    """What the improving model really did, in the solver's own terms.

    ``status`` is read from the solver (HiGHS model status / PuLP ``sol_status``), not from
    PuLP's ``status`` which says "Optimal" after a time limit for some solvers.
    """

    solver: str
    status: SolverStatus
    message: str
    seconds: float = 0.0
    gap: float | None = None
    objective_before: float | None = None
    objective_after: float | None = None
    variables: int = 0
    constraints: int = 0


@dataclass(frozen=True)
class Plan:
    """The result of one planner run. ``status`` is "optimized" when the model's proposal was
    better than the constructive plan and was kept, "constructive" otherwise."""

    status: PlanStatus
    created_at: dt.datetime
    today: dt.date
    horizon_end: dt.date
    orders: tuple[OrderPromise, ...]
    jobs: tuple[ScheduledJob, ...]
    purchases: tuple[PurchaseSuggestion, ...]
    deliveries: tuple[Delivery, ...]
    load: tuple[WorkCenterLoad, ...]
    solver: SolverReport
    settings: PlannerSettings
    objective: float
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    bring_forward: tuple[BringForward, ...] = ()
    state: PlanState | None = field(default=None, repr=False, compare=False)

    def order(self, order_id: int) -> OrderPromise:
        """The promise for one order; KeyError if the plan has none."""
        for promise in self.orders:
            if promise.order_id == order_id:
                return promise
        raise KeyError(f"no sale order or quotation {order_id} in this plan")

    def summary(self) -> dict[str, Any]:
        """Counts for logs and the run record."""
        statuses = [promise.status for promise in self.orders]
        return {
            "status": self.status,
            "orders": len(self.orders),
            "on_time": statuses.count("on_time"),
            "late": statuses.count("late"),
            "cannot_plan": statuses.count("cannot_plan"),
            "jobs": len(self.jobs),
            "purchases": sum(1 for p in self.purchases if p.quotation_id is None),
            "bring_forward": len(self.bring_forward),
            "warnings": len(self.warnings),
            "solver": self.solver.status,
        }
