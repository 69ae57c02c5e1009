# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

import pytz

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, format_datetime

# how many days the schedule view shows at once
SCHEDULE_DAYS = 7

# work orders Odoo still lets the plan move: not started, not finished
PLANNABLE_WORKORDER_STATES = ("pending", "waiting", "ready", "blocked")


class MrpWorkorder(models.Model):
    _inherit = "mrp.workorder"

    capacity_date_start = fields.Datetime(
        string="Planned Start (Capacity)",
        copy=False,
        readonly=True,
        help="When the last capacity plan starts this operation.",
    )
    capacity_date_finished = fields.Datetime(
        string="Planned End (Capacity)",
        copy=False,
        readonly=True,
        help="When the last capacity plan finishes this operation.",
    )

    @api.model
    def get_capacity_schedule(self, offset=0, days=SCHEDULE_DAYS):
        """The planned operations per work center over ``days`` days from today
        (``offset`` windows later or earlier), laid out for the schedule view: each
        operation with its place in the window in percent, and every label and date
        already in the user's language and time zone. Read with the user's rights."""
        timezone = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        today = fields.Date.context_today(self) + datetime.timedelta(days=offset * days)
        start = timezone.localize(datetime.datetime.combine(today, datetime.time()))
        end = start + datetime.timedelta(days=days)
        utc_start = start.astimezone(pytz.utc).replace(tzinfo=None)
        utc_end = end.astimezone(pytz.utc).replace(tzinfo=None)
        span = (utc_end - utc_start).total_seconds()
        workorders = self.search(
            [
                ("capacity_date_start", "<", utc_end),
                ("capacity_date_finished", ">", utc_start),
                ("state", "not in", ("done", "cancel")),
            ],
            order="capacity_date_start, id",
        )
        rows = {}
        for workorder in workorders:
            workcenter = workorder.workcenter_id
            row = rows.setdefault(
                workcenter.id,
                {"id": workcenter.id, "name": workcenter.display_name, "operations": []},
            )
            production = workorder.production_id
            begin = max(workorder.capacity_date_start, utc_start)
            finish = min(workorder.capacity_date_finished, utc_end)
            left = 100.0 * (begin - utc_start).total_seconds() / span
            width = 100.0 * (finish - begin).total_seconds() / span
            deadline = production.date_deadline
            row["operations"].append(
                {
                    "id": workorder.id,
                    "production_id": production.id,
                    "label": f"{production.name} {workorder.name}",
                    "title": _(
                        "%(production)s - %(operation)s (%(product)s): %(start)s to %(end)s",
                        production=production.name,
                        operation=workorder.name,
                        product=production.product_id.display_name,
                        start=format_datetime(
                            self.env, workorder.capacity_date_start, dt_format="short"
                        ),
                        end=format_datetime(
                            self.env, workorder.capacity_date_finished, dt_format="short"
                        ),
                    ),
                    "left": round(left, 3),
                    "width": round(max(width, 0.8), 3),
                    "late": bool(
                        deadline
                        and production.capacity_finish_date
                        and production.capacity_finish_date > deadline.date()
                    ),
                }
            )
        return {
            "title": _(
                "%(start)s to %(end)s",
                start=format_date(self.env, today),
                end=format_date(self.env, today + datetime.timedelta(days=days - 1)),
            ),
            "days": [
                {
                    "label": format_date(
                        self.env, today + datetime.timedelta(days=index), date_format="EEE d"
                    ),
                    "left": round(100.0 * index / days, 3),
                    "width": round(100.0 / days, 3),
                    "weekend": (today + datetime.timedelta(days=index)).weekday() >= 5,
                }
                for index in range(days)
            ],
            "workcenters": sorted(rows.values(), key=lambda row: row["name"]),
        }
