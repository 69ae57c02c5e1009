# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    capacity_service_url = fields.Char(
        string="Planning Service URL",
        config_parameter="sale_capacity_promise.service_url",
        help="Base address of the planning service, e.g. http://planner:8080",
    )
    capacity_service_token = fields.Char(
        string="Planning Service Token",
        config_parameter="sale_capacity_promise.service_token",
        help="Sent as 'Authorization: Bearer <token>' when checking capacity.",
    )
    capacity_request_timeout = fields.Integer(
        string="Request Timeout (s)",
        config_parameter="sale_capacity_promise.request_timeout",
        default=10,
    )
    capacity_quotations_hold_capacity = fields.Boolean(
        string="Open Quotations Hold Capacity",
        config_parameter="sale_capacity_promise.quotations_hold_capacity",
        help="If set, the planner reserves capacity for open quotations as for "
        "confirmed orders; otherwise quotations only get the capacity left over.",
    )
    capacity_horizon_days = fields.Integer(
        string="Planning Horizon (days)",
        config_parameter="sale_capacity_promise.horizon_days",
        default=180,
    )
    capacity_hide_promise_on_documents = fields.Boolean(
        string="Hide Promised Dates on Documents",
        config_parameter="sale_capacity_promise.hide_promise_on_documents",
        help="If set, the printed quotation and order and the customer portal do not "
        "show the promised delivery date.",
    )
