# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The planner's reasons, rendered in the reader's language.

The plan carries each reason as data, ``{"kind": ..., "values": {...}}`` (see the planner's
``optimizer/reason.py`` for the kinds): this model turns it into one sentence through
Odoo's translations, with names read from Odoo (so translated product names show
translated), dates in the language's date format and quantities in its number format.
"""

import datetime
import json
import math

from odoo import _, api, models
from odoo.tools.misc import format_date, formatLang

# the cause of a late or at-risk promise, found by walking the reason down to the
# innermost work center or component that held it up
WORKCENTER_KINDS = ("capacity", "closed", "horizon")
COMPONENT_KINDS = ("supply", "purchase", "faster_vendor", "no_vendor", "no_source")


def load_reason(text):
    """The reason data stored as JSON text, or None when there is none (or it is not
    readable: an old or foreign value is then shown as its sentence)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        return None
    if not isinstance(data.get("values"), dict):
        data["values"] = {}
    return data


def cause_of(data):
    """``(kind, values)`` of the innermost reason that names a bottleneck work center or
    a component, or None: what a planner has to act on."""
    found = None
    while data:
        values = data.get("values") or {}
        if data.get("kind") in WORKCENTER_KINDS and values.get("workcenter_id"):
            found = (data["kind"], values)
        elif data.get("kind") in COMPONENT_KINDS and values.get("product_id"):
            found = (data["kind"], values)
        inner = values.get("inner")
        data = inner if isinstance(inner, dict) else None
    return found


