# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CapacityPromiseCase
from .test_check_capacity import _free_port

TOKEN = "t0ken-for-health"


class FakeHealth(BaseHTTPRequestHandler):
    """The service's /health: says more only with the token, as the real one does."""

    def do_GET(self):  # noqa: N802 (name given by BaseHTTPRequestHandler)
        body = {"status": "up"}
        if self.headers.get("Authorization") == f"Bearer {TOKEN}":
            body.update(
                version="0.1.0",
                odoo={"reachable": True, "version": "17.0"},
                plan={"age_seconds": 180.0, "orders": 12},
            )
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestSettings(CapacityPromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHealth)
        cls.server.daemon_threads = True
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    def _settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def test_a_url_without_scheme_is_refused_on_save(self):
        with self.assertRaisesRegex(ValidationError, "must start with http:// or https://"):
            self._settings(capacity_service_url="planner:8080").execute()
        self._settings(capacity_service_url=" http://planner:8080 ").execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param(
                "sale_capacity_promise.service_url"
            ),
            "http://planner:8080",
        )

    def test_every_setting_has_help(self):
        fields = self.env["res.config.settings"]._fields
        for name in (
            "capacity_service_url",
            "capacity_service_token",
            "capacity_request_timeout",
            "capacity_quotations_hold_capacity",
            "capacity_horizon_days",
            "capacity_schedule_workorders",
        ):
            self.assertTrue(fields[name].help, name)

    def test_test_connection_reports_version_plan_age_and_odoo(self):
        settings = self._settings(
            capacity_service_url=self.url, capacity_service_token=TOKEN
        )
        params = settings.action_capacity_test_connection()["params"]
        self.assertEqual(params["type"], "success")
        self.assertIn("It reaches Odoo 17.0.", params["message"])
        self.assertIn("Its plan is 3 min old (12 orders).", params["message"])
        self.assertIn("Service version 0.1.0.", params["message"])
        self.assertNotIn(TOKEN, params["message"])

    def test_test_connection_says_when_the_token_is_refused(self):
        settings = self._settings(capacity_service_url=self.url, capacity_service_token="x")
        params = settings.action_capacity_test_connection()["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("did not accept the token", params["message"])

    def test_test_connection_to_nothing_says_so(self):
        settings = self._settings(capacity_service_url=f"http://127.0.0.1:{_free_port()}")
        params = settings.action_capacity_test_connection()["params"]
        self.assertEqual(params["type"], "danger")
        self.assertIn("could not be reached", params["message"])

    def test_the_last_run_shows_in_settings(self):
        self.assertIn("No plan received yet", self._settings().capacity_last_run_summary)
        self._apply(self._plan())
        settings = self._settings()
        self.assertEqual(settings.capacity_last_run_state, "applied")
        self.assertIn("2 orders, 1 late, 0 not planned", settings.capacity_last_run_summary)

