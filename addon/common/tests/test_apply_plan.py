# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models import write_changes
from .common import CapacityPromiseCase

# what applying a plan may change, besides the run itself
WRITTEN_MODELS = (
    "sale.order",
    "sale.order.line",
    "mrp.production",
    "capacity.purchase.suggestion",
    "capacity.purchase.suggestion.peg",
    "capacity.workcenter.load",
)


@tagged("post_install", "-at_install")
class TestApplyPlan(CapacityPromiseCase):
    def _runs(self):
        return self.env["capacity.planner.run"].search([])

    def _suggestions(self):
        return self.env["capacity.purchase.suggestion"].search([], order="key")

    def _order_state(self, order):
        return order.read(
            [
                "capacity_promise_date",
                "capacity_status",
                "capacity_reason",
                "capacity_computed_at",
                "capacity_run_id",
            ]
        )

    def test_apply_plan_writes_everything(self):
        result = self._apply(self._plan())

        run = self.env["capacity.planner.run"].browse(result["run_id"])
        self.assertFalse(result["ignored"])
        self.assertEqual(run.state, "applied")
        self.assertEqual(run.plan_status, "optimized")
        self.assertEqual(run.solver_status, "feasible")
        self.assertAlmostEqual(run.solver_gap, 0.031)
        self.assertEqual(run.duration_seconds, 42)
        self.assertEqual(
            (run.order_count, run.late_count, run.cannot_plan_count), (2, 1, 0)
        )
        self.assertEqual((run.suggestion_count, run.workcenter_day_count), (3, 4))
        self.assertIn("Paint", run.warnings)

        self.assertEqual(
            self.order.capacity_promise_date, self.today + timedelta(days=10)
        )
        self.assertEqual(self.order.capacity_status, "on_time")
        self.assertEqual(self.order.capacity_reason, "Fits the plan.")
        self.assertEqual(
            self.order.capacity_computed_at, self.snapshot_at.replace(microsecond=0)
        )
        self.assertEqual(self.order.capacity_run_id, run)
        self.assertEqual(self.order_2.capacity_status, "late")
        self.assertEqual(self.order_2.capacity_reason, "Assembly is full until then.")
        line = self.order.order_line[1]
        self.assertEqual(line.capacity_status, "on_time")
        self.assertEqual(line.capacity_promise_date, self.today + timedelta(days=10))
        self.assertEqual(line.capacity_reason, "Shelf: Fits the plan.")

        self.assertEqual(
            self.production.capacity_start_date, self.today + timedelta(days=1)
        )
        self.assertEqual(
            self.production.capacity_finish_date, self.today + timedelta(days=3)
        )

        suggestions = self._suggestions()
        self.assertEqual(suggestions.mapped("key"), ["bolt-1", "hinge-1", "panel-1"])
        self.assertEqual(set(suggestions.mapped("state")), {"open"})
        panel = suggestions.filtered(lambda s: s.key == "panel-1")
        self.assertEqual(panel.partner_id, self.vendor)
        self.assertEqual(panel.product_qty, 4)
        self.assertEqual(panel.sale_order_ids, self.order)
        self.assertEqual(panel.production_ids, self.production)
        self.assertEqual(
            sorted(panel.peg_ids.mapped("kind")), ["manufacturing", "quotation"]
        )

        loads = self.env["capacity.workcenter.load"].search([], order="date")
        self.assertEqual(len(loads), 4)
        self.assertEqual(loads[0].planned_hours, 6.0)
        self.assertAlmostEqual(loads[0].utilization, 75.0)
        self.assertAlmostEqual(loads[3].utilization, 112.5)

    def test_confirmed_order_gets_its_promise(self):
        self.order.action_confirm()
        self._apply(self._plan())
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.capacity_status, "on_time")
        self.assertEqual(
            self.order.capacity_promise_date, self.today + timedelta(days=10)
        )

    def test_same_run_twice_changes_nothing(self):
        first = self._apply(self._plan())
        before = self._order_state(self.order)
        suggestions = self._suggestions()
        # same key, different content: the run was applied, nothing changes
        plan = self._plan(orders=[self._order_payload(self.order, 40, "late")], load=[])
        second = self._apply(plan)
        self.assertEqual(second["run_id"], first["run_id"])
        self.assertTrue(second["already_applied"])
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(self._order_state(self.order), before)
        self.assertEqual(self._suggestions(), suggestions)
        self.assertEqual(len(self.env["capacity.workcenter.load"].search([])), 4)

    def test_older_run_is_ignored(self):
        self._apply(self._plan("run-new"))
        before = self._order_state(self.order)
        older = self._plan(
            "run-old",
            snapshot_at=self.snapshot_at - timedelta(hours=1),
            orders=[self._order_payload(self.order, 50, "late")],
            suggestions=[],
            load=[],
        )
        result = self._apply(older)
        self.assertEqual(result["run_id"], False)
        self.assertTrue(result["ignored"])
        self.assertIn("older", result["reason"])
        self.assertEqual(self._runs().mapped("run_key"), ["run-new"])
        self.assertEqual(self._order_state(self.order), before)
        self.assertEqual(len(self._suggestions()), 3)

    def test_newer_run_replaces_the_older(self):
        self._apply(self._plan("run-1"))
        newer = self._plan(
            "run-2",
            snapshot_at=self.snapshot_at + timedelta(minutes=5),
            orders=[self._order_payload(self.order, 12, "late", "Paint is full.")],
        )
        self._apply(newer)
        self.assertEqual(self.order.capacity_status, "late")
        self.assertEqual(self.order.capacity_reason, "Paint is full.")
        self.assertEqual(self.order.capacity_run_id.run_key, "run-2")
        # order_2 is no longer planned (say, only services are left): its old promise goes
        self.assertEqual(self.order_2.capacity_status, "not_checked")
        self.assertFalse(self.order_2.capacity_promise_date)
        self.assertFalse(self.order_2.capacity_run_id)
        self.assertFalse(self.order_2.order_line.filtered("capacity_status"))

    def test_unchanged_promise_is_left_as_it_was(self):
        self._apply(self._plan("run-1"))
        again = self._plan(
            "run-2", snapshot_at=self.snapshot_at + timedelta(minutes=5), suggestions=[]
        )
        self._apply(again)
        # nothing rewritten, so the service's next read has nothing new to read...
        self.assertEqual(self.order.capacity_run_id.run_key, "run-1")
        self.assertEqual(
            self.order.capacity_computed_at, self.snapshot_at.replace(microsecond=0)
        )
        # ...and the form still says the promise was confirmed by the latest run
        self.assertEqual(
            self.order.capacity_checked_at,
            (self.snapshot_at + timedelta(minutes=5)).replace(microsecond=0),
        )

    def test_stale_order_is_rewritten_even_with_the_same_promise(self):
        # computed from data of an hour ago, so the change below is after it
        self._apply(
            self._plan("run-1", snapshot_at=fields.Datetime.now() - timedelta(hours=1))
        )
        self.order.order_line[0].product_uom_qty += 1
        self.assertEqual(self.order.capacity_status, "stale")
        self._apply(
            self._plan(
                "run-2", snapshot_at=fields.Datetime.now() + timedelta(minutes=5)
            )
        )
        self.assertEqual(self.order.capacity_status, "on_time")
        self.assertEqual(self.order.capacity_run_id.run_key, "run-2")

    def _assert_refused(self, plan, message):
        before = self._order_state(self.order)
        with self.assertRaises(ValidationError) as caught:
            self._apply(plan)
        self.assertIn(message, str(caught.exception))
        self.assertFalse(self._runs())
        self.assertFalse(self._suggestions())
        self.assertEqual(self._order_state(self.order), before)
        self.assertFalse(self.production.capacity_start_date)

    def test_bad_date_is_refused(self):
        plan = self._plan()
        plan["orders"][1]["promise_date"] = "2026-13-01"
        self._assert_refused(plan, "orders[1].promise_date: '2026-13-01' is not a date")

    def test_bad_status_is_refused(self):
        plan = self._plan()
        plan["orders"][0]["lines"][1]["status"] = "soon"
        self._assert_refused(plan, "orders[0].lines[1].status: 'soon' is not one of")

    def test_missing_field_is_refused(self):
        plan = self._plan()
        del plan["suggestions"][2]["vendor_id"]
        self._assert_refused(plan, "suggestions[2].vendor_id: missing")

    def test_unknown_order_is_refused(self):
        plan = self._plan()
        plan["orders"].append(dict(plan["orders"][0], order_id=999999999, lines=[]))
        self._assert_refused(
            plan, "orders[2].order_id: sale order 999999999 does not exist"
        )

    def test_line_of_another_order_is_refused(self):
        plan = self._plan()
        plan["orders"][0]["lines"].append(
            dict(plan["orders"][0]["lines"][0], line_id=self.order_2.order_line.id)
        )
        plan["orders"][1]["lines"] = []
        self._assert_refused(plan, "orders[0].lines[2].line_id: sale order line")

    def test_order_of_another_company_is_refused(self):
        foreign = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "company_id": self.other_company.id}
        )
        plan = self._plan()
        plan["orders"].append(dict(plan["orders"][0], order_id=foreign.id, lines=[]))
        self._assert_refused(plan, "belongs to company Other Factory")

    def test_unknown_workcenter_and_product_are_listed(self):
        plan = self._plan()
        plan["load"][2]["workcenter_id"] = 999999999
        plan["suggestions"][0]["product_id"] = 999999998
        with self.assertRaises(ValidationError) as caught:
            self._apply(plan)
        message = str(caught.exception)
        self.assertIn(
            "load[2].workcenter_id: work center 999999999 does not exist", message
        )
        self.assertIn(
            "suggestions[0].product_id: product 999999998 does not exist", message
        )

    def test_unit_of_another_category_is_refused(self):
        plan = self._plan()
        plan["suggestions"][0]["uom_id"] = self.env.ref("uom.product_uom_kgm").id
        self._assert_refused(plan, "suggestions[0].uom_id: unit of measure")

    def test_failed_run_is_recorded_and_changes_nothing(self):
        plan = self._plan(
            status="failed",
            snapshot_at=self.snapshot_at + timedelta(hours=1),
            orders=[],
            productions=[],
            suggestions=[],
            load=[],
        )
        plan["solver"]["status"] = "error"
        result = self._apply(plan)
        run = self.env["capacity.planner.run"].browse(result["run_id"])
        self.assertEqual(run.state, "failed")
        self.assertEqual(self.order.capacity_status, "not_checked")
        # a failed run does not hide an older successful one
        self._apply(
            self._plan("run-2", snapshot_at=self.snapshot_at + timedelta(minutes=1))
        )
        self.assertEqual(self.order.capacity_status, "on_time")

    def test_suggestions_replaced_keeping_ordered_and_dismissed(self):
        self._apply(self._plan("run-1"))
        suggestions = self._suggestions()
        bolt, hinge, panel = suggestions
        bolt.with_user(self.buyer).action_create_rfq()
        hinge.with_user(self.manager).action_dismiss()
        purchase_line = bolt.purchase_line_id
        self.assertTrue(purchase_line)

        run_2 = self._plan(
            "run-2",
            snapshot_at=self.snapshot_at + timedelta(minutes=5),
            suggestions=[
                self._suggestion_payload("bolt-1", self.bolt, self.vendor, 120),
                self._suggestion_payload("hinge-1", self.hinge, self.vendor_abroad, 60),
                self._suggestion_payload("bolt-2", self.bolt, self.vendor, 30, days=20),
            ],
        )
        self._apply(run_2)
        self.assertEqual(
            self._suggestions().mapped("key"), ["bolt-1", "bolt-2", "hinge-1"]
        )
        self.assertFalse(
            panel.exists(), "an open suggestion the new plan drops is removed"
        )
        self.assertEqual(
            bolt.state, "ordered", "an ordered suggestion is never reopened"
        )
        self.assertEqual(bolt.purchase_line_id, purchase_line)
        self.assertEqual(bolt.product_qty, 120)
        self.assertEqual(bolt.run_id.run_key, "run-2")
        self.assertEqual(hinge.state, "dismissed")
        self.assertEqual(hinge.product_qty, 60)
        self.assertEqual(len(hinge.peg_ids), 1)

        # a later plan without them keeps ordered and dismissed suggestions
        self._apply(
            self._plan(
                "run-3",
                snapshot_at=self.snapshot_at + timedelta(minutes=10),
                suggestions=[],
            )
        )
        self.assertEqual(self._suggestions().mapped("key"), ["bolt-1", "hinge-1"])

    def test_same_run_again_only_records_that_it_was_checked(self):
        first = self._apply(self._plan("run-1"))
        later = self.snapshot_at + timedelta(minutes=5)
        second = self._apply(self._plan("run-1", snapshot_at=later))
        self.assertTrue(second["already_applied"])
        run = self.env["capacity.planner.run"].browse(first["run_id"])
        self.assertEqual(self._runs(), run)
        self.assertEqual(run.checked_at, later.replace(microsecond=0))
        self.assertEqual(run.snapshot_at, self.snapshot_at.replace(microsecond=0))
        self.assertEqual(self.order.capacity_checked_at, later.replace(microsecond=0))
        # an older poll sending it again does not move the check back
        self._apply(self._plan("run-1", snapshot_at=self.snapshot_at))
        self.assertEqual(run.checked_at, later.replace(microsecond=0))

    @contextmanager
    def _recording_writes(self):
        """The models a block writes to, creates in or deletes from."""
        calls = []
        with ExitStack() as stack:
            for model in WRITTEN_MODELS:
                cls = type(self.env[model])
                for method in ("write", "create", "unlink"):
                    original = getattr(cls, method)

                    def record(records, *args, _original=original, _method=method):
                        calls.append((records._name, _method))
                        return _original(records, *args)

                    stack.enter_context(patch.object(cls, method, record))
            # promises, dates and hours are written in bulk, beside the ORM's write
            update_rows = write_changes._update_rows

            def record_rows(records, *args):
                calls.append((records._name, "write"))
                return update_rows(records, *args)

            stack.enter_context(patch.object(write_changes, "_update_rows", record_rows))
            yield calls

    def test_unchanged_plan_of_a_new_run_writes_nothing(self):
        self._apply(self._plan("run-1"))
        with self._recording_writes() as calls:
            self._apply(
                self._plan("run-2", snapshot_at=self.snapshot_at + timedelta(minutes=5))
            )
        self.assertEqual(calls, [])
        self.assertEqual(len(self._runs()), 2)
        self.assertEqual(self._suggestions().run_id.run_key, "run-1")

    def test_promises_are_written_as_the_service_each_its_own(self):
        plan = self._plan()
        plan["orders"][1]["reason"] = "Assembly is full until the 20th."
        self._apply(plan)
        # as at the end of the service's call: what is computed from the promises too
        self.env(user=self.service).flush_all()
        self.env.invalidate_all()
        for written in (self.order | self.order_2, self.order.order_line, self.production):
            self.assertEqual(written.mapped("write_uid"), self.service)
        self.assertEqual(self.order_2.capacity_reason, "Assembly is full until the 20th.")
        self.assertEqual(self.order.capacity_reason, "Fits the plan.")
        self.assertEqual(self.order_2.capacity_status, "late")

    def test_load_is_updated_by_work_center_and_day(self):
        self._apply(self._plan("run-1"))
        loads = self.env["capacity.workcenter.load"].search([], order="date")
        first_day, untouched = loads[0], loads[1]
        plan = self._plan("run-2", snapshot_at=self.snapshot_at + timedelta(minutes=5))
        plan["load"][0]["planned_hours"] = 8.0
        self._apply(plan)
        after = self.env["capacity.workcenter.load"].search([], order="date")
        self.assertEqual(after, loads, "the same records, none recreated")
        self.assertEqual(first_day.planned_hours, 8.0)
        self.assertEqual(first_day.run_id.run_key, "run-2")
        self.assertEqual(untouched.run_id.run_key, "run-1")

    def test_suggestion_pegs_follow_the_plan(self):
        self._apply(self._plan("run-1"))
        panel = self._suggestions().filtered(lambda s: s.key == "panel-1")
        plan = self._plan("run-2", snapshot_at=self.snapshot_at + timedelta(minutes=5))
        plan["suggestions"][1]["serves"] = [
            {"kind": "sale", "id": self.order_2.id, "quantity": 4}
        ]
        self._apply(plan)
        self.assertEqual(panel.sale_order_ids, self.order_2)
        self.assertFalse(panel.production_ids)
        self.assertEqual(panel.run_id.run_key, "run-2")

    def test_structured_reason_and_unknown_keys_are_accepted(self):
        plan = self._plan()
        plan["orders"][1]["reason"] = {
            "kind": "capacity",
            "values": {"workcenter": "Assembly", "until": self._day(30)},
            "text": "Assembly is fully booked until then.",
        }
        plan["orders"][1]["lines"][0]["reason"] = {
            "kind": "capacity",
            "values": {"workcenter": "Assembly"},
        }
        plan["productions"][0]["operators"] = [
            {"start": "2026-01-01 08:00:00", "end": "2026-01-01 10:00:00"}
        ]
        plan["planner_version"] = "2"
        self._apply(plan)
        self.assertEqual(
            self.order_2.capacity_reason, "Assembly is fully booked until then."
        )
        self.assertEqual(
            self.order_2.order_line[0].capacity_reason,
            "capacity (workcenter: Assembly)",
        )
        self.assertEqual(
            self.production.capacity_finish_date, self.today + timedelta(days=3)
        )

    def test_load_is_replaced(self):
        self._apply(self._plan("run-1"))
        self._apply(
            self._plan(
                "run-2",
                snapshot_at=self.snapshot_at + timedelta(minutes=5),
                load=[
                    {
                        "workcenter_id": self.workcenter.id,
                        "date": self._day(0),
                        "available_hours": 0.0,
                        "planned_hours": 2.0,
                    }
                ],
            )
        )
        load = self.env["capacity.workcenter.load"].search([])
        self.assertEqual(len(load), 1)
        self.assertEqual(load.run_id.run_key, "run-2")
        self.assertEqual(load.utilization, 100.0)

    def test_get_service_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sale_capacity_promise.service_token", "s3cret")
        params.set_param("sale_capacity_promise.horizon_days", "90")
        params.set_param("sale_capacity_promise.quotations_hold_capacity", "True")
        settings = (
            self.env["capacity.planner.run"]
            .with_user(self.service)
            .get_service_settings()
        )
        self.assertEqual(
            settings, {"quotations_hold_capacity": True, "horizon_days": 90}
        )
        self.assertNotIn("s3cret", str(settings))
