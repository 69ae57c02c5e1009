"""Turn a planner :class:`~optimizer.ledger.Cause` into one sentence a salesperson understands."""

from __future__ import annotations

import datetime as dt
import math

from optimizer.ledger import Cause
from optimizer.plan import PlannerSettings
from optimizer.snapshot import Snapshot


class Explainer:
    """Names records and dates the way the people in the factory call them."""

    def __init__(self, snapshot: Snapshot, settings: PlannerSettings):
        self.index = snapshot.index
        self.today = snapshot.today
        self.horizon_days = settings.horizon_days

    def date(self, day: int) -> str:
        """``12 Dec``, with the year when it is not this year."""
        when = self.today + dt.timedelta(days=day)
        if when.year != self.today.year:
            return f"{when.day} {when:%b %Y}"
        return f"{when.day} {when:%b}"

    def _product(self, product_id: int | None) -> str:
        if product_id is None or product_id not in self.index.products:
            return "the product"
        return self.index.products[product_id].name

    def _workcenter(self, workcenter_id: int | None) -> str:
        if workcenter_id is None or workcenter_id not in self.index.workcenters:
            return "a work center"
        return self.index.workcenters[workcenter_id].name

    def _vendor(self, vendor_id: int | None) -> str:
        if vendor_id is None or vendor_id not in self.index.vendors:
            return "the vendor"
        return self.index.vendors[vendor_id].name

    def _safety(self, cause: Cause) -> str:
        if cause.until is None or cause.day is None or cause.until <= cause.day:
            return ""
        return f", counted from {self.date(cause.until)} in case it is late"

    def _made(self, cause: Cause, for_product: int | None) -> str:
        inner = cause.inner
        if inner is None:
            return self.sentence(Cause("work", cause.day, cause.product_id, hours=cause.hours),
                                 for_product)
        held_up = self.sentence(inner, for_product).rstrip(".")
        if inner.day is not None and cause.day is not None and cause.day <= inner.day:
            return held_up + "."
        if not cause.workcenters:  # a bill of materials with a lead time, no operations
            return (f"{held_up}, then {self._product(cause.product_id)} takes "
                    f"{math.ceil(cause.lead_days)} days to make, ready on "
                    f"{self.date(cause.day or 0)}.")
        if inner.kind in ("capacity", "closed"):
            return f"{held_up}, so {self._product(cause.product_id)} is ready on " \
                   f"{self.date(cause.day or 0)}."
        names = [self._workcenter(wc) for wc in cause.workcenters]
        where = " and ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2
                                            else "")
        return (f"{held_up}, then {cause.hours:.0f} h of work on {where} finish on "
                f"{self.date(cause.day or 0)}.")

    def overdue(self, reason: str, due: dt.date) -> str:
        """A reason for a promise that is late only because its due date has passed."""
        when = f"{due.day} {due:%b}" if due.year == self.today.year else f"{due.day} {due:%b %Y}"
        return f"{reason.rstrip('.')} - it was due on {when}, before today."

    def sentence(self, cause: Cause, for_product: int | None = None) -> str:
        """One sentence, ending with a full stop. ``for_product`` is the product the reader asked
        about; a cause on one of its components says which component it is."""
        product = self._product(cause.product_id)
        component = (cause.product_id is not None and for_product is not None
                     and cause.product_id != for_product)
        suffix = f" (for {product})" if component else ""
        kind = cause.kind
        if kind == "stock":
            return "Available from stock."
        if kind == "scheduled":
            return f"Planned just in time, ready on {self.date(cause.day or 0)}."
        if kind == "supply":
            return (f"{product} arrives on {self.date(cause.day or 0)} from "
                    f"{self._vendor(cause.vendor_id)} ({cause.ref}){self._safety(cause)}.")
        if kind == "purchase":
            days = math.ceil(cause.lead_days)
            return (f"{product} must be bought from {self._vendor(cause.vendor_id)}: "
                    f"{days} days lead time, arrives on {self.date(cause.day or 0)}"
                    f"{self._safety(cause)}.")
        if kind == "production":
            finishing = f"{cause.ref} finishes on {self.date(cause.day or 0)}"
            if cause.inner is not None:
                inner = self.sentence(cause.inner, cause.product_id).rstrip(".")
                return f"{inner}; {finishing}."
            return f"{product} comes from {cause.ref}, which {finishing.split(' ', 1)[1]}."
        if kind == "made":
            return self._made(cause, for_product)
        if kind == "capacity":
            return (f"{self._workcenter(cause.workcenter_id)} is fully booked until "
                    f"{self.date(cause.until or 0)}{suffix}.")
        if kind == "closed":
            return (f"{self._workcenter(cause.workcenter_id)} is closed until "
                    f"{self.date(cause.until or 0)}{suffix}.")
        if kind == "busy":
            return (f"{self._workcenter(cause.workcenter_id)} is shared with other orders, so "
                    f"the work{suffix} finishes on {self.date(cause.until or 0)}.")
        if kind == "work":
            return (f"{product} needs {cause.hours:.1f} h of work, finishing on "
                    f"{self.date(cause.day or 0)}.")
        if kind == "lead_time":
            return (f"{product} takes {math.ceil(cause.lead_days)} days to make, ready on "
                    f"{self.date(cause.day or 0)}.")
        if kind == "no_vendor":
            return f"{product} is bought but has no vendor: add one on the product."
        if kind == "no_source":
            uom = self.index.uoms[self.index.products[cause.product_id].uom_id].name \
                if cause.product_id in self.index.products else ""
            return (f"{cause.quantity:g} {uom} of {product} are missing: not in stock, not on "
                    f"order, and the product is neither manufactured nor bought.")
        if kind == "horizon":
            return (f"{self._workcenter(cause.workcenter_id)} has no free capacity for "
                    f"{product} within the {self.horizon_days}-day planning horizon.")
        return f"{product}: {kind}."
