"""Why something is ready when it is: a typed :class:`Reason` with a fixed set of kinds, its
structured values (the addon renders them in the user's language) and one English sentence.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from optimizer.snapshot import Snapshot

ReasonKind = Literal[
    "stock",          # available from stock
    "supply",         # an open purchase order arrives (``ref``) from ``vendor_id``
    "purchase",       # a new purchase from ``vendor_id``, ``lead_days``
    "faster_vendor",  # a new purchase from another vendor than Odoo's, to be on time
    "production",     # an open manufacturing order (``ref``) finishes
    "capacity",       # ``workcenter_id`` is booked until ``until``
    "closed",         # ``workcenter_id`` does not work until ``until``
    "work",           # the work itself takes ``minutes`` on ``workcenter_id``
    "lead_time",      # a bill of materials without operations takes ``lead_days``
    "made",           # ``inner`` held the job up, then ``minutes`` of work on ``workcenters``
    "scheduled",      # planned just in time
    "partial",        # only part can come: ``quantity`` is missing because of ``inner``
    "no_vendor",      # bought, but no valid vendor
    "no_source",      # ``quantity`` missing: neither made nor bought
    "horizon",        # no room on ``workcenter_id`` within the horizon
]
KINDS: tuple[str, ...] = ReasonKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something is ready at instant ``at`` (minutes after the snapshot), or, with ``at``
    None, why it cannot be. Which fields matter depends on ``kind`` (see :data:`ReasonKind`)."""

    kind: ReasonKind
    at: float | None
    product_id: int | None = None
    workcenter_id: int | None = None
    vendor_id: int | None = None
    ref: str = ""
    lead_days: float = 0.0
    minutes: float = 0.0
    quantity: float = 0.0
    until: float | None = None
    inner: Reason | None = None
    workcenters: tuple[int, ...] = ()
    other_vendor_id: int | None = None  # faster_vendor: the vendor Odoo would have chosen


