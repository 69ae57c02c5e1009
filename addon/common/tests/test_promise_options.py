# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from datetime import timedelta
from http.server import ThreadingHTTPServer

from odoo.tests import tagged

from .common import CapacityPromiseCase
from .test_check_capacity import TOKEN, FakePlanningService


@tagged("post_install", "-at_install")
class TestDeliveryOptions(CapacityPromiseCase):
    """'Check Capacity' offers the customer's choices, and one is applied."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakePlanningService)
        cls.server.daemon_threads = True
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(
            "sale_capacity_promise.service_url",
            f"http://127.0.0.1:{cls.server.server_address[1]}",
        )
        params.set_param("sale_capacity_promise.service_token", TOKEN)

    def setUp(self):
        super().setUp()
        FakePlanningService.requests = []
        FakePlanningService.answer = self._partial_answer

    def _partial_answer(self, request):
        """2 cabinets: 1 on day 5, 1 on day 20; 10 shelves on day 8 (asked: day 11)."""
        cabinets, shelves = request["lines"]
        return (
            200,
            {
                "order_id": request["order_id"],
                "promise_date": self._day(5),
                "status": "late",
                "reason": "Assembly is full until then.",
                "computed_at": "2026-11-23 05:00:00",
                "lines": [
                    {
                        "line_id": cabinets["line_id"],
                        "promise_date": self._day(20),
                        "status": "late",
                        "shipments": [
                            {"date": self._day(5), "quantity": 1},
                            {"date": self._day(20), "quantity": 1},
                        ],
                        "quantity_by_requested_date": 1,
                    },
                    {
                        "line_id": shelves["line_id"],
                        "promise_date": self._day(8),
                        "status": "on_time",
                        "shipments": [{"date": self._day(8), "quantity": 10}],
                        "quantity_by_requested_date": 10,
                    },
                ],
            },
            0,
        )

    def _options(self):
        action = self.order.with_user(self.salesman).action_check_capacity()
        self.assertEqual(action["res_model"], "capacity.quote.options.wizard")
        return (
            self.env["capacity.quote.options.wizard"]
            .with_user(self.salesman)
            .browse(action["res_id"])
        )

    def test_the_three_choices(self):
        wizard = self._options()
        self.assertEqual(wizard.all_at_once_date, self.today + timedelta(days=20))
        self.assertEqual(wizard.first_date, self.today + timedelta(days=5))
        self.assertEqual(wizard.by_date, self.requested_date)
        self.assertEqual((wizard.by_date_quantity, wizard.total_quantity), (11, 12))
        self.assertIn("Cabinet", wizard.options_html)

    def test_all_at_once(self):
        self._options().action_apply_all_at_once()
        self.assertEqual(self.order.picking_policy, "one")
        self.assertEqual(
            self.order.capacity_commitment_day, self.today + timedelta(days=20)
        )

    def test_as_it_comes(self):
        self._options().action_apply_as_it_comes()
        self.assertEqual(self.order.picking_policy, "direct")
        self.assertEqual(
            self.order.capacity_commitment_day, self.today + timedelta(days=5)
        )

    def test_what_comes_by_the_date_splits_the_lines(self):
        self._options().action_apply_by_date()
        cabinets = self.order.order_line.filtered(
            lambda line: line.product_id == self.product
        )
        self.assertEqual(sorted(cabinets.mapped("product_uom_qty")), [1, 1])
        shelves = self.order.order_line.filtered(
            lambda line: line.product_id == self.product_2
        )
        self.assertEqual(shelves.product_uom_qty, 10)
        self.assertEqual(self.order.capacity_commitment_day, self.requested_date)
        # the lines changed: check again before giving the date
        self.assertEqual(self.order.capacity_status, "not_checked")

    def test_one_date_for_all_needs_no_choice(self):
        def answer(request):
            status, body, delay = self._partial_answer(request)
            for line in body["lines"]:
                line["promise_date"] = self._day(8)
                line["shipments"] = []
            return status, body, delay

        FakePlanningService.answer = answer
        action = self.order.with_user(self.salesman).action_check_capacity()
        self.assertEqual(action["tag"], "display_notification")
