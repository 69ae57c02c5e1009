# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..compat import aggregator, unique
from .write_changes import differs


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
        **aggregator("avg"),
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

    _workcenter_date_unique = unique(
        "unique(workcenter_id, date)",
        "There is already a load for this work center and day.",
    )

    @api.depends("available_hours", "planned_hours")
    def _compute_utilization(self):
        for load in self:
            if load.available_hours:
                load.utilization = 100.0 * load.planned_hours / load.available_hours
            else:
                # hours planned on a closed day show as overload, not as 0 %
                load.utilization = 100.0 if load.planned_hours else 0.0

    @api.model
    def _capacity_apply_plan(self, run, days):
        """Make the company's load what ``run`` planned (``plan_payload.LoadDay``):
        a day already there is updated only if its hours changed, a new one is
        created, and the days the run no longer plans are removed. ``run_id`` is
        the run that last changed the day."""
        loads = self.sudo()
        existing = {
            (load.workcenter_id.id, load.date): load
            for load in loads.search([("company_id", "=", run.company_id.id)])
        }
        to_create = []
        for day in days:
            values = {
                "available_hours": day.available_hours,
                "planned_hours": day.planned_hours,
            }
            load = existing.pop((day.workcenter_id, day.date), None)
            if load is None:
                to_create.append(
                    dict(
                        values,
                        workcenter_id=day.workcenter_id,
                        date=day.date,
                        company_id=run.company_id.id,
                        run_id=run.id,
                    )
                )
            elif differs(load, values):
                load.write(dict(values, run_id=run.id))
        if existing:
            loads.concat(*existing.values()).unlink()
        if to_create:
            loads.create(to_create)
