# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
