# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .sale_order import PROMISE_STATUSES
from .write_changes import changed, write_each

# changing one of these makes the order's promise stale (the unit is product_uom
# up to 18, product_uom_id from 19)
CAPACITY_RELEVANT_FIELDS = ("product_id", "product_uom_qty", "product_uom", "product_uom_id")

_NO_PROMISE = {
    "capacity_promise_date": False,
    "capacity_status": False,
    "capacity_reason": False,
    "capacity_reason_data": False,
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    capacity_promise_date = fields.Date(
        string="Promised Date", copy=False, readonly=True
    )
    capacity_status = fields.Selection(
        PROMISE_STATUSES, string="Promise Status", copy=False, readonly=True
    )
    capacity_reason = fields.Char(string="Promise Reason", copy=False, readonly=True)

    @api.model
    def _capacity_apply_plan(self, orders, promises):
        """Write the line promises that changed (``plan_payload.LinePromise``), and clear
        those of the lines of ``orders`` that the plan does not mention."""
        lines = self.sudo()
        wanted = {
            promise.line_id: {
                "capacity_promise_date": promise.promise_date or False,
                "capacity_status": promise.status,
                "capacity_reason": promise.reason or False,
                "capacity_reason_data": promise.reason_data or False,
            }
            for promise in promises
        }
        write_each(lines, changed(lines, wanted))
        unplanned = orders.sudo().order_line.filtered(
            lambda line: line.id not in wanted and line.capacity_status
        )
        if unplanned:
            unplanned.write(_NO_PROMISE)

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

    capacity_reason_data = fields.Text(
        string="Promise Reason (Data)",
        copy=False,
        readonly=True,
        help="The planner's reason as structured data (kind and values).",
    )
    capacity_reason_text = fields.Text(
        string="Why This Date",
        compute="_compute_capacity_reason_text",
        help="Why this line can be delivered on its promised date, in your language.",
    )

    @api.depends("capacity_reason_data", "capacity_reason", "product_id")
    @api.depends_context("lang")
    def _compute_capacity_reason_text(self):
        reasons = self.env["capacity.reason"]
        for line in self:
            line.capacity_reason_text = (
                reasons._render(line.capacity_reason_data, line.product_id.id)
                or line.capacity_reason
            )
