# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import Form, tagged

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestStalePromise(CapacityPromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # promise computed an hour ago, from lines last changed two hours ago:
        # any change made by the test is then clearly after the promise
        now = fields.Datetime.now()
        cls.order.capacity_lines_changed_at = now - timedelta(hours=2)
        cls.env["capacity.planner.run"].with_user(cls.service).apply_plan(
            cls._plan(snapshot_at=now - timedelta(hours=1))
        )

    def test_promise_is_fresh(self):
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_new_quotation_is_not_checked(self):
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
        self.assertEqual(form.record.capacity_status, "not_checked")

    def test_quantity_change_makes_it_stale(self):
        with Form(self.order.with_user(self.salesman)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 5
        self.assertEqual(self.order.capacity_status, "stale")
        # the planner's status is kept, only the shown status changes
        self.assertEqual(self.order.capacity_planned_status, "on_time")

    def test_product_change_makes_it_stale(self):
        with Form(self.order.with_user(self.salesman)) as form:
            with form.order_line.edit(1) as line:
                line.product_id = self.product
        self.assertEqual(self.order.capacity_status, "stale")

    def test_new_line_makes_it_stale(self):
        with Form(self.order.with_user(self.salesman)) as form:
            with form.order_line.new() as line:
                line.product_id = self.product_2
        self.assertEqual(self.order.capacity_status, "stale")

    def test_removed_line_makes_it_stale(self):
        with Form(self.order.with_user(self.salesman)) as form:
            form.order_line.remove(0)
        self.assertEqual(self.order.capacity_status, "stale")

    def test_price_change_keeps_it_fresh(self):
        with Form(self.order.with_user(self.salesman)) as form:
            with form.order_line.edit(0) as line:
                line.price_unit = 250.0
            form.note = "Price agreed on the phone"
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_section_keeps_it_fresh(self):
        self.order.write(
            {
                "order_line": [
                    fields.Command.create(
                        {"display_type": "line_note", "name": "Fragile"}
                    )
                ]
            }
        )
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_next_plan_clears_stale(self):
        with Form(self.order.with_user(self.salesman)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 5
        self.assertEqual(self.order.capacity_status, "stale")
        self._apply(
            self._plan(
                "run-2", snapshot_at=fields.Datetime.now() + timedelta(seconds=1)
            )
        )
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_use_this_date(self):
        self.salesman.tz = "Pacific/Auckland"
        self.order.with_user(self.salesman).action_use_promise_date()
        commitment = self.order.commitment_date
        # noon in Auckland is around midnight UTC: the date shown stays the promised one
        local = fields.Datetime.context_timestamp(
            self.order.with_user(self.salesman), commitment
        )
        self.assertEqual(local.date(), self.order.capacity_promise_date)
        self.assertEqual(local.hour, 12)
