"""Lookups over a :class:`~optimizer.snapshot.Snapshot`, built once when it is validated."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from optimizer.snapshot import Bom, RecordId, Snapshot, SupplierInfo


class SnapshotIndex:
    """Dictionaries over a snapshot's tuples, built once."""

    def __init__(self, snapshot: Snapshot):
        self.uoms = {uom.id: uom for uom in snapshot.uoms}
        self.calendars = {calendar.id: calendar for calendar in snapshot.calendars}
        self.workcenters = {wc.id: wc for wc in snapshot.workcenters}
        self.products = {product.id: product for product in snapshot.products}
        self.vendors = {vendor.id: vendor for vendor in snapshot.vendors}
        boms_by_product: dict[RecordId, list[Bom]] = {}
        for bom in snapshot.boms:
            boms_by_product.setdefault(bom.product_id, []).append(bom)
        self.bom_for: dict[RecordId, Bom] = {
            product_id: min(boms, key=lambda b: (b.sequence, b.id))
            for product_id, boms in boms_by_product.items()
        }
        sellers: dict[RecordId, list[SupplierInfo]] = {}
        for info in snapshot.supplier_infos:
            sellers.setdefault(info.product_id, []).append(info)
        self.sellers = {
            product_id: sorted(infos, key=lambda s: (s.sequence, s.id))
            for product_id, infos in sellers.items()
        }

    def to_product_uom(self, quantity: float, uom_id: RecordId, product_id: RecordId) -> float:
        """Convert ``quantity`` in ``uom_id`` into the product's own unit (Odoo's rule)."""
        product_uom = self.products[product_id].uom_id
        if uom_id == product_uom:
            return quantity
        source, target = self.uoms[uom_id], self.uoms[product_uom]
        return quantity / source.factor * target.factor
