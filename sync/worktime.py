"""Whether any work center had working time between two moments: the service replans an idle
Odoo only when time that a plan counted on has really passed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from optimizer.snapshot import Calendar, Snapshot

MAX_DAYS = 8  # beyond a week, some working time has passed on any calendar with attendances


def working_time_between(snapshot: Snapshot, start: dt.datetime, end: dt.datetime) -> bool:
    """True when a calendar of one of the snapshot's work centers has an attendance that
    overlaps ``[start, end)``. Leaves are not subtracted and both weeks of a two-week
    calendar count: when in doubt, time has passed (a replan too many, never a promise built
    on time already gone)."""
    if end <= start:
        return False
    used = {wc.calendar_id for wc in snapshot.workcenters}
    calendars = [calendar for calendar in snapshot.calendars if calendar.id in used]
    if (end - start) > dt.timedelta(days=MAX_DAYS):
        return any(calendar.attendances for calendar in calendars)
    return any(_overlaps(calendar, start, end) for calendar in calendars)


def _overlaps(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> bool:
    tz = ZoneInfo(calendar.tz)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    while day <= local_end.date():
        for attendance in calendar.attendances:
            if attendance.weekday != day.weekday() or attendance.day_period == "lunch" \
                    or attendance.hour_to <= attendance.hour_from:
                continue
            if (attendance.date_from and day < attendance.date_from) or \
                    (attendance.date_to and day > attendance.date_to):
                continue
            opens = _at(day, attendance.hour_from, tz)
            closes = _at(day, attendance.hour_to, tz)
            if opens < end and start < closes:
                return True
        day += dt.timedelta(days=1)
    return False


def _at(day: dt.date, hours: float, tz: ZoneInfo) -> dt.datetime:
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return midnight + dt.timedelta(hours=hours)
