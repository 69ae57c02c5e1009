"""Demand: which orders there are, in which turn they are planned, and when each is due.

Open manufacturing orders come first (work in progress, then by scheduled start, sub-assemblies
before what they go into), then confirmed orders (higher priority first, then earliest due),
then quotations, first come first served. Dates follow Odoo: a line's lead-time date is the
order date plus the customer lead time; the order's follows its shipping policy.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from optimizer.snapshot import ManufacturingOrder, SaleLine, SaleOrder, Snapshot

MINUTES_PER_DAY = 1440.0


class Demand:
    """Turns and due instants for one snapshot."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.index = snapshot.index
        self.today = snapshot.today
        self.tz = ZoneInfo(snapshot.timezone)
        self._heights: dict[int, int] = {}
        self._day_starts: dict[dt.date, float] = {}

    # -- instants -----------------------------------------------------------------------------
    def minutes(self, moment: dt.datetime) -> float:
        """An aware datetime as minutes after the snapshot's ``now``."""
        return (moment - self.snapshot.now).total_seconds() / 60

    def day_start(self, date: dt.date) -> float:
        """The start of a local date, in minutes after ``now``."""
        start = self._day_starts.get(date)
        if start is None:
            start = self._day_starts[date] = self.minutes(
                dt.datetime.combine(date, dt.time(), self.tz))
        return start

    def line_lead_time_date(self, order: SaleOrder, line: SaleLine) -> dt.date:
        """The date Odoo shows for a line: order date + the product's customer lead time."""
        lead = line.customer_lead_days
        if lead is None:
            lead = self.index.products[line.product_id].customer_lead_days
        return order.order_date + dt.timedelta(days=math.ceil(lead - 1e-9))

    def lead_time_date(self, order: SaleOrder) -> dt.date:
        """Odoo's expected date: earliest line (as soon as possible) or latest (all at once)."""
        dates = [self.line_lead_time_date(order, line) for line in order.lines]
        if not dates:
            return order.order_date
        return max(dates) if order.picking_policy == "one" else min(dates)

    def due_date(self, order: SaleOrder) -> dt.date:
        """The date an order is due: its commitment date, else Odoo's lead-time date."""
        return order.commitment_date or self.lead_time_date(order)

    def due_at(self, order: SaleOrder) -> float:
        """The instant an order must be delivered by: the commitment to the second when
        known, else the end of its due date."""
        if order.commitment_at is not None:
            return self.minutes(order.commitment_at)
        # the last second of the due date: ready at midnight would be the next date
        return self.day_start(self.due_date(order) + dt.timedelta(days=1)) - 1 / 60

    def ready_by(self, order: SaleOrder) -> float:
        """The instant goods must be ready for the delivery to be on time."""
        return self.due_at(order) - self.snapshot.delivery_lead_days * MINUTES_PER_DAY

    # -- turns --------------------------------------------------------------------------------
    def confirmed_in_turn(self) -> list[SaleOrder]:
        """Confirmed orders: higher priority first, then earliest due."""
        confirmed = [o for o in self.snapshot.sale_orders if o.state == "confirmed"]
        confirmed.sort(key=self._turn)
        return confirmed

    def _turn(self, order: SaleOrder) -> tuple[int, float, dt.date, int]:
        return (-order.priority, self.due_at(order), order.order_date, order.id)

    def quotations_in_turn(self) -> list[SaleOrder]:
        """Open quotations, first created first served."""
        quotations = [o for o in self.snapshot.sale_orders if o.state == "quotation"]
        epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        return sorted(quotations, key=lambda o: (o.created_at or epoch, o.order_date, o.id))

    def manufacturing_in_turn(self) -> list[ManufacturingOrder]:
        """Work in progress first, then by scheduled start, sub-assemblies before what they
        go into at the same start."""
        return sorted(self.snapshot.manufacturing_orders, key=self._mo_turn)

    def _mo_turn(self, mo: ManufacturingOrder) -> tuple[int, float, int, float, int]:
        started = any(wo.started for wo in mo.work_orders)
        start = self.released(mo)
        deadline = self.day_start(mo.deadline) if mo.deadline else start
        return (0 if started else 1, start, self._height(mo.product_id), deadline, mo.id)

    def released(self, mo: ManufacturingOrder) -> float:
        """When a released order may start: its scheduled start (to the second when known)."""
        if mo.planned_start_at is not None:
            return self.minutes(mo.planned_start_at)
        if mo.planned_start is not None:
            return self.day_start(mo.planned_start)
        return 0.0

    def _height(self, product_id: int) -> int:
        """Levels of manufactured components below a product (0 for a bought one)."""
        cached = self._heights.get(product_id)
        if cached is not None:
            return cached
        bom = self.index.bom_for.get(product_id)
        height = 0 if bom is None else 1 + max(
            (self._height(line.product_id) for line in bom.lines), default=0)
        self._heights[product_id] = height
        return height


def by_date(parts: Iterable[tuple[dt.date, float]]) -> tuple[tuple[dt.date, float], ...]:
    """Quantities summed per date, in date order (what ships when)."""
    totals: dict[dt.date, float] = {}
    for date, quantity in parts:
        totals[date] = totals.get(date, 0.0) + quantity
    return tuple((date, round(qty, 6)) for date, qty in sorted(totals.items()) if qty > 1e-9)
