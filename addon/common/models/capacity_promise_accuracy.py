# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..compat import aggregator


def percentile(values, share):
    """The nearest-rank percentile: the smallest value with at least ``share`` of the
    values at or below it (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return float(ordered[max(math.ceil(share * len(ordered)) - 1, 0)])


# one row per delivered order that had a date to keep; the summary per month is built
# from the same rows (not from the view, which a module update drops and recreates)
ACCURACY_ROWS = """
SELECT
    so.id AS id,
    so.id AS order_id,
    so.company_id AS company_id,
    so.user_id AS user_id,
    so.partner_id AS partner_id,
    (
        SELECT pt.categ_id
        FROM sale_order_line sol
        JOIN product_product pp ON pp.id = sol.product_id
        JOIN product_template pt ON pt.id = pp.product_tmpl_id
        WHERE sol.order_id = so.id
            AND sol.display_type IS NULL
            AND pt.type != 'service'
        ORDER BY sol.sequence, sol.id
        LIMIT 1
    ) AS categ_id,
    so.capacity_delivered_date AS delivered_date,
    so.capacity_target_date AS target_date,
    GREATEST(so.capacity_delivered_date - so.capacity_target_date, 0)::float
        AS days_late,
    CASE WHEN so.capacity_delivered_date <= so.capacity_target_date
        THEN 100.0 ELSE 0.0 END AS on_time_rate,
    CASE WHEN so.capacity_repromise_count > 0
        THEN 100.0 ELSE 0.0 END AS repromised_rate
FROM sale_order so
WHERE so.state NOT IN ('draft', 'sent', 'cancel')
    AND so.capacity_delivered_date IS NOT NULL
    AND so.capacity_target_date IS NOT NULL
"""


class CapacityPromiseAccuracy(models.Model):
    """One row per delivered order that had a date to keep (its commitment date, or
    the requested date): the figure sales and operations share."""

    _name = "capacity.promise.accuracy"
    _description = "Capacity Promise Accuracy"
    _auto = False
    _order = "delivered_date desc, id desc"
    _rec_name = "order_id"
    # searching the report flushes what it is a view of
    _depends = {
        "sale.order": [
            "company_id",
            "user_id",
            "partner_id",
            "state",
            "capacity_delivered_date",
            "capacity_target_date",
            "capacity_repromise_count",
        ],
        "sale.order.line": ["order_id", "product_id", "display_type", "sequence"],
    }

    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        readonly=True,
        help="The category of the order's first product that is not a service.",
    )
    delivered_date = fields.Date(string="Delivered On", readonly=True)
    target_date = fields.Date(
        string="Date to Keep",
        readonly=True,
        help="The commitment date, else the requested date.",
    )
    on_time_rate = fields.Float(
        string="On Time (%)",
        readonly=True,
        digits=(16, 1),
        help="Share of delivered orders delivered on or before their date to keep.",
        **aggregator("avg"),
    )
    days_late = fields.Float(
        string="Days Late (mean)",
        readonly=True,
        digits=(16, 1),
        help="Calendar days after the date to keep (0 when on time), averaged.",
        **aggregator("avg"),
    )
    repromised_rate = fields.Float(
        string="Re-promised (%)",
        readonly=True,
        digits=(16, 1),
        help="Share of orders whose commitment date was changed after it was first set.",
        **aggregator("avg"),
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW capacity_promise_accuracy AS (%s)",
                SQL(ACCURACY_ROWS),
            )
        )

    @api.model
    def get_promise_accuracy(self):
        """The on-time figure of the companies the caller may see, as the service's
        ``/metrics`` shows it: delivered orders, the share on or before their date, the
        mean and 90th percentile of days late (0 for on time), the share re-promised."""
        rows = self.search_read([], ["on_time_rate", "days_late", "repromised_rate"])
        count = len(rows)
        days = [row["days_late"] for row in rows]
        return {
            "delivered_orders": count,
            "on_time_share": sum(row["on_time_rate"] for row in rows) / 100 / count
            if count
            else 0.0,
            "mean_days_late": sum(days) / count if count else 0.0,
            "p90_days_late": percentile(days, 0.9),
            "repromised_share": sum(row["repromised_rate"] for row in rows) / 100 / count
            if count
            else 0.0,
        }