class Explainer:
    """Names records and dates as the people in the factory call them."""

    def __init__(self, snapshot: Snapshot, horizon_days: int):
        self.index = snapshot.index
        self.origin = snapshot.now
        self.tz = ZoneInfo(snapshot.timezone)
        self.today = snapshot.today
        self.horizon_days = horizon_days
        self._epoch = self.origin.timestamp() / 60
        self._dates: dict[int, dt.date] = {}
        self._texts: dict[dt.date, str] = {}
        self._isos: dict[dt.date, str] = {}

    def local_date(self, at: float) -> dt.date:
        """The factory-local date of an instant."""
        # every time zone's offset is a multiple of 15 minutes, so local midnight is always on
        # a quarter-hour of UTC: instants in one quarter-hour share their local date
        quarter = math.floor((self._epoch + at) / 15)
        date = self._dates.get(quarter)
        if date is None:
            moment = dt.datetime.fromtimestamp(quarter * 900, dt.timezone.utc)
            date = self._dates[quarter] = moment.astimezone(self.tz).date()
        return date

    def date(self, at: float | None) -> str:
        """``12 Dec``, with the year when it is not this year."""
        return self.day_text(self.local_date(at or 0.0))

    def day_text(self, when: dt.date) -> str:
        """A date as ``12 Dec`` (``12 Dec 2027`` in another year)."""
        text = self._texts.get(when)
        if text is None:
            text = self._texts[when] = f"{when.day} {when:%b %Y}" \
                if when.year != self.today.year else f"{when.day} {when:%b}"
        return text

    def iso_date(self, at: float) -> str:
        """An instant's local date as ``2026-12-12``."""
        when = self.local_date(at)
        text = self._isos.get(when)
        if text is None:
            text = self._isos[when] = when.isoformat()
        return text

    def _name(self, table: dict[int, Any], record_id: int | None, default: str) -> str:
        record = table.get(record_id) if record_id is not None else None
        return record.name if record is not None else default

    def product(self, product_id: int | None) -> str:
        """The product's name."""
        return self._name(self.index.products, product_id, "the product")

    def workcenter(self, workcenter_id: int | None) -> str:
        """The work center's name."""
        return self._name(self.index.workcenters, workcenter_id, "a work center")

    def vendor(self, vendor_id: int | None) -> str:
        """The vendor's name."""
        return self._name(self.index.vendors, vendor_id, "the vendor")

    # -- structured ---------------------------------------------------------------------------
    def values(self, reason: Reason) -> dict[str, Any]:
        """``{"kind": ..., "values": {...}}`` with names and ISO dates, for the addon."""
        values: dict[str, Any] = {}
        if reason.at is not None:
            values["date"] = self.iso_date(reason.at)
        if reason.product_id is not None:
            values["product_id"] = reason.product_id
            values["product"] = self.product(reason.product_id)
        if reason.workcenter_id is not None:
            values["workcenter_id"] = reason.workcenter_id
            values["workcenter"] = self.workcenter(reason.workcenter_id)
        for key, vendor_id in (("vendor", reason.vendor_id), ("odoo_vendor",
                                                              reason.other_vendor_id)):
            if vendor_id is not None:
                values[f"{key}_id"] = vendor_id
                values[key] = self.vendor(vendor_id)
        if reason.until is not None:
            values["until"] = self.iso_date(reason.until)
        if reason.ref:
            values["ref"] = reason.ref
        if reason.lead_days:
            values["lead_days"] = reason.lead_days
        if reason.minutes:
            values["hours"] = round(reason.minutes / 60, 2)
        if reason.quantity:
            values["quantity"] = round(reason.quantity, 6)
        if reason.workcenters:
            values["workcenters"] = [self.workcenter(wc) for wc in reason.workcenters]
        if reason.inner is not None:
            values["inner"] = self.values(reason.inner)
        return {"kind": reason.kind, "values": values}

    # -- English --------------------------------------------------------------------------------
    def overdue(self, sentence: str, due: dt.date) -> str:
        """A reason for a promise that is late only because its due date has passed."""
        return f"{sentence.rstrip('.')} - it was due on {self.day_text(due)}, before today."

    def sentence(self, reason: Reason, for_product: int | None = None) -> str:
        """One sentence ending with a full stop. ``for_product`` is what the reader asked
        about; a reason on one of its components names the component."""
        product = self.product(reason.product_id)
        other = reason.product_id is not None and for_product is not None \
            and reason.product_id != for_product
        suffix = f" (for {product})" if other else ""
        when = self.date(reason.at)
        until = self.date(reason.until)
        kind = reason.kind
        if kind == "stock":
            return "Available from stock."
        if kind == "scheduled":
            return f"Planned just in time, ready on {when}."
        if kind == "supply":
            return (f"{product} arrives on {when} from {self.vendor(reason.vendor_id)} "
                    f"({reason.ref}){self._safety(reason)}.")
        if kind in ("purchase", "faster_vendor"):
            text = (f"{product} must be bought from {self.vendor(reason.vendor_id)}: "
                    f"{math.ceil(reason.lead_days)} days lead time, arrives on {when}"
                    f"{self._safety(reason)}")
            if kind == "faster_vendor":
                text += (f" (rather than from {self.vendor(reason.other_vendor_id)}, which "
                         "would make the order late)")
            return text + "."
        if kind == "production":
            if reason.inner is not None:
                inner = self.sentence(reason.inner, reason.product_id).rstrip(".")
                return f"{inner}; {reason.ref} finishes on {when}."
            return f"{product} comes from {reason.ref}, which finishes on {when}."
        if kind == "made":
            return self._made(reason, for_product)
        if kind == "capacity":
            return f"{self.workcenter(reason.workcenter_id)} is fully booked until {until}{suffix}."
        if kind == "closed":
            return f"{self.workcenter(reason.workcenter_id)} is closed until {until}{suffix}."
        if kind == "work":
            return f"{product} needs {reason.minutes / 60:.1f} h of work, finishing on {when}."
        if kind == "lead_time":
            return f"{product} takes {math.ceil(reason.lead_days)} days to make, ready on {when}."
        if kind == "partial":
            missing = self.sentence(reason.inner, for_product) if reason.inner else ""
            return f"{reason.quantity:g} cannot be delivered within the planning horizon: {missing}"
        if kind == "no_vendor":
            return f"{product} is bought but has no valid vendor: add one on the product."
        if kind == "no_source":
            return (f"{reason.quantity:g} of {product} are missing: not in stock, not on "
                    "order, and the product is neither manufactured nor bought.")
        return (f"{self.workcenter(reason.workcenter_id)} has no free slot for {product} "
                f"within the {self.horizon_days}-day planning horizon.")

    def _safety(self, reason: Reason) -> str:
        if reason.until is None or reason.at is None or reason.until <= reason.at:
            return ""
        return f", counted from {self.date(reason.until)} in case it is late"

    def _made(self, reason: Reason, for_product: int | None) -> str:
        inner = reason.inner
        when = self.date(reason.at)
        if inner is None:
            return self.sentence(Reason("work", reason.at, reason.product_id,
                                        minutes=reason.minutes), for_product)
        held_up = self.sentence(inner, for_product).rstrip(".")
        if inner.at is not None and reason.at is not None and \
                self.local_date(reason.at) <= self.local_date(inner.at):
            return held_up + "."
        if not reason.workcenters:
            return (f"{held_up}, then {self.product(reason.product_id)} takes "
                    f"{math.ceil(reason.lead_days)} days to make, ready on {when}.")
        if inner.kind in ("capacity", "closed"):
            return f"{held_up}, so {self.product(reason.product_id)} is ready on {when}."
        names = [self.workcenter(wc) for wc in reason.workcenters]
        where = " and ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2
                                            else "")
        return f"{held_up}, then {reason.minutes / 60:.0f} h of work on {where} finish on {when}."
