# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.misc import format_datetime

from .. import plan_payload
from ..compat import same_uom_kind, unique
from .write_guard import SERVICE_GROUP, check_planner_write

_logger = logging.getLogger(__name__)

# at most this many reference errors are listed when a plan is refused
MAX_LISTED_ERRORS = 20


class _Named(tuple):
    """A many2one value as ``search_read`` reads it, ``(id, display name)``,
    whose name is computed only when it is read."""

    __slots__ = ()

    def __new__(cls, record):
        return super().__new__(cls, (record.id, record))

    def __getitem__(self, index):
        value = super().__getitem__(index)
        return value.display_name if index in (1, -1) else value


class CapacityPlannerRun(models.Model):
    _name = "capacity.planner.run"
    _description = "Capacity Planner Run"
    _order = "snapshot_at desc, id desc"
    _rec_name = "run_key"

    run_key = fields.Char(required=True, readonly=True, index=True, copy=False)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("applied", "Applied"), ("failed", "Failed")],
        required=True,
        readonly=True,
        default="applied",
        help="Failed: the service ran but produced no plan; nothing was changed.",
    )
    snapshot_at = fields.Datetime(
        string="Snapshot Taken At",
        required=True,
        readonly=True,
        help="When the planning service read the data this plan is computed from.",
    )
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    duration_seconds = fields.Float(
        string="Duration (s)",
        compute="_compute_duration_seconds",
        store=True,
        digits=(16, 1),
    )
    plan_status = fields.Selection(
        [("optimized", "Optimized"), ("constructive", "Constructive")],
        readonly=True,
        help="Optimized: improved by the solver. Constructive: the fast greedy plan, "
        "used when the solver found nothing better or was not run.",
    )
    solver = fields.Char(readonly=True)
    solver_status = fields.Selection(
        [
            ("optimal", "Optimal"),
            ("feasible", "Feasible"),
            ("no_solution", "No Solution"),
            ("not_needed", "Not Needed"),
            ("disabled", "Disabled"),
            ("error", "Error"),
        ],
        readonly=True,
    )
    solver_gap = fields.Float(
        readonly=True,
        digits=(16, 4),
        help="Relative optimality gap reported by the solver.",
    )
    solver_seconds = fields.Float(
        string="Solver Time (s)", readonly=True, digits=(16, 1)
    )
    solver_message = fields.Text(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    late_count = fields.Integer(string="Late Orders", readonly=True)
    cannot_plan_count = fields.Integer(string="Orders Not Planned", readonly=True)
    suggestion_count = fields.Integer(string="Purchase Suggestions", readonly=True)
    workcenter_day_count = fields.Integer(string="Work Center Days", readonly=True)
    warnings = fields.Text(readonly=True, help="One warning per line.")
    warning_count = fields.Integer(compute="_compute_warning_count")

    checked_at = fields.Datetime(
        string="Last Checked At",
        readonly=True,
        help="Snapshot of the latest poll that found this same plan again: an "
        "unchanged plan is not applied twice, its run only records that it was checked.",
    )

    _run_key_unique = unique(
        "unique(run_key)",
        "A planner run with this key already exists.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_planner_write(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # a run's snapshot orders every later apply (a future one would make Odoo
        # ignore them all): only the service records runs
        check_planner_write(self, [vals])
        return super().write(vals)

    @api.depends("started_at", "finished_at")
    def _compute_duration_seconds(self):
        for run in self:
            if run.started_at and run.finished_at:
                run.duration_seconds = (
                    run.finished_at - run.started_at
                ).total_seconds()
            else:
                run.duration_seconds = 0.0

    @api.depends("warnings")
    def _compute_warning_count(self):
        for run in self:
            run.warning_count = len((run.warnings or "").splitlines())

    # -- the service's way in ----------------------------------------------

    @api.model
    def get_service_settings(self):
        """Settings the planning service needs, read through the API.

        The service token is deliberately not part of it.
        """
        self._check_service_caller()
        params = self.env["ir.config_parameter"].sudo()
        return {
            "quotations_hold_capacity": bool(
                params.get_param("sale_capacity_promise.quotations_hold_capacity")
            ),
            "horizon_days": int(
                params.get_param("sale_capacity_promise.horizon_days") or 180
            ),
        }

    @api.model
    def apply_plan(self, payload):
        """Apply the result of one planner run, whole or not at all.

        ``payload`` is documented in the addon's readme (DEVELOP). Returns
        ``{"run_id": id, "ignored": False}``; a run key applied before returns
        that run with ``"already_applied": True``, changes nothing but the run's
        ``checked_at``; a plan computed from data older than the last applied one
        returns ``{"run_id": False, "ignored": True, "reason": ...}``, and a delta
        whose ``base_run_key`` is not the company's latest applied run the same with
        ``"full_plan_needed": True``.
        """
        self._check_service_caller()
        try:
            plan = plan_payload.parse_plan(payload)
        except plan_payload.PayloadError as error:
            raise ValidationError(
                _("The plan was refused: %(error)s", error=str(error))
            ) from error
        company = self._get_plan_company(plan)
        runs = self.with_company(company)
        previous = runs.sudo().search([("run_key", "=", plan.run_key)], limit=1)
        if previous:
            previous._record_checked(plan.snapshot_at)
            return {"run_id": previous.id, "ignored": False, "already_applied": True}
        latest = runs.search(
            [("company_id", "=", company.id), ("state", "=", "applied")], limit=1
        )
        if latest and plan.snapshot_at < latest.snapshot_at:
            reason = _(
                "Snapshot %(snapshot)s is older than the snapshot %(latest)s of run "
                "%(run)s, which is already applied.",
                snapshot=fields.Datetime.to_string(plan.snapshot_at),
                latest=fields.Datetime.to_string(latest.snapshot_at),
                run=latest.run_key,
            )
            _logger.info("Planner run %s ignored: %s", plan.run_key, reason)
            return {"run_id": False, "ignored": True, "reason": reason}
        if plan.is_delta and (not latest or latest.run_key != plan.base_run_key):
            reason = _(
                "This plan carries only what changed since run %(base)s, which is not "
                "the latest applied run (%(latest)s): the full plan is needed.",
                base=plan.base_run_key,
                latest=latest.run_key if latest else "-",
            )
            _logger.info("Planner run %s ignored: %s", plan.run_key, reason)
            return {
                "run_id": False,
                "ignored": True,
                "full_plan_needed": True,
                "reason": reason,
            }
        runs._check_plan_references(plan, company)
        run = runs.create(runs._prepare_run_values(plan, company))
        if plan.status != "failed":
            # a delta's absent items are left as they are; a full plan's are cleared
            removed = plan.removed
            self.env["sale.order"]._capacity_apply_plan(
                run, plan.orders, removed and removed.orders
            )
            self.env["mrp.production"]._capacity_apply_plan(plan.productions)
            self.env["capacity.purchase.suggestion"]._capacity_apply_plan(
                run, plan.suggestions, removed and removed.suggestions
            )
            self.env["capacity.workcenter.load"]._capacity_apply_plan(
                run, plan.load, removed and removed.load
            )
        _logger.info(
            "Planner run %s applied (%s): %d orders, %d suggestions, %d work center days",
            run.run_key,
            f"delta on {plan.base_run_key}" if plan.is_delta else "full plan",
            run.order_count,
            run.suggestion_count,
            run.workcenter_day_count,
        )
        return {"run_id": run.id, "ignored": False}

    def _record_checked(self, snapshot_at):
        self.ensure_one()
        if snapshot_at > (self.checked_at or self.snapshot_at):
            self.sudo().checked_at = snapshot_at

    @api.model
    def _check_service_caller(self):
        if not self.env.su and not self.env.user.has_group(SERVICE_GROUP):
            raise AccessError(
                _(
                    "Only users of the group 'Capacity Promise: Planning Service' may do this."
                )
            )

    @api.model
    def _get_plan_company(self, plan):
        company = self.env["res.company"].sudo().browse(plan.company_id).exists()
        if not company:
            raise ValidationError(
                _(
                    "The plan was refused: company_id: company %(id)s does not exist",
                    id=plan.company_id,
                )
            )
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                _(
                    "The plan was refused: company_id: you may not apply plans to "
                    "company %(company)s",
                    company=company.name,
                )
            )
        return company

    @api.model
    def _prepare_run_values(self, plan, company):
        totals = plan.totals or plan_payload.Totals(
            orders=len(plan.orders),
            late=sum(1 for order in plan.orders if order.status == "late"),
            cannot_plan=sum(1 for order in plan.orders if order.status == "cannot_plan"),
            suggestions=len(plan.suggestions),
            workcenter_days=len(plan.load),
        )
        return {
            "run_key": plan.run_key,
            "company_id": company.id,
            "state": "failed" if plan.status == "failed" else "applied",
            "snapshot_at": plan.snapshot_at,
            "started_at": plan.started_at,
            "finished_at": plan.finished_at,
            "plan_status": plan.status if plan.status != "failed" else False,
            "solver": plan.solver.name,
            "solver_status": plan.solver.status,
            "solver_gap": plan.solver.gap or 0.0,
            "solver_seconds": plan.solver.seconds,
            "solver_message": plan.solver.message,
            "order_count": totals.orders,
            "late_count": totals.late,
            "cannot_plan_count": totals.cannot_plan,
            "suggestion_count": totals.suggestions,
            "workcenter_day_count": totals.workcenter_days,
            "warnings": "\n".join(plan.warnings),
        }

    # -- validation of references ------------------------------------------

    @api.model
    def _check_plan_references(self, plan, company):
        """Refuse the plan if it names records that do not exist (or belong
        to another company). One query per model, whatever the plan's size."""
        errors = plan_payload.check_references(
            plan, (company.id, company.name), self._existing, self._same_uom_kind
        )
        if errors:
            listed = errors[:MAX_LISTED_ERRORS]
            if len(errors) > MAX_LISTED_ERRORS:
                listed.append(f"... and {len(errors) - MAX_LISTED_ERRORS} more")
            raise ValidationError(
                _("The plan was refused:\n%(errors)s", errors="\n".join(listed))
            )

    @api.model
    def _existing(self, model, ids, field_names):
        """``{id: values}`` of the records of ``model`` among ``ids`` that
        exist, archived ones included, read in one query. A many2one is an
        ``(id, name)`` pair as ``search_read`` gives it, but its name is only
        computed when asked for (an error message): at a few thousand work
        orders, names were most of the time a plan took to apply."""
        if not ids:
            return {}
        records = self.env[model].sudo().with_context(active_test=False)
        names = [name for name in field_names if name != "id"]
        found = records.search_fetch([("id", "in", list(set(ids)))], names)
        relational = {name for name in names if found._fields[name].type == "many2one"}
        existing = {}
        for record in found:
            values = {"id": record.id}
            for name in names:
                value = record[name]
                if name in relational:
                    value = _Named(value) if value else False
                values[name] = value
            existing[record.id] = values
        return existing

    @api.model
    def _same_uom_kind(self, uom_id, other_uom_id):
        uoms = self.env["uom.uom"].sudo().with_context(active_test=False)
        return same_uom_kind(uoms.browse(uom_id), uoms.browse(other_uom_id))

    # -- for people --------------------------------------------------------

    def _capacity_summary(self):
        """The run in one line, for the settings: when, how it went, what it found."""
        self.ensure_one()
        when = format_datetime(self.env, self.snapshot_at, dt_format="short")
        if self.state == "failed":
            return _(
                "%(when)s: failed - %(message)s",
                when=when,
                message=self.solver_message or _("no plan was made"),
            )
        return _(
            "%(when)s: applied - %(orders)s orders, %(late)s late, %(cannot)s not "
            "planned, %(warnings)s warnings",
            when=when,
            orders=self.order_count,
            late=self.late_count,
            cannot=self.cannot_plan_count,
            warnings=self.warning_count,
        )

    def action_view_work_list(self):
        """The planner's work list (late and at-risk orders by cause), filtered on
        what the clicked count counts (``context['work_list_filter']``)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_capacity_promise.sale_order_action"
        )
        which = self.env.context.get("work_list_filter")
        context = {
            "search_default_group_by_capacity_cause_type": 1,
            "search_default_group_by_capacity_cause": 2,
        }
        if which:
            context[f"search_default_filter_capacity_{which}"] = 1
        action["context"] = context
        return action
