# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields, release
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools.misc import format_date

from .common import CapacityPromiseCase

TOKEN = "t0ken-never-shown"


class FakePlanningService(BaseHTTPRequestHandler):
    """A real HTTP server on 127.0.0.1 answering /quote as the test says."""

    # set by the test: a function (request_json) -> (status, body, delay)
    answer = None
    requests = []

    def do_POST(self):  # noqa: N802 (name given by BaseHTTPRequestHandler)
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        type(self).requests.append(
            {
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "json": request,
            }
        )
        status, body, delay = type(self).answer(request)
        time.sleep(delay)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up waiting (timeout test): nobody to answer to
            self.close_connection = True

    def log_message(self, *args):
        pass


def _free_port():
    """A port nobody listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestCheckCapacity(CapacityPromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakePlanningService)
        cls.server.daemon_threads = True
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.service_url = f"http://127.0.0.1:{cls.server.server_address[1]}"

        cls.sales_admin = new_test_user(
            cls.env,
            login="cp_sales_admin",
            groups="sales_team.group_sale_salesman,"
            "sale_capacity_promise.group_capacity_promise_manager",
        )

    def setUp(self):
        super().setUp()
        FakePlanningService.requests = []
        FakePlanningService.answer = self._good_answer
        self._configure(self.service_url)

    def _configure(self, url, timeout=5):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sale_capacity_promise.service_url", url)
        params.set_param("sale_capacity_promise.service_token", TOKEN)
        params.set_param("sale_capacity_promise.request_timeout", str(timeout))

    def _good_answer(self, request):
        lines = request["lines"]
        return (
            200,
            {
                "order_id": request["order_id"],
                "promise_date": self._day(12),
                "status": "late",
                "reason": "Assembly is full until then.",
                "computed_at": "2026-11-23 05:00:00",
                "plan_age_seconds": 42.0,
                "lines": [
                    {
                        "line_id": line["line_id"],
                        "promise_date": self._day(12 - index),
                        "status": "late" if index == 0 else "on_time",
                        "reason": f"line {index}",
                    }
                    for index, line in enumerate(lines)
                ],
            },
            0,
        )

    def _order_values(self):
        return self.order.read(
            [
                "capacity_promise_date",
                "capacity_status",
                "capacity_reason",
                "capacity_computed_at",
            ]
        ) + self.order.order_line.read(["capacity_promise_date", "capacity_status"])

    def _check_refused(self):
        """The salesperson is told plainly what to do and the administrator what went
        wrong; nothing changes on the order. Returns the administrator's message."""
        before = self._order_values()
        action = self.order.with_user(self.salesman).action_check_capacity()
        self.assertEqual(action["params"]["title"], "Delivery date not available")
        self.assertEqual(
            action["params"]["message"],
            "The delivery-date service is not answering; try again in a minute or "
            "tell your administrator.",
        )
        self.assertEqual(self._order_values(), before, "nothing may change on the order")
        with self.assertRaises(UserError) as caught:
            self.order.with_user(self.sales_admin).action_check_capacity()
        self.assertEqual(
            self._order_values(), before, "nothing may change on the order"
        )
        self.assertNotIn(TOKEN, str(caught.exception))
        return str(caught.exception)

    def test_check_capacity_shows_the_promise(self):
        action = self.order.with_user(self.salesman).action_check_capacity()

        self.assertEqual(
            self.order.capacity_promise_date, fields.Date.to_date(self._day(12))
        )
        self.assertEqual(self.order.capacity_status, "late")
        self.assertEqual(self.order.capacity_reason, "Assembly is full until then.")
        self.assertTrue(self.order.capacity_computed_at)
        self.assertFalse(self.order.capacity_run_id)
        first, second = self.order.order_line
        self.assertEqual(first.capacity_status, "late")
        self.assertEqual(second.capacity_status, "on_time")
        self.assertEqual(second.capacity_reason, "line 1")
        # the lines come on different dates: the customer has a choice
        self.assertEqual(action["res_model"], "capacity.quote.options.wizard")
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertIn(
            format_date(self.env, self.order.capacity_promise_date), wizard.summary
        )

        (request,) = FakePlanningService.requests
        self.assertEqual(request["path"], "/quote")
        self.assertEqual(request["authorization"], f"Bearer {TOKEN}")
        sent = request["json"]
        self.assertEqual(sent["order_id"], self.order.id)
        self.assertEqual(sent["name"], self.order.name)
        self.assertEqual(sent["partner"], "Customer Ltd")
        self.assertEqual(sent["picking_policy"], "direct")
        # no commitment date: the date the customer asked for
        self.assertEqual(
            sent["commitment_date"],
            fields.Datetime.to_string(
                self.order.with_user(self.salesman)._capacity_noon(self.requested_date)
            ),
        )
        self.assertEqual(
            [
                (line["product_id"], line["quantity"], line["uom_id"])
                for line in sent["lines"]
            ],
            [
                (self.product.id, 2.0, self.uom_unit.id),
                (self.product_2.id, 10.0, self.uom_unit.id),
            ],
        )

    def test_check_capacity_clears_stale(self):
        self.order.capacity_lines_changed_at = fields.Datetime.now()
        self.order.with_user(self.salesman).action_check_capacity()
        self.assertEqual(self.order.capacity_status, "late")

    def test_unreachable_service(self):
        url = f"http://127.0.0.1:{_free_port()}"
        self._configure(url)
        message = self._check_refused()
        self.assertIn(f"The planning service at {url} could not be reached", message)
        self.assertIn("connection refused", message.lower())

    def test_service_too_slow(self):
        self._configure(self.service_url, timeout=1)
        # from 18 on, Odoo's test framework raises any request timeout below 10 s to
        # 10 s: the service must be slower than that for the request to time out
        delay = 1.5 if release.version_info[0] < 18 else 10.5
        FakePlanningService.answer = lambda request: (200, {}, delay)
        message = self._check_refused()
        self.assertIn(self.service_url, message)
        self.assertIn("did not answer within 1 seconds", message)

    def test_service_without_plan(self):
        FakePlanningService.answer = lambda request: (
            503,
            {"error": "no plan computed yet, first run in progress"},
            0,
        )
        message = self._check_refused()
        self.assertIn("no plan computed yet, first run in progress", message)
        self.assertIn(self.service_url, message)

    def test_token_refused(self):
        FakePlanningService.answer = lambda request: (401, {"error": "bad token"}, 0)
        message = self._check_refused()
        self.assertIn("HTTP 401", message)

    def test_service_error_text_is_shown(self):
        FakePlanningService.answer = lambda request: (
            422,
            {"error": "product 42 has no bill of materials"},
            0,
        )
        message = self._check_refused()
        self.assertIn("HTTP 422", message)
        self.assertIn("product 42 has no bill of materials", message)

    def test_garbage_answer(self):
        FakePlanningService.answer = lambda request: (
            200,
            b"<html>proxy error</html>",
            0,
        )
        message = self._check_refused()
        self.assertIn("invalid response", message)

    def test_answer_for_another_order(self):
        def answer(request):
            status, body, delay = self._good_answer(request)
            body["lines"][0]["line_id"] = self.order_2.order_line.id
            return status, body, delay

        FakePlanningService.answer = answer
        message = self._check_refused()
        self.assertIn("lines[0].line_id", message)

    def test_no_service_configured(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "sale_capacity_promise.service_url", ""
        )
        message = self._check_refused()
        self.assertIn("No planning service is configured", message)
