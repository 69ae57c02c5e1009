# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from ..promise_status import misses_target


class CapacityConfirmWizard(models.TransientModel):
    """Asked before confirming quotations whose promise misses the commitment (or
    requested) date: confirm anyway, or give the customer the promised date."""

    _name = "capacity.confirm.wizard"
    _description = "Confirm a Late Promise"

    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    late_order_ids = fields.Many2many(
        "sale.order",
        "capacity_confirm_wizard_late_rel",
        string="Late Orders",
        readonly=True,
    )
    message = fields.Text(readonly=True)

    @api.model
    def _open_for(self, orders):
        missing = orders.filtered(lambda order: misses_target(order.capacity_status))
        # a later date is what "use the promised date" answers; a short quantity it is not
        late = missing.filtered(lambda order: order.capacity_status == "late")
        lines = []
        for order in missing:
            if order in late:
                lines.append(
                    _(
                        "%(order)s: promised %(promise)s, but %(target)s was %(what)s.",
                        order=order.name,
                        promise=order._capacity_format(order.capacity_promise_date),
                        target=order._capacity_format(order.capacity_target_date),
                        what=_("committed")
                        if order.capacity_commitment_day
                        else _("requested"),
                    )
                )
            lines += [
                _(
                    "%(order)s: %(missing)s of %(quantity)s %(product)s cannot be "
                    "delivered within the planning horizon; the promised date is for "
                    "the rest only.",
                    order=order.name,
                    missing=self.env["capacity.reason"]._number(line.capacity_missing_qty),
                    quantity=self.env["capacity.reason"]._number(line.product_uom_qty),
                    product=line.product_id.display_name,
                )
                for line in order.order_line
                if line.capacity_missing_qty > 0
            ]
        wizard = self.create(
            {
                "order_ids": [fields.Command.set(orders.ids)],
                "late_order_ids": [fields.Command.set(late.ids)],
                "message": "\n".join(lines),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("The promise misses the date"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm_anyway(self):
        self.ensure_one()
        self.order_ids.with_context(capacity_confirm_check=False).action_confirm()
        return {"type": "ir.actions.act_window_close"}

    def action_use_promised_date(self):
        """Set each late order's delivery date to its promise, then confirm."""
        self.ensure_one()
        for order in self.late_order_ids:
            order.action_use_promise_date()
        self.order_ids.with_context(capacity_confirm_check=False).action_confirm()
        return {"type": "ir.actions.act_window_close"}
