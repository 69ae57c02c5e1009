"""bench/gil_watch.py names the line that keeps other threads out."""

from __future__ import annotations

import threading
import time

from bench.gil_watch import GilWatch


def _hold_the_lock(watch: GilWatch) -> None:
    sum(range(30_000_000))  # one call into C: no other thread runs meanwhile
    deadline = time.monotonic() + 10
    while not watch.stalls and time.monotonic() < deadline:
        pass  # still here (and letting the watcher in) when it looks where everyone is


def test_a_long_call_into_c_is_found_at_its_line() -> None:
    with GilWatch(threshold=0.02) as watch:
        worker = threading.Thread(target=_hold_the_lock, args=(watch,), name="planner")
        worker.start()
        worker.join()
    report = watch.report()
    assert any("[planner]" in place and "_hold_the_lock" in place for place in watch.stalls), \
        report
    assert "stalls over 20 ms" in report
