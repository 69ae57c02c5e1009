# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import date, timedelta

from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestReasonText(CapacityPromiseCase):
    """The planner's reasons, rendered from their kind and values in the reader's
    language, with dates and quantities in the reader's format."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.reasons = cls.env["capacity.reason"]
        cls.capacity = {
            "kind": "made",
            "values": {
                "date": "2026-12-12",
                "product_id": cls.product.id,
                "product": "Cabinet",
                "hours": 3.5,
                "workcenters": ["Assembly"],
                "inner": {
                    "kind": "capacity",
                    "values": {
                        "date": "2026-12-07",
                        "until": "2026-12-07",
                        "workcenter_id": cls.workcenter.id,
                        "workcenter": "Assembly",
                    },
                },
            },
        }

    def _render(self, data, lang="en_US", **kwargs):
        return self.reasons.with_context(lang=lang)._render(data, **kwargs)

    def test_a_reason_is_one_sentence_with_dates_in_the_users_format(self):
        text = self._render(self.capacity)
        self.assertEqual(
            text,
            f"Assembly is fully booked until {format_date(self.env, date(2026, 12, 7))}. "
            f"So Cabinet is ready on {format_date(self.env, date(2026, 12, 12))}.",
        )
        self.assertIn("12/12/2026", text)

    def test_a_french_user_reads_french(self):
        text = self._render(self.capacity, lang="fr_FR")
        self.assertEqual(
            text,
            "Assembly est complet jusqu'au 07/12/2026. Cabinet est donc prêt le 12/12/2026.",
        )

    def test_quantities_of_units_carry_no_unit(self):
        data = {
            "kind": "no_source",
            "values": {"product_id": self.bolt.id, "product": "Bolt", "quantity": 1.0},
        }
        text = self._render(data)
        self.assertEqual(
            text,
            "Bolt: 1 missing - not in stock, not on order, and neither manufactured nor "
            "bought.",
        )
        self.assertNotIn("Units", text)
        self.bolt.uom_id = self.uom_dozen
        self.assertIn(
            f"Bolt: 2.5 {self.uom_dozen.name} missing",
            self._render(dict(data, values=dict(data["values"], quantity=2.5))),
        )

    def test_a_component_reason_names_the_supply(self):
        data = {
            "kind": "supply",
            "values": {
                "date": "2026-12-09",
                "product_id": self.bolt.id,
                "vendor_id": self.vendor.id,
                "ref": "P00042",
            },
        }
        self.assertEqual(
            self._render(data, lang="fr_FR"),
            "Bolt arrive le 09/12/2026 de Steel Vendor (P00042).",
        )

    def test_an_overdue_promise_says_so(self):
        self.assertTrue(
            self._render(self.capacity, due=date(2026, 11, 30)).endswith(
                f"It was due on {format_date(self.env, date(2026, 11, 30))}, before today."
            )
        )

    def test_only_a_late_order_past_its_date_says_it_was_due(self):
        """The plan's "overdue" is against its lead-time date when the order has no
        date to keep: the reason says "due" only of the order's own date, when the
        promise is late and that date is past."""
        payload = self._plan()
        data = dict(self.capacity, overdue="2026-11-30")
        payload["orders"][1]["reason_data"] = data
        payload["orders"][1]["lines"][0]["reason_data"] = data
        self._apply(payload)
        order, line = self.order_2, self.order_2.order_line[0]
        order.write({"commitment_date": False, "capacity_requested_date": False})
        self.assertEqual(order.capacity_status, "earliest")
        self.assertNotIn("due on", order.capacity_reason_text)
        self.assertNotIn("due on", line.capacity_reason_text)
        self.assertIn("So Cabinet is ready on", order.capacity_reason_text)
        # a date to keep that the promise meets: nothing was due
        order.capacity_requested_date = order.capacity_promise_date
        self.assertEqual(order.capacity_status, "on_time")
        self.assertNotIn("due on", order.capacity_reason_text)
        # missed, and already past
        past = self.today - timedelta(days=3)
        order.capacity_requested_date = past
        self.assertEqual(order.capacity_status, "late")
        due = f"It was due on {format_date(self.env, past)}, before today."
        self.assertTrue(order.capacity_reason_text.endswith(due), order.capacity_reason_text)
        self.assertTrue(line.capacity_reason_text.endswith(due), line.capacity_reason_text)

    def test_an_unknown_or_missing_reason_falls_back_to_the_sentence(self):
        self.assertEqual(self._render({"kind": "teleport", "values": {}}), "")
        self.assertEqual(self._render("not json"), "")
        self.order.write(
            {"capacity_reason": "Old sentence.", "capacity_reason_data": "not json"}
        )
        self.assertEqual(self.order.capacity_reason_text, "Old sentence.")

    def test_the_order_shows_the_reason_in_the_readers_language(self):
        payload = self._plan()
        payload["orders"][1]["reason_data"] = self.capacity
        payload["orders"][1]["lines"][0]["reason_data"] = self.capacity["values"]["inner"]
        self._apply(payload)
        self.assertEqual(json.loads(self.order_2.capacity_reason_data), self.capacity)
        french = self.order_2.with_context(lang="fr_FR")
        self.assertIn("Cabinet est donc prêt le 12/12/2026", french.capacity_reason_text)
        self.assertIn("So Cabinet is ready on", self.order_2.capacity_reason_text)
        # a line has its own reason
        self.assertEqual(
            french.order_line[0].capacity_reason_text,
            "Assembly est complet jusqu'au 07/12/2026.",
        )
        # the promise history says why in the reader's language too
        history = self.order_2.capacity_history_ids.filtered(
            lambda line: line.kind == "projection"
        )
        self.assertIn(
            "Cabinet est donc prêt le 12/12/2026",
            history.with_context(lang="fr_FR").reason_text,
        )
