"""The shop floor in continuous time: the reality the promises are judged against.

Written apart from the planner on purpose (nothing here imports ``optimizer``), so that a mistake
in the planner's idea of time shows up as a broken promise instead of being confirmed by the same
mistake. Time is counted in whole minutes from Monday 5 January 2026, 00:00 UTC.

Each work center has ``capacity`` lanes (stations) and a working time: its shifts on weekdays in
the shop's time zone, minus its breakdowns. A job is a routing: steps in sequence, each step a
number of units, each unit processed on one lane for its (noisy) duration. Work pauses outside
working time and resumes at the next shift, across nights, weekends and breakdowns. A unit starts
only when

- the job's material is there (the shop releases the job once its components are reserved),
- the jobs it waits for (its sub-assemblies) have finished,
- every unit of the previous step of its routing has finished,
- a lane of its work center is free and the work center is working.

Dispatch rule, whenever a lane is free during working time: first the units of a step already
under way (a work order once started is finished before the next begins, as operators do), then
the job with the earliest due date (the promised date), then the earliest-created job. A unit once
started keeps its lane until it is done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

EPOCH = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
WEEKDAYS = (0, 1, 2, 3, 4)  # Monday to Friday
MAX_DAYS = 3650  # work that cannot be done within ten years of calendar never will


def minute_of(moment: dt.datetime) -> int:
    """Minutes from the epoch to an aware datetime."""
    return int((moment - EPOCH).total_seconds() // 60)


def moment_of(minute: int) -> dt.datetime:
    """The aware (UTC) datetime of a minute."""
    return EPOCH + dt.timedelta(minutes=minute)


def local_minute(day: int, hour: float, tz: ZoneInfo) -> int:
    """The minute at ``hour`` o'clock on the ``day``-th day after the epoch's date, shop time."""
    date = EPOCH.date() + dt.timedelta(days=day)
    moment = dt.datetime.combine(date, dt.time(), tz) + dt.timedelta(minutes=round(hour * 60))
    return minute_of(moment)


def local_day(minute: int, tz: ZoneInfo) -> int:
    """The day number (from the epoch's date) of a minute, by the shop's clock."""
    return (moment_of(minute).astimezone(tz).date() - EPOCH.date()).days


class WorkingTime:
    """When one work center works: shifts (local hours) on weekdays, minus breakdowns."""

    def __init__(self, shifts: Sequence[tuple[float, float]], tz: ZoneInfo,
                 breakdowns: Sequence[tuple[int, int]] = ()):
        self.shifts = tuple(shifts)
        self.tz = tz
        self.breakdowns = sorted(breakdowns)
        self._days: dict[int, list[tuple[int, int]]] = {}

    def day(self, day: int) -> list[tuple[int, int]]:
        """The working intervals of one local day, breakdowns cut out."""
        if day not in self._days:
            intervals: list[tuple[int, int]] = []
            if (EPOCH.date() + dt.timedelta(days=day)).weekday() in WEEKDAYS:
                for hour_from, hour_to in sorted(self.shifts):
                    start = local_minute(day, hour_from, self.tz)
                    end = local_minute(day, hour_to, self.tz)
                    if intervals and start <= intervals[-1][1]:  # back-to-back shifts
                        intervals[-1] = (intervals[-1][0], max(end, intervals[-1][1]))
                    elif end > start:
                        intervals.append((start, end))
            for down_from, down_to in self.breakdowns:
                intervals = [piece for start, end in intervals
                             for piece in ((start, min(end, down_from)),
                                           (max(start, down_to), end))
                             if piece[1] > piece[0]]
            self._days[day] = intervals
        return self._days[day]

    def intervals(self, start: int) -> Iterator[tuple[int, int]]:
        """Working intervals from ``start`` on, the first one clipped to begin at ``start``."""
        first = local_day(start, self.tz)
        for day in range(first - 1, first + MAX_DAYS):
            for begin, end in self.day(day):
                if end > start:
                    yield max(begin, start), end
        raise ValueError(f"no working time within {MAX_DAYS} days of minute {start}")

    def is_working(self, minute: int) -> bool:
        """Whether the work center works during the minute that begins at ``minute``."""
        begin, _ = next(self.intervals(minute))
        return begin == minute

    def next_working(self, minute: int) -> int:
        """The first working minute at or after ``minute``."""
        begin, _ = next(self.intervals(minute))
        return begin

    def finish(self, start: int, minutes: int) -> int:
        """When ``minutes`` of work begun at ``start`` are done, pausing outside working time."""
        left = minutes
        for begin, end in self.intervals(start):
            if left <= end - begin:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: intervals() raises first")

    def working_minutes(self, start: int, end: int) -> int:
        """Working minutes between two instants."""
        total = 0
        if end <= start:
            return 0
        for begin, stop in self.intervals(start):
            if begin >= end:
                break
            total += min(stop, end) - begin
        return total


@dataclasses.dataclass(frozen=True)
class Run:
    """One unit of one step processed on one lane, from ``start`` to ``end`` (pauses included)."""

    workcenter_id: int
    lane: int
    job_id: int
    step: int
    unit: int
    start: int
    end: int
    minutes: int  # working minutes it took


@dataclasses.dataclass
class _Step:
    workcenter_id: int
    unit_minutes: tuple[int, ...]
    next_unit: int = 0  # units started so far
    done_units: int = 0
    left: dict[int, int] = dataclasses.field(default_factory=dict)  # running unit -> end minute

    @property
    def finished(self) -> bool:
        return self.done_units == len(self.unit_minutes)


@dataclasses.dataclass
class _Job:
    id: int
    due: tuple[int, ...]  # the dispatch key after "already under way"
    steps: list[_Step]
    after: tuple[int, ...]
    released_at: int | None = None
    current: int = 0  # the step whose units may start
    finished_at: int | None = None


class Floor:
    """Work centers, their lanes and the jobs on them; :meth:`run_until` moves time on."""

    def __init__(self, workcenters: dict[int, tuple[int, WorkingTime]]):
        """``workcenters``: id -> (number of lanes, working time)."""
        self.capacity = {wc: lanes for wc, (lanes, _) in workcenters.items()}
        self.time = {wc: working for wc, (_, working) in workcenters.items()}
        self.now = 0
        self.jobs: dict[int, _Job] = {}
        self.runs: list[Run] = []  # the trace, in start order
        self._busy: dict[tuple[int, int], tuple[int, Run]] = {}  # (wc, lane) -> (end, run)
        self._ends: list[tuple[int, int, int]] = []  # heap of (end, wc, lane)
        self._ready: dict[int, set[int]] = {wc: set() for wc in workcenters}  # wc -> job ids

    # -- what the shop tells the floor ----------------------------------------------------
    def add_job(self, job_id: int, steps: Sequence[tuple[int, Sequence[int]]],
                due: tuple[int, ...], after: Sequence[int] = ()) -> None:
        """A job: ``steps`` in routing order as (work center, minutes of each unit); ``due``
        orders it for dispatch (earliest first); ``after``: jobs that must finish first."""
        if job_id in self.jobs:
            raise ValueError(f"job {job_id} is already on the floor")
        unknown = [wc for wc, _ in steps if wc not in self.capacity]
        if unknown:
            raise ValueError(f"job {job_id}: unknown work center {unknown[0]}")
        self.jobs[job_id] = _Job(job_id, due, [_Step(wc, tuple(units)) for wc, units in steps],
                                 tuple(after))

    def release(self, job_id: int) -> None:
        """The job's material is there from now on."""
        job = self.jobs[job_id]
        if job.released_at is None:
            job.released_at = self.now
            self._advance(job)

    def run_until(self, until: int) -> None:
        """Work until ``until``. Units ending at ``until`` are done; nothing new starts at
        ``until`` itself until the next call, so what the shop decides then is seen first."""
        while True:
            self._finish_due()
            if self.now >= until:
                return
            self._dispatch()
            upcoming = self._next_event()
            self.now = until if upcoming is None else min(upcoming, until)

    # -- what the shop reads back -----------------------------------------------------------
    def finished_at(self, job_id: int) -> int | None:
        """When the job's last unit ended, if it has."""
        return self.jobs[job_id].finished_at

    def remaining(self, job_id: int, step: int) -> int:
        """Working minutes still to do on a step, now."""
        work = self.jobs[job_id].steps[step]
        waiting = sum(work.unit_minutes[work.next_unit:])
        running = sum(self.time[work.workcenter_id].working_minutes(self.now, end)
                      for end in work.left.values())
        return waiting + running

    def started(self, job_id: int, step: int) -> bool:
        """Whether any unit of the step has begun."""
        return self.jobs[job_id].steps[step].next_unit > 0

    # -- the mechanics ----------------------------------------------------------------------
    def _advance(self, job: _Job) -> None:
        """Make the job's current step ready if everything before it is done."""
        if job.released_at is None or job.finished_at is not None:
            return
        if any(self.jobs[other].finished_at is None for other in job.after):
            return
        while job.current < len(job.steps) and job.steps[job.current].finished:
            job.current += 1
        if job.current == len(job.steps):
            job.finished_at = self.now
            for other in self.jobs.values():
                if job.id in other.after:
                    self._advance(other)
            return
        step = job.steps[job.current]
        if step.next_unit < len(step.unit_minutes):
            self._ready[step.workcenter_id].add(job.id)

    def _dispatch(self) -> None:
        for wc, ready in self._ready.items():
            if not ready or not self.time[wc].is_working(self.now):
                continue
            free = [lane for lane in range(self.capacity[wc]) if (wc, lane) not in self._busy]
            while free and ready:
                job = self.jobs[min(ready, key=self._priority)]
                step = job.steps[job.current]
                unit = step.next_unit
                minutes = step.unit_minutes[unit]
                end = self.time[wc].finish(self.now, minutes)
                run = Run(wc, free.pop(0), job.id, job.current, unit, self.now, end, minutes)
                self.runs.append(run)
                self._busy[(wc, run.lane)] = (end, run)
                heapq.heappush(self._ends, (end, wc, run.lane))
                step.next_unit += 1
                step.left[unit] = end
                if step.next_unit == len(step.unit_minutes):
                    ready.discard(job.id)

    def _priority(self, job_id: int) -> tuple[bool, tuple[int, ...], int]:
        job = self.jobs[job_id]
        return (job.steps[job.current].next_unit == 0, job.due, job.id)

    def _finish_due(self) -> None:
        while self._ends and self._ends[0][0] <= self.now:
            _, wc, lane = heapq.heappop(self._ends)
            _, run = self._busy.pop((wc, lane))
            job = self.jobs[run.job_id]
            step = job.steps[run.step]
            del step.left[run.unit]
            step.done_units += 1
            if step.finished:
                self._advance(job)

    def _next_event(self) -> int | None:
        """The next instant something can change: a unit ends, or a shift begins where work is
        waiting for a free lane."""
        upcoming = [self._ends[0][0]] if self._ends else []
        for wc, ready in self._ready.items():
            if ready and any((wc, lane) not in self._busy
                             for lane in range(self.capacity[wc])):
                begin = self.time[wc].next_working(self.now)
                if begin > self.now:
                    upcoming.append(begin)
        return min(upcoming) if upcoming else None
