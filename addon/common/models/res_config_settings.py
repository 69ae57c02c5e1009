# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from urllib.parse import urlsplit

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .sale_order import _connection_error_cause, _display_url

_logger = logging.getLogger(__name__)

# the connection test waits this long at most, whatever the request timeout
TEST_TIMEOUT = 10


def check_service_url(url):
    """The error of a planning service address, or "" when it is one: an http(s) URL
    with a host (without a scheme, requests later fails with "No connection adapters
    were found")."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _(
            "The planning service URL must start with http:// or https:// and name a "
            "host, e.g. http://planner:8080 (got %(url)s).",
            url=url,
        )
    return ""


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    capacity_service_url = fields.Char(
        string="Planning Service URL",
        config_parameter="sale_capacity_promise.service_url",
        help="Base address of the planning service, with its scheme, e.g. "
        "http://planner:8080. 'Check Capacity' posts each quotation to <URL>/quote.",
    )
    capacity_service_token = fields.Char(
        string="Planning Service Token",
        config_parameter="sale_capacity_promise.service_token",
        help="The service's API token (CAPACITY_PROMISE_TOKEN on the service), sent as "
        "'Authorization: Bearer <token>'. Never shown in messages or logs.",
    )
    capacity_request_timeout = fields.Integer(
        string="Request Timeout (s)",
        config_parameter="sale_capacity_promise.request_timeout",
        default=10,
        help="How many seconds 'Check Capacity' waits for the service before telling "
        "the salesperson it is not answering.",
    )
    capacity_quotations_hold_capacity = fields.Boolean(
        string="Open Quotations Hold Capacity",
        config_parameter="sale_capacity_promise.quotations_hold_capacity",
        help="If set, the planner reserves capacity for open quotations as for "
        "confirmed orders, so a promise given on a quotation still holds when it is "
        "confirmed; otherwise quotations only get the capacity left over by confirmed "
        "orders.",
    )
    capacity_horizon_days = fields.Integer(
        string="Planning Horizon (days)",
        config_parameter="sale_capacity_promise.horizon_days",
        default=180,
        help="How many days ahead the planner books work centers and purchases. An "
        "order that cannot be made within the horizon shows 'Cannot Plan'.",
    )
    capacity_hide_promise_on_documents = fields.Boolean(
        string="Hide Promised Dates on Documents",
        config_parameter="sale_capacity_promise.hide_promise_on_documents",
        help="If set, the printed quotation and order and the customer portal do not "
        "show the promised delivery date.",
    )
    capacity_schedule_workorders = fields.Boolean(
        string="Schedule Work Orders from the Plan",
        config_parameter="sale_capacity_promise.schedule_workorders",
        help="If set, each plan also writes the scheduled start and end of the work "
        "orders and manufacturing orders that are not started and not locked by a "
        "planner ('Keep My Dates'), so Manufacturing's own views show the plan. "
        "Otherwise the plan's times are only shown in the capacity views.",
    )
    capacity_last_run_id = fields.Many2one(
        "capacity.planner.run",
        string="Last Planner Run",
        compute="_compute_capacity_last_run",
        help="The latest plan the service applied (or failed to make) for this company.",
    )
    capacity_last_run_state = fields.Selection(
        related="capacity_last_run_id.state", string="Last Run Status"
    )
    capacity_last_run_at = fields.Datetime(
        related="capacity_last_run_id.snapshot_at", string="Last Run At"
    )
    capacity_last_run_summary = fields.Char(
        string="Last Run", compute="_compute_capacity_last_run"
    )

    @api.depends("company_id")
    def _compute_capacity_last_run(self):
        runs = self.env["capacity.planner.run"].sudo()
        for settings in self:
            run = runs.search([("company_id", "=", settings.company_id.id)], limit=1)
            settings.capacity_last_run_id = run
            settings.capacity_last_run_summary = run and run._capacity_summary() or _(
                "No plan received yet: start the planning service "
                "(capacity-promise serve)."
            )

    @api.constrains("capacity_service_url")
    def _check_capacity_service_url(self):
        for settings in self:
            error = check_service_url(settings.capacity_service_url)
            if error:
                raise ValidationError(error)

    def set_values(self):
        # a transient record's constraint runs at create; this also guards a direct call
        for settings in self:
            error = check_service_url(settings.capacity_service_url)
            if error:
                raise ValidationError(error)
            if settings.capacity_service_url:
                settings.capacity_service_url = settings.capacity_service_url.strip()
        return super().set_values()

    def action_capacity_test_connection(self):
        """Ask the planning service's /health, with the token, and report its version,
        the age of its plan and whether it reaches Odoo."""
        self.ensure_one()
        url = (self.capacity_service_url or "").strip()
        error = check_service_url(url) if url else _("Set the planning service URL first.")
        if error:
            return self._capacity_notify(_("Connection test failed"), error, "danger")
        shown = _display_url(url)
        headers = (
            {"Authorization": f"Bearer {self.capacity_service_token}"}
            if self.capacity_service_token
            else {}
        )
        try:
            response = requests.get(
                f"{url.rstrip('/')}/health", headers=headers, timeout=TEST_TIMEOUT
            )
            health = response.json()
        except requests.exceptions.RequestException as error:
            return self._capacity_notify(
                _("Connection test failed"),
                _(
                    "The planning service at %(url)s could not be reached: %(cause)s",
                    url=shown,
                    cause=_connection_error_cause(error),
                ),
                "danger",
            )
        except ValueError:
            return self._capacity_notify(
                _("Connection test failed"),
                _(
                    "%(url)s answered (HTTP %(status)s), but not as the planning service "
                    "does: is it the right address?",
                    url=shown,
                    status=response.status_code,
                ),
                "danger",
            )
        return self._capacity_notify(*self._capacity_health_message(shown, health))

    @api.model
    def _capacity_health_message(self, shown, health):
        """Title, message and type of the notification for a /health answer."""
        if not isinstance(health, dict) or "status" not in health:
            return (
                _("Connection test failed"),
                _("%(url)s did not answer as the planning service does.", url=shown),
                "danger",
            )
        if "odoo" not in health:
            return (
                _("Service reached, token refused"),
                _(
                    "The planning service at %(url)s answers (status %(status)s) but did "
                    "not accept the token, so it says no more: check the token.",
                    url=shown,
                    status=health["status"],
                ),
                "warning",
            )
        odoo = health.get("odoo") or {}
        plan = health.get("plan") or {}
        parts = [
            _(
                "The planning service at %(url)s answers: status %(status)s.",
                url=shown,
                status=health["status"],
            )
        ]
        if odoo.get("reachable"):
            parts.append(
                _(
                    "It reaches Odoo %(version)s.",
                    version=odoo.get("version") or "",
                )
            )
        else:
            parts.append(
                _(
                    "It does not reach Odoo: %(problem)s",
                    problem=odoo.get("problem") or odoo.get("last_error") or _("no answer"),
                )
            )
        if plan:
            minutes = round(float(plan.get("age_seconds") or 0.0) / 60)
            parts.append(
                _(
                    "Its plan is %(minutes)s min old (%(orders)s orders).",
                    minutes=minutes,
                    orders=plan.get("orders", "?"),
                )
            )
        else:
            parts.append(_("It has no plan yet."))
        if health.get("version"):
            parts.append(_("Service version %(version)s.", version=health["version"]))
        ok = health["status"] == "up" and odoo.get("reachable")
        return (
            _("Connection test passed") if ok else _("Connection test: service degraded"),
            " ".join(parts),
            "success" if ok else "warning",
        )

    @api.model
    def _capacity_notify(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind, "sticky": True},
        }
