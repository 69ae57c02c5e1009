# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .. import plan_payload

_logger = logging.getLogger(__name__)

SERVICE_GROUP = "sale_capacity_promise.group_capacity_promise_service"
# at most this many reference errors are listed when a plan is refused
MAX_LISTED_ERRORS = 20


_CLEARED_LINE = {
    "capacity_promise_date": False,
    "capacity_status": False,
    "capacity_reason": False,
}


def _differs(current, wanted):
    """Whether ``read`` values (``current``) differ from values to write."""
    return any((current[name] or False) != (value or False) for name, value in wanted.items())


def _write_grouped(records, values_by_id):
    """Write ``{id: vals}`` with one ``write`` per distinct ``vals``.

    Thousands of orders share a handful of (date, status, reason) values, so
    this turns thousands of writes into a few.
    """
    ids_by_values = defaultdict(list)
    for record_id, values in values_by_id.items():
        ids_by_values[tuple(sorted(values.items()))].append(record_id)
    for values, ids in ids_by_values.items():
        records.browse(ids).write(dict(values))


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

    _sql_constraints = [
        (
            "run_key_unique",
            "unique(run_key)",
            "A planner run with this key already exists.",
        ),
    ]

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
        that run with ``"already_applied": True`` and changes nothing; a plan
        computed from data older than the last applied one returns
        ``{"run_id": False, "ignored": True, "reason": ...}``.
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
        runs._check_plan_references(plan, company)
        run = runs.create(runs._prepare_run_values(plan, company))
        if plan.status != "failed":
            run._apply_promises(plan)
            run._apply_production_dates(plan)
            run._apply_suggestions(plan)
            run._apply_load(plan)
        _logger.info(
            "Planner run %s applied: %d orders, %d suggestions, %d work center days",
            run.run_key,
            run.order_count,
            run.suggestion_count,
            run.workcenter_day_count,
        )
        return {"run_id": run.id, "ignored": False}

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
            "order_count": len(plan.orders),
            "late_count": sum(1 for order in plan.orders if order.status == "late"),
            "cannot_plan_count": sum(
                1 for order in plan.orders if order.status == "cannot_plan"
            ),
            "suggestion_count": len(plan.suggestions),
            "workcenter_day_count": len(plan.load),
            "warnings": "\n".join(plan.warnings),
        }

    # -- validation of references ------------------------------------------

    @api.model
    def _check_plan_references(self, plan, company):
        """Refuse the plan if it names records that do not exist (or belong
        to another company). One query per model, whatever the plan's size."""
        errors = []
        orders = self._existing(
            "sale.order",
            [order.order_id for order in plan.orders],
            ["company_id", "name"],
        )
        lines = self._existing(
            "sale.order.line",
            [line.line_id for order in plan.orders for line in order.lines],
            ["order_id"],
        )
        productions = self._existing(
            "mrp.production",
            [production.production_id for production in plan.productions]
            + [
                serve.record_id
                for suggestion in plan.suggestions
                for serve in suggestion.serves
                if serve.kind == "manufacturing"
            ],
            ["company_id", "name"],
        )
        served_orders = self._existing(
            "sale.order",
            [
                serve.record_id
                for suggestion in plan.suggestions
                for serve in suggestion.serves
                if serve.kind != "manufacturing"
            ],
            ["company_id"],
        )
        products = self._existing(
            "product.product",
            [suggestion.product_id for suggestion in plan.suggestions],
            ["uom_id"],
        )
        vendors = self._existing(
            "res.partner",
            [suggestion.vendor_id for suggestion in plan.suggestions],
            ["id"],
        )
        uoms = self._existing(
            "uom.uom",
            [suggestion.uom_id for suggestion in plan.suggestions],
            ["category_id"],
        )
        product_uoms = self._existing(
            "uom.uom",
            [product["uom_id"][0] for product in products.values()],
            ["category_id"],
        )
        workcenters = self._existing(
            "mrp.workcenter", [day.workcenter_id for day in plan.load], ["company_id"]
        )

        def check_company(path, what, record):
            if record["company_id"] and record["company_id"][0] != company.id:
                errors.append(
                    f"{path}: {what} belongs to company {record['company_id'][1]}, "
                    f"not to company {company.name} of this plan"
                )

        for order in plan.orders:
            record = orders.get(order.order_id)
            if not record:
                errors.append(
                    f"{order.path}.order_id: sale order {order.order_id} does not exist"
                )
                continue
            check_company(
                f"{order.path}.order_id", f"sale order {record['name']}", record
            )
            for line in order.lines:
                line_record = lines.get(line.line_id)
                if not line_record:
                    errors.append(
                        f"{line.path}.line_id: sale order line {line.line_id} does not exist"
                    )
                elif line_record["order_id"][0] != order.order_id:
                    errors.append(
                        f"{line.path}.line_id: sale order line {line.line_id} belongs to "
                        f"{line_record['order_id'][1]}, not to {record['name']}"
                    )
        for production in plan.productions:
            record = productions.get(production.production_id)
            path = f"{production.path}.production_id"
            if not record:
                errors.append(
                    f"{path}: manufacturing order {production.production_id} does not exist"
                )
            else:
                check_company(path, f"manufacturing order {record['name']}", record)
        for suggestion in plan.suggestions:
            product = products.get(suggestion.product_id)
            if not product:
                errors.append(
                    f"{suggestion.path}.product_id: product {suggestion.product_id} "
                    "does not exist"
                )
            if suggestion.vendor_id not in vendors:
                errors.append(
                    f"{suggestion.path}.vendor_id: partner {suggestion.vendor_id} does not exist"
                )
            uom = uoms.get(suggestion.uom_id)
            if not uom:
                errors.append(
                    f"{suggestion.path}.uom_id: unit of measure {suggestion.uom_id} "
                    "does not exist"
                )
            elif product and (
                uom["category_id"][0]
                != product_uoms[product["uom_id"][0]]["category_id"][0]
            ):
                errors.append(
                    f"{suggestion.path}.uom_id: unit of measure {suggestion.uom_id} is not "
                    f"in the category of the product's unit {product['uom_id'][1]}"
                )
            for serve in suggestion.serves:
                known = productions if serve.kind == "manufacturing" else served_orders
                if serve.record_id not in known:
                    what = (
                        "manufacturing order"
                        if serve.kind == "manufacturing"
                        else "sale order"
                    )
                    errors.append(
                        f"{serve.path}.id: {what} {serve.record_id} does not exist"
                    )
        for day in plan.load:
            record = workcenters.get(day.workcenter_id)
            path = f"{day.path}.workcenter_id"
            if not record:
                errors.append(f"{path}: work center {day.workcenter_id} does not exist")
            else:
                check_company(path, f"work center {day.workcenter_id}", record)
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
        exist, archived ones included, read in one query."""
        if not ids:
            return {}
        records = self.env[model].sudo().with_context(active_test=False)
        found = records.search_read([("id", "in", list(set(ids)))], field_names)
        return {values["id"]: values for values in found}

    # -- applying ------------------------------------------------------------

    def _apply_promises(self, plan):
        """Write the promises that changed, and clear those of the company's open orders
        the run no longer plans (nothing left to deliver, or only services).

        An unchanged promise is left alone, so that a run that finds what the last one
        found writes nothing, and the service's next read of Odoo has nothing to read.
        """
        self.ensure_one()
        order_values = {
            order.order_id: {
                "capacity_promise_date": order.promise_date or False,
                "capacity_planned_status": order.status,
                "capacity_reason": order.reason or False,
            }
            for order in plan.orders
        }
        line_values = {
            line.line_id: {
                "capacity_promise_date": line.promise_date or False,
                "capacity_status": line.status,
                "capacity_reason": line.reason or False,
            }
            for order in plan.orders
            for line in order.lines
        }
        # the planner's result may be written on orders the service user
        # cannot otherwise write: everything written was checked above
        sale_orders = self.env["sale.order"].sudo()
        order_lines = self.env["sale.order.line"].sudo()
        stamp = {"capacity_computed_at": plan.snapshot_at, "capacity_run_id": self.id}
        changed_orders = {}
        for current in sale_orders.search_read(
            [("id", "in", list(order_values))],
            [
                "capacity_promise_date",
                "capacity_planned_status",
                "capacity_reason",
                "capacity_computed_at",
                "capacity_lines_changed_at",
                "capacity_run_id",
            ],
        ):
            wanted = order_values[current["id"]]
            stale = (
                current["capacity_lines_changed_at"]
                and current["capacity_computed_at"]
                and current["capacity_lines_changed_at"] > current["capacity_computed_at"]
            )
            if stale or not current["capacity_run_id"] or _differs(current, wanted):
                changed_orders[current["id"]] = dict(wanted, **stamp)
        _write_grouped(sale_orders, changed_orders)
        changed_lines = {}
        for current in order_lines.search_read(
            [("id", "in", list(line_values))],
            ["capacity_promise_date", "capacity_status", "capacity_reason"],
        ):
            wanted = line_values[current["id"]]
            if _differs(current, wanted):
                changed_lines[current["id"]] = wanted
        _write_grouped(order_lines, changed_lines)
        # lines of listed orders that the plan does not mention lose their old promise
        listed = sale_orders.browse(list(order_values))
        listed.order_line.filtered(
            lambda line: line.id not in line_values and line.capacity_status
        ).write(_CLEARED_LINE)
        # open orders of the company that an earlier run planned and this one does not
        dropped = sale_orders.search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "in", ["draft", "sent", "sale"]),
                ("capacity_run_id", "!=", False),
                ("id", "not in", list(order_values)),
            ]
        )
        if dropped:
            dropped.write(
                {
                    "capacity_promise_date": False,
                    "capacity_planned_status": False,
                    "capacity_reason": False,
                    "capacity_run_id": False,
                }
            )
            dropped.order_line.filtered("capacity_status").write(_CLEARED_LINE)

    def _apply_production_dates(self, plan):
        self.ensure_one()
        wanted = {
            production.production_id: {
                "capacity_start_date": production.start_date,
                "capacity_finish_date": production.finish_date,
            }
            for production in plan.productions
        }
        productions = self.env["mrp.production"].sudo()
        changed = {
            current["id"]: wanted[current["id"]]
            for current in productions.search_read(
                [("id", "in", list(wanted))],
                ["capacity_start_date", "capacity_finish_date"],
            )
            if _differs(current, wanted[current["id"]])
        }
        _write_grouped(productions, changed)

    def _apply_suggestions(self, plan):
        """Replace the company's open suggestions by the plan's.

        A suggestion whose key is already known keeps its record, state and
        RFQ line (an ordered suggestion is never reopened); only its figures
        and pegging are updated.
        """
        self.ensure_one()
        suggestions = self.env["capacity.purchase.suggestion"]
        keys = [suggestion.key for suggestion in plan.suggestions]
        existing = suggestions.search(
            [
                ("company_id", "=", self.company_id.id),
                "|",
                ("state", "=", "open"),
                ("key", "in", keys),
            ]
        )
        by_key = {suggestion.key: suggestion for suggestion in existing}
        planned_keys = set(keys)
        kept = existing.filtered(lambda s: s.key in planned_keys)
        (existing - kept).unlink()
        kept.peg_ids.unlink()

        new_values, peg_values = [], []
        for suggestion in plan.suggestions:
            values = self._prepare_suggestion_values(suggestion)
            record = by_key.get(suggestion.key)
            if record:
                record.write(values)
                peg_values += [
                    dict(peg, suggestion_id=record.id)
                    for peg in self._prepare_peg_values(suggestion)
                ]
            else:
                values.update(
                    key=suggestion.key,
                    company_id=self.company_id.id,
                    peg_ids=[
                        Command.create(peg)
                        for peg in self._prepare_peg_values(suggestion)
                    ],
                )
                new_values.append(values)
        self.env["capacity.purchase.suggestion.peg"].create(peg_values)
        suggestions.create(new_values)

    def _prepare_suggestion_values(self, suggestion):
        return {
            "product_id": suggestion.product_id,
            "partner_id": suggestion.vendor_id,
            "product_qty": suggestion.quantity,
            "product_uom_id": suggestion.uom_id,
            "order_by_date": suggestion.order_by_date,
            "need_date": suggestion.need_date,
            "lead_days": suggestion.lead_days,
            "run_id": self.id,
        }

    @api.model
    def _prepare_peg_values(self, suggestion):
        return [
            {
                "kind": serve.kind,
                "sale_order_id": serve.record_id
                if serve.kind != "manufacturing"
                else False,
                "production_id": serve.record_id
                if serve.kind == "manufacturing"
                else False,
                "quantity": serve.quantity,
            }
            for serve in suggestion.serves
        ]

    def _apply_load(self, plan):
        self.ensure_one()
        loads = self.env["capacity.workcenter.load"]
        loads.search([("company_id", "=", self.company_id.id)]).unlink()
        loads.create(
            [
                {
                    "workcenter_id": day.workcenter_id,
                    "date": day.date,
                    "available_hours": day.available_hours,
                    "planned_hours": day.planned_hours,
                    "run_id": self.id,
                    "company_id": self.company_id.id,
                }
                for day in plan.load
            ]
        )
