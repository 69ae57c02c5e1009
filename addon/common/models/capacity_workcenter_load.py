# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang

from ..compat import aggregator, unique
from .write_changes import differs, write_each

# how many days or weeks the load board shows at once
BOARD_COLUMNS = {"day": 14, "week": 8}
# hours: below this, planned and available hours are equal
HOURS_EPSILON = 1e-6


def utilization(planned, available):
    """Planned hours in percent of the available hours; hours planned on a closed day
    show as overload, not as 0 %."""
    if available:
        return 100.0 * planned / available
    return 100.0 if planned else 0.0


def is_overloaded(planned, available):
    """More hours planned than available, a closed day with planned hours included."""
    return planned > available + HOURS_EPSILON


class CapacityWorkcenterLoad(models.Model):
    _name = "capacity.workcenter.load"
    _description = "Capacity Load per Work Center and Day"
    _order = "date, workcenter_id"
    _rec_name = "workcenter_id"

    workcenter_id = fields.Many2one(
        "mrp.workcenter",
        string="Work Center",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    available_hours = fields.Float(readonly=True)
    planned_hours = fields.Float(readonly=True)
    utilization = fields.Float(
        string="Utilization (%)",
        compute="_compute_utilization",
        store=True,
        **aggregator("avg"),
        help="Planned hours in percent of the available hours.",
    )
    overloaded = fields.Boolean(
        compute="_compute_utilization",
        store=True,
        help="More hours are planned than the work center has on that day.",
    )
    run_id = fields.Many2one(
        "capacity.planner.run", string="Planner Run", readonly=True, ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )

    _workcenter_date_unique = unique(
        "unique(workcenter_id, date)",
        "There is already a load for this work center and day.",
    )

    @api.depends("available_hours", "planned_hours")
    def _compute_utilization(self):
        for load in self:
            load.utilization = utilization(load.planned_hours, load.available_hours)
            load.overloaded = is_overloaded(load.planned_hours, load.available_hours)

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        """A group's utilization is its planned hours over its available hours (sum
        over sum), not the average of its days' percentages: a day of 1 h out of 30.4 h
        and an empty one are 3.29 %, not the mean of two rates."""
        asked = [index for index, spec in enumerate(aggregates) if spec.startswith("utilization:")]
        if not asked:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = super()._read_group(
            domain,
            groupby,
            [*aggregates, "planned_hours:sum", "available_hours:sum"],
            having,
            offset,
            limit,
            order,
        )
        start = len(groupby)
        result = []
        for row in rows:
            row = list(row)
            available = row.pop() or 0.0
            planned = row.pop() or 0.0
            for index in asked:
                row[start + index] = utilization(planned, available)
            result.append(tuple(row))
        return result

    @api.model
    def get_empty_list_help(self, help_message):
        # an empty result under filters is not the same as no load at all
        if self.sudo().search_count([], limit=1):
            return _(
                "<p class='o_view_nocontent_smiling_face'>Nothing matches these filters</p>"
                "<p>No work center day is overloaded (or matches) in the period shown: "
                "remove a filter to see the whole load.</p>"
            )
        return super().get_empty_list_help(help_message)

    @api.model
    def get_load_board(self, scale="day", offset=0):
        """Available against planned hours per work center and day or week, from today
        (``offset`` screens later or earlier), for the load board: every label and
        number already in the user's language. Weeks add their days' hours (their
        utilization is sum over sum). Read with the user's rights."""
        scale = scale if scale in BOARD_COLUMNS else "day"
        count = BOARD_COLUMNS[scale]
        today = fields.Date.context_today(self)
        if scale == "week":
            first = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(
                weeks=offset * count
            )
            starts = [first + datetime.timedelta(weeks=index) for index in range(count)]
            end = starts[-1] + datetime.timedelta(weeks=1)
        else:
            first = today + datetime.timedelta(days=offset * count)
            starts = [first + datetime.timedelta(days=index) for index in range(count)]
            end = starts[-1] + datetime.timedelta(days=1)

        def column_of(day):
            if scale == "week":
                return (day - first).days // 7
            return (day - first).days

        hours = defaultdict(lambda: [0.0, 0.0])
        workcenters = {}
        for load in self.search([("date", ">=", first), ("date", "<", end)]):
            workcenters[load.workcenter_id.id] = load.workcenter_id
            cell = hours[(load.workcenter_id.id, column_of(load.date))]
            cell[0] += load.available_hours
            cell[1] += load.planned_hours
        rows = []
        for workcenter in sorted(workcenters.values(), key=lambda wc: wc.display_name):
            cells = []
            for index in range(count):
                available, planned = hours.get((workcenter.id, index), (0.0, 0.0))
                rate = utilization(planned, available)
                cells.append(
                    {
                        "available": formatLang(self.env, available, digits=1),
                        "planned": formatLang(self.env, planned, digits=1),
                        "utilization": round(rate),
                        "bar": round(min(rate, 100.0), 1),
                        "overload": formatLang(
                            self.env, max(planned - available, 0.0), digits=1
                        ),
                        "state": "over" if is_overloaded(planned, available) else (
                            "high" if rate > 85.0 else ("idle" if not available else "ok")
                        ),
                    }
                )
            rows.append({"id": workcenter.id, "name": workcenter.display_name, "cells": cells})
        week_label = _("Week of %(date)s")
        return {
            "scale": scale,
            "title": _(
                "%(start)s to %(end)s",
                start=format_date(self.env, first),
                end=format_date(self.env, end - datetime.timedelta(days=1)),
            ),
            "columns": [
                {
                    "label": week_label % {"date": format_date(self.env, start, date_format="d MMM")}
                    if scale == "week"
                    else format_date(self.env, start, date_format="EEE d MMM"),
                    "today": start <= today < start + datetime.timedelta(
                        weeks=1 if scale == "week" else 0, days=0 if scale == "week" else 1
                    ),
                    "weekend": scale == "day" and start.weekday() >= 5,
                }
                for start in starts
            ],
            "rows": rows,
            "overloaded": sum(1 for row in rows for cell in row["cells"] if cell["state"] == "over"),
        }

    @api.model
    def _capacity_apply_plan(self, run, days, removed=None):
        """Make the company's load what ``run`` planned (``plan_payload.LoadDay``):
        a day already there is updated only if its hours changed, a new one is
        created, and the days the run no longer plans are removed (with a delta,
        the ``(work center, date)`` in ``removed``; the others are left). ``run_id``
        is the run that last changed the day."""
        loads = self.sudo()
        domain = [("company_id", "=", run.company_id.id)]
        if removed is not None:
            named = {(day.workcenter_id, day.date) for day in days} | set(removed)
            domain += [
                ("workcenter_id", "in", list({name[0] for name in named})),
                ("date", "in", list({name[1] for name in named})),
            ]
        existing = {
            (load.workcenter_id.id, load.date): load
            for load in (loads.search(domain) if removed is None or named else loads)
        }
        if removed is not None:
            existing = {name: load for name, load in existing.items() if name in named}
        to_create = []
        to_write = {}
        for day in days:
            values = {
                "available_hours": day.available_hours,
                "planned_hours": day.planned_hours,
            }
            load = existing.pop((day.workcenter_id, day.date), None)
            if load is None:
                to_create.append(
                    dict(
                        values,
                        workcenter_id=day.workcenter_id,
                        date=day.date,
                        company_id=run.company_id.id,
                        run_id=run.id,
                    )
                )
            elif differs(load, values):
                to_write[load.id] = dict(values, run_id=run.id)
        write_each(loads, to_write)
        if existing:
            loads.concat(*existing.values()).unlink()
        if to_create:
            loads.create(to_create)
