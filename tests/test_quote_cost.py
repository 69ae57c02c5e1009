"""A quote's work grows linearly with its lines (timed in ``bench/quote_lines.py``; here the
work itself is counted, not the clock): a line that has to try again (a late line trying a
faster vendor, a line that cannot be had) once replayed every booking of the lines before it,
so 2,000 lines took minutes."""

from __future__ import annotations

import dataclasses
import random

import pytest

from bench.generator import SIZES, generate
from optimizer import PlannerSettings, plan, quote
from optimizer.resource import Lane
from optimizer.snapshot import SaleLine


@pytest.fixture(scope="module")
def planned():
    size = SIZES["S"]
    snapshot = generate(size, 7)
    return snapshot, plan(snapshot, PlannerSettings(horizon_days=size.horizon_days,
                                                    solver="none"))


def bookings_for(planned, lines: int, monkeypatch) -> int:
    snapshot, result = planned
    finished = [p.id for p in snapshot.products if p.procurement == "make" and p.id >= 300_000]
    rng = random.Random(7)
    base = next(o for o in snapshot.sale_orders if o.state == "quotation")
    inquiry = dataclasses.replace(base, id=9_000_000 + lines, lines=tuple(
        SaleLine(k + 1, rng.choice(finished), rng.randint(1, 8), 1) for k in range(lines)))
    count = 0
    original = Lane.occupy

    def counted(self, start, end):
        nonlocal count
        count += 1
        return original(self, start, end)

    monkeypatch.setattr(Lane, "occupy", counted)
    promise = quote(result, inquiry)
    monkeypatch.undo()
    assert len(promise.lines) == lines
    return count


def test_a_quotes_bookings_grow_linearly_with_its_lines(planned, monkeypatch):
    small = bookings_for(planned, 150, monkeypatch)
    large = bookings_for(planned, 600, monkeypatch)
    assert large <= 4 * small * 1.5, (small, large)
