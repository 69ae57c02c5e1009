"""Hours a work center can work on each day, from its calendar, leaves, capacity and efficiency."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from optimizer.snapshot import Attendance, Calendar, Leave, Snapshot, WorkCenter

Interval = tuple[dt.datetime, dt.datetime]


def week_type(day: dt.date) -> int:
    """Odoo's week parity for two-week calendars (0 or 1), counted from 1 January of year 1."""
    return int(math.floor((day.toordinal() - 1) / 7) % 2)


def working_intervals(calendar: Calendar, day: dt.date) -> list[Interval]:
    """Working intervals of ``day`` (a date in the calendar's own time zone), as aware datetimes.

    Lunch attendances are breaks and never count as work.
    """
    tz = ZoneInfo(calendar.tz)
    parity = week_type(day) if calendar.two_weeks else None
    intervals: list[Interval] = []
    for attendance in calendar.attendances:
        if not _applies(attendance, day, parity):
            continue
        start = _at(day, attendance.hour_from, tz)
        end = _at(day, attendance.hour_to, tz)
        if end > start:
            intervals.append((start, end))
    return _merge(intervals)


def _applies(attendance: Attendance, day: dt.date, parity: int | None) -> bool:
    if attendance.day_period == "lunch" or attendance.weekday != day.weekday():
        return False
    if parity is not None and attendance.week_type is not None and attendance.week_type != parity:
        return False
    if attendance.date_from and day < attendance.date_from:
        return False
    return not (attendance.date_to and day > attendance.date_to)


def _at(day: dt.date, hour: float, tz: ZoneInfo) -> dt.datetime:
    if hour >= 24:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)
    minutes = round(hour * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tz)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result = intervals
    for hole_start, hole_end in holes:
        remaining: list[Interval] = []
        for start, end in result:
            if hole_end <= start or hole_start >= end:
                remaining.append((start, end))
                continue
            if start < hole_start:
                remaining.append((start, hole_start))
            if hole_end < end:
                remaining.append((hole_end, end))
        result = remaining
    return result


def _hours(intervals: Iterable[Interval]) -> float:
    return sum((end - start).total_seconds() for start, end in intervals) / 3600.0


def available_hours(
    workcenter: WorkCenter,
    calendar: Calendar,
    first_day: dt.date,
    days: int,
    now: dt.datetime | None = None,
) -> list[float]:
    """Productive hours per day for ``days`` days from ``first_day``.

    A day's hours are its working intervals minus public holidays and the work center's own
    leaves, times its capacity (parallel units) and efficiency. Time before ``now`` is gone.
    """
    leaves: list[Leave] = sorted((*calendar.leaves, *workcenter.leaves), key=lambda lv: lv.start)
    factor = workcenter.capacity * workcenter.efficiency
    hours: list[float] = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        intervals = working_intervals(calendar, day)
        if not intervals:
            hours.append(0.0)
            continue
        day_start, day_end = intervals[0][0], intervals[-1][1]
        holes = [(lv.start, lv.end) for lv in leaves if lv.start < day_end and lv.end > day_start]
        if now is not None and now > day_start:
            holes.append((day_start, now))
        if holes:
            intervals = _subtract(intervals, holes)
        hours.append(round(_hours(intervals) * factor, 6))
    return hours


def capacity_table(snapshot: Snapshot, days: int) -> dict[int, list[float]]:
    """Available hours per work center id and day index (0 = the snapshot's today)."""
    index = snapshot.index
    return {
        wc.id: available_hours(wc, index.calendars[wc.calendar_id], snapshot.today, days,
                               now=snapshot.now)
        for wc in snapshot.workcenters
    }
