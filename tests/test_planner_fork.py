"""A fork's marks: a rollback puts lanes and material back exactly as they were, and changes
set aside come back exactly (a late line goes back to its plan with Odoo's vendor after
trying a faster one)."""

from __future__ import annotations

from optimizer.calendar import FORWARD, WorkingTime
from optimizer.ledger import Fork, Ledger
from optimizer.material import Lot
from optimizer.plan import DemandRef
from optimizer.reason import Reason

DEMAND = DemandRef("quotation", 1, "S00001", 1, 1.0)
WC = 7


def ledger_with_stock() -> Ledger:
    # two working days of 8 hours, a day apart
    ledger = Ledger.empty({WC: WorkingTime([(480.0, 960.0), (1920.0, 2400.0)])})
    stock = ledger.stock
    for at, qty in ((0.0, 5.0), (600.0, 3.0)):
        stock.add(Lot(stock.new_uid(), 11, at, qty, "stock", Reason("stock", at, 11)))
    return ledger


def state(fork: Fork) -> tuple:
    lanes = {wc: fork.lanes._lane(wc).gaps() for wc in fork.lanes.base.times}
    lots = [(lot.uid, lot.at, left) for lot, left in fork.stock.lots(11)]
    return lanes, lots, list(fork.lanes.added), [(c.lot.uid, c.qty)
                                                 for c in fork.stock.consumptions]


def book(fork: Fork, instant: float, minutes: float) -> None:
    slot = fork.lanes.find(WC, instant, minutes, FORWARD)
    assert slot is not None
    fork.lanes.book(WC, slot)


def make_and_take(fork: Fork, at: float, made: float, used: float) -> Lot:
    lot = Lot(fork.new_uid(), 11, at, made, "production", Reason("production", at, 11))
    fork.stock.add(lot)
    fork.stock.take(lot, used, DEMAND)
    return lot


def test_a_rollback_puts_lanes_and_lots_back_as_they_were():
    fork = ledger_with_stock().fork()
    book(fork, 0.0, 60.0)
    make_and_take(fork, 100.0, 2.0, 1.0)
    before = state(fork)
    mark = fork.mark()
    book(fork, 0.0, 400.0)
    book(fork, 500.0, 30.0)
    lot, left = next(fork.stock.lots(11))
    fork.stock.take(lot, left, DEMAND)
    make_and_take(fork, 50.0, 4.0, 4.0)
    assert state(fork) != before
    mark.rollback()
    assert state(fork) == before
    mark.rollback()  # a second time changes nothing
    assert state(fork) == before


def test_changes_set_aside_come_back_exactly():
    fork = ledger_with_stock().fork()
    mark = fork.mark()
    book(fork, 0.0, 120.0)
    made = make_and_take(fork, 700.0, 6.0, 2.0)
    first = state(fork)
    consumptions = list(fork.stock.consumptions)
    aside = mark.set_aside()
    assert state(fork) == ({WC: [(0.0, 960.0)]}, [(1, 0.0, 5.0), (2, 600.0, 3.0)], [], [])
    book(fork, 0.0, 300.0)  # the other attempt
    make_and_take(fork, 10.0, 1.0, 1.0)
    aside.restore()
    assert state(fork) == first
    # the very consumptions the first attempt's answer holds are the fork's again
    assert fork.stock.consumptions == consumptions
    assert next(lot for lot, _ in fork.stock.lots(11) if lot.uid == made.uid) is made


def test_a_released_slot_is_free_again_and_comes_back_on_rollback():
    ledger = ledger_with_stock()
    fork = ledger.fork()
    book(fork, 0.0, 120.0)
    book(fork, 0.0, 60.0)
    fork.commit()
    assert ledger.lanes.lanes[WC].gaps() == [(180.0, 960.0)]
    fork = ledger.fork()
    mark = fork.mark()
    fork.lanes.release(WC, 480.0, 600.0)  # the first two hours of the first day
    assert fork.lanes._lane(WC).gaps() == [(0.0, 120.0), (180.0, 960.0)]
    fork.lanes.release(WC, 600.0, 660.0)
    assert fork.lanes._lane(WC).gaps() == [(0.0, 960.0)]
    mark.rollback()
    assert fork.lanes._lane(WC).gaps() == [(180.0, 960.0)]
    assert ledger.lanes.lanes[WC].gaps() == [(180.0, 960.0)]
