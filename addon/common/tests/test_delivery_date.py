# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from lxml import etree

from odoo.tests import Form, tagged

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestDeliveryDate(CapacityPromiseCase):
    """The order's delivery date is shown and set as a date, the day in the company's
    time zone, not as Odoo's date and time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Pacific/Auckland"

    def test_the_form_shows_the_delivery_date_as_a_date(self):
        arch = etree.fromstring(
            self.env["sale.order"].get_view(view_type="form")["arch"]
        )
        (label,) = arch.xpath("//label[@string='Delivery Date']")
        self.assertEqual(label.get("for"), "capacity_commitment_day")
        self.assertTrue(arch.xpath("//field[@name='capacity_commitment_day']"))
        for field in arch.xpath("//field[@name='commitment_date']"):
            self.assertIn(field.get("invisible"), ("1", "True"))
        self.assertEqual(self.order._fields["capacity_commitment_day"].type, "date")

    def test_a_day_set_is_noon_there_and_reads_back_the_same(self):
        with Form(self.order.with_user(self.salesman)) as form:
            form.capacity_commitment_day = date(2026, 12, 14)
        # noon in Auckland (UTC+13 in December) is 23:00 UTC the day before
        self.assertEqual(self.order.commitment_date, datetime(2026, 12, 13, 23, 0))
        self.assertEqual(self.order.capacity_commitment_day, date(2026, 12, 14))
        self.assertEqual(self.order.capacity_target_date, date(2026, 12, 14))
        with Form(self.order.with_user(self.salesman)) as form:
            form.capacity_commitment_day = False
        self.assertFalse(self.order.commitment_date)

    def test_odoos_date_and_time_shows_as_the_companys_day(self):
        # 20:00 UTC is 09:00 the next morning in Auckland
        self.order.commitment_date = datetime(2026, 12, 14, 20, 0)
        self.assertEqual(self.order.capacity_commitment_day, date(2026, 12, 15))
