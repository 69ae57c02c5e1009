# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the views show read-only is read-only in the model too: promise fields,
planner runs and suggestion states are written only by the planning service, or
through the actions that check the user's group, whatever a user sends over RPC."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestWriteGuard(CapacityPromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        result = cls.env["capacity.planner.run"].with_user(cls.service).apply_plan(
            cls._plan()
        )
        cls.planner_run = cls.env["capacity.planner.run"].browse(result["run_id"])
        suggestions = cls.env["capacity.purchase.suggestion"].search([])
        cls.bolt_suggestion = suggestions.filtered(lambda s: s.key == "bolt-1")
        cls.hinge_suggestion = suggestions.filtered(lambda s: s.key == "hinge-1")
        # an RFQ line of another product, which a buyer may write
        cls.other_rfq = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor.id,
                "order_line": [
                    Command.create({"product_id": cls.panel.id, "product_qty": 5})
                ],
            }
        )

    def _users(self):
        return {
            "salesperson": self.salesman,
            "buyer": self.buyer,
            "manager": self.manager,
        }

    def test_promise_fields_of_an_order_are_the_services(self):
        order = self.order
        promised = order.capacity_promise_date
        for role, user in self._users().items():
            for values in (
                {"capacity_promise_date": fields.Date.to_string(self.today)},
                {"capacity_planned_status": "on_time"},
                {"capacity_reason": "promised by hand"},
                {"capacity_reason_data": '{"kind": "in_stock", "values": {}}'},
                {"capacity_computed_at": fields.Datetime.now()},
                {"capacity_run_id": False},
                {"capacity_lines_changed_at": False},
            ):
                with self.subTest(role=role, values=values):
                    with self.assertRaises(AccessError):
                        order.with_user(user).write(values)
        self.assertEqual(order.capacity_promise_date, promised)
        # what a salesperson may change on the order is still theirs
        order.with_user(self.salesman).write({"note": "Call before delivery"})

    def test_promise_fields_of_a_line_are_the_services(self):
        line = self.order.order_line[0]
        for role, user in self._users().items():
            for values in (
                {"capacity_promise_date": fields.Date.to_string(self.today)},
                {"capacity_status": "on_time"},
                {"capacity_reason": "x"},
            ):
                with self.subTest(role=role, values=values):
                    with self.assertRaises(AccessError):
                        line.with_user(user).write(values)

    def test_an_order_cannot_be_created_with_a_promise(self):
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "capacity_promise_date": fields.Date.to_string(self.today),
                    "capacity_planned_status": "on_time",
                }
            )

    def test_the_services_plan_still_writes_promises(self):
        # the service user may not write orders itself: apply_plan checks and writes
        self.assertEqual(self.order.capacity_run_id, self.planner_run)
        self.assertTrue(self.order.capacity_promise_date)
        self.assertEqual(self.bolt_suggestion.run_id, self.planner_run)

    def test_planner_runs_are_written_only_by_the_service(self):
        future = fields.Datetime.now() + timedelta(days=3650)
        for role, user in self._users().items():
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    self.planner_run.with_user(user).write({"snapshot_at": future})
        self.assertLess(self.planner_run.snapshot_at, future)
        with self.assertRaises(AccessError):
            self.env["capacity.planner.run"].with_user(self.manager).create(
                {"run_key": "forged", "snapshot_at": future}
            )
        # so the next plan is still applied
        later = fields.Datetime.now() + timedelta(minutes=5)
        result = self._apply(self._plan("run-after", snapshot_at=later))
        self.assertFalse(result["ignored"])

    def test_suggestion_states_are_not_written_directly(self):
        line = self.other_rfq.order_line
        for role, user in self._users().items():
            for values in (
                {"state": "dismissed"},
                {"state": "ordered", "purchase_line_id": line.id},
                {"purchase_line_id": line.id},
                {"product_qty": 1},
            ):
                with self.subTest(role=role, values=values):
                    with self.assertRaises(AccessError):
                        self.hinge_suggestion.with_user(user).write(values)
        self.assertEqual(self.hinge_suggestion.state, "open")
        self.assertFalse(self.hinge_suggestion.purchase_line_id)

    def test_dismiss_only_through_the_managers_action(self):
        with self.assertRaises(AccessError):
            self.hinge_suggestion.with_user(self.buyer).action_dismiss()
        self.hinge_suggestion.with_user(self.manager).action_dismiss()
        self.assertEqual(self.hinge_suggestion.state, "dismissed")

    def test_ordered_only_against_a_matching_rfq_line(self):
        line = self.other_rfq.order_line  # a panel line, from the steel vendor
        with self.assertRaises(ValidationError):
            self.bolt_suggestion.with_user(self.service).write(
                {"state": "ordered", "purchase_line_id": line.id}
            )
        with self.assertRaises(ValidationError):
            self.bolt_suggestion.with_user(self.service).write({"state": "ordered"})
        # the buyer's action orders it against its own line
        self.bolt_suggestion.with_user(self.buyer).action_create_rfq()
        self.assertEqual(self.bolt_suggestion.state, "ordered")
        self.assertEqual(self.bolt_suggestion.purchase_line_id.product_id, self.bolt)

    def test_check_capacity_still_writes_the_salespersons_promise(self):
        self.order.with_user(self.salesman)._write_capacity_quote(
            type(
                "Quote",
                (),
                {
                    "promise_date": self.today,
                    "status": "late",
                    "reason": "Assembly is full",
                    "reason_data": False,
                    "lines": (),
                },
            )()
        )
        self.assertEqual(self.order.capacity_planned_status, "late")
        self.assertFalse(self.order.capacity_run_id)
