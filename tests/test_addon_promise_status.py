"""The addon's one promise-status rule, tested without Odoo.

``promise_status.py`` is plain Python inside the addon, loaded from its file so that the
addon package (which imports Odoo) is not imported. The addon's own tests check that the
order, its lines, the confirmation question and the report use it.
"""

import datetime
import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "addon/common/promise_status.py"
_spec = importlib.util.spec_from_file_location("capacity_promise_status", PATH)
assert _spec and _spec.loader
rule = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rule)

DAY = datetime.date(2026, 12, 10)
NOON = datetime.datetime(2026, 12, 1, 12)


@pytest.mark.parametrize(
    ("planned", "promise", "target", "expected"),
    [
        ("on_time", DAY, DAY, "on_time"),
        ("late", DAY, DAY, "on_time"),  # the planner's "late" against its lead time
        ("on_time", DAY, DAY - datetime.timedelta(days=1), "late"),
        ("late", DAY, None, "earliest"),
        ("on_time", DAY, None, "earliest"),
        ("cannot_plan", None, DAY, "cannot_plan"),
        ("on_time", None, DAY, "cannot_plan"),
        (False, None, DAY, "not_checked"),
    ],
)
def test_late_only_against_a_date(planned, promise, target, expected):
    assert rule.promise_status(planned, promise, target) == expected


def test_nothing_to_deliver_comes_first():
    assert rule.promise_status("on_time", DAY, DAY, has_goods=False) == "no_delivery"
    assert rule.promise_status(False, None, None, has_goods=False) == "no_delivery"


def test_stale_once_the_lines_changed_after_the_promise():
    later = NOON + datetime.timedelta(minutes=1)
    assert rule.promise_status("on_time", DAY, DAY, computed_at=NOON,
                               lines_changed_at=later) == "stale"
    assert rule.promise_status("on_time", DAY, DAY, computed_at=later,
                               lines_changed_at=NOON) == "on_time"


def test_the_commitment_date_wins_over_the_requested_date():
    assert rule.target_date(DAY, DAY - datetime.timedelta(days=3)) == DAY
    assert rule.target_date(None, DAY) == DAY
    assert rule.target_date(None, None) is None


def test_no_promise_before_today():
    today = DAY
    assert rule.not_before(DAY - datetime.timedelta(days=4), today) == today
    later = DAY + datetime.timedelta(days=4)
    assert rule.not_before(later, today) == later
    assert rule.not_before(None, today) is None


def test_every_status_has_a_label():
    shown = {key for key, _label in rule.STATUSES}
    assert {"on_time", "late", "short", "earliest", "cannot_plan", "no_delivery",
            "not_checked", "stale"} == shown
    assert {key for key, _label in rule.PLANNED_STATUSES} <= shown


@pytest.mark.parametrize(
    ("promise", "target", "expected"),
    [
        (DAY, DAY, "short"),  # on time by date, but not all of it comes
        (DAY, None, "short"),  # no date asked for: still not everything
        (DAY, DAY - datetime.timedelta(days=1), "late"),  # late by date says more
    ],
)
def test_a_line_short_by_quantity_is_not_on_time(promise, target, expected):
    assert rule.promise_status("late", promise, target, short=True) == expected
    assert rule.misses_target(expected)


def test_short_does_not_hide_what_comes_first():
    assert rule.promise_status("cannot_plan", None, DAY, short=True) == "cannot_plan"
    assert rule.promise_status(False, None, DAY, short=True) == "not_checked"
    assert rule.promise_status("late", DAY, DAY, has_goods=False, short=True) == "no_delivery"
    assert not rule.misses_target("on_time")
    assert not rule.misses_target("earliest")
