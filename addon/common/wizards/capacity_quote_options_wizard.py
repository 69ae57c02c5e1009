# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round


class CapacityQuoteOptionsWizard(models.TransientModel):
    """What 'Check Capacity' answers when the customer has a choice: everything at once
    on one date, as it comes (per line), or the largest quantity by the date asked for.
    A choice is applied to the quotation."""

    _name = "capacity.quote.options.wizard"
    _description = "Delivery Options"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    summary = fields.Char(readonly=True)
    all_at_once_date = fields.Date(string="All at Once On", readonly=True)
    first_date = fields.Date(string="First Delivery On", readonly=True)
    by_date = fields.Date(string="By the Date", readonly=True)
    by_date_quantity = fields.Float(readonly=True)
    total_quantity = fields.Float(readonly=True)
    options_html = fields.Html(string="Options", readonly=True, sanitize=False)
    split_json = fields.Text(readonly=True)

    @api.model
    def _open_for(self, order, options, summary):
        """The wizard for ``order`` and its ``quote_options.Options``."""
        dates = [
            date for _line, shipments in options.as_it_comes for date, _qty in shipments
        ]
        wizard = self.create(
            {
                "order_id": order.id,
                "summary": summary,
                "all_at_once_date": options.all_at_once or False,
                "first_date": min(dates) if dates else False,
                "by_date": options.by_date or False,
                "by_date_quantity": options.by_date_quantity,
                "total_quantity": options.total_quantity,
                "options_html": self._render(order, options),
                "split_json": json.dumps(
                    [
                        [line.line_id, quantity, rest]
                        for line, quantity, rest in options.by_date_lines
                    ]
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Delivery options"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _render(self, order, options):
        def day(date):
            return order._capacity_format(date)

        def qty(value):
            return f"{float_round(value, precision_digits=3):g}"

        rows = Markup("")
        by_date = {line.line_id: (quantity, rest) for line, quantity, rest in options.by_date_lines}
        for line, shipments in options.as_it_comes:
            parts = ", ".join(
                _("%(quantity)s on %(date)s", quantity=qty(q), date=day(d))
                for d, q in shipments
            ) or _("cannot be planned")
            cells = Markup("<td>%s</td><td class='text-end'>%s</td><td>%s</td>") % (
                escape(line.name),
                qty(line.quantity),
                parts,
            )
            if options.by_date:
                quantity, _rest = by_date.get(line.line_id, (0.0, line.quantity))
                cells += Markup("<td class='text-end'>%s</td>") % qty(quantity)
            rows += Markup("<tr>%s</tr>") % cells
        header = Markup("<th>%s</th><th class='text-end'>%s</th><th>%s</th>") % (
            _("Line"),
            _("Quantity"),
            _("As it comes"),
        )
        if options.by_date:
            header += Markup("<th class='text-end'>%s</th>") % _(
                "By %(date)s", date=day(options.by_date)
            )
        return Markup(
            "<table class='table table-sm'><thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (header, rows)

    # -- applying a choice ---------------------------------------------------------

    def _check_order(self):
        self.ensure_one()
        if self.order_id.state not in ("draft", "sent"):
            raise UserError(_("Only a quotation can take a delivery option."))

    def action_apply_all_at_once(self):
        """Deliver everything together on the last line's date."""
        self._check_order()
        if not self.all_at_once_date:
            raise UserError(_("A line cannot be planned: there is no date for all of it."))
        self.order_id.write(
            {
                "picking_policy": "one",
                "commitment_date": self.order_id._capacity_noon(self.all_at_once_date),
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def action_apply_as_it_comes(self):
        """Deliver each part when it is ready, from the first date on; the lines keep
        their own promised dates (printed per line)."""
        self._check_order()
        self.order_id.write(
            {
                "picking_policy": "direct",
                "commitment_date": self.order_id._capacity_noon(self.first_date),
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def action_apply_by_date(self):
        """Split each line into what comes by the date and the rest (a line of its own,
        delivered later), deliver as it comes from that date on. The lines changed: the
        old promise is cleared until capacity is checked again."""
        self._check_order()
        if not self.by_date:
            raise UserError(_("No date was asked for or committed."))
        lines = self.env["sale.order.line"]
        split = False
        for line_id, quantity, rest in json.loads(self.split_json or "[]"):
            line = lines.browse(line_id).exists()
            if not line or quantity <= 0 or rest <= 0:
                continue  # all of it by the date, or none of it: nothing to split
            line.copy({"order_id": line.order_id.id, "product_uom_qty": rest})
            line.product_uom_qty = quantity
            split = True
        if split:
            # (a check and a split within the same second would not show as stale)
            self.order_id._capacity_clear_promise()
        self.order_id.write(
            {
                "picking_policy": "direct",
                "commitment_date": self.order_id._capacity_noon(self.by_date),
            }
        )
        return {"type": "ir.actions.act_window_close"}
