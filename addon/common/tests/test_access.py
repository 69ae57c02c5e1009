# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestAccess(CapacityPromiseCase):
    def test_only_the_service_applies_plans(self):
        for user in (self.salesman, self.buyer, self.manager):
            with self.assertRaises(AccessError):
                self.env["capacity.planner.run"].with_user(user).apply_plan(
                    self._plan()
                )
        self.assertFalse(self.env["capacity.planner.run"].search([]))
        result = self._apply(self._plan())
        self.assertTrue(result["run_id"])

    def test_service_reads_but_does_not_write(self):
        self._apply(self._plan())
        service_env = self.env(user=self.service)
        for model in (
            "sale.order",
            "sale.order.line",
            "mrp.production",
            "mrp.workcenter",
            # capacity, setup and cleanup per product, used by the planner
            "mrp.workcenter.capacity",
            "mrp.bom",
            "mrp.routing.workcenter",
            "mrp.workorder",
            "stock.move",
            "stock.quant",
            "purchase.order.line",
            "product.supplierinfo",
            "resource.calendar.leaves",
        ):
            service_env[model].search_read([], ["id"], limit=1)
        self.assertEqual(
            service_env["sale.order"].browse(self.order.id).capacity_status, "on_time"
        )
        with self.assertRaises(AccessError):
            service_env["sale.order"].browse(self.order.id).write({"note": "hacked"})
        with self.assertRaises(AccessError):
            service_env["mrp.production"].browse(self.production.id).write(
                {"origin": "x"}
            )
        with self.assertRaises(AccessError):
            service_env["ir.config_parameter"].get_param(
                "sale_capacity_promise.service_token"
            )

    def test_service_limited_to_its_companies(self):
        plan = self._plan(
            company_id=self.other_company.id,
            orders=[],
            productions=[],
            suggestions=[],
            load=[],
        )
        with self.assertRaises(AccessError):
            self._apply(plan)

    def test_users_see_only_their_company(self):
        self._apply(self._plan())
        service_other = new_test_user(
            self.env,
            login="cp_service_other",
            groups="sale_capacity_promise.group_capacity_promise_service",
            company_id=self.other_company.id,
            company_ids=[(6, 0, self.other_company.ids)],
        )
        vendor = self.env["res.partner"].create({"name": "Other Vendor"})
        self.env["capacity.planner.run"].with_user(service_other).apply_plan(
            self._plan(
                "run-other",
                company_id=self.other_company.id,
                orders=[],
                productions=[],
                load=[],
                suggestions=[
                    self._suggestion_payload("screw-1", self.bolt, vendor, 7, serves=[])
                ],
            )
        )
        suggestions = self.env["capacity.purchase.suggestion"].with_user(self.salesman)
        self.assertEqual(len(suggestions.search([])), 3)
        self.assertNotIn("screw-1", suggestions.search([]).mapped("key"))
        foreign = self.env["capacity.purchase.suggestion"].search(
            [("key", "=", "screw-1")]
        )
        self.assertEqual(foreign.company_id, self.other_company)
        with self.assertRaises(AccessError):
            foreign.with_user(self.salesman).read(["product_qty"])
        runs = self.env["capacity.planner.run"].with_user(self.salesman).search([])
        self.assertEqual(runs.mapped("run_key"), ["run-1"])

    def test_salesman_reads_but_cannot_order_or_change(self):
        self._apply(self._plan())
        suggestions = (
            self.env["capacity.purchase.suggestion"].with_user(self.salesman).search([])
        )
        self.assertEqual(len(suggestions), 3)
        self.assertTrue(
            self.env["capacity.workcenter.load"]
            .with_user(self.salesman)
            .search_count([])
        )
        with self.assertRaises(AccessError):
            suggestions.action_create_rfq()
        with self.assertRaises(AccessError):
            suggestions.write({"state": "dismissed"})
        with self.assertRaises(AccessError):
            suggestions.action_dismiss()
