# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..compat import aggregator
from .capacity_promise_accuracy import ACCURACY_ROWS

DIMENSIONS = [
    ("all", "All Orders"),
    ("salesperson", "By Salesperson"),
    ("customer", "By Customer"),
    ("category", "By Product Category"),
]


class CapacityPromiseAccuracySummary(models.Model):
    """The promise accuracy per month: all delivered orders, and per salesperson,
    customer and product category, each row with its own 90th percentile of days late
    (a percentile does not add up, so Odoo's pivot cannot total it from the orders)."""

    _name = "capacity.promise.accuracy.summary"
    _description = "Capacity Promise Accuracy by Month"
    _auto = False
    _order = "month desc, dimension, delivered_count desc, id"
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

    month = fields.Date(readonly=True, help="The month the orders were delivered in.")
    company_id = fields.Many2one("res.company", readonly=True)
    dimension = fields.Selection(
        DIMENSIONS,
        string="Rows",
        readonly=True,
        help="All orders delivered in the month, or those of one salesperson, customer "
        "or product category.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        readonly=True,
        help="The category of the order's first product that is not a service.",
    )
    # none of these add up over rows (the same orders are in a month's row for all
    # orders and in its rows per salesperson, customer, category): grouped rows show no
    # total for them
    delivered_count = fields.Integer(
        string="Delivered Orders",
        readonly=True,
        help="Orders delivered in full in the month that had a date to keep.",
        **aggregator(None),
    )
    on_time_rate = fields.Float(
        string="On Time (%)",
        readonly=True,
        digits=(16, 1),
        help="Share of the orders delivered on or before their date to keep.",
        **aggregator(None),
    )
    mean_days_late = fields.Float(
        string="Days Late (mean)",
        readonly=True,
        digits=(16, 1),
        help="Calendar days after the date to keep (0 when on time), averaged.",
        **aggregator(None),
    )
    p90_days_late = fields.Float(
        string="Days Late (90th percentile)",
        readonly=True,
        digits=(16, 1),
        help="Nine orders in ten were delivered at most this many days after their date "
        "to keep (nearest rank, as the service's /metrics counts it).",
        **aggregator(None),
    )
    repromised_rate = fields.Float(
        string="Re-promised (%)",
        readonly=True,
        digits=(16, 1),
        help="Share of the orders whose commitment date was changed after it was first "
        "set.",
        **aggregator(None),
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # percentile_disc is the nearest rank: the smallest value with at least 90 %
        # of the orders at or below it
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW capacity_promise_accuracy_summary AS (
                    SELECT
                        row_number() OVER (
                            ORDER BY month, company_id, dimension, user_id, partner_id,
                                categ_id
                        ) AS id,
                        summary.*
                    FROM (
                        SELECT
                            date_trunc('month', rows.delivered_date)::date AS month,
                            rows.company_id AS company_id,
                            CASE
                                WHEN GROUPING(rows.user_id) = 0 THEN 'salesperson'
                                WHEN GROUPING(rows.partner_id) = 0 THEN 'customer'
                                WHEN GROUPING(rows.categ_id) = 0 THEN 'category'
                                ELSE 'all'
                            END AS dimension,
                            rows.user_id AS user_id,
                            rows.partner_id AS partner_id,
                            rows.categ_id AS categ_id,
                            count(*) AS delivered_count,
                            avg(rows.on_time_rate) AS on_time_rate,
                            avg(rows.days_late) AS mean_days_late,
                            percentile_disc(0.9) WITHIN GROUP (ORDER BY rows.days_late)
                                AS p90_days_late,
                            avg(rows.repromised_rate) AS repromised_rate
                        FROM (%s) AS rows
                        GROUP BY GROUPING SETS (
                            (date_trunc('month', rows.delivered_date), rows.company_id),
                            (
                                date_trunc('month', rows.delivered_date),
                                rows.company_id,
                                rows.user_id
                            ),
                            (
                                date_trunc('month', rows.delivered_date),
                                rows.company_id,
                                rows.partner_id
                            ),
                            (
                                date_trunc('month', rows.delivered_date),
                                rows.company_id,
                                rows.categ_id
                            )
                        )
                    ) AS summary
                )
                """,
                SQL(ACCURACY_ROWS),
            )
        )
