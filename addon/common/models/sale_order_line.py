# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from ..promise_status import PLANNED_STATUSES, STATUSES, not_before, promise_status
from .write_changes import changed, write_each
from .write_guard import check_planner_write

# changing one of these makes the order's promise stale (the unit is product_uom
# up to 18, product_uom_id from 19)
CAPACITY_RELEVANT_FIELDS = ("product_id", "product_uom_qty", "product_uom", "product_uom_id")

_NO_PROMISE = {
    "capacity_promise_date": False,
    "capacity_planned_status": False,
    "capacity_reason": False,
    "capacity_reason_data": False,
    "capacity_missing_qty": 0.0,
}
# what only the service writes: the plan's fields and the status computed from them
_SERVICE_FIELDS = set(_NO_PROMISE) | {"capacity_status"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    capacity_promise_date = fields.Date(
        string="Promised Date", copy=False, readonly=True
    )
    capacity_planned_status = fields.Selection(
        PLANNED_STATUSES, string="Planned Status", copy=False, readonly=True
    )
    capacity_status = fields.Selection(
        STATUSES,
        string="Promise Status",
        compute="_compute_capacity_status",
        store=True,
        help="The line's promise against the order's commitment (or requested) date, "
        "by the same rule as the order's.",
    )
    capacity_reason = fields.Char(string="Promise Reason", copy=False, readonly=True)
    capacity_missing_qty = fields.Float(
        string="Short Quantity",
        digits="Product Unit of Measure",
        copy=False,
        readonly=True,
        help="The part of the line's quantity that cannot be delivered within the "
        "planning horizon: the promised date holds for the rest only.",
    )

    @api.depends(
        "capacity_planned_status",
        "capacity_promise_date",
        "capacity_missing_qty",
        "order_id.capacity_target_date",
        "product_id.type",
        "display_type",
    )
    def _compute_capacity_status(self):
        for line in self:
            if line.display_type or not line.capacity_planned_status:
                # a line without a promise shows nothing (the order says why)
                line.capacity_status = False
                continue
            line.capacity_status = promise_status(
                line.capacity_planned_status,
                line.capacity_promise_date,
                line.order_id.capacity_target_date,
                has_goods=line.product_id.type != "service",
                short=line.capacity_missing_qty > 0,
            )

    def _capacity_document_short_note(self):
        """What the customer's documents say under the date of a line that cannot come
        in full, in the document's language."""
        self.ensure_one()
        number = self.env["capacity.reason"]._number
        return _(
            "%(available)s of %(quantity)s by this date; the rest will be confirmed later.",
            available=number(max(self.product_uom_qty - self.capacity_missing_qty, 0.0)),
            quantity=number(self.product_uom_qty),
        )

    @api.model
    def _capacity_apply_plan(self, orders, promises):
        """Write the line promises that changed (``plan_payload.LinePromise``), and clear
        those of the lines of ``orders`` that the plan does not mention."""
        lines = self.sudo()
        today = fields.Date.context_today(self)
        wanted = {
            promise.line_id: {
                "capacity_promise_date": not_before(promise.promise_date, today) or False,
                "capacity_planned_status": promise.status,
                "capacity_reason": promise.reason or False,
                "capacity_reason_data": promise.reason_data or False,
                "capacity_missing_qty": promise.missing_quantity or 0.0,
            }
            for promise in promises
        }
        write_each(lines, changed(lines, wanted))
        unplanned = orders.sudo().order_line.filtered(
            lambda line: line.id not in wanted and line.capacity_planned_status
        )
        if unplanned:
            unplanned.write(_NO_PROMISE)

    @api.model_create_multi
    def create(self, vals_list):
        check_planner_write(self, vals_list, _SERVICE_FIELDS)
        lines = super().create(vals_list)
        lines.filtered(
            lambda line: not line.display_type
        ).order_id._capacity_mark_lines_changed()
        return lines

    def write(self, vals):
        check_planner_write(self, [vals], _SERVICE_FIELDS)
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

    @api.depends(
        "capacity_reason_data",
        "capacity_reason",
        "product_id",
        "capacity_status",
        "order_id.capacity_target_date",
    )
    @api.depends_context("lang")
    def _compute_capacity_reason_text(self):
        reasons = self.env["capacity.reason"]
        for line in self:
            line.capacity_reason_text = (
                reasons._render(
                    line.capacity_reason_data,
                    line.product_id.id,
                    due=line.order_id._capacity_missed_date(line.capacity_status),
                )
                or line.capacity_reason
            )
