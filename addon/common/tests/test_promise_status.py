# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestPromiseStatus(CapacityPromiseCase):
    """'Late' only against a date the customer was given or asked for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consulting = cls.env["product.product"].create(
            {"name": "Consulting", "type": "service", "list_price": 90.0}
        )
        cls.services_only = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.consulting.id, "product_uom_qty": 3}
                    )
                ],
            }
        )

    def _apply_promise(self, order, days, status="late", key="run-1", minutes=0):
        self._apply(
            self._plan(
                key,
                snapshot_at=self.snapshot_at + timedelta(minutes=minutes),
                orders=[self._order_payload(order, days, status)],
                suggestions=[],
            )
        )

    def test_without_a_date_the_promise_is_the_earliest_possible(self):
        self.order.capacity_requested_date = False
        # the planner calls it late against the product lead time: that is no date
        # the customer was given or asked for
        self._apply_promise(self.order, 30, "late")
        self.assertEqual(self.order.capacity_status, "earliest")
        self.assertEqual(self.order.order_line[0].capacity_status, "earliest")

    def test_late_against_the_requested_date(self):
        self._apply_promise(self.order, 12, "on_time")
        self.assertEqual(self.order.capacity_target_date, self.requested_date)
        self.assertEqual(self.order.capacity_status, "late")
        self.assertEqual(self.order.order_line[1].capacity_status, "late")
        self.order.capacity_requested_date = self.today + timedelta(days=12)
        self.assertEqual(self.order.capacity_status, "on_time")
        self.assertEqual(self.order.order_line[1].capacity_status, "on_time")

    def test_the_commitment_date_wins_over_the_requested_date(self):
        self._apply_promise(self.order, 12)
        self.assertEqual(self.order.capacity_status, "late")
        # the customer agreed to a later date
        self.order.commitment_date = fields.Datetime.to_datetime(
            fields.Date.to_string(self.today + timedelta(days=14))
        ) + timedelta(hours=12)
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_no_promise_is_before_today(self):
        self._apply_promise(self.order, -5, "on_time")
        self.assertEqual(self.order.capacity_promise_date, self.today)
        self.assertEqual(self.order.order_line[0].capacity_promise_date, self.today)

    def test_services_only_get_no_promise(self):
        self.assertEqual(self.services_only.capacity_status, "no_delivery")
        with patch("requests.post") as post:
            action = self.services_only.with_user(self.salesman).action_check_capacity()
        post.assert_not_called()
        self.assertFalse(self.services_only.capacity_promise_date)
        self.assertEqual(self.services_only.capacity_status, "no_delivery")
        self.assertIn("only services", action["params"]["message"])
        with self.assertRaises(UserError):
            self.services_only.with_user(self.salesman).action_use_promise_date()

    def test_a_goods_line_makes_it_promisable(self):
        with Form(self.services_only) as form:
            with form.order_line.new() as line:
                line.product_id = self.product
        self.assertEqual(self.services_only.capacity_status, "not_checked")

    def test_use_this_date_confirms_at_once(self):
        self._apply_promise(self.order, 15)
        self.assertEqual(self.order.capacity_status, "late")
        action = self.order.with_user(self.salesman).action_use_promise_date()
        self.assertEqual(
            self.order.capacity_commitment_day, self.today + timedelta(days=15)
        )
        # no new check: the badge follows at once, and the user is told
        self.assertEqual(self.order.capacity_status, "on_time")
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("On Time", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "success")


@tagged("post_install", "-at_install")
class TestConfirmLatePromise(CapacityPromiseCase):
    """Confirming from the form asks first when the promise misses its date."""

    def setUp(self):
        super().setUp()
        self._apply(
            self._plan(
                orders=[self._order_payload(self.order, 15, "late")], suggestions=[]
            )
        )
        self.assertEqual(self.order.capacity_status, "late")
        self.from_button = self.order.with_user(self.salesman).with_context(
            capacity_confirm_check=True
        )

    def test_the_button_asks_first(self):
        action = self.from_button.action_confirm()
        self.assertEqual(action["res_model"], "capacity.confirm.wizard")
        self.assertEqual(self.order.state, "draft")
        wizard = self.env["capacity.confirm.wizard"].browse(action["res_id"])
        self.assertIn(self.order.name, wizard.message)
        self.assertIn("requested", wizard.message)

    def test_confirm_anyway(self):
        action = self.from_button.action_confirm()
        wizard = self.env["capacity.confirm.wizard"].with_user(self.salesman)
        wizard.browse(action["res_id"]).action_confirm_anyway()
        self.assertEqual(self.order.state, "sale")
        self.assertFalse(self.order.commitment_date)

    def test_use_the_promised_date(self):
        action = self.from_button.action_confirm()
        wizard = self.env["capacity.confirm.wizard"].with_user(self.salesman)
        wizard.browse(action["res_id"]).action_use_promised_date()
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(
            self.order.capacity_commitment_day, self.today + timedelta(days=15)
        )
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_an_on_time_promise_confirms_directly(self):
        self.order.capacity_requested_date = self.today + timedelta(days=20)
        self.from_button.action_confirm()
        self.assertEqual(self.order.state, "sale")

    def test_other_callers_confirm_as_odoo_does(self):
        # the portal's signature or a payment confirms without a button context
        self.order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.order.state, "sale")

    def test_the_form_buttons_carry_the_question(self):
        arch = self.env["sale.order"].get_view(view_type="form")["arch"]
        self.assertEqual(arch.count("'capacity_confirm_check': True"), 2)


@tagged("post_install", "-at_install")
class TestHoldsEnd(CapacityPromiseCase):
    """A quotation's hold of capacity ends on its expiration date and when cancelled;
    the run says how many ended and why."""

    def test_the_run_counts_the_holds_that_ended(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "sale_capacity_promise.quotations_hold_capacity", "True"
        )
        expiring = self.order
        cancelled = self.order_2
        self._apply(self._plan("run-1", suggestions=[]))
        expiring.validity_date = self.today - timedelta(days=1)
        cancelled._action_cancel()
        # the service no longer plans either: the expired one it leaves out, the
        # cancelled one it no longer reads
        result = self._apply(
            self._plan(
                "run-2",
                snapshot_at=self.snapshot_at + timedelta(minutes=5),
                orders=[],
                suggestions=[],
            )
        )
        run = self.env["capacity.planner.run"].browse(result["run_id"])
        self.assertEqual(
            (run.holds_ended_count, run.holds_expired_count, run.holds_cancelled_count),
            (2, 1, 1),
        )
        self.assertFalse(cancelled.capacity_run_id)
        self.assertFalse(expiring.capacity_promise_date)
        # counted once
        result = self._apply(
            self._plan(
                "run-3",
                snapshot_at=self.snapshot_at + timedelta(minutes=10),
                orders=[],
                suggestions=[],
            )
        )
        run = self.env["capacity.planner.run"].browse(result["run_id"])
        self.assertEqual(run.holds_ended_count, 0)

    def test_a_lost_opportunity_ends_the_hold(self):
        if "opportunity_id" not in self.env["sale.order"]._fields:
            self.assertFalse(self.order.capacity_lost)
            self.skipTest("CRM's link to quotations (sale_crm) is not installed")
        self.env["ir.config_parameter"].sudo().set_param(
            "sale_capacity_promise.quotations_hold_capacity", "True"
        )
        lead = self.env["crm.lead"].create(
            {"name": "Cabinets for the new office", "type": "opportunity"}
        )
        self.order.opportunity_id = lead
        self._apply(self._plan("run-1", suggestions=[]))
        self.assertFalse(self.order.capacity_lost)
        lead.action_set_lost()
        self.assertTrue(self.order.capacity_lost)
        self.assertFalse(self.order_2.capacity_lost)
        # the service no longer plans it (it reads capacity_lost); the run says why
        result = self._apply(
            self._plan(
                "run-2",
                snapshot_at=self.snapshot_at + timedelta(minutes=5),
                orders=[self._order_payload(self.order_2, 30, "late")],
                suggestions=[],
            )
        )
        run = self.env["capacity.planner.run"].browse(result["run_id"])
        self.assertEqual(
            (run.holds_ended_count, run.holds_lost_count, run.holds_expired_count),
            (1, 1, 0),
        )
        self.assertFalse(self.order.capacity_promise_date)
        # won back: it is an open quotation again
        lead.action_unarchive()
        lead.probability = 50
        self.assertFalse(self.order.capacity_lost)

    def test_nothing_is_counted_when_quotations_hold_nothing(self):
        self._apply(self._plan("run-1", suggestions=[]))
        self.order.validity_date = self.today - timedelta(days=1)
        result = self._apply(
            self._plan(
                "run-2",
                snapshot_at=self.snapshot_at + timedelta(minutes=5),
                orders=[],
                suggestions=[],
            )
        )
        run = self.env["capacity.planner.run"].browse(result["run_id"])
        self.assertEqual(run.holds_ended_count, 0)


@tagged("post_install", "-at_install")
class TestShortByQuantity(CapacityPromiseCase):
    """A line whose date is on time but that cannot come in full is not on time: the
    customer would not get everything by the date."""

    def setUp(self):
        super().setUp()
        # 10 days is on time against the requested date (11 days); of the 10 shelves
        # 4 cannot come within the planning horizon
        payload = self._order_payload(self.order, 10, "late")
        payload["lines"][1]["missing_quantity"] = 4
        self.result = self._apply(self._plan(orders=[payload], suggestions=[]))
        self.cabinets, self.shelves = self.order.order_line

    def test_the_line_and_the_order_say_short(self):
        self.assertEqual(self.shelves.capacity_missing_qty, 4)
        self.assertEqual(self.shelves.capacity_status, "short")
        self.assertEqual(self.cabinets.capacity_status, "on_time")
        self.assertEqual(self.order.capacity_status, "short")
        # with no date asked for, still not everything comes
        self.order.capacity_requested_date = False
        self.assertEqual(self.shelves.capacity_status, "short")
        self.assertEqual(self.order.capacity_status, "short")

    def test_a_later_date_says_late(self):
        self.order.capacity_requested_date = self.today + timedelta(days=5)
        self.assertEqual(self.order.capacity_status, "late")

    def test_the_run_counts_it_with_the_late_orders(self):
        run = self.env["capacity.planner.run"].browse(self.result["run_id"])
        self.assertEqual(run.late_count, 1)

    def test_it_recovers_when_the_next_run_finds_everything(self):
        self._apply(
            self._plan(
                "run-2",
                snapshot_at=self.snapshot_at + timedelta(minutes=5),
                orders=[self._order_payload(self.order, 10, "on_time")],
                suggestions=[],
            )
        )
        self.assertEqual(self.shelves.capacity_missing_qty, 0)
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_confirming_asks_and_names_the_quantity(self):
        action = (
            self.order.with_user(self.salesman)
            .with_context(capacity_confirm_check=True)
            .action_confirm()
        )
        self.assertEqual(action["res_model"], "capacity.confirm.wizard")
        self.assertEqual(self.order.state, "draft")
        wizard = self.env["capacity.confirm.wizard"].browse(action["res_id"])
        self.assertIn("4 of 10 Shelf cannot be delivered", wizard.message)
        # a later date would not bring the missing shelves: not offered
        self.assertFalse(wizard.late_order_ids)
        wizard.with_user(self.salesman).action_confirm_anyway()
        self.assertEqual(self.order.state, "sale")

    def test_the_filter_of_late_promises_lists_it(self):
        orders = self.env["sale.order"].search(
            [("capacity_status", "in", ("late", "short"))]
        )
        self.assertIn(self.order, orders)
