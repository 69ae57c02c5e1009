# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging
from urllib.parse import urlsplit, urlunsplit

import pytz
import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from .. import plan_payload, quote_options
from ..compat import uom_field
from ..promise_status import (
    PLANNED_STATUSES,
    STATUSES,
    is_stale,
    not_before,
    promise_status,
)
from .capacity_reason import WORKCENTER_KINDS, cause_of, load_reason
from .write_changes import differs, write_each
from .write_guard import check_planner_write, check_user_may_write

_logger = logging.getLogger(__name__)

PROMISE_STATUSES = PLANNED_STATUSES
DEFAULT_TIMEOUT = 10
# an order promised on time with less slack than this before its committed date is at risk
AT_RISK_DAYS = 2
# an error text from the service is shown to the user, but not a whole page of it
MAX_ERROR_TEXT = 300


def _display_url(url):
    """The service address without credentials, fit to show to a user."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def _connection_error_cause(error):
    """The root cause of a failed connection in a few words, such as
    'connection refused', rather than urllib3's nested retry message."""
    seen = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror[:1].lower() + current.strerror[1:]
        pending += [
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),
        ]
        pending += [
            arg
            for arg in getattr(current, "args", ())
            if isinstance(arg, BaseException)
        ]
    return str(error)[:MAX_ERROR_TEXT]


# what a promise that no longer holds is replaced by
_NO_PROMISE = {
    "capacity_promise_date": False,
    "capacity_planned_status": False,
    "capacity_reason": False,
    "capacity_reason_data": False,
}


