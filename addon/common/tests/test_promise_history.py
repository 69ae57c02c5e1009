# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import tagged

from ..models.capacity_promise_accuracy import percentile
from .common import CapacityPromiseCase


class PromiseHistoryCase(CapacityPromiseCase):
    def _date(self, days):
        return self.today + timedelta(days=days)

    def _run(self, key, minutes, days, reason="Fits the plan."):
        self._apply(
            self._plan(
                key,
                snapshot_at=self.snapshot_at + timedelta(minutes=minutes),
                orders=[self._order_payload(self.order, days, "on_time", reason)],
                suggestions=[],
            )
        )

    def _commit(self, order, days):
        order.commitment_date = datetime.combine(
            self.today + timedelta(days=days), time(12)
        )

    def _deliver(self, order):
        """Deliver every open delivery of ``order`` now (with the stock it needs)."""
        stock = self.env.ref("stock.stock_location_stock")
        for line in order.order_line:
            self.env["stock.quant"]._update_available_quantity(
                line.product_id, stock, line.product_uom_qty
            )
        for picking in order.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        ):
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking._action_done()


@tagged("post_install", "-at_install")
class TestPromiseHistory(PromiseHistoryCase):
    """Each order keeps what was asked, promised, committed and delivered."""

    def test_each_projection_change_is_kept(self):
        self._run("run-1", 1, 10)
        self._run("run-2", 2, 13, "Assembly is full until then.")
        history = self.order.capacity_history_ids.filtered(
            lambda line: line.kind == "projection"
        ).sorted("id")
        self.assertEqual(len(history), 2)
        first, second = history
        self.assertEqual((first.old_date, first.new_date), (False, self._date(10)))
        self.assertEqual(
            (second.old_date, second.new_date), (self._date(10), self._date(13))
        )
        self.assertEqual(second.reason, "Assembly is full until then.")
        self.assertEqual(second.source, "run")
        self.assertEqual(second.run_id.run_key, "run-2")
        self.assertTrue(second.changed_at)
        self.assertEqual(second.status, "late")  # the customer asked for day 11
        self.assertEqual(self.order.capacity_first_promise_date, self._date(10))
        # an unchanged projection adds nothing
        self._run("run-3", 3, 13, "Assembly is full until then.")
        self.assertEqual(
            len(self.order.capacity_history_ids.filtered(lambda l: l.kind == "projection")),
            2,
        )

    def test_requested_and_commitment_dates_and_re_promises(self):
        self._commit(self.order, 12)
        self.assertEqual(self.order.capacity_repromise_count, 0)
        self._commit(self.order, 15)
        self.assertEqual(self.order.capacity_repromise_count, 1)
        commitments = self.order.capacity_history_ids.filtered(
            lambda line: line.kind == "commitment"
        ).sorted("id")
        self.assertEqual(
            [(line.old_date, line.new_date) for line in commitments],
            [(False, self._date(12)), (self._date(12), self._date(15))],
        )
        self.order.capacity_requested_date = self._date(9)
        requested = self.order.capacity_history_ids.filtered(
            lambda line: line.kind == "requested"
        )
        self.assertEqual(
            (requested.old_date, requested.new_date), (self.requested_date, self._date(9))
        )

    def test_actual_delivery_from_done_deliveries(self):
        self.order.action_confirm()
        self.assertFalse(self.order.capacity_delivered_date)
        self._deliver(self.order)
        self.assertEqual(
            self.order.capacity_delivered_date,
            self.order._capacity_local_date(fields.Datetime.now()),
        )


