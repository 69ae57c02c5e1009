"""New purchases: which vendor, how much, and from when the material can be counted on.

The vendor is the one Odoo's procurement would pick (``product.product._select_seller``: valid
on the date, minimum quantity met, by sequence, larger minimum first, price, then the cheapest
offer of that vendor), unless the request asks for the vendor that delivers soonest — the
engine asks that only when Odoo's vendor makes the order late.
"""

from __future__ import annotations

import datetime as dt
import math

from optimizer.ledger import PurchaseRecord, Request, ScenarioRecord, Unplannable
from optimizer.material import QTY_EPS, Lot
from optimizer.reason import Reason
from optimizer.snapshot import SnapshotIndex, SupplierInfo

MINUTES_PER_DAY = 1440.0


class Procurement:
    """Vendor choice and purchase sizing for one snapshot."""

    def __init__(self, index: SnapshotIndex, today: dt.date, safety_days: int):
        self.index = index
        self.today = today
        self.safety_days = safety_days

    def seller_qty(self, seller: SupplierInfo, quantity: float) -> float:
        """A quantity in the vendor's unit, in the product's unit."""
        if seller.uom_id is None:
            return quantity
        return self.index.to_product_uom(quantity, seller.uom_id, seller.product_id)

    def _valid(self, seller: SupplierInfo, quantity: float | None) -> bool:
        if seller.date_start and seller.date_start > self.today:
            return False
        if seller.date_end and seller.date_end < self.today:
            return False
        return quantity is None or self.seller_qty(seller, seller.min_qty) <= quantity + QTY_EPS

    def odoo_seller(self, product_id: int, quantity: float) -> SupplierInfo | None:
        """The vendor offer Odoo's procurement picks for ``quantity``."""
        offers = sorted(self.index.sellers.get(product_id, ()),
                        key=lambda s: (s.sequence, -s.min_qty, s.price, s.id))
        valid = [s for s in offers if self._valid(s, quantity)]
        if not valid:  # Odoo falls back on the first offer, whatever its dates and minimum
            return offers[0] if offers else None
        vendor = valid[0].vendor_id
        return min((s for s in valid if s.vendor_id == vendor),
                   key=lambda s: (s.price, s.sequence, s.id))

    def fastest_seller(self, product_id: int) -> SupplierInfo | None:
        """The valid offer that delivers soonest (ties: Odoo's order)."""
        offers = [s for s in self.index.sellers.get(product_id, ()) if self._valid(s, None)]
        if not offers:
            return None
        return min(offers, key=lambda s: (s.lead_days, s.sequence, -s.min_qty, s.price, s.id))

    def arrival(self, seller: SupplierInfo) -> float:
        """The instant material ordered now from ``seller`` can be counted on."""
        return (seller.lead_days + self.safety_days) * MINUTES_PER_DAY

    def quantity(self, seller: SupplierInfo, shortfall: float) -> float:
        """What to buy: at least the vendor's minimum, in whole packagings when it has one."""
        quantity = max(shortfall, self.seller_qty(seller, seller.min_qty))
        multiple = self.seller_qty(seller, seller.multiple) if seller.multiple > 0 else 0.0
        if multiple > QTY_EPS:
            quantity = math.ceil(quantity / multiple - 1e-9) * multiple
        return quantity

    def choose(self, request: Request, shortfall: float) -> tuple[SupplierInfo, Reason]:
        """The offer to buy from and the reason that will explain it."""
        seller = self.odoo_seller(request.product_id, shortfall)
        if seller is None:
            raise Unplannable(Reason("no_vendor", None, request.product_id))
        odoo_vendor = seller.vendor_id
        kind = "purchase"
        if request.fast_vendor:
            fastest = self.fastest_seller(request.product_id)
            if fastest is not None and fastest.lead_days < seller.lead_days:
                seller, kind = fastest, "faster_vendor"
        arrival = seller.lead_days * MINUTES_PER_DAY
        usable = self.arrival(seller)
        reason = Reason(kind, arrival, request.product_id,  # type: ignore[arg-type]
                        vendor_id=seller.vendor_id, lead_days=seller.lead_days,
                        until=usable if usable != arrival else None,
                        other_vendor_id=odoo_vendor if kind == "faster_vendor" else None)
        return seller, reason

    def buy(self, record: ScenarioRecord, request: Request, shortfall: float, uid: int) -> Lot:
        """A new purchase covering ``shortfall``; the lot is returned for the caller to add."""
        seller, reason = self.choose(request, shortfall)
        quantity = self.quantity(seller, shortfall)
        earliest = self.arrival(seller)
        lot = Lot(uid, seller.product_id, earliest, quantity, "purchase", reason,
                  scenario=request.scenario)
        record.purchases.append(PurchaseRecord(lot, seller.vendor_id, quantity, seller.lead_days,
                                               earliest, request.scenario,
                                               self.seller_qty(seller, seller.min_qty)))
        return lot