class CapacityReason(models.AbstractModel):
    _name = "capacity.reason"
    _description = "Promise Reason in the Reader's Language"

    @api.model
    def _render(self, data, for_product=None, due=None):
        """One sentence of the reason ``data`` (dict or JSON text) in the language of
        the environment; "" when there is no readable reason. ``for_product`` is the
        product the reader asked about (a line's): a reason naming another product
        says which it is about. ``due``: the date a late promise had to keep, when it
        is already past; the plan's own "overdue" (against its lead-time date when the
        order has none) is not the order's and is not said."""
        if isinstance(data, str):
            data = load_reason(data)
        if not data:
            return ""
        sentence = self._sentence(data, for_product)
        if sentence and due:
            sentence = _(
                "%(sentence)s It was due on %(date)s, before today.",
                sentence=sentence,
                date=self._date(due),
            )
        return sentence

    # -- formatting ----------------------------------------------------------

    @api.model
    def _date(self, value):
        if not value:
            return ""
        try:
            day = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
        return format_date(self.env, day)

    @api.model
    def _number(self, value):
        value = float(value or 0.0)
        digits = 0
        while digits < 3 and abs(value * 10**digits - round(value * 10**digits)) > 1e-6:
            digits += 1
        return formatLang(self.env, value, digits=digits)

    @api.model
    def _hours(self, value):
        return _("%(hours)s h", hours=formatLang(self.env, float(value or 0.0), digits=1))

    @api.model
    def _days(self, value):
        days = math.ceil(float(value or 0.0))
        if days == 1:
            return _("1 day")
        return _("%(days)s days", days=days)

    @api.model
    def _record_name(self, model, record_id, fallback):
        if record_id:
            record = self.env[model].sudo().browse(int(record_id)).exists()
            if record:
                return record.display_name
        return fallback or ""

    @api.model
    def _product(self, values):
        return self._record_name(
            "product.product", values.get("product_id"), values.get("product")
        ) or _("the product")

    @api.model
    def _workcenter(self, values):
        return self._record_name(
            "mrp.workcenter", values.get("workcenter_id"), values.get("workcenter")
        ) or _("a work center")

    @api.model
    def _vendor(self, values, key="vendor"):
        return self._record_name(
            "res.partner", values.get(f"{key}_id"), values.get(key)
        ) or _("the vendor")

    @api.model
    def _quantity(self, values, uom=None):
        """A quantity in ``uom`` (by default the product's unit): "2.5 kg"; a count of
        units is just "3" (no "1 Units")."""
        number = self._number(values.get("quantity"))
        product = self.env["product.product"].sudo().browse(
            int(values.get("product_id") or 0)
        ).exists()
        uom = uom or product.uom_id
        unit = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        if not uom or uom == unit:
            return number
        return _("%(quantity)s %(unit)s", quantity=number, unit=uom.name)

    # -- sentences -----------------------------------------------------------

    @api.model
    def _sentence(self, data, for_product=None):
        kind = data.get("kind")
        values = data.get("values") or {}
        inner = values.get("inner") if isinstance(values.get("inner"), dict) else None
        product_id = values.get("product_id")
        names = {
            "date": self._date(values.get("date")),
            "until": self._date(values.get("until")),
        }
        if kind == "stock":
            return _("Available from stock.")
        if kind == "scheduled":
            return _("Planned just in time, ready on %(date)s.", **names)
        if kind == "supply":
            text = _(
                "%(product)s arrives on %(date)s from %(vendor)s (%(ref)s).",
                product=self._product(values),
                vendor=self._vendor(values),
                ref=values.get("ref") or "",
                **names,
            )
            return text + self._safety(values)
        if kind in ("purchase", "faster_vendor"):
            text = _(
                "%(product)s must be bought from %(vendor)s: %(lead)s lead time, arrives "
                "on %(date)s.",
                product=self._product(values),
                vendor=self._vendor(values),
                lead=self._days(values.get("lead_days")),
                **names,
            )
            if kind == "faster_vendor":
                text += " " + _(
                    "Bought there rather than from %(vendor)s, which would make the order "
                    "late.",
                    vendor=self._vendor(values, "odoo_vendor"),
                )
            return text + self._safety(values)
        if kind == "production":
            if inner:
                return _(
                    "%(cause)s %(ref)s finishes on %(date)s.",
                    cause=self._sentence(inner, product_id),
                    ref=values.get("ref") or "",
                    **names,
                )
            return _(
                "%(product)s comes from %(ref)s, which finishes on %(date)s.",
                product=self._product(values),
                ref=values.get("ref") or "",
                **names,
            )
        if kind == "made":
            return self._made(values, inner, for_product, names)
        if kind in ("capacity", "closed"):
            about = product_id and for_product and int(product_id) != int(for_product)
            workcenter = self._workcenter(values)
            if kind == "capacity" and about:
                return _(
                    "%(workcenter)s is fully booked until %(until)s (for %(product)s).",
                    workcenter=workcenter,
                    product=self._product(values),
                    **names,
                )
            if kind == "capacity":
                return _(
                    "%(workcenter)s is fully booked until %(until)s.",
                    workcenter=workcenter,
                    **names,
                )
            if about:
                return _(
                    "%(workcenter)s is closed until %(until)s (for %(product)s).",
                    workcenter=workcenter,
                    product=self._product(values),
                    **names,
                )
            return _(
                "%(workcenter)s is closed until %(until)s.", workcenter=workcenter, **names
            )
        if kind == "work":
            return _(
                "%(product)s needs %(hours)s of work, finishing on %(date)s.",
                product=self._product(values),
                hours=self._hours(values.get("hours")),
                **names,
            )
        if kind == "lead_time":
            return _(
                "%(product)s takes %(days)s to make, ready on %(date)s.",
                product=self._product(values),
                days=self._days(values.get("lead_days")),
                **names,
            )
        if kind == "partial":
            cause = self._sentence(inner, for_product) if inner else ""
            return _(
                "%(quantity)s cannot be delivered within the planning horizon: %(cause)s",
                quantity=self._quantity(values),
                cause=cause,
            ).strip()
        if kind == "no_vendor":
            return _(
                "%(product)s is bought but has no valid vendor: add one on the product.",
                product=self._product(values),
            )
        if kind == "no_source":
            return _(
                "%(product)s: %(quantity)s missing - not in stock, not on order, and "
                "neither manufactured nor bought.",
                product=self._product(values),
                quantity=self._quantity(values),
            )
        if kind == "horizon":
            params = self.env["ir.config_parameter"].sudo()
            return _(
                "%(workcenter)s has no free slot for %(product)s within the "
                "%(days)s-day planning horizon.",
                workcenter=self._workcenter(values),
                product=self._product(values),
                days=int(params.get_param("sale_capacity_promise.horizon_days") or 180),
            )
        return ""

    @api.model
    def _safety(self, values):
        date, until = values.get("date"), values.get("until")
        if not date or not until or str(until) <= str(date):
            return ""
        return " " + _(
            "Counted from %(until)s in case it is late.", until=self._date(until)
        )

    @api.model
    def _made(self, values, inner, for_product, names):
        product = self._product(values)
        if not inner:
            return _(
                "%(product)s needs %(hours)s of work, finishing on %(date)s.",
                product=product,
                hours=self._hours(values.get("hours")),
                **names,
            )
        cause = self._sentence(inner, for_product)
        inner_date = (inner.get("values") or {}).get("date")
        if inner_date and values.get("date") and str(values["date"]) <= str(inner_date):
            return cause
        workcenters = values.get("workcenters") or []
        if not workcenters:
            return _(
                "%(cause)s Then %(product)s takes %(days)s to make, ready on %(date)s.",
                cause=cause,
                product=product,
                days=self._days(values.get("lead_days")),
                **names,
            )
        if inner.get("kind") in ("capacity", "closed"):
            return _(
                "%(cause)s So %(product)s is ready on %(date)s.",
                cause=cause,
                product=product,
                **names,
            )
        if len(workcenters) > 2:
            where = _(
                "%(first)s, %(second)s and %(count)s more",
                first=workcenters[0],
                second=workcenters[1],
                count=len(workcenters) - 2,
            )
        else:
            where = _(
                "%(first)s and %(second)s",
                first=workcenters[0],
                second=workcenters[-1],
            ) if len(workcenters) == 2 else workcenters[0]
        return _(
            "%(cause)s Then %(hours)s of work on %(workcenters)s, finished on %(date)s.",
            cause=cause,
            hours=self._hours(values.get("hours")),
            workcenters=where,
            **names,
        )
