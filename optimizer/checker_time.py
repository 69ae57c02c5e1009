"""The checker's own working time, rebuilt from the calendar records with no engine code."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from optimizer.snapshot import Calendar, Snapshot, WorkCenter

Span = tuple[dt.datetime, dt.datetime]


def working_spans(snapshot: Snapshot, wc: WorkCenter, days: int) -> list[Span]:
    """A work center's working time from ``snapshot.now`` on, for ``days`` local days: its
    calendar's attendances minus public holidays and its own leaves, as UTC spans."""
    calendar = snapshot.index.calendars[wc.calendar_id]
    first = snapshot.now.astimezone(ZoneInfo(calendar.tz)).date() - dt.timedelta(days=1)
    spans: list[Span] = []
    for offset in range(days + 1):
        spans.extend(_attendance_spans(calendar, first + dt.timedelta(days=offset)))
    spans.sort()
    holes = [(lv.start, lv.end) for lv in (*calendar.leaves, *wc.leaves)]
    holes.append((snapshot.now - dt.timedelta(days=30), snapshot.now))
    return _minus(spans, holes)


def _attendance_spans(calendar: Calendar, day: dt.date) -> list[Span]:
    tz = ZoneInfo(calendar.tz)
    parity = ((day.toordinal() - 1) // 7) % 2
    spans = []
    for a in calendar.attendances:
        if a.weekday != day.weekday() or a.day_period == "lunch":
            continue
        if calendar.two_weeks and a.week_type is not None and a.week_type != parity:
            continue
        if (a.date_from and day < a.date_from) or (a.date_to and day > a.date_to):
            continue
        start = dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(minutes=round(a.hour_from
                                                                                     * 60))
        end = dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(minutes=round(a.hour_to * 60))
        if end > start:
            spans.append((start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)))
    return spans


def _minus(spans: list[Span], holes: list[Span]) -> list[Span]:
    for hole_start, hole_end in holes:
        kept: list[Span] = []
        for start, end in spans:
            if hole_end <= start or hole_start >= end:
                kept.append((start, end))
                continue
            if start < hole_start:
                kept.append((start, hole_start))
            if hole_end < end:
                kept.append((hole_end, end))
        spans = kept
    return spans
