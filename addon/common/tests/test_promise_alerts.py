# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CapacityPromiseCase

ALERT_TYPE = "sale_capacity_promise.mail_activity_type_promise_at_risk"


@tagged("post_install", "-at_install")
class TestPromiseAlerts(CapacityPromiseCase):
    """A run that lets a given promise slip tells the salesperson, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a Monday at least two weeks ahead, so that weekends fall where the test says
        start = cls.today + timedelta(days=14)
        cls.monday = start + timedelta(days=(7 - start.weekday()) % 7)
        cls.runs = 0

    def _run(self, order, date, status="on_time", reason="Fits the plan."):
        type(self).runs += 1
        payload = self._order_payload(order, 0, status, reason)
        payload["promise_date"] = fields.Date.to_string(date) if date else None
        for line in payload["lines"]:
            line["promise_date"] = payload["promise_date"]
        self._apply(
            self._plan(
                f"alert-run-{self.runs}",
                snapshot_at=self.snapshot_at + timedelta(minutes=self.runs),
                orders=[payload],
                suggestions=[],
            )
        )

    def _alerts(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("activity_type_id", "=", self.env.ref(ALERT_TYPE).id),
            ]
        )

    def _commit_to(self, order, date):
        order.commitment_date = datetime.combine(date, time(12))

    def _confirmed(self):
        self.order.action_confirm()
        self._run(self.order, self.monday)
        self.assertFalse(self._alerts(self.order))
        return self.order

    def test_a_slip_of_a_working_day_raises_one_activity(self):
        order = self._confirmed()
        tuesday = self.monday + timedelta(days=1)
        self._run(order, tuesday, reason="Assembly is full until then.")
        alert = self._alerts(order)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.salesman)
        self.assertEqual(alert.summary, "Delivery promise at risk")
        note = str(alert.note)
        for text in (
            order._capacity_format(self.monday),
            order._capacity_format(tuesday),
            "Assembly is full until then.",
        ):
            self.assertIn(text, note)
        self.assertTrue(order.capacity_slipped)
        self.assertIn(
            order, self.env["sale.order"].search([("capacity_slipped", "=", True)])
        )
        message = order.message_ids.filtered(
            lambda message: "Delivery promise at risk" in str(message.body)
        )
        self.assertEqual(len(message), 1)
        history = order.capacity_history_ids.filtered("alerted")
        self.assertEqual(
            (history.old_date, history.new_date, history.working_days_later),
            (self.monday, tuesday, 1),
        )

    def test_the_menu_lists_the_promises_at_risk_with_their_cause(self):
        order = self._confirmed()
        self._run(order, self.monday + timedelta(days=1))
        action = (
            self.env.ref("sale_capacity_promise.sale_order_slipped_action")
            .with_user(self.salesman)
            .run()
        )
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order)
        # the work list's columns: commitment date (as the company's day), promise,
        # what holds it up
        view = self.env["ir.ui.view"].browse(action["views"][0][0])
        self.assertIn("capacity_cause_name", view.arch)
        self.assertIn('name="capacity_commitment_day"', view.arch)

    def test_no_second_activity_while_one_is_open(self):
        order = self._confirmed()
        self._run(order, self.monday + timedelta(days=2))
        self._run(order, self.monday + timedelta(days=4))
        self.assertEqual(len(self._alerts(order)), 1)

    def test_done_when_the_promise_recovers(self):
        order = self._confirmed()
        self._run(order, self.monday + timedelta(days=3))
        self.assertEqual(len(self._alerts(order)), 1)
        self._run(order, self.monday)
        self.assertFalse(self._alerts(order))
        self.assertFalse(order.capacity_slipped)
        self.assertTrue(
            order.message_ids.filtered(
                lambda message: "Promise recovered" in str(message.body)
            )
        )

    def test_over_a_weekend_is_no_slip(self):
        order = self.order
        order.action_confirm()
        friday = self.monday + timedelta(days=4)
        self._run(order, friday)
        self._run(order, friday + timedelta(days=1))
        self.assertFalse(self._alerts(order))
        self.assertFalse(order.capacity_slipped)

    def test_past_the_commitment_date_even_by_a_weekend(self):
        order = self.order
        friday = self.monday + timedelta(days=4)
        self._commit_to(order, friday)
        order.action_confirm()
        self._run(order, friday)
        self._run(order, friday + timedelta(days=1))
        self.assertEqual(len(self._alerts(order)), 1)
        # back on the committed date: recovered
        self._run(order, friday)
        self.assertFalse(self._alerts(order))

    def test_cannot_plan_any_more_is_a_slip(self):
        order = self._confirmed()
        self._run(order, None, "cannot_plan", "Steel is not available.")
        self.assertEqual(len(self._alerts(order)), 1)
        self.assertIn("can no longer be planned", str(self._alerts(order).note))

    def test_a_quotation_without_a_given_date_is_not_watched(self):
        self._run(self.order, self.monday)
        self._run(self.order, self.monday + timedelta(days=3))
        self.assertFalse(self._alerts(self.order))

    def test_a_quotation_whose_date_was_given_is_watched(self):
        self._commit_to(self.order, self.monday)
        self._run(self.order, self.monday)
        self._run(self.order, self.monday + timedelta(days=3))
        self.assertEqual(len(self._alerts(self.order)), 1)

    def test_a_new_commitment_date_the_promise_meets_closes_the_alert(self):
        order = self._confirmed()
        later = self.monday + timedelta(days=3)
        self._run(order, later)
        self.assertEqual(len(self._alerts(order)), 1)
        self._commit_to(order, later)
        self.assertFalse(self._alerts(order))
        self.assertFalse(order.capacity_slipped)

    def test_a_check_raises_no_alert(self):
        # the salesperson who checks sees the new date: no activity for it
        order = self._confirmed()
        order.with_context(capacity_promise_source="check").write(
            {"capacity_promise_date": self.monday + timedelta(days=5)}
        )
        self.assertFalse(self._alerts(order))
