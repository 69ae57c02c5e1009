# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestPurchaseSuggestion(CapacityPromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["capacity.planner.run"].with_user(cls.service).apply_plan(cls._plan())
        suggestions = cls.env["capacity.purchase.suggestion"].search([])
        cls.bolt_suggestion = suggestions.filtered(lambda s: s.key == "bolt-1")
        cls.panel_suggestion = suggestions.filtered(lambda s: s.key == "panel-1")
        cls.hinge_suggestion = suggestions.filtered(lambda s: s.key == "hinge-1")
        cls.suggestions = suggestions

    def _odoo_line(self, vendor, product, quantity):
        """The line Odoo makes when a buyer types the same RFQ by hand."""
        with Form(self.env["purchase.order"].with_user(self.buyer)) as form:
            form.partner_id = vendor
            with form.order_line.new() as line:
                line.product_id = product
                line.product_qty = quantity
        return form.record.order_line

    def test_create_rfq_one_order_per_vendor(self):
        action = self.suggestions.with_user(self.buyer).action_create_rfq()

        purchase_orders = self.suggestions.purchase_order_id
        self.assertEqual(len(purchase_orders), 2)
        self.assertEqual(
            sorted(purchase_orders.mapped("partner_id.name")),
            ["Steel Vendor", "Vendor Abroad"],
        )
        self.assertEqual(set(purchase_orders.mapped("state")), {"draft"})
        self.assertEqual(set(self.suggestions.mapped("state")), {"ordered"})
        self.assertEqual(action["domain"], [("id", "in", purchase_orders.ids)])
        steel = purchase_orders.filtered(lambda po: po.partner_id == self.vendor)
        self.assertEqual(steel.order_line.product_id, self.bolt | self.panel)
        self.assertIn(self.order.name, steel.origin)
        self.assertEqual(self.bolt_suggestion.purchase_line_id.product_qty, 100)

    def test_rfq_lines_priced_and_taxed_as_odoo_does(self):
        self.suggestions.with_user(self.buyer).action_create_rfq()
        for suggestion, vendor, product, quantity in [
            (self.bolt_suggestion, self.vendor, self.bolt, 100),
            (self.hinge_suggestion, self.vendor_abroad, self.hinge, 50),
        ]:
            ours = suggestion.purchase_line_id
            odoo = self._odoo_line(vendor, product, quantity)
            self.assertEqual(ours.price_unit, odoo.price_unit)
            self.assertEqual(self._taxes(ours), self._taxes(odoo))
            self.assertEqual(ours.date_planned.date(), odoo.date_planned.date())
            self.assertEqual(ours.name, odoo.name)
            self.assertEqual(
                ours.order_id.fiscal_position_id, odoo.order_id.fiscal_position_id
            )
        self.assertEqual(self.bolt_suggestion.purchase_line_id.price_unit, 2.5)
        self.assertEqual(
            self._taxes(self.bolt_suggestion.purchase_line_id), self.tax_purchase
        )
        # the importer's fiscal position maps the 15 % tax
        self.assertEqual(
            self._taxes(self.hinge_suggestion.purchase_line_id),
            self.tax_purchase_export
        )

    def test_never_ordered_twice(self):
        self.bolt_suggestion.with_user(self.buyer).action_create_rfq()
        first_line = self.bolt_suggestion.purchase_line_id
        with self.assertRaisesRegex(UserError, "Nothing to order"):
            self.bolt_suggestion.with_user(self.buyer).action_create_rfq()
        # a mixed selection orders only what is still open
        (self.bolt_suggestion | self.panel_suggestion).with_user(
            self.buyer
        ).action_create_rfq()
        self.assertEqual(self.bolt_suggestion.purchase_line_id, first_line)
        self.assertNotEqual(
            self.panel_suggestion.purchase_order_id, first_line.order_id
        )
        self.assertEqual(
            self.env["purchase.order.line"].search_count(
                [("product_id", "=", self.bolt.id)]
            ),
            1,
        )

    def test_dismissed_is_not_ordered(self):
        self.hinge_suggestion.with_user(self.manager).action_dismiss()
        with self.assertRaises(UserError):
            self.hinge_suggestion.with_user(self.buyer).action_create_rfq()
        self.hinge_suggestion.with_user(self.manager).action_reopen()
        self.assertEqual(self.hinge_suggestion.state, "open")

    def test_dismiss_needs_a_manager(self):
        with self.assertRaises(AccessError):
            self.hinge_suggestion.with_user(self.buyer).action_dismiss()
        self.assertEqual(self.hinge_suggestion.state, "open")

    def test_reopen_after_rfq_cancelled(self):
        self.bolt_suggestion.with_user(self.buyer).action_create_rfq()
        self.bolt_suggestion.purchase_order_id.button_cancel()
        self.bolt_suggestion.with_user(self.manager).action_reopen()
        self.assertEqual(self.bolt_suggestion.state, "open")
        self.assertFalse(self.bolt_suggestion.purchase_line_id)

    def _filter_domain(self, name):
        """The domain of a filter of the search view, as the web client evaluates it."""
        arch = etree.fromstring(
            self.env.ref(
                "sale_capacity_promise.capacity_purchase_suggestion_view_search"
            ).arch
        )
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        return safe_eval(
            node.get("domain"),
            {"context_today": lambda: self.today, "relativedelta": relativedelta},
        )

    def test_search_filters(self):
        suggestions = self.env["capacity.purchase.suggestion"].with_user(self.buyer)
        overdue = suggestions.search(self._filter_domain("filter_overdue"))
        self.assertEqual(overdue, self.hinge_suggestion)
        sunday = self.today + relativedelta(weekday=6)
        this_week = suggestions.search(self._filter_domain("filter_order_this_week"))
        self.assertEqual(
            this_week, self.suggestions.filtered(lambda s: s.order_by_date <= sunday)
        )
        self.hinge_suggestion.with_user(self.manager).action_dismiss()
        self.assertFalse(suggestions.search(self._filter_domain("filter_overdue")))
