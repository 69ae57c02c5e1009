# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date

from .common import CapacityPromiseCase


class PromiseDocumentCase(CapacityPromiseCase):
    def _promise(self, days, second_line_days=None):
        payload = self._order_payload(self.order, days, "on_time")
        if second_line_days is not None:
            payload["lines"][1]["promise_date"] = self._day(second_line_days)
        self._apply(self._plan(orders=[payload], suggestions=[]))

    def _pdf_html(self):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sale.action_report_saleorder", self.order.ids
        )[0]
        return html.decode()


@tagged("post_install", "-at_install")
class TestPromiseOnThePrintedQuotation(PromiseDocumentCase):
    def test_the_promised_date_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self._promise(10)
        html = self._pdf_html()
        promised = self.today + timedelta(days=10)
        self.assertIn("Promised Delivery", html)
        self.assertIn(promised.strftime("%d/%m/%Y"), html)
        self.assertIn(format_date(self.env, promised, lang_code="fr_FR"), html)
        # one date for every line: no list per line
        self.assertNotIn("Delivery per line", html)

    def test_per_line_when_the_lines_differ(self):
        self._promise(10, second_line_days=4)
        html = self._pdf_html()
        self.assertIn("Delivery per line", html)
        # as each line is ready: the order's date is the first delivery's
        self.assertIn("Promised Delivery From:", html)
        self.assertIn(format_date(self.env, self.today + timedelta(days=4)), html)

    def test_all_at_once_shows_one_date(self):
        self.order.picking_policy = "one"
        self._promise(10, second_line_days=4)
        html = self._pdf_html()
        self.assertNotIn("Delivery per line", html)
        self.assertNotIn("Promised Delivery From:", html)
        self.assertIn("Promised Delivery:", html)

    def test_a_line_that_cannot_come_in_full_says_so(self):
        payload = self._order_payload(self.order, 10, "late")
        payload["lines"][1]["missing_quantity"] = 4
        self._apply(self._plan(orders=[payload], suggestions=[]))
        html = self._pdf_html()
        # one date for both lines, but the shelves do not all come by it
        self.assertIn("Delivery per line", html)
        self.assertIn("6 of 10 by this date; the rest will be confirmed later.", html)

    def test_a_setting_hides_it(self):
        self._promise(10, second_line_days=4)
        self.env["ir.config_parameter"].sudo().set_param(
            "sale_capacity_promise.hide_promise_on_documents", "True"
        )
        html = self._pdf_html()
        self.assertNotIn("Promised Delivery", html)
        self.assertNotIn("Delivery per line", html)

    def test_a_stale_promise_is_not_printed(self):
        self._promise(10)
        self.order.capacity_lines_changed_at = self.order.capacity_computed_at + timedelta(
            minutes=1
        )
        self.assertNotIn("Promised Delivery", self._pdf_html())


@tagged("post_install", "-at_install")
class TestPromiseOnThePortal(HttpCase, PromiseDocumentCase):
    def test_the_customer_sees_the_promised_date(self):
        self._promise(10, second_line_days=4)
        self.order.action_quotation_sent()
        response = self.url_open(self.order.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Promised Delivery", response.text)
        self.assertIn("Delivery per line", response.text)
        self.assertIn(
            format_date(self.env, self.today + timedelta(days=10)), response.text
        )
