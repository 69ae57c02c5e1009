"""Material: lots of a product that are (or will be) there from an instant on, and who takes them.

Stock is there from the start; an open purchase order from its expected arrival; an open or
planned manufacturing order's output from the end of its last operation. Lots are taken in the
order they arrive (forward) or, planning just in time, the latest that is still in time first
(backward). A :class:`StockFork` records takes and new lots apart from the committed
:class:`Stock`, so a quotation can be tried without touching the plan.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from optimizer.journal import Change, Journal
from optimizer.plan import DemandRef
from optimizer.reason import Reason

QTY_EPS = 1e-6
LotKind = Literal["stock", "supply", "purchase", "production"]


@dataclass(eq=False, slots=True)
class Lot:
    """``qty`` of one product available from instant ``at`` (minutes after the snapshot)."""

    uid: int
    product_id: int
    at: float
    qty: float
    kind: LotKind
    reason: Reason
    reserved_for: int | None = None  # a sale order id: only that order may use it
    scenario: int | None = None  # the quotation whose inquiry created it; None when committed
    ref_id: int | None = None  # the purchase order line an open supply lot comes from


@dataclass(eq=False, slots=True)
class Consumption:
    """``qty`` of ``lot`` used by ``demand`` at ``at`` (set once the consumer is scheduled)."""

    lot: Lot
    qty: float
    demand: DemandRef
    at: float = 0.0


def _key(lot: Lot) -> tuple[float, int]:
    return (lot.at, lot.uid)


@dataclass(eq=False)
class Stock:
    """Committed lots per product, sorted by arrival. Only :meth:`StockFork.commit` changes it."""

    lots: dict[int, list[Lot]] = field(default_factory=dict)
    consumptions: list[Consumption] = field(default_factory=list)
    next_uid: int = 0

    def new_uid(self) -> int:
        """A fresh lot id (in the order lots are made, so plans are reproducible)."""
        self.next_uid += 1
        return self.next_uid

    def add(self, lot: Lot) -> None:
        """A lot that is part of the plan from now on."""
        bisect.insort(self.lots.setdefault(lot.product_id, []), lot, key=_key)


    def set_aside(self, reservations: list[tuple[int, int, float]]) -> list[Lot]:
        """Split ``(lot uid, sale order id, quantity)`` off committed lots as lots only that
        order may use (as much as is left of each); the new lots, in the order made."""
        by_uid = {lot.uid: lot for lots in self.lots.values() for lot in lots} \
            if reservations else {}
        made = []
        for uid, order_id, wanted in sorted(reservations):
            lot = by_uid.get(uid)
            if lot is None or lot.reserved_for is not None:
                continue
            qty = min(wanted, lot.qty)
            if qty <= QTY_EPS:
                continue
            lot.qty -= qty
            piece = Lot(self.new_uid(), lot.product_id, lot.at, qty, lot.kind, lot.reason,
                        order_id, ref_id=lot.ref_id)
            self.add(piece)
            made.append(piece)
        for product_id in sorted({lot.product_id for lot in made}):
            self.lots[product_id] = [lot for lot in self.lots[product_id] if lot.qty > QTY_EPS]
        return made


class StockFork:
    """Tentative takes and new lots over a :class:`Stock`. Every change is recorded in the
    fork's :class:`~optimizer.journal.Journal`."""

    def __init__(self, stock: Stock, journal: Journal):
        self.stock = stock
        self.journal = journal
        self.taken: dict[int, float] = {}
        self.new_lots: dict[int, list[Lot]] = {}  # in the order they were made
        # the new lots not used up yet, by arrival: a quote's lines make and use up thousands,
        # and each line looking through them all again made a quote's cost quadratic
        self.open_lots: dict[int, list[Lot]] = {}
        self.consumptions: list[Consumption] = []

    def lots(self, product_id: int) -> Iterator[tuple[Lot, float]]:
        """Lots of a product with what is left of each, in the order they arrive."""
        base = self.stock.lots.get(product_id, ())
        own = self.open_lots.get(product_id)
        merged: Iterable[Lot] = base
        if own:
            merged = list(base)
            for lot in own:
                bisect.insort(merged, lot, key=_key)
        taken = self.taken
        for lot in merged:
            left = lot.qty - taken.get(lot.uid, 0.0)
            if left > QTY_EPS:
                yield lot, left

    def take(self, lot: Lot, qty: float, demand: DemandRef) -> Consumption:
        """Use ``qty`` of ``lot`` for ``demand``."""
        consumption = Consumption(lot, qty, demand)
        self.journal.record(self._take(lot, qty, consumption))
        return consumption

    def _take(self, lot: Lot, qty: float, consumption: Consumption) -> Change:
        before = self.taken.get(lot.uid)
        used = (before or 0.0) + qty
        self.taken[lot.uid] = used
        self.consumptions.append(consumption)
        closed = -1
        own = self.open_lots.get(lot.product_id)
        if own and lot.qty - used <= QTY_EPS:
            k = bisect.bisect_left(own, _key(lot), key=_key)
            if k < len(own) and own[k] is lot:
                del own[k]
                closed = k
        return (self, "take", lot, qty, consumption, before, closed)

    def give_back(self, lot: Lot, qty: float) -> None:
        """Undo, in this fork only, a committed take of ``qty`` from ``lot``."""
        lots = self.stock.lots.get(lot.product_id, ())
        if any(candidate is lot for candidate in lots):
            before = self.taken.get(lot.uid)
            self.taken[lot.uid] = (before or 0.0) - qty
            self.journal.record((self, "give_back", lot, qty, None, before, -1))
        else:  # the lot was used up and left the stock: bring it back as a new lot
            self.add(Lot(self.stock.new_uid(), lot.product_id, lot.at, qty, lot.kind,
                         lot.reason, lot.reserved_for, ref_id=lot.ref_id))

    def add(self, lot: Lot) -> None:
        """A new lot (planned output or a new purchase)."""
        self.journal.record(self._add(lot))

    def _add(self, lot: Lot) -> Change:
        self.new_lots.setdefault(lot.product_id, []).append(lot)
        own = self.open_lots.setdefault(lot.product_id, [])
        k = bisect.bisect_left(own, _key(lot), key=_key)
        own.insert(k, lot)
        return (self, "add", lot, 0.0, None, None, k)

    def undo(self, change: Change) -> None:
        """Undo a take, a give-back or a new lot (the latest change still in force)."""
        kind, lot, _, _, before, k = change[1:]
        if kind == "add":
            self.new_lots[lot.product_id].pop()
            del self.open_lots[lot.product_id][k]
            return
        if before is None:
            del self.taken[lot.uid]
        else:
            self.taken[lot.uid] = before
        if kind == "take":
            self.consumptions.pop()
            if k >= 0:
                self.open_lots[lot.product_id].insert(k, lot)

    def redo(self, change: Change) -> None:
        """Make an undone change again (with the same consumption, which answers hold)."""
        kind, lot, qty, consumption = change[1:5]
        if kind == "add":
            self._add(lot)
        elif kind == "take":
            self._take(lot, qty, consumption)
        else:
            self.taken[lot.uid] = (self.taken.get(lot.uid) or 0.0) - qty

    def commit(self, share: float = 1.0) -> None:
        """Fold takes and new lots into the stock; below 1, only ``share`` of them."""
        stock = self.stock
        if share < 1.0:
            self.taken = {uid: qty * share for uid, qty in self.taken.items()}
            for lots in self.new_lots.values():
                for lot in lots:
                    lot.qty *= share
        for product_id in sorted(self.new_lots):
            for lot in self.new_lots[product_id]:
                stock.add(lot)
        # only the lots taken from change: each once, then a product's list loses the ones
        # used up (lots the fork made are in the stock by now and were taken from as well)
        taken, emptied = self.taken, set()
        seen: set[int] = set()
        for consumption in self.consumptions:
            lot = consumption.lot
            if lot.uid in seen:
                continue
            seen.add(lot.uid)
            used = taken.get(lot.uid)
            if used:
                lot.qty -= used
                if lot.qty <= QTY_EPS:
                    emptied.add(lot.product_id)
        for product_id in sorted(emptied):
            product_lots = stock.lots.get(product_id)
            if product_lots:
                stock.lots[product_id] = [lot for lot in product_lots if lot.qty > QTY_EPS]
        stock.consumptions.extend(self.consumptions)
        self.taken, self.new_lots, self.open_lots, self.consumptions = {}, {}, {}, []
