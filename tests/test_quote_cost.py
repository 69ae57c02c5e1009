"""A quote's work grows linearly with its lines (timed in ``bench/quote_lines.py``; here the
work itself is counted, not the clock).

Three ways it once grew faster: a line that has to try again (a late line trying a faster
vendor, a line that cannot be had) replayed every booking of the lines before it; every line
copied the fork's whole state (its takes, new lots and bookings) to be able to roll back; and
every line looked again through all the lots the lines before it had made and used up."""

from __future__ import annotations

import dataclasses
import random
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from bench.generator import SIZES, generate
from optimizer import PlannerSettings, plan, quote
from optimizer.ledger import Fork, ForkMark
from optimizer.resource import Lane
from optimizer.snapshot import SaleLine

SMALL, LARGE = 150, 1200
# linear within this factor: the later lines of a long quote do a little more real work
# (stock is used up, so more is made and bought), which is not what this guards
SLACK = 1.35


@pytest.fixture(scope="module")
def planned():
    size = SIZES["S"]
    snapshot = generate(size, 7)
    return snapshot, plan(snapshot, PlannerSettings(horizon_days=size.horizon_days,
                                                    solver="none"))


def inquiry(planned, lines: int, products: int | None = None, most: int = 8):
    """A quotation of ``lines`` lines of finished products (the first ``products`` of them)."""
    snapshot, _ = planned
    finished = [p.id for p in snapshot.products if p.procurement == "make" and p.id >= 300_000]
    rng = random.Random(7)
    base = next(o for o in snapshot.sale_orders if o.state == "quotation")
    return dataclasses.replace(base, id=9_000_000 + lines, lines=tuple(
        SaleLine(k + 1, rng.choice(finished[:products]), rng.randint(1, most), 1)
        for k in range(lines)))


def bookings_for(planned, lines: int, monkeypatch) -> int:
    count = 0
    original = Lane.occupy

    def counted(self, start, end):
        nonlocal count
        count += 1
        return original(self, start, end)

    monkeypatch.setattr(Lane, "occupy", counted)
    promise = quote(planned[1], inquiry(planned, lines))
    monkeypatch.undo()
    assert len(promise.lines) == lines
    return count


def test_a_quotes_bookings_grow_linearly_with_its_lines(planned, monkeypatch):
    small = bookings_for(planned, 150, monkeypatch)
    large = bookings_for(planned, 600, monkeypatch)
    assert large <= 4 * small * 1.5, (small, large)


def steps_for(planned, lines: int) -> int:
    """Python lines the planner runs for one quote (its loops over lots, gaps and blocks)."""
    quotation = inquiry(planned, lines, products=10, most=1)
    steps = 0

    def tracer(frame: Any, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal steps
        steps += 1
        return tracer

    sys.settrace(tracer)
    try:
        promise = quote(planned[1], quotation)
    finally:
        sys.settrace(None)
    # every line can be had: a line that cannot would be cheaper and hide the growth
    assert all(line.status != "cannot_plan" for line in promise.lines)
    return steps


def test_a_quotes_steps_grow_linearly_with_its_lines(planned):
    """Many lines of a few products: each makes lots the next ones find used up."""
    small, large = steps_for(planned, SMALL), steps_for(planned, LARGE)
    assert large <= LARGE / SMALL * small * SLACK, (small, large, large / small)


def rollback_bytes_for(planned, lines: int, monkeypatch) -> int:
    """Memory the quote's marks and rollbacks allocate (a copy of the fork's state shows)."""
    allocated = 0

    def measured(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            nonlocal allocated
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            result = function(*args)
            allocated += tracemalloc.get_traced_memory()[1] - before
            return result
        return run

    monkeypatch.setattr(Fork, "mark", measured(Fork.mark))
    monkeypatch.setattr(ForkMark, "rollback", measured(ForkMark.rollback))
    tracemalloc.start()
    try:
        quote(planned[1], inquiry(planned, lines, products=10, most=1))
    finally:
        tracemalloc.stop()
        monkeypatch.undo()
    return allocated


def test_a_quotes_marks_and_rollbacks_cost_does_not_grow_with_its_lines(planned, monkeypatch):
    small = rollback_bytes_for(planned, SMALL, monkeypatch)
    large = rollback_bytes_for(planned, LARGE, monkeypatch)
    assert large <= LARGE / SMALL * small * SLACK, (small, large, large / small)
