"""Work-center lanes: which exact intervals are booked, and the first (or last) free slot.

A work center runs one work order at a time, as Odoo plans them (``mrp.workcenter``
``_get_first_available_slot``): a work order occupies its lane from its start to its end,
nights and weekends in between included, and no other work order may sit inside that span.
A lane is kept in working minutes (a position on the work center's
:class:`~optimizer.calendar.WorkingTime`), where that rule is simply "booked intervals do not
overlap": the free gaps are kept sorted, in blocks that know their largest gap, so the first
gap that fits is found without walking every small one. One search serves both directions:
forward from an earliest start, backward from a latest end.
"""

from __future__ import annotations

import bisect

from optimizer.calendar import BACKWARD, EPS, FORWARD, WorkingTime
from optimizer.journal import Change, Journal

BLOCK = 16
_INF = float("inf")
Gap = tuple[float, float]
# where a change of a lane starts, its blocks, firsts and maxes before, how many blocks after
Patch = tuple[int, list[list[Gap]], list[float], list[float], int]
Slot = tuple[float, float, float, float]  # start and end instants, then their positions


class Lane:
    """Free gaps of one work center, in working minutes, sorted and disjoint."""

    __slots__ = ("blocks", "firsts", "maxes")

    def __init__(self, blocks: list[list[Gap]]):
        self.blocks = [block for block in blocks if block]
        self.firsts = [block[0][0] for block in self.blocks]
        self.maxes = [max(b - a for a, b in block) for block in self.blocks]

    @classmethod
    def free(cls, total: float) -> Lane:
        """A lane with nothing booked over ``total`` working minutes."""
        return cls([[(0.0, total)]] if total > EPS else [])

    def copy(self) -> Lane:
        """An independent copy. Blocks are shared: :meth:`occupy` and :meth:`vacate` never
        change a block in place, they replace it."""
        lane = Lane.__new__(Lane)
        lane.blocks = self.blocks[:]
        lane.firsts = self.firsts[:]
        lane.maxes = self.maxes[:]
        return lane

    def gaps(self) -> list[Gap]:
        """All free gaps, in order."""
        return [gap for block in self.blocks for gap in block]

    def first_fit(self, position: float, minutes: float) -> float | None:
        """The earliest start at or after ``position`` of a gap of ``minutes``."""
        need = minutes - EPS
        first = max(0, bisect.bisect_right(self.firsts, position) - 1)
        blocks, maxes = self.blocks, self.maxes
        for k in range(first, len(blocks)):
            if maxes[k] < need:
                continue
            block = blocks[k]
            # gaps ending before the position cannot hold anything: start at the one it is in
            j = bisect.bisect_right(block, (position, _INF)) - 1 if k == first else 0
            for a, b in block[j if j > 0 else 0:]:
                start = a if a > position else position
                if b - start >= need:
                    return start
        return None

    def last_fit(self, position: float, minutes: float) -> float | None:
        """The latest end at or before ``position`` of a gap of ``minutes``."""
        need = minutes - EPS
        last = min(len(self.blocks) - 1, bisect.bisect_right(self.firsts, position) - 1)
        blocks, maxes = self.blocks, self.maxes
        for k in range(last, -1, -1):
            if maxes[k] < need:
                continue
            block = blocks[k]
            # gaps starting after the position cannot hold anything: start at the one it is in
            j = bisect.bisect_right(block, (position, _INF)) if k == last else len(block)
            for a, b in reversed(block[:j]):
                end = b if b < position else position
                if end - a >= need:
                    return end
        return None

    def occupy(self, start: float, end: float) -> Patch:
        """Remove ``[start, end]`` from the free gaps (it lies inside one of them); returns
        what :meth:`unpatch` needs to undo it."""
        k = max(0, bisect.bisect_right(self.firsts, start + EPS) - 1)
        patch = (k, self.blocks[k:k + 1], self.firsts[k:k + 1], self.maxes[k:k + 1])
        block = self.blocks[k][:]  # copied: other lanes may share the block
        self.blocks[k] = block
        j = max(0, bisect.bisect_right(block, (start + EPS, float("inf"))) - 1)
        a, b = block[j]
        pieces = [(a, start)] if start - a > EPS else []
        if b - end > EPS:
            pieces.append((end, b))
        block[j:j + 1] = pieces
        if not block:
            del self.blocks[k], self.firsts[k], self.maxes[k]
            return (*patch, 0)
        if len(block) > 2 * BLOCK:
            self.blocks[k:k + 1] = [block[:BLOCK], block[BLOCK:]]
            self.firsts[k:k + 1] = [0.0, 0.0]
            self.maxes[k:k + 1] = [0.0, 0.0]
            for i in (k, k + 1):
                self._refresh(i)
            return (*patch, 2)
        self.firsts[k] = block[0][0]
        if b - a >= self.maxes[k] - EPS:  # the largest gap shrank: find the new largest
            self.maxes[k] = max(y - x for x, y in block)
        return (*patch, 1)

    def _refresh(self, k: int) -> None:
        block = self.blocks[k]
        self.firsts[k] = block[0][0]
        self.maxes[k] = max(b - a for a, b in block)

    def vacate(self, start: float, end: float) -> Patch:
        """Give ``[start, end]`` back to the free gaps; returns what :meth:`unpatch` needs to
        undo it. Only the blocks around it change: the gaps it may join end at ``start`` or
        begin at ``end``."""
        k = bisect.bisect_right(self.firsts, start) - 1  # the last block starting by then
        low, high = max(0, k), min(len(self.blocks), k + 2)
        patch = (low, self.blocks[low:high], self.firsts[low:high], self.maxes[low:high])
        merged: list[Gap] = []
        for a, b in sorted([gap for block in patch[1] for gap in block] + [(start, end)]):
            if merged and a <= merged[-1][1] + EPS:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        fresh = Lane([merged[i:i + BLOCK] for i in range(0, len(merged), BLOCK)])
        self.blocks[low:high] = fresh.blocks
        self.firsts[low:high] = fresh.firsts
        self.maxes[low:high] = fresh.maxes
        return (*patch, len(fresh.blocks))

    def unpatch(self, patch: Patch) -> None:
        """Undo the :meth:`occupy` or :meth:`vacate` that returned ``patch`` (the latest
        change of this lane still in force)."""
        k, blocks, firsts, maxes, count = patch
        self.blocks[k:k + count] = blocks
        self.firsts[k:k + count] = firsts
        self.maxes[k:k + count] = maxes


