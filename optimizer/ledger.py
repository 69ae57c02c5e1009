"""Residual capacity and material of a plan being built, with cheap what-if forks.

The :class:`Ledger` holds what is left after everything committed so far: free hours per work
center and day, and lots of material (stock, open supply, planned output) per product. All
planning happens in a :class:`Fork`, which copies a work center's hours only when it books them
and records lot takes separately, so a fork costs nothing until used and a quotation can be tried
without touching the plan. ``Fork.commit`` folds a fork back into its ledger.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from optimizer.plan import DemandRef

EPS = 1e-6
LotKind = Literal["stock", "supply", "purchase", "production"]


@dataclass(frozen=True)
class Cause:
    """Why something is ready on ``day`` (or, with ``day`` None, why it cannot be).

    Kinds: stock, supply (open purchase), purchase (new purchase), production (open
    manufacturing order), capacity (work center fully booked ``until``), busy (work center
    shared with other orders, so the work stretches), closed (work center not working
    ``until``), work (the work itself takes that long), lead_time (BoM without operations),
    made (a job: ``inner`` is what held it up, then ``hours`` of work on ``workcenters``
    until ``day``), scheduled (planned just in time), no_vendor, no_source (``quantity``
    missing), horizon (no capacity within the horizon).
    """

    kind: str
    day: int | None
    product_id: int | None = None
    workcenter_id: int | None = None
    vendor_id: int | None = None
    ref: str = ""
    lead_days: float = 0.0
    hours: float = 0.0
    quantity: float = 0.0
    until: int | None = None
    inner: Cause | None = None
    workcenters: tuple[int, ...] = ()


@dataclass(eq=False)
class Lot:
    """Material of one product that is (or will be) available from ``day`` on."""

    uid: int
    product_id: int
    day: int
    qty: float
    kind: LotKind
    cause: Cause
    reserved_for: int | None = None  # a sale order id: only that order may use it
    scenario: int | None = None  # the quotation whose inquiry created it; None when committed


@dataclass(eq=False)
class Consumption:
    """``qty`` of ``lot`` used by ``demand`` on ``day`` (set once the consumer is scheduled)."""

    lot: Lot
    qty: float
    demand: DemandRef
    day: int = 0


@dataclass(eq=False)
class Ledger:
    """What is left to plan with. Only :meth:`Fork.commit` changes it."""

    free: dict[int, list[float]]
    horizon: int
    lots: dict[int, list[Lot]] = field(default_factory=dict)
    first_open: dict[int, int] = field(default_factory=dict)
    consumptions: list[Consumption] = field(default_factory=list)
    _next_uid: int = 0

    def new_uid(self) -> int:
        self._next_uid += 1
        return self._next_uid

    def add_lot(self, lot: Lot) -> None:
        lots = self.lots.setdefault(lot.product_id, [])
        bisect.insort(lots, lot, key=lambda item: (item.day, item.uid))

    def fork(self) -> Fork:
        return Fork(self)


class Fork:
    """A tentative change to a :class:`Ledger`: book hours, take and add lots."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.free: dict[int, list[float]] = {}
        self.first_open: dict[int, int] = {}
        self.taken: dict[int, float] = {}
        self.new_lots: dict[int, list[Lot]] = {}
        self.consumptions: list[Consumption] = []

    # -- capacity ---------------------------------------------------------------------------
    def hours(self, workcenter_id: int) -> list[float]:
        """Free hours per day as this fork sees them (do not modify)."""
        own = self.free.get(workcenter_id)
        return own if own is not None else self.ledger.free[workcenter_id]

    def find_slot(self, workcenter_id: int, earliest: int,
                  hours: float) -> tuple[int, list[tuple[int, float]]] | None:
        """Forward-load ``hours`` from day ``earliest``: (finish day, [(day, hours)]), or None
        if the work does not fit before the horizon. Books nothing."""
        if hours <= EPS:
            return earliest, []
        free = self.hours(workcenter_id)
        remaining = hours
        bookings: list[tuple[int, float]] = []
        first_open = self.first_open.get(workcenter_id)
        if first_open is None:
            first_open = self.ledger.first_open.get(workcenter_id, 0)
        day = max(earliest, first_open)
        horizon = self.ledger.horizon
        while day < horizon:
            available = free[day]
            if available > EPS:
                used = available if available < remaining else remaining
                bookings.append((day, used))
                remaining -= used
                if remaining <= EPS:
                    return day, bookings
            day += 1
        return None

    def find_slot_backward(self, workcenter_id: int, latest: int,
                           hours: float) -> tuple[int, list[tuple[int, float]]] | None:
        """Load ``hours`` backwards from day ``latest`` (just in time): (first day,
        [(day, hours)] by day), or None if the work does not fit before ``latest``. Books
        nothing."""
        if hours <= EPS:
            return latest, []
        free = self.hours(workcenter_id)
        first_open = self.first_open.get(workcenter_id)
        if first_open is None:
            first_open = self.ledger.first_open.get(workcenter_id, 0)
        remaining = hours
        bookings: list[tuple[int, float]] = []
        day = min(latest, self.ledger.horizon - 1)
        while day >= first_open:
            available = free[day]
            if available > EPS:
                used = available if available < remaining else remaining
                bookings.append((day, used))
                remaining -= used
                if remaining <= EPS:
                    bookings.reverse()
                    return day, bookings
            day -= 1
        return None

    def book(self, workcenter_id: int, bookings: list[tuple[int, float]]) -> None:
        """Take the hours of a slot found by :meth:`find_slot`."""
        if not bookings:
            return
        own = self._own_hours(workcenter_id)
        for day, used in bookings:
            own[day] -= used
            if own[day] < EPS:
                own[day] = 0.0

    def release(self, workcenter_id: int, bookings: list[tuple[int, float]]) -> None:
        """Give back hours booked earlier (used to re-plan a quotation that holds capacity)."""
        if not bookings:
            return
        own = self._own_hours(workcenter_id)
        for day, used in bookings:
            own[day] += used
        first = min(day for day, _ in bookings)
        current = self.first_open.get(workcenter_id, self.ledger.first_open.get(workcenter_id, 0))
        self.first_open[workcenter_id] = min(current, first)

    def _own_hours(self, workcenter_id: int) -> list[float]:
        own = self.free.get(workcenter_id)
        if own is None:
            own = self.ledger.free[workcenter_id][:]
            self.free[workcenter_id] = own
        return own

    # -- material ---------------------------------------------------------------------------
    def lots(self, product_id: int) -> Iterator[tuple[Lot, float]]:
        """Lots of a product with what is left of each, in the order they become available."""
        base = self.ledger.lots.get(product_id, ())
        own = self.new_lots.get(product_id)
        merged: list[Lot] | tuple[Lot, ...] = (
            sorted([*base, *own], key=lambda item: (item.day, item.uid)) if own else base)
        taken = self.taken
        for lot in merged:
            left = lot.qty - taken.get(lot.uid, 0.0)
            if left > EPS:
                yield lot, left

    def give_back(self, lot: Lot, qty: float) -> None:
        """Undo an earlier, committed take of ``qty`` from ``lot`` in this fork only."""
        lots = self.ledger.lots.get(lot.product_id, ())
        if any(candidate is lot for candidate in lots):
            self.taken[lot.uid] = self.taken.get(lot.uid, 0.0) - qty
        else:  # the lot was used up and left the ledger: bring the quantity back as a new lot
            self.add_lot(Lot(self.new_uid(), lot.product_id, lot.day, qty, lot.kind, lot.cause,
                             lot.reserved_for))

    def take(self, lot: Lot, qty: float, demand: DemandRef) -> Consumption:
        self.taken[lot.uid] = self.taken.get(lot.uid, 0.0) + qty
        consumption = Consumption(lot, qty, demand)
        self.consumptions.append(consumption)
        return consumption

    def add_lot(self, lot: Lot) -> None:
        self.new_lots.setdefault(lot.product_id, []).append(lot)

    def new_uid(self) -> int:
        return self.ledger.new_uid()

    # -- commit -----------------------------------------------------------------------------
    def commit(self, share: float = 1.0) -> None:
        """Make this fork's bookings and takes part of the ledger; with ``share`` below 1 only
        that part of them (a quotation that holds capacity in proportion to the chance it
        becomes an order)."""
        ledger = self.ledger
        if share < 1.0:
            self._scale(share)
        for workcenter_id, hours in self.free.items():
            ledger.free[workcenter_id] = hours
            start = self.first_open.get(workcenter_id, ledger.first_open.get(workcenter_id, 0))
            while start < ledger.horizon and hours[start] <= EPS:
                start += 1
            ledger.first_open[workcenter_id] = start
        for lots in self.new_lots.values():
            for lot in lots:
                ledger.add_lot(lot)
        taken = self.taken
        for product_id in {consumption.lot.product_id for consumption in self.consumptions}:
            product_lots = ledger.lots.get(product_id)
            if not product_lots:
                continue
            for lot in product_lots:
                used = taken.get(lot.uid)
                if used:
                    lot.qty -= used
            ledger.lots[product_id] = [lot for lot in product_lots if lot.qty > EPS]
        ledger.consumptions.extend(self.consumptions)
        self.free, self.first_open, self.taken = {}, {}, {}
        self.new_lots, self.consumptions = {}, []

    def _scale(self, share: float) -> None:
        for workcenter_id, own in self.free.items():
            base = self.ledger.free[workcenter_id]
            self.free[workcenter_id] = [b - share * (b - o) for b, o in zip(base, own,
                                                                          strict=True)]
        for uid in self.taken:
            self.taken[uid] *= share
        for lots in self.new_lots.values():
            for lot in lots:
                lot.qty *= share
