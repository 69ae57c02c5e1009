# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one rule for a promise's status, of an order and of a line.

Plain Python on purpose (no Odoo import), so that it is tested without Odoo and the
order, its lines, the confirmation warning, the alerts and the report all ask the same
function.
"""

# what the planner or a quote answered (the addon stores it as the planned status)
PLANNED_STATUSES = [
    ("on_time", "On Time"),
    ("late", "Late"),
    ("cannot_plan", "Cannot Plan"),
]
# what a user sees
STATUSES = [
    ("on_time", "On Time"),
    ("late", "Late"),
    ("short", "Short by Quantity"),
    ("earliest", "Earliest Possible"),
    ("cannot_plan", "Cannot Plan"),
    ("no_delivery", "Nothing to Deliver"),
    ("not_checked", "Not Checked"),
    ("stale", "Stale"),
]


def target_date(commitment_date, requested_date):
    """The date a promise is measured against: the date committed to the customer, else
    the date the customer asked for, else none (then a promise is only the earliest
    possible)."""
    return commitment_date or requested_date or None


def is_stale(computed_at, lines_changed_at):
    """Whether the lines changed after the promise was computed."""
    return bool(lines_changed_at and computed_at and lines_changed_at > computed_at)


def promise_status(
    planned_status,
    promise_date,
    target,
    has_goods=True,
    computed_at=None,
    lines_changed_at=None,
    short=False,
):
    """The status of a promise.

    - *no_delivery*: nothing to deliver (only services, or no line): no promise at all;
    - *not_checked*: no promise yet;
    - *stale*: the lines changed after the promise was computed;
    - *cannot_plan*: the planner found no date;
    - *late* when the promised date is after ``target`` (the commitment or requested
      date);
    - *short* when the date holds, but only for part of the quantity (``short``: some
      of it cannot be delivered at all within the planning horizon): the customer would
      not get everything by the date, whatever the date;
    - *on_time* when the promised date is on or before ``target``;
    - *earliest* without a target: the date is the earliest possible, not late against
      anything.
    """
    if not has_goods:
        return "no_delivery"
    if not planned_status:
        return "not_checked"
    if is_stale(computed_at, lines_changed_at):
        return "stale"
    if planned_status == "cannot_plan" or not promise_date:
        return "cannot_plan"
    if target and promise_date > target:
        return "late"
    if short:
        return "short"
    return "on_time" if target else "earliest"


def misses_target(status):
    """Whether a promise of this status does not keep its commitment or requested date
    for everything ordered: late, or short by quantity."""
    return status in ("late", "short")


def not_before(promise_date, today):
    """A promise is never before today: a date the planner found in the past (work that
    could have been done already) can be kept from today on."""
    if promise_date and today and promise_date < today:
        return today
    return promise_date or None
