# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests.common import TransactionCase, new_test_user


class CapacityPromiseCase(TransactionCase):
    """A small factory of our own: no demo record is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Factory"})
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")

        cls.salesman = new_test_user(
            cls.env,
            login="cp_salesman",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.buyer = new_test_user(
            cls.env, login="cp_buyer", groups="purchase.group_purchase_user"
        )
        cls.manager = new_test_user(
            cls.env,
            login="cp_manager",
            groups="sale_capacity_promise.group_capacity_promise_manager",
        )
        cls.service = new_test_user(
            cls.env,
            login="cp_service",
            groups="sale_capacity_promise.group_capacity_promise_service",
        )

        cls.customer = cls.env["res.partner"].create({"name": "Customer Ltd"})
        cls.vendor = cls.env["res.partner"].create({"name": "Steel Vendor"})
        cls.vendor_abroad = cls.env["res.partner"].create({"name": "Vendor Abroad"})

        cls.tax_purchase = cls.env["account.tax"].create(
            {
                "name": "Purchase 15%",
                "amount": 15.0,
                "type_tax_use": "purchase",
                "company_id": cls.company.id,
            }
        )
        cls.tax_purchase_export = cls.env["account.tax"].create(
            {
                "name": "Purchase 0% (import)",
                "amount": 0.0,
                "type_tax_use": "purchase",
                "company_id": cls.company.id,
            }
        )
        cls.fiscal_position_import = cls._create_fiscal_position(
            "Import", cls.tax_purchase, cls.tax_purchase_export
        )
        cls.vendor_abroad.with_company(
            cls.company
        ).property_account_position_id = cls.fiscal_position_import

        cls.product = cls.env["product.product"].create(
            dict(cls._storable(), name="Cabinet", list_price=300.0)
        )
        cls.product_2 = cls.env["product.product"].create(
            dict(cls._storable(), name="Shelf", list_price=40.0)
        )
        cls.bolt = cls._create_component("Bolt", cls.vendor, 2.5, delay=3)
        cls.panel = cls._create_component("Panel", cls.vendor, 12.0, delay=5)
        cls.hinge = cls._create_component("Hinge", cls.vendor_abroad, 1.2, delay=10)

        # the date the customer asked for: the promises of _plan() are measured
        # against it (10 days is on time, 30 days late)
        cls.requested_date = date.today() + timedelta(days=11)
        cls.workcenter = cls.env["mrp.workcenter"].create(
            {"name": "Assembly", "company_id": cls.company.id}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "capacity_requested_date": cls.requested_date,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": 2}
                    ),
                    Command.create(
                        {"product_id": cls.product_2.id, "product_uom_qty": 10}
                    ),
                ],
            }
        )
        cls.order_2 = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "capacity_requested_date": cls.requested_date,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": 1}
                    ),
                ],
            }
        )
        cls.production = cls.env["mrp.production"].create(
            {"product_id": cls.product.id, "product_qty": 2}
        )
        cls.snapshot_at = fields.Datetime.now()
        cls.today = date.today()

    @classmethod
    def _create_component(cls, name, vendor, price, delay):
        return cls.env["product.product"].create(
            dict(
                cls._storable(),
                name=name,
                purchase_ok=True,
                standard_price=price * 0.9,
                supplier_taxes_id=[Command.set(cls.tax_purchase.ids)],
                seller_ids=[
                    Command.create(
                        {"partner_id": vendor.id, "price": price, "delay": delay}
                    )
                ],
            )
        )

    # -- what the series call differently --------------------------------------

    @classmethod
    def _storable(cls):
        """A product with stock: detailed_type up to 17, is_storable from 18."""
        if "is_storable" in cls.env["product.template"]._fields:
            return {"type": "consu", "is_storable": True}
        return {"detailed_type": "product"}

    @classmethod
    def _create_fiscal_position(cls, name, tax, replacement):
        """A fiscal position replacing ``tax`` by ``replacement``: a mapping line up to
        18; from 19 the replacement names the tax it replaces and its positions."""
        position = cls.env["account.fiscal.position"].create(
            {"name": name, "company_id": cls.company.id}
        )
        if "original_tax_ids" in replacement._fields:
            replacement.write(
                {
                    "fiscal_position_ids": [Command.link(position.id)],
                    "original_tax_ids": [Command.link(tax.id)],
                }
            )
        else:
            position.tax_ids = [
                Command.create({"tax_src_id": tax.id, "tax_dest_id": replacement.id})
            ]
        return position

    @staticmethod
    def _taxes(purchase_line):
        """A purchase line's taxes: taxes_id up to 18, tax_ids from 19."""
        if "tax_ids" in purchase_line._fields:
            return purchase_line.tax_ids
        return purchase_line.taxes_id

    # -- payloads --------------------------------------------------------------

    @classmethod
    def _day(cls, days):
        return fields.Date.to_string(cls.today + timedelta(days=days))

    @classmethod
    def _order_payload(cls, order, days=10, status="on_time", reason="Fits the plan."):
        return {
            "order_id": order.id,
            "promise_date": cls._day(days),
            "status": status,
            "reason": reason,
            "lines": [
                {
                    "line_id": line.id,
                    "promise_date": cls._day(days),
                    "status": status,
                    "reason": f"{line.product_id.name}: {reason}",
                }
                for line in order.order_line
            ],
        }

    @classmethod
    def _suggestion_payload(cls, key, product, vendor, quantity, days=3, serves=None):
        return {
            "key": key,
            "product_id": product.id,
            "vendor_id": vendor.id,
            "quantity": quantity,
            "uom_id": product.uom_id.id,
            "order_by_date": cls._day(days),
            "need_date": cls._day(days + 5),
            "lead_days": 5.0,
            "serves": serves
            if serves is not None
            else [{"kind": "quotation", "id": cls.order.id, "quantity": quantity}],
        }

    @classmethod
    def _plan(cls, run_key="run-1", snapshot_at=None, **values):
        snapshot_at = snapshot_at or cls.snapshot_at
        plan = {
            "version": 1,
            "run_key": run_key,
            "company_id": cls.company.id,
            "snapshot_at": fields.Datetime.to_string(snapshot_at),
            "started_at": fields.Datetime.to_string(snapshot_at),
            "finished_at": fields.Datetime.to_string(
                snapshot_at + timedelta(seconds=42)
            ),
            "status": "optimized",
            "solver": {
                "name": "HiGHS",
                "status": "feasible",
                "gap": 0.031,
                "seconds": 30.5,
                "message": "time limit reached",
            },
            "warnings": ["Work center Paint has no calendar: assumed closed."],
            "orders": [
                cls._order_payload(cls.order, 10, "on_time"),
                cls._order_payload(
                    cls.order_2, 30, "late", "Assembly is full until then."
                ),
            ],
            "productions": [
                {
                    "production_id": cls.production.id,
                    "start_date": cls._day(1),
                    "finish_date": cls._day(3),
                }
            ],
            "suggestions": [
                cls._suggestion_payload("bolt-1", cls.bolt, cls.vendor, 100),
                cls._suggestion_payload(
                    "panel-1",
                    cls.panel,
                    cls.vendor,
                    4,
                    serves=[
                        {"kind": "quotation", "id": cls.order.id, "quantity": 2},
                        {
                            "kind": "manufacturing",
                            "id": cls.production.id,
                            "quantity": 2,
                        },
                    ],
                ),
                cls._suggestion_payload(
                    "hinge-1", cls.hinge, cls.vendor_abroad, 50, days=-2
                ),
            ],
            "load": [
                {
                    "workcenter_id": cls.workcenter.id,
                    "date": cls._day(day),
                    "available_hours": 8.0,
                    "planned_hours": 6.0 + day,
                }
                for day in range(4)
            ],
        }
        plan.update(values)
        return plan

    def _apply(self, plan):
        return self.env["capacity.planner.run"].with_user(self.service).apply_plan(plan)
