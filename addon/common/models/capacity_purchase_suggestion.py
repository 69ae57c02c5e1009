# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..compat import aggregator, unique, uom_field
from .write_changes import differs
from .write_guard import check_planner_write

MANAGER_GROUP = "sale_capacity_promise.group_capacity_promise_manager"
PEG_FIELDS = ("kind", "sale_order_id", "production_id", "quantity")


class CapacityPurchaseSuggestion(models.Model):
    _name = "capacity.purchase.suggestion"
    _description = "Capacity Purchase Suggestion"
    _order = "order_by_date, partner_id, id"

    key = fields.Char(
        required=True,
        readonly=True,
        index=True,
        copy=False,
        help="The planner's identifier of this suggestion, stable from one run to the next.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("open", "Open"), ("ordered", "Ordered"), ("dismissed", "Dismissed")],
        required=True,
        readonly=True,
        default="open",
        index=True,
    )
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Vendor", required=True, readonly=True, index=True
    )
    product_qty = fields.Float(
        string="Quantity",
        digits="Product Unit of Measure",
        required=True,
        readonly=True,
        # quantities of different products do not add up
        **aggregator(False),
    )
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit of Measure", required=True, readonly=True
    )
    order_by_date = fields.Date(
        readonly=True,
        index=True,
        help="Last day to order so that the goods arrive by the need date.",
    )
    need_date = fields.Date(readonly=True, help="Day the goods are needed in stock.")
    lead_days = fields.Float(
        string="Lead Time (days)",
        readonly=True,
        help="Vendor lead time the planner used.",
    )
    peg_ids = fields.One2many(
        "capacity.purchase.suggestion.peg",
        "suggestion_id",
        string="Demand Served",
        readonly=True,
    )
    sale_order_ids = fields.Many2many(
        "sale.order",
        string="Sale Orders Served",
        compute="_compute_served_orders",
        store=True,
    )
    production_ids = fields.Many2many(
        "mrp.production",
        string="Manufacturing Orders Served",
        compute="_compute_served_orders",
        store=True,
    )
    served_names = fields.Char(
        string="Orders Served",
        compute="_compute_served_names",
        help="The sales and manufacturing orders this purchase is for, by name: shown "
        "to buyers too, who may not open them.",
    )
    purchase_line_id = fields.Many2one(
        "purchase.order.line",
        string="RFQ Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    purchase_order_id = fields.Many2one(
        related="purchase_line_id.order_id",
        string="RFQ",
        store=True,
        index="btree_not_null",
    )
    run_id = fields.Many2one(
        "capacity.planner.run", string="Planner Run", readonly=True, ondelete="set null"
    )

    _key_company_unique = unique(
        "unique(company_id, key)",
        "A purchase suggestion with this key already exists in this company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_planner_write(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # states change through the actions, which check the user's group
        check_planner_write(self, [vals])
        return super().write(vals)

    @api.constrains("state", "purchase_line_id")
    def _check_purchase_line(self):
        """An ordered suggestion is ordered on an RFQ line of its product, from its
        vendor, in its company: the next sync counts that line as supply."""
        for suggestion in self.filtered(lambda s: s.state == "ordered"):
            line = suggestion.purchase_line_id
            if not line:
                raise ValidationError(
                    _("An ordered suggestion needs the RFQ line it was ordered on.")
                )
            if (
                line.product_id != suggestion.product_id
                or line.order_id.partner_id.commercial_partner_id
                != suggestion.partner_id.commercial_partner_id
                or line.company_id != suggestion.company_id
                or line.order_id.state == "cancel"
            ):
                raise ValidationError(
                    _(
                        "Suggestion %(suggestion)s cannot be ordered on line %(line)s of "
                        "%(order)s: it is not an open RFQ line of the same product, "
                        "vendor and company.",
                        suggestion=suggestion.display_name,
                        line=line.display_name,
                        order=line.order_id.name,
                    )
                )

    @api.depends("peg_ids.sale_order_id", "peg_ids.production_id")
    def _compute_served_orders(self):
        if not all(self._ids):  # a form's new records: assigned as usual
            for suggestion in self:
                suggestion.sale_order_ids = suggestion.peg_ids.sale_order_id
                suggestion.production_ids = suggestion.peg_ids.production_id
            return
        # what assigning each record does (``Field.write``), for all at once: one by one,
        # the two thousand suggestions of a plan took a second
        for name, peg_field in (
            ("sale_order_ids", "sale_order_id"),
            ("production_ids", "production_id"),
        ):
            field = self._fields[name]
            self.env.remove_to_compute(field, self)
            field.write_batch(
                [
                    (suggestion, [Command.set(suggestion.peg_ids[peg_field].ids)])
                    for suggestion in self
                ]
            )

    @api.depends("sale_order_ids", "production_ids")
    def _compute_served_names(self):
        # the names only: a buyer reads which orders a purchase serves without the
        # right to read sales or manufacturing orders
        for suggestion in self:
            served = suggestion.sudo()
            suggestion.served_names = ", ".join(
                served.sale_order_ids.mapped("name") + served.production_ids.mapped("name")
            )

    @api.depends("product_id", "product_qty", "product_uom_id")
    def _compute_display_name(self):
        reasons = self.env["capacity.reason"]
        for suggestion in self:
            # in the product's unit, and no unit for units ("Bolt: 1", not "1 Units")
            quantity = reasons._quantity(
                {
                    "quantity": suggestion.product_qty,
                    "product_id": suggestion.product_id.id,
                },
                suggestion.product_uom_id,
            )
            suggestion.display_name = (
                f"{suggestion.product_id.display_name or ''}: {quantity}"
            )

    # -- a planner run's suggestions -----------------------------------------

    @api.model
    def _capacity_apply_plan(self, run, suggestions, removed=None):
        """Make the company's open suggestions those of ``run``
        (``plan_payload.Suggestion``), by key; with a delta, apply its suggestions
        and remove the open ones whose keys are in ``removed``, leaving the others.

        A suggestion whose key is already known keeps its record, state and RFQ
        line (an ordered suggestion is never reopened); its figures and the demand
        it serves are written only if they changed, with ``run_id`` the run that
        changed them. Open suggestions the run no longer makes are removed.
        """
        records = self.sudo()
        keys = [suggestion.key for suggestion in suggestions]
        if removed is None:
            scope = ["|", ("state", "=", "open"), ("key", "in", keys)]
        else:
            scope = [("key", "in", keys + list(removed))]
        existing = {
            record.key: record
            for record in records.search(
                [("company_id", "=", run.company_id.id)] + scope
            )
        }
        pegs_of = self._capacity_pegs_of(records.concat(*existing.values()))
        to_create = []
        for suggestion in suggestions:
            values = self._capacity_prepare_values(suggestion)
            pegs = self._capacity_prepare_pegs(suggestion)
            record = existing.pop(suggestion.key, None)
            if record is None:
                to_create.append(
                    dict(
                        values,
                        key=suggestion.key,
                        company_id=run.company_id.id,
                        run_id=run.id,
                        peg_ids=[Command.create(peg) for peg in pegs],
                    )
                )
                continue
            if pegs_of.get(record.id, []) != sorted(
                tuple(peg[name] or False for name in PEG_FIELDS) for peg in pegs
            ):
                values["peg_ids"] = [Command.clear()] + [
                    Command.create(peg) for peg in pegs
                ]
            if "peg_ids" in values or differs(record, values):
                record.write(dict(values, run_id=run.id))
        dropped = records.concat(*existing.values()).filtered(lambda s: s.state == "open")
        if dropped:
            dropped.unlink()
        if to_create:
            records.create(to_create)

    @api.model
    def _capacity_prepare_values(self, suggestion):
        return {
            "product_id": suggestion.product_id,
            "partner_id": suggestion.vendor_id,
            "product_qty": suggestion.quantity,
            "product_uom_id": suggestion.uom_id,
            "order_by_date": suggestion.order_by_date,
            "need_date": suggestion.need_date,
            "lead_days": suggestion.lead_days,
        }

    @api.model
    def _capacity_prepare_pegs(self, suggestion):
        return [
            {
                "kind": serve.kind,
                "sale_order_id": serve.record_id if serve.kind != "manufacturing" else False,
                "production_id": serve.record_id if serve.kind == "manufacturing" else False,
                "quantity": serve.quantity,
            }
            for serve in suggestion.serves
        ]

    @api.model
    def _capacity_pegs_of(self, suggestions):
        """The demand each suggestion serves, comparable with prepared pegs,
        read in one query (suggestion by suggestion, two thousand took a
        second): ``{suggestion id: sorted (kind, order, production, quantity)}``."""
        pegs = defaultdict(list)
        if suggestions:
            rows = (
                self.env["capacity.purchase.suggestion.peg"]
                .sudo()
                .search_read(
                    [("suggestion_id", "in", suggestions.ids)],
                    ["suggestion_id", *PEG_FIELDS],
                    load=None,
                )
            )
            for row in rows:
                pegs[row["suggestion_id"]].append(tuple(row[name] for name in PEG_FIELDS))
        return {suggestion_id: sorted(found) for suggestion_id, found in pegs.items()}

    def action_create_rfq(self):
        """One draft purchase order per vendor (and company) with a line per
        open suggestion; Odoo prices and taxes the lines as for any RFQ."""
        self._lock_for_update()
        to_order = self.filtered(lambda s: s.state == "open" and not s.purchase_line_id)
        if not to_order:
            raise UserError(
                _(
                    "Nothing to order: the selected suggestions are already ordered "
                    "or dismissed."
                )
            )
        by_vendor = defaultdict(lambda: self.browse())
        for suggestion in to_order:
            by_vendor[(suggestion.partner_id, suggestion.company_id)] |= suggestion
        purchase_orders = self.env["purchase.order"]
        for (vendor, company), suggestions in by_vendor.items():
            purchase_orders |= suggestions._create_purchase_order(vendor, company)
        return self._action_view_purchase_orders(purchase_orders)

    def _lock_for_update(self):
        """Lock the rows so that two buyers clicking at once cannot order the
        same suggestion twice; the second one then sees it ordered."""
        if not self.ids:
            return
        self.env.cr.execute(
            "SELECT id FROM capacity_purchase_suggestion WHERE id IN %s FOR UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(["state", "purchase_line_id"])

    def _create_purchase_order(self, vendor, company):
        purchase_order = (
            self.env["purchase.order"]
            .with_company(company)
            .create(self._prepare_purchase_order_values(vendor, company))
        )
        purchase_lines = (
            self.env["purchase.order.line"]
            .with_company(company)
            .create(
                [
                    suggestion._prepare_purchase_line_values(purchase_order)
                    for suggestion in self
                ]
            )
        )
        for suggestion, purchase_line in zip(self, purchase_lines, strict=True):
            # the buyer's action: the lines were created under the buyer's own rights
            suggestion.sudo().write(
                {"state": "ordered", "purchase_line_id": purchase_line.id}
            )
        return purchase_order

    def _prepare_purchase_order_values(self, vendor, company):
        # what purchase.order's onchange_partner_id sets in the form
        vendor = vendor.with_company(company)
        fiscal_position = (
            self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(vendor)
        )
        # a buyer may have no access to sales or manufacturing: only names are read
        served = self.sudo()
        origins = (
            served.sale_order_ids.mapped("name") + served.production_ids.mapped("name")
        )[:10]
        return {
            "partner_id": vendor.id,
            "company_id": company.id,
            "fiscal_position_id": fiscal_position.id,
            "payment_term_id": vendor.property_supplier_payment_term_id.id,
            "currency_id": (
                vendor.property_purchase_currency_id.id or company.currency_id.id
            ),
            "user_id": vendor.buyer_id.id or self.env.user.id,
            "origin": ", ".join(origins) or False,
        }

    def _prepare_purchase_line_values(self, purchase_order):
        # name, price_unit, taxes and date_planned are left to Odoo: it fills
        # them from the vendor's pricelist and the fiscal position on create
        self.ensure_one()
        return {
            "order_id": purchase_order.id,
            "product_id": self.product_id.id,
            "product_qty": self.product_qty,
            uom_field(self.env["purchase.order.line"]): self.product_uom_id.id,
        }

    def _action_view_purchase_orders(self, purchase_orders):
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        if len(purchase_orders) == 1:
            action.update(
                views=[(self.env.ref("purchase.purchase_order_form").id, "form")],
                res_id=purchase_orders.id,
            )
        else:
            action["domain"] = [("id", "in", purchase_orders.ids)]
        action["context"] = {}
        return action

    def action_dismiss(self):
        self._check_manager()
        self.filtered(lambda s: s.state == "open").sudo().write({"state": "dismissed"})

    def action_reopen(self):
        """Reopen dismissed suggestions, and ordered ones whose RFQ line was
        deleted or cancelled."""
        self._check_manager()
        self.filtered(
            lambda s: (
                s.state == "dismissed"
                or (
                    s.state == "ordered"
                    and (
                        not s.purchase_line_id or s.purchase_order_id.state == "cancel"
                    )
                )
            )
        ).sudo().write({"state": "open", "purchase_line_id": False})

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only capacity promise managers may dismiss or reopen suggestions.")
            )

    def action_view_purchase_order(self):
        self.ensure_one()
        return self._action_view_purchase_orders(self.purchase_order_id)
