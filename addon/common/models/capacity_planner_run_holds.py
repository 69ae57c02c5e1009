# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CapacityPlannerRun(models.Model):
    _inherit = "capacity.planner.run"  # pylint: disable=consider-merging-classes-inherited

    holds_expired_count = fields.Integer(
        string="Holds Ended: Expired",
        readonly=True,
        help="Quotations that held capacity in the previous run and no longer do because "
        "their expiration date has passed.",
    )
    holds_lost_count = fields.Integer(
        string="Holds Ended: Lost",
        readonly=True,
        help="Quotations that held capacity in the previous run and whose CRM "
        "opportunity was marked lost since.",
    )
    holds_cancelled_count = fields.Integer(
        string="Holds Ended: Cancelled",
        readonly=True,
        help="Quotations that held capacity in the previous run and were cancelled since.",
    )
    holds_ended_count = fields.Integer(
        string="Holds Ended",
        compute="_compute_holds_ended_count",
        store=True,
    )

    @api.depends("holds_expired_count", "holds_lost_count", "holds_cancelled_count")
    def _compute_holds_ended_count(self):
        for run in self:
            run.holds_ended_count = (
                run.holds_expired_count + run.holds_lost_count + run.holds_cancelled_count
            )
