# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The promise living with the order: what it is measured against, its history,
the alert when a run lets it slip, and the question before confirming a late one.

(The promise itself, its status and how a plan or a check writes it are in
``sale_order.py``; the status rule in ``promise_status.py``.)"""

import datetime

import pytz
from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from ..compat import list_view_type
from ..promise_status import misses_target, target_date

ALERT_TYPE = "sale_capacity_promise.mail_activity_type_promise_at_risk"
# a projection is compared day by day for working days up to this far
MAX_SCANNED_DAYS = 400


# kept apart from sale_order.py (the promise as a plan or a check writes it) on purpose:
# what follows the promise after it was given is a concern of its own
class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    capacity_requested_date = fields.Date(
        string="Requested Date",
        copy=False,
        help="The delivery date the customer asked for. Without a commitment date, the "
        "promise is late when it is after this date.",
    )
    capacity_commitment_day = fields.Date(
        string="Commitment Day",
        compute="_compute_capacity_commitment_day",
        inverse="_inverse_capacity_commitment_day",
        store=True,
        readonly=False,
        help="The commitment date as a date, in the company's time zone. Setting it "
        "sets the commitment date to noon of that day there.",
    )
    capacity_target_date = fields.Date(
        string="Promise Measured Against",
        compute="_compute_capacity_target_date",
        store=True,
        help="The commitment date, else the requested date: a promise after it is late.",
    )
    capacity_has_goods = fields.Boolean(
        string="Has Goods to Deliver",
        compute="_compute_capacity_has_goods",
        store=True,
        help="False when the order has only services (or no line): nothing to promise.",
    )
    capacity_first_promise_date = fields.Date(
        string="First Promise",
        copy=False,
        readonly=True,
        help="The first delivery date the planner or a check promised for this order.",
    )
    capacity_repromise_count = fields.Integer(
        string="Re-promised",
        copy=False,
        readonly=True,
        help="How many times the commitment date was changed after it was first set.",
    )
    capacity_delivered_date = fields.Date(
        string="Delivered On",
        compute="_compute_capacity_delivered_date",
        store=True,
        help="Date of the last delivery, once every delivery of the order is done.",
    )
    capacity_history_ids = fields.One2many(
        "capacity.promise.history", "order_id", string="Promise History", readonly=True
    )
    capacity_lost = fields.Boolean(
        string="Opportunity Lost",
        compute="_compute_capacity_lost",
        store=True,
        help="The quotation's opportunity (CRM) is marked lost: like a cancelled "
        "quotation, it holds no capacity and is not planned. Always unset without the "
        "CRM link (sale_crm).",
    )
    capacity_slipped = fields.Boolean(
        string="Promise Slipped",
        copy=False,
        readonly=True,
        index=True,
        help="A planner run moved the projected delivery past the commitment date, or "
        "later by at least one working day, and it has not recovered yet.",
    )
    capacity_risk_date = fields.Date(
        string="Date at Risk",
        copy=False,
        readonly=True,
        help="The date the promise has to come back to: the commitment date, or the "
        "projection before it slipped.",
    )

    # -- what the promise is measured against ------------------------------------

    def _capacity_timezone(self):
        """The company's time zone, that of its working calendar as the planning service
        takes it, so that a date here is the day the plan measures against."""
        self.ensure_one()
        company = self.company_id
        for name in (company.resource_calendar_id.tz, company.partner_id.tz, self.user_id.tz):
            if name in pytz.all_timezones_set:
                return pytz.timezone(name)
        return pytz.utc

    def _capacity_local_date(self, moment):
        """The date of a naive UTC datetime in the company's time zone."""
        self.ensure_one()
        if not moment:
            return False
        return pytz.utc.localize(moment).astimezone(self._capacity_timezone()).date()

    @api.depends(
        "commitment_date",
        "company_id.resource_calendar_id.tz",
        "company_id.partner_id.tz",
        "user_id.tz",
    )
    def _compute_capacity_commitment_day(self):
        for order in self:
            order.capacity_commitment_day = order._capacity_local_date(
                order.commitment_date
            )

    def _inverse_capacity_commitment_day(self):
        for order in self:
            day = order.capacity_commitment_day
            if day == order._capacity_local_date(order.commitment_date):
                continue  # the same day: keep the time a user or Odoo gave
            noon = False
            if day:
                moment = order._capacity_timezone().localize(
                    datetime.datetime.combine(day, datetime.time(12))
                )
                noon = moment.astimezone(pytz.utc).replace(tzinfo=None)
            order.commitment_date = noon

    @api.depends("capacity_commitment_day", "capacity_requested_date")
    def _compute_capacity_target_date(self):
        for order in self:
            order.capacity_target_date = (
                target_date(order.capacity_commitment_day, order.capacity_requested_date)
                or False
            )

    def _capacity_lost_depends(self):
        # sale_crm adds opportunity_id; without it there is no opportunity to lose
        if "opportunity_id" not in self._fields:
            return []
        return ["opportunity_id.active", "opportunity_id.probability"]

    @api.depends(lambda order: order._capacity_lost_depends())
    def _compute_capacity_lost(self):
        linked = "opportunity_id" in self._fields
        for order in self:
            # CRM's own "lost": archived with a probability of 0 (crm.lead
            # action_set_lost; 19's won_status says the same)
            lead = order.opportunity_id if linked else None
            order.capacity_lost = bool(lead) and not lead.active and not lead.probability

    @api.depends("order_line.product_id.type", "order_line.display_type")
    def _compute_capacity_has_goods(self):
        for order in self:
            order.capacity_has_goods = any(
                line.product_id and line.product_id.type != "service"
                for line in order.order_line
                if not line.display_type
            )

    @api.depends("picking_ids.state", "picking_ids.date_done")
    def _compute_capacity_delivered_date(self):
        for order in self:
            deliveries = order.picking_ids.filtered(
                lambda picking: picking.picking_type_code == "outgoing"
                and picking.state != "cancel"
            )
            done = all(picking.state == "done" for picking in deliveries)
            order.capacity_delivered_date = (
                order._capacity_local_date(max(deliveries.mapped("date_done")))
                if deliveries and done
                else False
            )

    # -- history -------------------------------------------------------------------

    def write(self, vals):
        projection = (
            "capacity_promise_date" in vals or "capacity_planned_status" in vals
        ) and not self.env.context.get("capacity_promise_untracked")
        dates = "commitment_date" in vals or "capacity_requested_date" in vals
        before = {}
        if projection or dates:
            before = {
                order.id: {
                    "date": order.capacity_promise_date,
                    "planned": order.capacity_planned_status,
                    "commitment": order.capacity_commitment_day,
                    "requested": order.capacity_requested_date,
                }
                for order in self
            }
        result = super().write(vals)
        if projection:
            self._capacity_record_projection(before)
        if dates:
            self._capacity_record_dates(before)
        return result

    def _capacity_source(self):
        source = self.env.context.get("capacity_promise_source") or "user"
        return source, self.env.context.get("capacity_promise_run_id") or False

    def _capacity_record_projection(self, before):
        """A history line for each order whose projected delivery changed, the first
        promise kept, and the alert raised or closed when a run did it."""
        source, run_id = self._capacity_source()
        history = []
        for order in self:
            old = before[order.id]
            new_date = order.capacity_promise_date
            new_planned = order.capacity_planned_status
            if (old["date"], old["planned"]) == (new_date, new_planned):
                continue
            later = order._capacity_working_days_later(old["date"], new_date)
            values = {
                "order_id": order.id,
                "kind": "projection",
                "source": source,
                "run_id": run_id,
                "old_date": old["date"],
                "new_date": new_date,
                "old_planned_status": old["planned"],
                "new_planned_status": new_planned,
                "status": order.capacity_status,
                "reason": order.capacity_reason,
                "reason_data": order.capacity_reason_data,
                "working_days_later": later,
            }
            if new_date and not order.capacity_first_promise_date:
                order.sudo().capacity_first_promise_date = new_date
            if source == "run":
                values["alerted"] = order._capacity_follow_projection(old["date"], later)
            history.append(values)
        if history:
            self.env["capacity.promise.history"].sudo().create(history)

    def _capacity_record_dates(self, before):
        """A history line for each change of the commitment or requested date; a
        changed commitment date counts as a re-promise, and closes an alert the new
        date answers."""
        source, run_id = self._capacity_source()
        history = []
        for order in self:
            old = before[order.id]
            for kind, old_date, new_date in (
                ("commitment", old["commitment"], order.capacity_commitment_day),
                ("requested", old["requested"], order.capacity_requested_date),
            ):
                if old_date == new_date:
                    continue
                history.append(
                    {
                        "order_id": order.id,
                        "kind": kind,
                        "source": source,
                        "run_id": run_id,
                        "old_date": old_date,
                        "new_date": new_date,
                        "status": order.capacity_status,
                    }
                )
                if kind == "commitment" and old_date and new_date:
                    order.sudo().capacity_repromise_count += 1
            if order.capacity_slipped and order._capacity_recovered():
                order._capacity_close_alert(
                    _("The delivery date was changed to %(date)s, which the promise meets.",
                      date=order._capacity_format(order.capacity_commitment_day))
                )
        if history:
            self.env["capacity.promise.history"].sudo().create(history)

    # -- alerts --------------------------------------------------------------------

    def _capacity_working_days_later(self, old_date, new_date):
        """Working days of the company's calendar (weekdays it works, less its public
        holidays) in (old_date, new_date]: 0 when the projection did not move later."""
        self.ensure_one()
        if not old_date or not new_date or new_date <= old_date:
            return 0
        calendar = self.company_id.resource_calendar_id
        weekdays = (
            {int(attendance.dayofweek) for attendance in calendar.attendance_ids}
            if calendar
            else {0, 1, 2, 3, 4}
        )
        holidays = [
            (leave.date_from.date(), leave.date_to.date())
            for leave in calendar.global_leave_ids
        ] if calendar else []
        count = 0
        day = old_date
        last = min(new_date, old_date + datetime.timedelta(days=MAX_SCANNED_DAYS))
        while day < last:
            day += datetime.timedelta(days=1)
            if day.weekday() in weekdays and not any(
                start <= day <= end for start, end in holidays
            ):
                count += 1
        return count

    def _capacity_watched(self):
        """Whose promise is a commitment to the customer: a confirmed order, or a
        quotation whose date was given (it has a commitment date)."""
        self.ensure_one()
        return self.state == "sale" or (
            self.state in ("draft", "sent") and bool(self.commitment_date)
        )

    def _capacity_follow_projection(self, old_date, later):
        """After a run changed the projection: raise the alert when it slipped, close
        it when it recovered. Returns whether an alert was raised."""
        self.ensure_one()
        new_date = self.capacity_promise_date
        if self.capacity_slipped and new_date and self._capacity_recovered():
            self._capacity_close_alert(
                _("The projected delivery is back to %(date)s.",
                  date=self._capacity_format(new_date))
            )
            return False
        if self.capacity_slipped and not self.capacity_planned_status:
            # no longer planned: delivered, or nothing left to deliver
            self._capacity_close_alert(_("Nothing is left to plan for this order."))
            return False
        if not self._capacity_watched() or not old_date:
            return False
        commitment = self.capacity_commitment_day
        cannot_plan = self.capacity_planned_status == "cannot_plan"
        past_commitment = bool(
            commitment and new_date and new_date > commitment >= old_date
        )
        if not (cannot_plan or past_commitment or later >= 1):
            return False
        return self._capacity_raise_alert(old_date, new_date, commitment)

    def _capacity_recovered(self):
        self.ensure_one()
        reference = self.capacity_commitment_day or self.capacity_risk_date
        return bool(
            self.capacity_promise_date
            and reference
            and self.capacity_promise_date <= reference
        )

    def _capacity_format(self, date):
        lang = self.user_id.lang or self.env.lang
        return format_date(self.env, date, lang_code=lang) if date else _("none")

    def _capacity_open_alerts(self):
        self.ensure_one()
        activity_type = self.env.ref(ALERT_TYPE, raise_if_not_found=False)
        if not activity_type:
            return self.env["mail.activity"]
        return self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", self.id),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def _capacity_raise_alert(self, old_date, new_date, commitment):
        """The chatter message for this slip, and the salesperson's activity unless
        one is open already."""
        self.ensure_one()
        order = self.sudo()
        if new_date:
            moved = _(
                "The projected delivery moved from %(old)s to %(new)s.",
                old=self._capacity_format(old_date),
                new=self._capacity_format(new_date),
            )
        else:
            moved = _(
                "The projected delivery of %(old)s can no longer be planned.",
                old=self._capacity_format(old_date),
            )
        if commitment and (not new_date or new_date > commitment):
            moved += " " + _(
                "The date committed to the customer is %(date)s.",
                date=self._capacity_format(commitment),
            )
        # in the salesperson's language, as the rest of the note
        reason = (
            self.with_context(lang=self.user_id.lang or self.env.lang).capacity_reason_text
            or _("no reason given")
        )
        note = Markup("<p>%s</p><p>%s %s</p>") % (
            moved,
            _("Reason:"),
            escape(reason),
        )
        order.message_post(
            body=Markup("<p><b>%s</b></p>") % _("Delivery promise at risk") + note,
            subtype_xmlid="mail.mt_note",
        )
        if not self.capacity_slipped:
            order.write(
                {"capacity_slipped": True, "capacity_risk_date": commitment or old_date}
            )
        if self._capacity_open_alerts() or not self.user_id:
            return False
        order.activity_schedule(
            ALERT_TYPE,
            summary=_("Delivery promise at risk"),
            note=note,
            user_id=self.user_id.id,
        )
        return True

    def _capacity_close_alert(self, why):
        self.ensure_one()
        order = self.sudo()
        order.write({"capacity_slipped": False, "capacity_risk_date": False})
        activities = self._capacity_open_alerts()
        if activities:
            activities.action_feedback(feedback=_("Promise recovered: %s", why))
        else:
            order.message_post(
                body=_("Promise recovered: %s", why), subtype_xmlid="mail.mt_note"
            )

    # -- the planner's runs and the checks write through here -------------------------

    @api.model
    def _capacity_apply_plan(self, run, promises, removed=None):
        """The run's promises, then their history and alerts: a run writes the promises
        in bulk (``write_each``, not ``write``), so what changed is compared here, for
        the orders it plans and those it stops planning (a delta's ``removed``)."""
        orders = self.with_context(
            capacity_promise_source="run", capacity_promise_run_id=run.id
        )
        planned_ids = [promise.order_id for promise in promises]
        orders._capacity_end_holds(run, set(planned_ids), removed)
        domain = [
            ("company_id", "=", run.company_id.id),
            ("state", "in", ["draft", "sent", "sale"]),
        ]
        if removed is None:
            domain += ["|", ("id", "in", planned_ids), ("capacity_run_id", "!=", False)]
        else:
            # a delta changes the orders it lists and removes, no other
            domain.append(("id", "in", planned_ids + list(removed)))
        watched = orders.sudo().search(domain)
        before = watched._capacity_promise_values()
        result = super(
            SaleOrder, orders.with_context(capacity_promise_untracked=True)
        )._capacity_apply_plan(run, promises, removed)
        watched._capacity_record_projection(before)
        # the run's count of late orders by the one status rule, not the planner's
        # (short by quantity counts: the customer does not get everything by the date)
        if removed is None:
            planned = watched.filtered(lambda order: order.id in planned_ids)
        else:
            # a delta's run plans the orders an earlier run planned and it kept
            planned = orders.sudo().search(
                domain[:2] + [("capacity_run_id", "!=", False)]
            )
        run.sudo().late_count = len(
            planned.filtered(lambda order: misses_target(order.capacity_status))
        )
        return result

    def _capacity_promise_values(self):
        """What the history compares, per order id, read in one query."""
        return {
            row["id"]: {
                "date": row["capacity_promise_date"],
                "planned": row["capacity_planned_status"],
                "commitment": row["capacity_commitment_day"],
                "requested": row["capacity_requested_date"],
            }
            for row in self.search_read(
                [("id", "in", self.ids)],
                [
                    "capacity_promise_date",
                    "capacity_planned_status",
                    "capacity_commitment_day",
                    "capacity_requested_date",
                ],
            )
        }

    @api.model
    def _capacity_end_holds(self, run, planned_ids, removed=None):
        """Count, on ``run``, the quotations whose hold of capacity ended since the last
        run: expired (past their expiration date, the service no longer plans them),
        lost (their CRM opportunity is lost, nor are they planned) or cancelled; a
        cancelled one's promise is cleared so that it is counted once (the others'
        are cleared as no longer planned). With a delta, only those it removes."""
        params = self.env["ir.config_parameter"].sudo()
        if not params.get_param("sale_capacity_promise.quotations_hold_capacity"):
            return
        orders = self.sudo()
        held = orders.search(
            [
                ("company_id", "=", run.company_id.id),
                ("state", "in", ["draft", "sent", "cancel"]),
                ("capacity_run_id", "!=", False),
                ("id", "not in", list(planned_ids)),
            ]
            + ([] if removed is None else [("id", "in", list(removed))])
        )
        cancelled = held.filtered(lambda order: order.state == "cancel")
        today = fields.Date.context_today(self, run.snapshot_at)
        lost = (held - cancelled).filtered("capacity_lost")
        expired = (held - cancelled - lost).filtered(
            lambda order: order.validity_date and order.validity_date < today
        )
        run.sudo().write(
            {
                "holds_expired_count": len(expired),
                "holds_lost_count": len(lost),
                "holds_cancelled_count": len(cancelled),
            }
        )
        if cancelled:
            cancelled._capacity_clear_promise()

    def action_check_capacity(self):
        return super(
            SaleOrder, self.with_context(capacity_promise_source="check")
        ).action_check_capacity()

    # -- confirming a promise that misses its date asks first ---------------------------

    def action_confirm(self):
        """From the form's Confirm button (which sets ``capacity_confirm_check``): an
        order whose promise misses its commitment or requested date asks first. Any
        other caller (portal signature, payment, another module) confirms as Odoo does."""
        if self.env.context.get("capacity_confirm_check"):
            late = self.filtered(lambda order: misses_target(order.capacity_status))
            if late:
                return self.env["capacity.confirm.wizard"]._open_for(self)
        return super(
            SaleOrder, self.with_context(capacity_confirm_check=False)
        ).action_confirm()

    @api.model
    def _capacity_slipped_action(self):
        """The window of the menu 'Promises at Risk': orders whose promise slipped and
        has not recovered."""
        kind = list_view_type(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Promises at Risk"),
            "res_model": "sale.order",
            "view_mode": f"{kind},form",
            # the work list's columns: commitment, promise, status, what holds it up
            "views": [
                (
                    self.env.ref(f"sale_capacity_promise.sale_order_view_{kind}").id,
                    kind,
                ),
                (False, "form"),
            ],
            "domain": [("capacity_slipped", "=", True)],
            "help": _(
                "<p>No promise is at risk.</p><p>An order shows here when a planner run "
                "moves its projected delivery past the committed date, or later by at "
                "least one working day; it leaves when the promise recovers.</p>"
            ),
        }

    # -- what the customer's documents show --------------------------------------------

    def _capacity_document_shows_promise(self):
        """Whether the printed quotation / order and the portal show the promised date:
        a promise that holds (not stale, not unplannable), unless the setting hides it."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("sale_capacity_promise.hide_promise_on_documents"):
            return False
        return bool(self.capacity_promise_date) and self.capacity_status in (
            "on_time",
            "late",
            "short",
            "earliest",
        )

    def _capacity_document_line_promises(self):
        """The lines with their promised dates, when they come as they are ready on
        different dates or a line cannot come in full (else the order's date says it
        all)."""
        self.ensure_one()
        if not self._capacity_document_shows_promise():
            return self.env["sale.order.line"]
        lines = self.order_line.filtered(
            lambda line: not line.display_type and line.capacity_promise_date
        )
        if any(line.capacity_missing_qty > 0 for line in lines):
            return lines
        # all at once ("one"): everything comes on the order's date, whatever the lines'
        if self.picking_policy == "one" or len(set(lines.mapped("capacity_promise_date"))) < 2:
            return self.env["sale.order.line"]
        return lines
