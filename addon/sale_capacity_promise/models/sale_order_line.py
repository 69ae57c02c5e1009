# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .sale_order import PROMISE_STATUSES

# changing one of these makes the order's promise stale
CAPACITY_RELEVANT_FIELDS = ("product_id", "product_uom_qty", "product_uom")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    capacity_promise_date = fields.Date(
        string="Promised Date", copy=False, readonly=True
    )
    capacity_status = fields.Selection(
        PROMISE_STATUSES, string="Promise Status", copy=False, readonly=True
    )
    capacity_reason = fields.Char(string="Promise Reason", copy=False, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(
            lambda line: not line.display_type
        ).order_id._capacity_mark_lines_changed()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if any(name in vals for name in CAPACITY_RELEVANT_FIELDS):
            self.filtered(
                lambda line: not line.display_type
            ).order_id._capacity_mark_lines_changed()
        return result

    def unlink(self):
        orders = self.filtered(lambda line: not line.display_type).order_id
        result = super().unlink()
        orders.exists()._capacity_mark_lines_changed()
        return result
