"""How the planner behaves: one frozen settings object, checked when it is built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


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
    ``make bench`` measured it saving 1.5 % of the objective at 150 confirmed orders (S) for
    about a tenth of a second, and 0.002 % at 1,500 (M, where capacity, not material
    allocation, makes orders late) for a whole constructive run.
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
    model_max_orders: int = 500

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
