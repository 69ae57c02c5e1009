"""capacity-promise planner: capable-to-promise dates and purchase suggestions, no Odoo needed.

Build a :class:`~optimizer.snapshot.Snapshot`, call :func:`plan`, then :func:`quote` new
quotations against the plan, :func:`requote` a plan whose quotations changed.
"""

from optimizer.plan import Plan, PlannerSettings
from optimizer.planner import plan, quote, requote
from optimizer.snapshot import Snapshot, SnapshotError

__all__ = ["Plan", "PlannerSettings", "Snapshot", "SnapshotError", "plan", "quote", "requote"]
