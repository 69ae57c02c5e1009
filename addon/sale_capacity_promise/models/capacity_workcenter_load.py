# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CapacityWorkcenterLoad(models.Model):
    _name = "capacity.workcenter.load"
    _description = "Capacity Load per Work Center and Day"
    _order = "date, workcenter_id"
    _rec_name = "workcenter_id"

    workcenter_id = fields.Many2one(
        "mrp.workcenter", required=True, readonly=True, index=True, ondelete="cascade"
    )
    date = fields.Date(required=True, readonly=True, index=True)
    available_hours = fields.Float(readonly=True)
    planned_hours = fields.Float(readonly=True)
    utilization = fields.Float(
        string="Utilization (%)",
        compute="_compute_utilization",
        store=True,
        group_operator="avg",
        help="Planned hours in percent of the available hours.",
    )
    run_id = fields.Many2one(
        "capacity.planner.run", string="Planner Run", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )

    _sql_constraints = [
        (
            "workcenter_date_unique",
            "unique(workcenter_id, date)",
            "There is already a load for this work center and day.",
        ),
    ]

    @api.depends("available_hours", "planned_hours")
    def _compute_utilization(self):
        for load in self:
            if load.available_hours:
                load.utilization = 100.0 * load.planned_hours / load.available_hours
            else:
                # hours planned on a closed day show as overload, not as 0 %
                load.utilization = 100.0 if load.planned_hours else 0.0
