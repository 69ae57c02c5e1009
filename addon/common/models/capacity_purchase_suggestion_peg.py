# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CapacityPurchaseSuggestionPeg(models.Model):
    _name = "capacity.purchase.suggestion.peg"
    _description = "Demand Served by a Purchase Suggestion"
    _order = "suggestion_id, id"

    suggestion_id = fields.Many2one(
        "capacity.purchase.suggestion",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="suggestion_id.company_id", store=True, index=True
    )
    kind = fields.Selection(
        [
            ("sale", "Sales Order"),
            ("quotation", "Quotation"),
            ("manufacturing", "Manufacturing Order"),
        ],
        required=True,
        readonly=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing Order",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    demand_name = fields.Char(
        string="Order",
        compute="_compute_demand_name",
        help="The sales or manufacturing order served, by name (buyers may not open it).",
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    product_uom_id = fields.Many2one(related="suggestion_id.product_uom_id")

    @api.depends("sale_order_id", "production_id")
    def _compute_demand_name(self):
        for peg in self:
            served = peg.sudo()
            peg.demand_name = served.sale_order_id.name or served.production_id.name
