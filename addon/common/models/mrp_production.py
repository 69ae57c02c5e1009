# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .write_changes import changed, write_grouped


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    capacity_start_date = fields.Date(
        string="Planned Start (Capacity)",
        copy=False,
        readonly=True,
        help="Start day in the last capacity plan.",
    )
    capacity_finish_date = fields.Date(
        string="Planned Finish (Capacity)",
        copy=False,
        readonly=True,
        help="Finish day in the last capacity plan.",
    )

    @api.model
    def _capacity_apply_plan(self, dates):
        """Write the planned start and finish days that changed
        (``plan_payload.ProductionDates``)."""
        productions = self.sudo()
        wanted = {
            production.production_id: {
                "capacity_start_date": production.start_date,
                "capacity_finish_date": production.finish_date,
            }
            for production in dates
        }
        write_grouped(productions, changed(productions, wanted))
