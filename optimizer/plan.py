"""The planner's output: promises, schedules, purchases, load and an honest solver report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from optimizer.engine import PlanState

PromiseStatus = Literal["on_time", "late", "cannot_plan"]
PlanStatus = Literal["optimized", "constructive"]
DemandKind = Literal["sale", "quotation", "manufacturing"]
SolverStatus = Literal["optimal", "feasible", "no_solution", "not_needed", "disabled", "error"]


@dataclass(frozen=True)
class PlannerSettings:
    """How the planner behaves; defaults suit a small manufacturer.

    ``quotations_hold_capacity``: open quotations keep the capacity and material they were
    promised, so later quotations are promised after them. ``purchase_grouping_days``: new
    purchases of one product from one vendor needed within this many days become one suggestion.
    ``solver``: "highs" (default), "cbc" or "none" (constructive plan only).
    ``capacity_factor``: the share of each work center's hours the plan may fill; below 1 the
    rest is kept for breakdowns and work that takes longer than planned, so promises hold.
    ``quotation_hold_share``: when quotations hold capacity, the share of their work and
    material they hold — the share of quotations that become orders, so that the capacity held
    matches the work that will come.
    ``purchase_safety_days``: purchased material is counted on this many days after a vendor
    should deliver it (open purchase orders and new purchases alike), and new purchases are
    ordered that much earlier, so a late delivery does not break a promise.
    ``solver_node_limit``: the model's deterministic work limit (branch-and-bound nodes), so
    the same snapshot gives the same plan however busy the machine; ``time_limit_seconds`` is
    only a safety net, reported when it is what stopped the solver.
    ``model_max_orders``: above this many confirmed orders the model stage does not run:
    ``make bench`` measured it gaining nothing from 150 confirmed orders up (where capacity,
    not material allocation, makes orders late) while its replan costs a constructive run.
    ``schedule``: "asap" plans confirmed orders and open manufacturing orders as soon as
    possible; "just_in_time" plans them backwards to be ready ``jit_buffer_days`` before they
    are due (as Odoo schedules manufacturing orders), which keeps the nearer capacity and
    material for new orders; an order that cannot be on time that way is planned as soon as
    possible.
    """

    horizon_days: int = 180
    capacity_factor: float = 1.0
    quotation_hold_share: float = 1.0
    purchase_safety_days: int = 0
    schedule: Literal["asap", "just_in_time"] = "asap"
    jit_buffer_days: int = 2
    quotations_hold_capacity: bool = False
    purchase_grouping_days: int = 7
    solver: Literal["highs", "cbc", "none"] = "highs"
    time_limit_seconds: float = 5.0
    mip_gap: float = 0.01
    improvement_batch: int = 150
    solver_node_limit: int = 2000
    model_max_orders: int = 100

    def __post_init__(self) -> None:
        if self.horizon_days < 1:
            raise ValueError(f"horizon_days must be at least 1, got {self.horizon_days}")
        if self.purchase_grouping_days < 0:
            raise ValueError("purchase_grouping_days must be zero or more, "
                             f"got {self.purchase_grouping_days}")
        if self.solver not in ("highs", "cbc", "none"):
            raise ValueError(f"solver must be highs, cbc or none, got {self.solver!r}")
        if self.time_limit_seconds <= 0:
            raise ValueError(f"time_limit_seconds must be positive, got {self.time_limit_seconds}")
        if self.schedule not in ("asap", "just_in_time"):
            raise ValueError(f"schedule must be asap or just_in_time, got {self.schedule!r}")
        if self.jit_buffer_days < 0:
            raise ValueError(f"jit_buffer_days must be zero or more, got {self.jit_buffer_days}")
        if self.purchase_safety_days < 0:
            raise ValueError("purchase_safety_days must be zero or more, got "
                             f"{self.purchase_safety_days}")
        if not 0 < self.quotation_hold_share <= 1:
            raise ValueError("quotation_hold_share must be in (0, 1], got "
                             f"{self.quotation_hold_share}")
        if not 0 < self.capacity_factor <= 1:
            raise ValueError(f"capacity_factor must be in (0, 1], got {self.capacity_factor}")
        if self.model_max_orders < 0:
            raise ValueError(f"model_max_orders must be zero or more, got {self.model_max_orders}")
        if self.solver_node_limit < 1:
            raise ValueError(f"solver_node_limit must be at least 1, got {self.solver_node_limit}")
        if not 0 <= self.mip_gap < 1:
            raise ValueError(f"mip_gap must be in [0, 1), got {self.mip_gap}")


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
