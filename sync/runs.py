"""Run keys that follow from the data and the plan, never from the moment of reading.

A run's key is a digest of what the planner was given (the stored records, without their
``write_date``), of the plan as the addon would write it (without the run's timestamps), and of
the key of the run Odoo showed before. The same data and plan give the same plan digest, so an
unchanged plan is recognised and never sent again; the previous key in the chain makes a plan
that returns to an earlier state (a quantity changed and changed back) a new run, which the
addon applies, rather than the earlier run it would take as already applied.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sync import pieces


class RunError(RuntimeError):
    """A planning run failed for a reason that is neither Odoo's nor the data's: a bug. The
    run is counted as failed and reported; the log has the traceback."""


# what differs between two runs of the same plan: the run's own identity and timings
_RUN_FIELDS = ("run_key", "snapshot_at", "started_at", "finished_at")


def plan_digest(payload: dict[str, Any], today: str = "") -> str:
    """A digest of everything a plan writes to Odoo, without the run's key, timestamps and
    solver timings, and without today's available hours: the one figure that shrinks with
    the clock alone (the rest of today), not a reason to write the plan again."""
    content = {key: value for key, value in payload.items() if key not in _RUN_FIELDS}
    solver = dict(content.get("solver") or {})
    solver.pop("seconds", None)
    content["solver"] = solver
    load = content.get("load") or []
    # the first day the load starts on is the one being used up by the clock, whatever the
    # snapshot calls today (its time zone may differ from the load's calendar)
    first_day = min((str(row.get("date")) for row in load), default=today)
    content["load"] = [{k: v for k, v in row.items() if k != "available_hours"}
                       if str(row.get("date")) in (today, first_day) else row
                       for row in load]
    text = pieces.dumps(content, sort_keys=True, default=str)  # quotes run meanwhile
    return hashlib.sha256(text.encode()).hexdigest()


def run_key(data_digest: str, plan: str, previous_key: str = "") -> str:
    """The key of a run: ``cp-`` and 20 hex digits of the digest of the data, the plan and the
    previous run's key."""
    digest = hashlib.sha256(f"{previous_key}|{data_digest}|{plan}".encode()).hexdigest()
    return f"cp-{digest[:20]}"
