"""What is left to plan with (lanes and material), the request every decision answers, and
what planning records.

All planning happens in a :class:`Fork` of the :class:`Ledger`: a fork costs nothing until it
books or takes, can be marked and rolled back, and is committed when an order is planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optimizer.calendar import FORWARD, WorkingTime
from optimizer.journal import Change, Journal
from optimizer.material import Consumption, Lot, Stock, StockFork
from optimizer.plan import DemandRef
from optimizer.reason import Reason
from optimizer.resource import LaneBook, LaneFork
from optimizer.snapshot import SaleLine, SaleOrder


@dataclass(frozen=True, slots=True)
class Request:
    """One ask: ``quantity`` of a product for ``demand``, from ``instant`` on (forward) or by
    ``instant`` (backward, just in time). ``scenario`` is the quotation an inquiry plans for;
    ``reserved_for`` the sale order whose reserved material may be used; ``fast_vendor`` asks
    for the vendor that delivers soonest rather than Odoo's choice."""

    product_id: int
    quantity: float
    demand: DemandRef
    instant: float = 0.0
    direction: int = FORWARD
    scenario: int | None = None
    reserved_for: int | None = None
    fast_vendor: bool = False

    def ask(self, product_id: int, quantity: float, instant: float | None = None) -> Request:
        """The same request for another product (a component), quantity or instant."""
        return Request(product_id, quantity, self.demand,
                       self.instant if instant is None else instant, self.direction,
                       self.scenario, self.reserved_for, self.fast_vendor)


@dataclass(eq=False, slots=True)
class Answer:
    """All of a request is there at ``at`` because of ``reason``; ``takes`` are the lots used."""

    at: float
    reason: Reason
    takes: list[Consumption]


class Unplannable(Exception):  # noqa: N818 - control flow inside the engine, never escapes it
    """A request that cannot be met; ``reason`` says why."""

    def __init__(self, reason: Reason):
        super().__init__(reason.kind)
        self.reason = reason


@dataclass(eq=False, slots=True)
class OperationRecord:
    """An operation booked on a lane from ``start`` to ``end`` (instants); ``earliest`` is
    when it could have started (forward) or had to end (backward)."""

    name: str
    workcenter_id: int
    minutes: float
    start: float
    end: float
    earliest: float
    operation_id: int | None = None
    workorder_id: int | None = None


@dataclass(eq=False, slots=True)
class JobRecord:
    """Production planned by the engine: an open manufacturing order or a new one."""

    key: str
    product_id: int
    quantity: float
    start: float
    finish: float
    operations: list[OperationRecord]
    components: list[tuple[int, float]]
    demand: DemandRef
    reason: Reason
    manufacturing_order_id: int | None = None
    bom_id: int | None = None
    scenario: int | None = None
    output: Lot | None = None
    ready: float = 0.0  # when its material is there


@dataclass(eq=False, slots=True)
class PurchaseRecord:
    """A new purchase: a lot that arrives no sooner than ``earliest`` (now + lead time)."""

    lot: Lot
    vendor_id: int
    quantity: float
    lead_days: float
    earliest: float
    scenario: int | None = None
    min_qty: float = 0.0


@dataclass(eq=False, slots=True)
class LineOutcome:
    """How a sale line is served: the lots it takes (what ships when), when all of it is there
    (``at``, None when nothing can come) and ``missing`` quantity that cannot come at all."""

    order: SaleOrder
    line: SaleLine
    quantity: float
    at: float | None
    reason: Reason
    takes: list[Consumption]
    missing: float = 0.0


@dataclass(eq=False)
class ScenarioRecord:
    """What planning one order (or all open manufacturing orders) produced."""

    jobs: list[JobRecord] = field(default_factory=list)
    purchases: list[PurchaseRecord] = field(default_factory=list)
    lines: list[LineOutcome] = field(default_factory=list)
    consumptions: list[Consumption] = field(default_factory=list)
    share: float = 1.0  # the part committed to the ledger (quotations holding capacity)

    def extend(self, other: ScenarioRecord) -> None:
        """Add another record's jobs, purchases and lines."""
        self.jobs.extend(other.jobs)
        self.purchases.extend(other.purchases)
        self.lines.extend(other.lines)


@dataclass(eq=False)
class Ledger:
    """Committed lanes and material. Only :meth:`Fork.commit` changes it."""

    lanes: LaneBook
    stock: Stock

    @classmethod
    def empty(cls, times: dict[int, WorkingTime]) -> Ledger:
        """Nothing booked, no material."""
        return cls(LaneBook(times), Stock())

    def fork(self) -> Fork:
        """A fresh tentative change."""
        return Fork(self)


class Fork:
    """Tentative bookings and takes over a :class:`Ledger`."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.journal = Journal()
        self.lanes = LaneFork(ledger.lanes, self.journal)
        self.stock = StockFork(ledger.stock, self.journal)

    def new_uid(self) -> int:
        """A fresh lot id."""
        return self.ledger.stock.new_uid()

    def mark(self) -> ForkMark:
        """Remember this fork's state so a failed attempt can be undone (costs nothing: the
        fork's journal keeps what to undo)."""
        return ForkMark(self, self.journal.position())

    def commit(self, share: float = 1.0) -> None:
        """Fold this fork into its ledger (only ``share`` of it, for a held quotation)."""
        self.lanes.commit(share)
        self.stock.commit(share)
        self.journal.clear()


@dataclass(frozen=True, slots=True)
class ForkMark:
    """A fork's state at one moment; :meth:`rollback` may be called more than once."""

    fork: Fork
    position: int

    def rollback(self) -> None:
        """Undo everything the fork did since the mark."""
        self.fork.journal.undo_to(self.position)

    def set_aside(self) -> SetAside:
        """Roll back, keeping what was undone so that :meth:`SetAside.restore` can make it
        again (to try something else, then go back to the first attempt)."""
        return SetAside(self, self.fork.journal.undo_to(self.position))


@dataclass(frozen=True, slots=True)
class SetAside:
    """Changes a fork made after ``mark`` and that were rolled back."""

    mark: ForkMark
    changes: list[Change]

    def restore(self) -> None:
        """Undo whatever came after :attr:`mark` instead and make these changes again."""
        self.mark.rollback()
        self.mark.fork.journal.redo(self.changes)