@tagged("post_install", "-at_install")
class TestPromiseAccuracy(PromiseHistoryCase):
    """The on-time figure: delivered orders against the date they had to keep."""

    def _delivered(self, order, commitment_days, re_promise=False):
        if re_promise:
            self._commit(order, commitment_days - 3)
        self._commit(order, commitment_days)
        order.action_confirm()
        self._deliver(order)

    def test_accuracy_figures(self):
        late = self.order
        on_time = self.order_2
        self._delivered(late, -4, re_promise=True)  # 4 days late
        self._delivered(on_time, 2)
        rows = self.env["capacity.promise.accuracy"].search(
            [("order_id", "in", (late | on_time).ids)]
        )
        by_order = {row.order_id: row for row in rows}
        self.assertEqual(by_order[late].days_late, 4.0)
        self.assertEqual(by_order[late].on_time_rate, 0.0)
        self.assertEqual(by_order[late].repromised_rate, 100.0)
        self.assertEqual(by_order[on_time].on_time_rate, 100.0)
        self.assertEqual(by_order[on_time].days_late, 0.0)
        self.assertEqual(by_order[late].categ_id, self.product.categ_id)
        self.assertEqual(by_order[late].user_id, self.salesman)

        figures = self.env["capacity.promise.accuracy"].with_user(
            self.service
        ).get_promise_accuracy()
        self.assertEqual(figures["delivered_orders"], 2)
        self.assertAlmostEqual(figures["on_time_share"], 0.5)
        self.assertAlmostEqual(figures["mean_days_late"], 2.0)
        self.assertAlmostEqual(figures["p90_days_late"], 4.0)
        self.assertAlmostEqual(figures["repromised_share"], 0.5)

        # grouped by salesperson as the pivot shows it: the share is the mean
        groups = self.env["capacity.promise.accuracy"]._read_group(
            [("order_id", "in", (late | on_time).ids)],
            ["user_id"],
            ["on_time_rate:avg", "days_late:avg"],
        )
        self.assertEqual(groups, [(self.salesman, 50.0, 2.0)])

    def test_the_monthly_summary_has_the_90th_percentile(self):
        late = self.order
        on_time = self.order_2
        on_time.user_id = self.manager
        self._delivered(late, -4, re_promise=True)  # 4 days late
        self._delivered(on_time, 2)
        month = late.capacity_delivered_date.replace(day=1)
        summary = self.env["capacity.promise.accuracy.summary"].with_user(self.salesman)
        rows = summary.search([("month", "=", month)])
        total = rows.filtered(lambda row: row.dimension == "all")
        self.assertEqual(len(total), 1)
        self.assertEqual(total.delivered_count, 2)
        self.assertEqual(total.on_time_rate, 50.0)
        self.assertEqual(total.mean_days_late, 2.0)
        # the nearest rank (an interpolated percentile would say 3.6)
        self.assertEqual(total.p90_days_late, 4.0)
        self.assertEqual(total.repromised_rate, 50.0)
        by_user = {
            row.user_id: row for row in rows if row.dimension == "salesperson"
        }
        self.assertEqual(
            (by_user[self.salesman].p90_days_late, by_user[self.salesman].on_time_rate),
            (4.0, 0.0),
        )
        self.assertEqual(
            (by_user[self.manager].p90_days_late, by_user[self.manager].on_time_rate),
            (0.0, 100.0),
        )
        (category,) = rows.filtered(lambda row: row.dimension == "category")
        self.assertEqual(category.categ_id, self.product.categ_id)
        self.assertEqual(category.delivered_count, 2)
        (customer,) = rows.filtered(lambda row: row.dimension == "customer")
        self.assertEqual(customer.partner_id, self.customer)
        # the same figure as the service's /metrics
        figures = self.env["capacity.promise.accuracy"].get_promise_accuracy()
        self.assertEqual(total.p90_days_late, figures["p90_days_late"])
        self.assertAlmostEqual(total.on_time_rate / 100, figures["on_time_share"])

    def test_an_order_without_a_date_to_keep_does_not_count(self):
        self.order.capacity_requested_date = False
        self.order.action_confirm()
        self._deliver(self.order)
        self.assertFalse(
            self.env["capacity.promise.accuracy"].search(
                [("order_id", "=", self.order.id)]
            )
        )

    def test_percentile(self):
        self.assertEqual(percentile([], 0.9), 0.0)
        self.assertEqual(percentile([0, 0, 0, 0, 0, 0, 0, 0, 0, 7], 0.9), 0.0)
        self.assertEqual(percentile([0, 0, 0, 0, 0, 0, 0, 0, 5, 7], 0.9), 5.0)
        self.assertEqual(percentile([3], 0.9), 3.0)
