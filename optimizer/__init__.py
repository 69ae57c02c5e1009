"""capacity-promise planner: capable-to-promise dates and purchase suggestions, no Odoo needed.

Build a :class:`~optimizer.snapshot.Snapshot`, call :func:`plan`, then :func:`quote` new
quotations against the plan.
"""

from optimizer.plan import Plan, PlannerSettings
from optimizer.planner import plan, quote
from optimizer.snapshot import Snapshot, SnapshotError

__all__ = ["Plan", "PlannerSettings", "Snapshot", "SnapshotError", "plan", "quote"]