class LaneBook:
    """The committed lanes of every work center and their working time."""

    def __init__(self, times: dict[int, WorkingTime]):
        self.times = times
        self.lanes = {wc: Lane.free(time.total) for wc, time in times.items()}


class LaneFork:
    """Tentative bookings over a :class:`LaneBook`; a lane is copied when first booked. Every
    change is recorded in the fork's :class:`~optimizer.journal.Journal`."""

    def __init__(self, book: LaneBook, journal: Journal):
        self.base = book
        self.journal = journal
        self.own: dict[int, Lane] = {}
        self.added: list[tuple[int, float, float]] = []  # (work center, from, to) positions

    def _lane(self, workcenter_id: int) -> Lane:
        own = self.own.get(workcenter_id)
        return own if own is not None else self.base.lanes[workcenter_id]

    def find(self, workcenter_id: int, instant: float, minutes: float,
             direction: int) -> Slot | None:
        """The first slot of ``minutes`` working minutes starting at or after ``instant``
        (forward) or the last ending at or before it (backward): (start, end) instants and
        their working-minute positions, or None when there is none within the horizon."""
        time = self.base.times[workcenter_id]
        position = time.position(instant)
        if minutes <= EPS:
            moment = time.snap(instant, direction)
            return None if moment is None else (moment, moment, position, position)
        lane = self._lane(workcenter_id)
        if direction == FORWARD:
            found = lane.first_fit(position, minutes)
            if found is None:
                return None
            start, end = found, found + minutes
        else:
            found = lane.last_fit(position, minutes)
            if found is None:
                return None
            start, end = found - minutes, found
        at_start = time.at_position(start, BACKWARD)
        at_end = time.at_position(end, FORWARD)
        if at_start is None or at_end is None:
            return None
        return at_start, at_end, start, end

    def book(self, workcenter_id: int, slot: Slot) -> None:
        """Occupy a slot :meth:`find` returned."""
        a, b = slot[2], slot[3]
        if b - a <= EPS:
            return
        lane = self._own(workcenter_id)
        patch = lane.occupy(a, b)
        self.added.append((workcenter_id, a, b))
        self.journal.record((self, "occupy", lane, patch, workcenter_id, a, b))

    def release(self, workcenter_id: int, start: float, end: float) -> None:
        """Free a slot booked earlier (to re-quote a quotation that holds capacity)."""
        time = self.base.times[workcenter_id]
        a, b = time.position(start), time.position(end)
        if b - a > EPS:
            lane = self._own(workcenter_id)
            self.journal.record((self, "vacate", lane, lane.vacate(a, b), workcenter_id, a, b))

    def _own(self, workcenter_id: int) -> Lane:
        own = self.own.get(workcenter_id)
        if own is None:
            own = self.base.lanes[workcenter_id].copy()
            self.own[workcenter_id] = own
            self.journal.record((self, "own", own, None, workcenter_id))
        return own

    def undo(self, change: Change) -> None:
        """Undo a change of :meth:`book`, :meth:`release` or a lane's first copy."""
        kind, lane, patch, workcenter_id = change[1:5]
        if kind == "own":
            del self.own[workcenter_id]
            return
        lane.unpatch(patch)
        if kind == "occupy":
            self.added.pop()

    def redo(self, change: Change) -> None:
        """Make an undone change again."""
        kind, lane, _, workcenter_id = change[1:5]
        if kind == "own":
            self.own[workcenter_id] = lane
        elif kind == "occupy":
            lane.occupy(*change[5:])
            self.added.append((workcenter_id, *change[5:]))
        else:
            lane.vacate(*change[5:])

    def commit(self, share: float = 1.0) -> None:
        """Make this fork's bookings part of the book; below 1, only the first ``share`` of
        each booking's working minutes (a quotation holding part of its work)."""
        if share < 1.0:
            added = self.added
            self.own, self.added = {}, []
            for wc, a, b in added:
                lane = self.own.get(wc)
                if lane is None:
                    lane = self.own[wc] = self.base.lanes[wc].copy()
                lane.occupy(a, a + share * (b - a))
        self.base.lanes.update(self.own)
        self.own, self.added = {}, []