# what only the planning service writes (the addon's actions write them as superuser)
PROMISE_FIELDS = frozenset(
    (
        "capacity_promise_date",
        "capacity_planned_status",
        "capacity_reason",
        "capacity_reason_data",
        "capacity_computed_at",
        "capacity_lines_changed_at",
        "capacity_run_id",
    )
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        check_planner_write(self, vals_list, PROMISE_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_planner_write(self, [vals], PROMISE_FIELDS)
        return super().write(vals)

    capacity_promise_date = fields.Date(
        string="Promised Date",
        copy=False,
        readonly=True,
        help="Earliest delivery date the factory can keep, checked against work center "
        "capacity, bills of materials, stock and purchases.",
    )
    capacity_planned_status = fields.Selection(
        PROMISE_STATUSES,
        string="Planned Status",
        copy=False,
        readonly=True,
        help="Status of the promise as the planner computed it.",
    )
    capacity_status = fields.Selection(
        STATUSES,
        string="Promise Status",
        compute="_compute_capacity_status",
        store=True,
        index=True,
        help="Late: the promised date is after the delivery date committed to the "
        "customer (or, without one, the requested date); On Time: on or before it; "
        "Short by Quantity: the date holds for part of the quantity only, the rest "
        "cannot be delivered within the planning horizon; "
        "Earliest Possible: no date was asked for or committed. Stale: the order lines "
        "changed after the promise was computed; check capacity again. Nothing to "
        "Deliver: only services, no promise.",
    )
    capacity_reason = fields.Char(string="Promise Reason", copy=False, readonly=True)
    capacity_computed_at = fields.Datetime(
        string="Promise Computed At",
        copy=False,
        readonly=True,
        help="Moment of the data the promise was computed from.",
    )
    capacity_checked_at = fields.Datetime(
        string="Promise Checked At",
        compute="_compute_capacity_checked_at",
        help="When the promise was last confirmed: by the latest planner run (which leaves "
        "an unchanged promise as it was), or by 'Check Capacity'.",
    )
    capacity_lines_changed_at = fields.Datetime(
        string="Lines Changed At",
        copy=False,
        readonly=True,
        help="Last time a line was added or removed, or its product, quantity or unit "
        "changed.",
    )
    capacity_run_id = fields.Many2one(
        "capacity.planner.run",
        string="Planner Run",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="Planner run that computed the promise; empty for a promise from "
        "'Check Capacity'.",
    )

    @api.depends(
        "capacity_planned_status",
        "capacity_promise_date",
        "capacity_target_date",
        "capacity_has_goods",
        "capacity_computed_at",
        "capacity_lines_changed_at",
        "order_line.capacity_missing_qty",
    )
    def _compute_capacity_status(self):
        for order in self:
            order.capacity_status = promise_status(
                order.capacity_planned_status,
                order.capacity_promise_date,
                order.capacity_target_date,
                has_goods=order.capacity_has_goods,
                computed_at=order.capacity_computed_at,
                lines_changed_at=order.capacity_lines_changed_at,
                # a line that cannot come in full: the order's date is not for all of it
                short=any(line.capacity_missing_qty > 0 for line in order.order_line),
            )

    @api.depends("capacity_computed_at", "capacity_run_id")
    def _compute_capacity_checked_at(self):
        latest = {}
        runs = self.env["capacity.planner.run"].sudo()
        for order in self:
            checked = order.capacity_computed_at
            if order.capacity_run_id:
                # every run plans all open orders of its company: a promise from a run
                # that is still there was found again by the company's latest run
                company = order.company_id.id
                # (or by a later poll that found the same plan: its checked_at)
                if company not in latest:
                    run = runs.search(
                        [("company_id", "=", company), ("state", "=", "applied")],
                        limit=1,
                    )
                    latest[company] = [run.snapshot_at, run.checked_at]
                checked = max(filter(None, [checked, *latest[company]]), default=False)
            order.capacity_checked_at = checked

    def _capacity_mark_lines_changed(self):
        # a technical timestamp: whoever may change the lines may stamp the order
        self.sudo().write({"capacity_lines_changed_at": fields.Datetime.now()})

    # -- a planner run's promises -------------------------------------------

    @api.model
    def _capacity_apply_plan(self, run, promises, removed=None):
        """Write the promises of ``run`` that changed, and clear those of the company's
        open orders the run no longer plans (nothing left to deliver, or only services):
        with a full plan (``removed`` None) every open order it leaves out, with a delta
        the orders in ``removed``.

        An unchanged promise is left alone, stamp included, unless it shows as stale:
        then it is confirmed against the current lines (a delta does so for the planned
        orders it leaves out too, as the full plan would). ``promises`` are
        ``plan_payload.OrderPromise``; the records were checked to exist.
        """
        today = fields.Date.context_today(self)
        wanted = {
            promise.order_id: {
                "capacity_promise_date": not_before(promise.promise_date, today) or False,
                "capacity_planned_status": promise.status,
                "capacity_reason": promise.reason or False,
                "capacity_reason_data": promise.reason_data or False,
            }
            for promise in promises
        }
        # the planner's result may be written on orders the service user
        # cannot otherwise write: everything written was checked before
        orders = self.sudo()
        stamp = {"capacity_computed_at": run.snapshot_at, "capacity_run_id": run.id}
        changed = {}
        for current in orders.search_read(
            [("id", "in", list(wanted))],
            list(_NO_PROMISE)
            + ["capacity_computed_at", "capacity_lines_changed_at", "capacity_run_id"],
        ):
            values = wanted[current["id"]]
            stale = is_stale(
                current["capacity_computed_at"], current["capacity_lines_changed_at"]
            )
            if stale or not current["capacity_run_id"] or differs(current, values):
                changed[current["id"]] = dict(values, **stamp)
        if removed is not None:
            stale = self._capacity_stale_planned(run, [*wanted, *removed])
            changed.update(dict.fromkeys(stale, stamp))
        write_each(orders, changed)
        self.env["sale.order.line"]._capacity_apply_plan(
            orders.browse(list(wanted)),
            [line for promise in promises for line in promise.lines],
        )
        domain = [
            ("company_id", "=", run.company_id.id),
            ("state", "in", ["draft", "sent", "sale"]),
            ("capacity_run_id", "!=", False),
            ("id", "not in", list(wanted)),
        ]
        if removed is not None:
            domain.append(("id", "in", list(removed)))
        dropped = orders.search(domain) if removed is None or removed else orders
        if dropped:
            dropped.write(dict(_NO_PROMISE, capacity_run_id=False))
            self.env["sale.order.line"]._capacity_apply_plan(dropped, [])

    @api.model
    def _capacity_stale_planned(self, run, listed):
        """Ids of the company's open orders an earlier run planned, not in ``listed``
        (the ids a delta lists or removes),
        that show as stale: a delta leaves their promise as it is, and confirms it
        against the lines as they were read, as a full plan does."""
        rows = self.sudo().search_read(
            [
                ("company_id", "=", run.company_id.id),
                ("state", "in", ["draft", "sent", "sale"]),
                ("capacity_run_id", "!=", False),
                ("capacity_lines_changed_at", "!=", False),
                ("id", "not in", list(listed)),
            ],
            ["capacity_computed_at", "capacity_lines_changed_at"],
        )
        return [
            row["id"]
            for row in rows
            if is_stale(row["capacity_computed_at"], row["capacity_lines_changed_at"])
        ]

    # -- Use this date ---------------------------------------------------------

    def action_use_promise_date(self):
        """Set the commitment date to the promised date (noon, user's time zone,
        so that the date shows unchanged whatever the time zone), and say so at once:
        the promise now meets the date given to the customer, no new check needed."""
        self.ensure_one()
        if self.capacity_status == "no_delivery":
            raise UserError(_("This order has nothing to deliver: there is no date to use."))
        if not self.capacity_promise_date:
            raise UserError(
                _("This order has no promised date yet: check capacity first.")
            )
        if self.capacity_status == "stale":
            raise UserError(
                _(
                    "The lines changed after the promise was computed: check capacity again."
                )
            )
        self.commitment_date = self._capacity_noon(self.capacity_promise_date)
        return self._capacity_notification(
            _("Delivery date set"),
            _(
                "The delivery date is now the promised date, %(date)s (%(status)s).",
                date=format_date(self.env, self.capacity_promise_date),
                status=self._capacity_status_label(),
            ),
            "success",
        )

    @api.model
    def _capacity_noon(self, date):
        """Noon of ``date`` in the user's time zone as naive UTC, as a commitment date
        (so that the date shows unchanged whatever the time zone)."""
        timezone = pytz.timezone(
            self.env.context.get("tz") or self.env.user.tz or "UTC"
        )
        local_noon = timezone.localize(datetime.datetime.combine(date, datetime.time(12)))
        return local_noon.astimezone(pytz.utc).replace(tzinfo=None)

    def _capacity_status_label(self):
        self.ensure_one()
        return dict(self._fields["capacity_status"]._description_selection(self.env))[
            self.capacity_status
        ]

    def _capacity_notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                # closing the (absent) dialog reloads the form with the promise
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -- Check Capacity ----------------------------------------------------------

    def action_check_capacity(self):
        """Ask the planning service when this order could be delivered.

        An inquiry: the service reserves nothing. On any failure the order is
        left as it was and the user is told what went wrong. An order with only
        services has nothing to deliver: it gets no promise and the service is not asked.
        """
        self.ensure_one()
        if not self.capacity_has_goods:
            self._capacity_clear_promise()
            return self._capacity_notification(
                _("Nothing to deliver"),
                _("This order has only services: there is no delivery date to promise."),
                "info",
            )
        try:
            url, token, timeout = self._get_capacity_service_settings()
            quote = self._request_capacity_quote(url, token, timeout)
        except UserError as error:
            # the technical detail (address, HTTP status, cause) is for the log and
            # the administrators; a salesperson gets what to do about it
            _logger.warning("Check Capacity of %s failed: %s", self.name, error)
            if self._capacity_user_sees_details():
                raise
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": _("Delivery date not available"),
                    "message": _(
                        "The delivery-date service is not answering; try again in a "
                        "minute or tell your administrator."
                    ),
                    "type": "warning",
                    "sticky": True,
                },
            }
        self._write_capacity_quote(quote)
        answer = self._capacity_quote_answer(quote)
        options = self._capacity_delivery_options(quote)
        if options.worth_asking():
            return self.env["capacity.quote.options.wizard"]._open_for(
                self, options, answer["params"]["message"]
            )
        return answer

    def _capacity_delivery_options(self, quote):
        """The customer's choices from the quote's line promises (see quote_options)."""
        self.ensure_one()
        lines = {line.id: line for line in self.order_line}
        today = fields.Date.context_today(self)
        quoted = [
            quote_options.QuotedLine(
                promise.line_id,
                lines[promise.line_id].product_id.display_name,
                lines[promise.line_id].product_uom_qty,
                not_before(promise.promise_date, today),
                tuple(
                    (not_before(date, today), quantity)
                    for date, quantity in promise.shipments
                ),
            )
            for promise in quote.lines
            if promise.line_id in lines
        ]
        return quote_options.delivery_options(quoted, self.capacity_target_date or None)

    def _capacity_quote_answer(self, quote):
        """What the salesperson is told after a check: the promise as the order now
        shows it (its status by the one rule)."""
        self.ensure_one()
        status = self._capacity_status_label()
        if self.capacity_promise_date:
            message = _(
                "Promised date: %(date)s (%(status)s).",
                date=format_date(self.env, self.capacity_promise_date),
                status=status,
            )
        else:
            message = _("No date can be promised (%(status)s).", status=status)
        reason = self.capacity_reason_text
        if reason:
            message = f"{message} {reason}"
        kind = "success" if self.capacity_status in ("on_time", "earliest") else "warning"
        return self._capacity_notification(_("Capacity checked"), message, kind)

    def _capacity_clear_promise(self):
        # the user's own action: whoever may write the order may clear its promise
        check_user_may_write(self)
        self.sudo().write(dict(_NO_PROMISE, capacity_run_id=False))
        self.order_line.sudo().filtered("capacity_planned_status").write(
            {
                "capacity_promise_date": False,
                "capacity_planned_status": False,
                "capacity_reason": False,
                "capacity_missing_qty": 0.0,
            }
        )

    @api.model
    def _capacity_user_sees_details(self):
        """Whether the user is told the technical detail of a failed check: the
        administrators and the capacity promise managers."""
        user = self.env.user
        return user.has_group("base.group_system") or user.has_group(
            "sale_capacity_promise.group_capacity_promise_manager"
        )

    @api.model
    def _get_capacity_service_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        url = (params.get_param("sale_capacity_promise.service_url") or "").strip()
        if not url:
            raise UserError(
                _(
                    "No planning service is configured. Set its address in "
                    "Manufacturing > Configuration > Settings > Capacity Promise."
                )
            )
        token = params.get_param("sale_capacity_promise.service_token") or ""
        try:
            timeout = float(
                params.get_param("sale_capacity_promise.request_timeout")
                or DEFAULT_TIMEOUT
            )
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return url, token, timeout if timeout > 0 else DEFAULT_TIMEOUT

    def _prepare_capacity_quote_request(self):
        self.ensure_one()
        return {
            "order_id": self.id,
            "name": self.name,
            "partner": self.partner_id.display_name,
            "date_order": fields.Datetime.to_string(self.date_order),
            # the date the customer was given, else the one asked for: what the
            # planner measures "by the date" against
            "commitment_date": fields.Datetime.to_string(
                self.commitment_date
                or (
                    self.capacity_requested_date
                    and self._capacity_noon(self.capacity_requested_date)
                )
            )
            or None,
            "picking_policy": self.picking_policy,
            "lines": [
                {
                    "line_id": line.id,
                    "product_id": line.product_id.id,
                    "quantity": line.product_uom_qty,
                    "uom_id": line[uom_field(line)].id,
                    "customer_lead": line.customer_lead,
                }
                for line in self.order_line
                if not line.display_type and line.product_id
            ],
        }

    def _request_capacity_quote(self, url, token, timeout):
        self.ensure_one()
        request = self._prepare_capacity_quote_request()
        shown_url = _display_url(url)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = requests.post(
                f"{url.rstrip('/')}/quote",
                json=request,
                headers=headers,
                timeout=timeout,
            )
        except requests.exceptions.ReadTimeout as error:
            raise UserError(
                _(
                    "The planning service at %(url)s did not answer within %(seconds)s "
                    "seconds. Try again in a moment.",
                    url=shown_url,
                    seconds=format(timeout, "g"),
                )
            ) from error
        except requests.exceptions.ConnectTimeout as error:
            raise UserError(
                _(
                    "The planning service at %(url)s could not be reached: no connection "
                    "within %(seconds)s seconds",
                    url=shown_url,
                    seconds=format(timeout, "g"),
                )
            ) from error
        except requests.exceptions.RequestException as error:
            raise UserError(
                _(
                    "The planning service at %(url)s could not be reached: %(cause)s",
                    url=shown_url,
                    cause=_connection_error_cause(error),
                )
            ) from error
        if response.status_code == 401:
            raise UserError(
                _(
                    "The planning service at %(url)s refused the access token (HTTP 401). "
                    "Check the token in the Capacity Promise settings.",
                    url=shown_url,
                )
            )
        if response.status_code == 503:
            raise UserError(
                _(
                    "The planning service at %(url)s has no plan yet (HTTP 503): %(error)s",
                    url=shown_url,
                    error=self._capacity_error_text(response),
                )
            )
        if not 200 <= response.status_code < 300:
            raise UserError(
                _(
                    "The planning service at %(url)s answered with an error (HTTP "
                    "%(status)s): %(error)s",
                    url=shown_url,
                    status=response.status_code,
                    error=self._capacity_error_text(response),
                )
            )
        try:
            return plan_payload.parse_quote(
                response.json(), self.id, {line["line_id"] for line in request["lines"]}
            )
        except (ValueError, plan_payload.PayloadError) as error:
            cause = (
                str(error)
                if isinstance(error, plan_payload.PayloadError)
                else _("the answer is not JSON")
            )
            raise UserError(
                _(
                    "The planning service at %(url)s answered with an invalid response: "
                    "%(cause)s",
                    url=shown_url,
                    cause=cause,
                )
            ) from error

    @api.model
    def _capacity_error_text(self, response):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return body["error"][:MAX_ERROR_TEXT]
        return response.reason or _("no details given")

    def _write_capacity_quote(self, quote):
        self.ensure_one()
        today = fields.Date.context_today(self)
        # whoever may write the order may store the service's answer to their inquiry
        check_user_may_write(self)
        self.sudo().write(
            {
                "capacity_promise_date": not_before(quote.promise_date, today) or False,
                "capacity_planned_status": quote.status,
                "capacity_reason": quote.reason or False,
                "capacity_reason_data": quote.reason_data or False,
                # the quote was computed from the lines as they are now
                "capacity_computed_at": fields.Datetime.now(),
                "capacity_run_id": False,
            }
        )
        promises = {line.line_id: line for line in quote.lines}
        for line in self.order_line.filtered(lambda line: not line.display_type):
            promise = promises.get(line.id)
            line.sudo().write(
                {
                    "capacity_promise_date": promise
                    and not_before(promise.promise_date, today)
                    or False,
                    "capacity_planned_status": promise and promise.status or False,
                    "capacity_reason": promise and promise.reason or False,
                    "capacity_reason_data": promise and promise.reason_data or False,
                    "capacity_missing_qty": promise and promise.missing_quantity or 0.0,
                }
            )

    # -- the reason in the reader's language, the cause for the work list -------

    capacity_reason_data = fields.Text(
        string="Promise Reason (Data)",
        copy=False,
        readonly=True,
        help="The planner's reason as structured data (kind and values), rendered in "
        "each reader's language.",
    )
    capacity_reason_text = fields.Text(
        string="Why This Date",
        compute="_compute_capacity_reason_text",
        help="Why the order can be delivered on the promised date and not earlier, "
        "in your language.",
    )
    capacity_at_risk = fields.Boolean(
        string="Promise At Risk",
        compute="_compute_capacity_cause",
        store=True,
        help="Promised on time, but with less than two days to spare before the "
        "committed delivery date.",
    )
    capacity_cause_type = fields.Selection(
        [
            ("workcenter", "Work Center"),
            ("component", "Material"),
            ("other", "Own Work or Lead Time"),
        ],
        string="Cause",
        compute="_compute_capacity_cause",
        store=True,
        help="What holds the promise up: a fully booked or closed work center (the "
        "bottleneck), or material (a component or a bought product) waiting for its "
        "supply; otherwise the order's own work or lead time.",
    )
    capacity_cause_workcenter_id = fields.Many2one(
        "mrp.workcenter",
        string="Bottleneck",
        compute="_compute_capacity_cause",
        store=True,
        help="The work center that holds the promise up.",
    )
    capacity_cause_product_id = fields.Many2one(
        "product.product",
        string="Waiting For",
        compute="_compute_capacity_cause",
        store=True,
        help="The component the promise waits for.",
    )
    capacity_cause_date = fields.Date(
        string="Frees On",
        compute="_compute_capacity_cause",
        store=True,
        help="When the bottleneck work center has room again, or when the component "
        "arrives.",
    )
    capacity_cause_name = fields.Char(
        string="Held Up By",
        compute="_compute_capacity_cause",
        store=True,
        help="The bottleneck work center or the component the promise waits for.",
    )

    @api.depends(
        "capacity_reason_data", "capacity_reason", "capacity_status", "capacity_target_date"
    )
    @api.depends_context("lang")
    def _compute_capacity_reason_text(self):
        reasons = self.env["capacity.reason"]
        for order in self:
            order.capacity_reason_text = (
                reasons._render(
                    order.capacity_reason_data,
                    due=order._capacity_missed_date(order.capacity_status),
                )
                or order.capacity_reason
            )

    def _capacity_missed_date(self, status):
        """The order's date to keep when a promise of ``status`` is late and that
        date is already past (the reason then says so), else None."""
        self.ensure_one()
        target = self.capacity_target_date
        if status == "late" and target and target < fields.Date.context_today(self):
            return target
        return None

    @api.depends(
        "capacity_reason_data",
        "capacity_status",
        "capacity_promise_date",
        "commitment_date",
    )
    def _compute_capacity_cause(self):
        for order in self:
            at_risk = bool(
                order.capacity_status == "on_time"
                and order.capacity_promise_date
                and order.commitment_date
                and order.capacity_promise_date
                > order.commitment_date.date() - datetime.timedelta(days=AT_RISK_DAYS)
            )
            values = {
                "capacity_at_risk": at_risk,
                "capacity_cause_type": False,
                "capacity_cause_workcenter_id": False,
                "capacity_cause_product_id": False,
                "capacity_cause_date": False,
                "capacity_cause_name": False,
            }
            if at_risk or order.capacity_status in ("late", "short", "cannot_plan"):
                values.update(order._capacity_cause_values())
            order.update(values)

    def _capacity_cause_values(self):
        self.ensure_one()
        cause = cause_of(load_reason(self.capacity_reason_data))
        if not cause:
            return {"capacity_cause_type": "other"}
        kind, values = cause
        day = values.get("until") if kind in WORKCENTER_KINDS else values.get("date")
        try:
            day = datetime.date.fromisoformat(str(day)[:10]) if day else False
        except ValueError:
            day = False
        if kind in WORKCENTER_KINDS:
            workcenter = self.env["mrp.workcenter"].browse(values["workcenter_id"]).exists()
            return {
                "capacity_cause_type": "workcenter",
                "capacity_cause_workcenter_id": workcenter.id,
                "capacity_cause_date": day,
                "capacity_cause_name": workcenter.name or values.get("workcenter"),
            }
        product = self.env["product.product"].browse(values["product_id"]).exists()
        return {
            "capacity_cause_type": "component",
            "capacity_cause_product_id": product.id,
            "capacity_cause_date": day,
            "capacity_cause_name": product.display_name or values.get("product"),
        }
