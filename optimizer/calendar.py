"""Working time of each work center as exact intervals: calendar attendances in the calendar's
time zone, minus public holidays and the work center's own leaves, from the snapshot's moment on.

Instants are minutes after the snapshot's ``now`` (floats, so a work order can end at 10:37:30).
:class:`WorkingTime` moves through working time forward or backward, as Odoo's
``resource.calendar`` does for ``plan_hours``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from optimizer.snapshot import Attendance, Calendar, Leave, Snapshot, WorkCenter

EPS = 1e-6  # minutes
Interval = tuple[dt.datetime, dt.datetime]
FORWARD, BACKWARD = 1, -1


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


def _subtract(intervals: list[tuple[float, float]],
              holes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    result = intervals
    for hole_start, hole_end in sorted(holes):
        remaining: list[tuple[float, float]] = []
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


class WorkingTime:
    """Sorted, disjoint working intervals ``[start, end)`` in minutes after the origin."""

    def __init__(self, intervals: list[tuple[float, float]]):
        self.starts = [start for start, _ in intervals]
        self.ends = [end for _, end in intervals]
        self.before: list[float] = []  # working minutes before each interval starts
        total = 0.0
        for start, end in intervals:
            self.before.append(total)
            total += end - start
        self.total = total
        self.after = [b + (e - s) for b, s, e in zip(self.before, self.starts, self.ends,
                                                     strict=True)]
        # the local date each interval starts on, for one origin and time zone (per_day)
        self._dates_for: tuple[dt.datetime, ZoneInfo] | None = None
        self._dates: list[dt.date] = []

    def position(self, instant: float) -> float:
        """Working minutes between the first interval's start and ``instant``."""
        i = bisect.bisect_right(self.starts, instant) - 1
        if i < 0:
            return 0.0
        return self.before[i] + min(instant, self.ends[i]) - self.starts[i]

    def at_position(self, position: float, direction: int) -> float | None:
        """The instant where ``position`` working minutes are reached: the earliest such
        instant going forward, the latest going backward; None outside the intervals."""
        if position < -EPS or position > self.total + EPS or not self.starts:
            return None
        if direction == FORWARD:
            i = min(bisect.bisect_left(self.after, position - EPS), len(self.after) - 1)
            return self.ends[i] - max(0.0, self.after[i] - position)
        i = max(bisect.bisect_right(self.before, position + EPS) - 1, 0)
        return self.starts[i] + max(0.0, position - self.before[i])

    def snap(self, instant: float, direction: int) -> float | None:
        """The first working instant at or after ``instant`` (forward) or the last one at or
        before it (backward)."""
        if direction == FORWARD:
            i = bisect.bisect_right(self.ends, instant + EPS)
            if i >= len(self.starts):
                return None
            return max(instant, self.starts[i])
        i = bisect.bisect_right(self.starts, instant - EPS) - 1
        if i < 0:
            return None
        return min(instant, self.ends[i])

    def shift(self, instant: float, minutes: float, direction: int) -> float | None:
        """Where ``minutes`` of work starting (forward) or ending (backward) at ``instant``
        end or start; None when that is outside the horizon."""
        if direction == FORWARD:
            return self.at_position(self.position(instant) + minutes, FORWARD)
        return self.at_position(self.position(instant) - minutes, BACKWARD)

    def worked(self, start: float, end: float) -> float:
        """Working minutes between two instants."""
        return self.position(end) - self.position(start)

    def per_day(self, origin: dt.datetime, tz: ZoneInfo, start: float,
                end: float) -> list[tuple[dt.date, float]]:
        """Working minutes of ``[start, end]`` by local date."""
        if self._dates_for != (origin, tz):
            self._dates_for = (origin, tz)
            self._dates = [(origin + dt.timedelta(minutes=a)).astimezone(tz).date()
                           for a in self.starts]
        days: dict[dt.date, float] = {}
        starts, ends, dates = self.starts, self.ends, self._dates
        i = bisect.bisect_right(ends, start)
        while i < len(starts) and starts[i] < end:
            a, b = max(start, starts[i]), min(end, ends[i])
            if b > a:
                day = dates[i] if a == starts[i] else \
                    (origin + dt.timedelta(minutes=a)).astimezone(tz).date()
                days[day] = days.get(day, 0.0) + b - a
            i += 1
        return sorted(days.items())


def _calendar_minutes(calendar: Calendar, snapshot: Snapshot,
                      days: int) -> list[tuple[float, float]]:
    """A calendar's working intervals over the horizon, in minutes after ``snapshot.now``."""
    origin = snapshot.now
    tz = ZoneInfo(calendar.tz)
    first = origin.astimezone(tz).date() - dt.timedelta(days=1)
    intervals: list[tuple[float, float]] = []
    for offset in range(days + 2):
        for start, end in working_intervals(calendar, first + dt.timedelta(days=offset)):
            intervals.append(((start - origin).total_seconds() / 60,
                              (end - origin).total_seconds() / 60))
    return intervals


def _leave_minutes(leaves: Iterable[Leave], origin: dt.datetime) -> list[tuple[float, float]]:
    return [((leave.start - origin).total_seconds() / 60,
             (leave.end - origin).total_seconds() / 60) for leave in leaves]


def working_time_table(snapshot: Snapshot, days: int) -> dict[int, WorkingTime]:
    """The working time of every work center from ``now`` to the end of the horizon
    (``days`` local days from today in the factory's time zone)."""
    tz = ZoneInfo(snapshot.timezone)
    end_of_horizon = dt.datetime.combine(snapshot.today + dt.timedelta(days=days), dt.time(), tz)
    limit = (end_of_horizon - snapshot.now).total_seconds() / 60
    by_calendar: dict[int, list[tuple[float, float]]] = {}
    table: dict[int, WorkingTime] = {}
    for wc in sorted(snapshot.workcenters, key=lambda w: w.id):
        calendar = snapshot.index.calendars[wc.calendar_id]
        if calendar.id not in by_calendar:
            base = _calendar_minutes(calendar, snapshot, days)
            base = _subtract(base, _leave_minutes(calendar.leaves, snapshot.now))
            by_calendar[calendar.id] = base
        intervals = _subtract(by_calendar[calendar.id],
                              _leave_minutes(wc.leaves, snapshot.now) + [(-1e12, 0.0),
                                                                          (limit, 1e12)])
        table[wc.id] = WorkingTime([(s, e) for s, e in intervals if e - s > EPS])
    return table


def hours_per_day(workcenter: WorkCenter, time: WorkingTime, snapshot: Snapshot,
                  days: int) -> dict[dt.date, float]:
    """Hours the work center works on each local date (its own calendar's time zone)."""
    tz = ZoneInfo(snapshot.index.calendars[workcenter.calendar_id].tz)
    if not time.starts:
        return {}
    return {day: minutes / 60 for day, minutes in
            time.per_day(snapshot.now, tz, time.starts[0], time.ends[-1])}
