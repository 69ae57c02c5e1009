"""A big plan is encoded piece by piece: the same JSON, and quotes are answered meanwhile."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest

from sync import pieces
from sync.runs import plan_digest


def _plan(orders: int) -> dict:
    rng = random.Random(7)
    return {"version": 2, "run_key": "k", "company_id": 1, "warnings": ["Zoë's order"] * 3,
            "orders": [{"order_id": n, "promise_date": "2026-12-24", "status": "late",
                        "reason_data": {"kind": "capacity", "values": {"until": None}},
                        "lines": [{"line_id": n * 10 + k, "quantity": rng.random(),
                                   "shipments": [{"date": "2027-01-04", "quantity": 2.5}]}
                                  for k in range(rng.randint(1, 6))]}
                       for n in range(orders)],
            "load": [{"workcenter_id": n % 20, "date": f"2027-01-{n % 28 + 1:02d}",
                      "available_hours": 7.5, "planned_hours": 3.25} for n in range(9000)],
            "empty": [], "long": [list(range(3000))]}


def test_the_pieces_make_the_same_json() -> None:
    value = {"params": {"args": ["db", 6, "secret", "capacity.planner.run", "apply_plan",
                                 [_plan(3000)], {}]}}
    text = pieces.dumps(value)
    assert json.loads(text) == value
    assert text == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert pieces.dumps(value, sort_keys=True) == json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    with pytest.raises(ValueError):
        pieces.dumps({"hours": [float("nan")] * 5000})  # Odoo could not read it


def test_other_threads_run_while_a_big_plan_is_encoded() -> None:
    # a /quote thread's longest wait while the poll encodes a plan of size L (about 6 MB):
    # with json.dumps it is the whole encoding, one call into C holding the interpreter's lock
    plan = _plan(20_000)
    pauses: list[tuple[float, float]] = []
    stop = threading.Event()

    def quote_thread() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            if now - last > 0.001:
                pauses.append((last, now))
            last = now

    other = threading.Thread(target=quote_thread)
    other.start()
    try:
        time.sleep(0.01)
        started = time.perf_counter()
        text = pieces.dumps(plan)
        took = time.perf_counter() - started
    finally:
        stop.set()
        other.join()
    longest = max((min(end, started + took) - max(begin, started)
                   for begin, end in pauses), default=0.0)
    assert longest < took / 2, (longest, took)
    assert json.loads(text) == plan


def test_the_plan_digest_ignores_the_order_of_keys() -> None:
    plan = _plan(200)
    shuffled = dict(reversed(list(plan.items())))
    assert plan_digest(plan) == plan_digest(shuffled)
    changed = json.loads(json.dumps(plan))
    changed["orders"][150]["lines"][0]["quantity"] = 99.0
    assert plan_digest(changed) != plan_digest(plan)
