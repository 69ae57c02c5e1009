# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models

from .mrp_workorder import PLANNABLE_WORKORDER_STATES
from .write_changes import changed, write_each

_logger = logging.getLogger(__name__)

SCHEDULE_PARAM = "sale_capacity_promise.schedule_workorders"
# manufacturing orders whose dates the plan may write: not started
PLANNABLE_PRODUCTION_STATES = ("draft", "confirmed")


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    capacity_start_date = fields.Date(
        string="Planned Start (Capacity)",
        copy=False,
        readonly=True,
        help="Start day in the last capacity plan.",
    )
    capacity_finish_date = fields.Date(
        string="Planned Finish (Capacity)",
        copy=False,
        readonly=True,
        help="Finish day in the last capacity plan.",
    )
    capacity_keep_dates = fields.Boolean(
        string="Keep My Dates",
        copy=False,
        help="Locked by the planner: the capacity plan does not move the scheduled dates "
        "of this order and its work orders, even when 'Schedule work orders from the "
        "plan' is on.",
    )

    @api.model
    def _capacity_apply_plan(self, dates):
        """Write the planned start and finish days that changed
        (``plan_payload.ProductionDates``) and the work orders' planned times; with
        'Schedule work orders from the plan' on, also Odoo's own scheduled dates of
        the orders that are not started and not locked by a planner."""
        productions = self.sudo()
        wanted = {
            production.production_id: {
                "capacity_start_date": production.start_date,
                "capacity_finish_date": production.finish_date,
            }
            for production in dates
        }
        write_each(productions, changed(productions, wanted))
        times = {
            workorder.workorder_id: {
                "capacity_date_start": workorder.date_start,
                "capacity_date_finished": workorder.date_finished,
            }
            for production in dates
            for workorder in production.workorders
        }
        workorders = self.env["mrp.workorder"].sudo()
        write_each(workorders, changed(workorders, times))
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(SCHEDULE_PARAM):
            self._capacity_schedule(dates)

    @api.model
    def _capacity_schedule(self, dates):
        """Odoo's scheduled start and end of the planned work orders and orders, for
        those not started and not locked: Odoo's own views then show the plan."""
        by_id = {production.production_id: production for production in dates}
        productions = self.sudo().search(
            [
                ("id", "in", list(by_id)),
                ("state", "in", PLANNABLE_PRODUCTION_STATES),
                ("capacity_keep_dates", "=", False),
            ]
        )
        # the plan's own durations, not Odoo's recomputation from the calendar
        context = {"bypass_duration_calculation": True, "force_date": True}
        for production in productions.with_context(**context):
            planned = by_id[production.id]
            for times in planned.workorders:
                workorder = production.workorder_ids.filtered(
                    lambda wo, wid=times.workorder_id: wo.id == wid
                )
                if (
                    not workorder
                    or workorder.state not in PLANNABLE_WORKORDER_STATES
                    or workorder.time_ids
                ):
                    continue
                if (workorder.date_start, workorder.date_finished) != (
                    times.date_start,
                    times.date_finished,
                ):
                    if not workorder.leave_id:
                        # an unplanned work order gets its end from the calendar when
                        # its start is set: set the start, then the plan's end
                        workorder.write({"date_start": times.date_start})
                    workorder.write(
                        {"date_start": times.date_start, "date_finished": times.date_finished}
                    )
            values = {}
            if planned.date_start and production.date_start != planned.date_start:
                values["date_start"] = planned.date_start
            if planned.date_finished and production.date_finished != planned.date_finished:
                values["date_finished"] = planned.date_finished
            if values:
                production.write(values)
        _logger.info("Scheduled %d manufacturing orders from the plan", len(productions))
