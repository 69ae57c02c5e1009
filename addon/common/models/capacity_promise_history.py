# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..promise_status import PLANNED_STATUSES, STATUSES


class CapacityPromiseHistory(models.Model):
    """One change of an order's promise: of the projected delivery (by a planner run,
    a check or a clearing), of the commitment date or of the requested date."""

    _name = "capacity.promise.history"
    _description = "Capacity Promise History"
    _order = "changed_at desc, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, readonly=True, index=True
    )
    user_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", readonly=True
    )
    changed_at = fields.Datetime(
        string="When", required=True, readonly=True, default=fields.Datetime.now
    )
    kind = fields.Selection(
        [
            ("projection", "Projected Delivery"),
            ("commitment", "Commitment Date"),
            ("requested", "Requested Date"),
        ],
        required=True,
        readonly=True,
    )
    source = fields.Selection(
        [
            ("run", "Planner Run"),
            ("check", "Check Capacity"),
            ("user", "User"),
        ],
        required=True,
        readonly=True,
        default="user",
    )
    run_id = fields.Many2one(
        "capacity.planner.run", string="Planner Run", readonly=True, ondelete="set null"
    )
    old_date = fields.Date(string="From", readonly=True)
    new_date = fields.Date(string="To", readonly=True)
    old_planned_status = fields.Selection(PLANNED_STATUSES, readonly=True)
    new_planned_status = fields.Selection(PLANNED_STATUSES, readonly=True)
    status = fields.Selection(
        STATUSES, string="Status After", readonly=True, help="The promise's status then."
    )
    reason = fields.Char(string="Reason (Planner)", readonly=True)
    reason_data = fields.Text(
        string="Reason (Data)",
        readonly=True,
        help="The planner's reason as structured data (kind and values).",
    )
    reason_text = fields.Text(
        string="Why",
        compute="_compute_reason_text",
        help="Why the projection is what it is, in your language.",
    )
    working_days_later = fields.Integer(
        readonly=True,
        help="Working days (of the company's calendar) the projection moved later; "
        "0 when it moved earlier or stayed on the same working day.",
    )
    alerted = fields.Boolean(
        string="Alert Raised",
        readonly=True,
        help="This change raised the activity 'Delivery promise at risk'.",
    )

    @api.depends("reason_data", "reason")
    @api.depends_context("lang")
    def _compute_reason_text(self):
        reasons = self.env["capacity.reason"]
        for line in self:
            line.reason_text = reasons._render(line.reason_data) or line.reason
