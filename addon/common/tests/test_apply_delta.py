# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CapacityPromiseCase

NAMES = {
    "orders": lambda item: item["order_id"],
    "productions": lambda item: item["production_id"],
    "suggestions": lambda item: item["key"],
    "load": lambda item: [item["workcenter_id"], item["date"]],
}


class _Rollback(Exception):
    """Raised to undo what a path applied (the savepoint is rolled back), with the
    state it left."""

    def __init__(self, state):
        super().__init__("rolled back")
        self.state = state


def delta_of(base, plan):
    """``plan`` as a delta on ``base``, as the planning service makes it: the run's own
    fields, the items new or changed, the names of those gone, the whole plan's totals."""
    delta = {key: value for key, value in plan.items() if key not in NAMES}
    delta.update(version=2, base_run_key=base["run_key"], removed={})
    for family, name_of in NAMES.items():
        before = {json.dumps(name_of(item)): item for item in base.get(family, [])}
        after = {json.dumps(name_of(item)): item for item in plan.get(family, [])}
        delta[family] = [item for name, item in after.items() if before.get(name) != item]
        delta["removed"][family] = [json.loads(name) for name in before if name not in after]
    orders = plan["orders"]
    delta["totals"] = {
        "orders": len(orders),
        "late": sum(1 for order in orders if order["status"] == "late"),
        "cannot_plan": sum(1 for order in orders if order["status"] == "cannot_plan"),
        "suggestions": len(plan["suggestions"]),
        "workcenter_days": len(plan["load"]),
    }
    return delta


@tagged("post_install", "-at_install")
class TestApplyDelta(CapacityPromiseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_3 = cls.order_2.copy()
        now = fields.Datetime.now()
        cls.first = cls._plan("run-1", snapshot_at=now - timedelta(hours=1))
        cls.first["orders"].append(cls._order_payload(cls.order_3, 20, "on_time"))
        # later than any edit the tests make, however long they take: order 2 later,
        # order 3 gone, suggestions and load moved; the first order's promise the same
        cls.second = cls._plan("run-2", snapshot_at=now + timedelta(minutes=10))
        cls.second["orders"][1] = cls._order_payload(
            cls.order_2, 35, "late", "Assembly is full until then."
        )
        suggestions = cls.second["suggestions"]
        suggestions[0] = dict(suggestions[0], quantity=120)
        suggestions[2] = cls._suggestion_payload("bolt-2", cls.bolt, cls.vendor, 30, days=6)
        load = cls.second["load"]
        load[0] = dict(load[0], planned_hours=7.5)
        load[3] = dict(load[3], date=cls._day(4))

    def _edit_first_order(self):
        """A salesperson changes a quantity: the first order's promise is stale."""
        with Form(self.order.with_user(self.salesman)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 5
        self.assertEqual(self.order.capacity_status, "stale")

    def _state(self):
        """What the addon shows after a run, runs named by key (their ids differ)."""
        self.env.flush_all()
        self.env.invalidate_all()
        orders = self.env["sale.order"].search(
            [("id", "in", (self.order | self.order_2 | self.order_3).ids)], order="id"
        )
        promise = [
            "capacity_promise_date",
            "capacity_status",
            "capacity_planned_status",
            "capacity_reason",
            "capacity_computed_at",
        ]
        run = self.env["capacity.planner.run"].search([], limit=1)
        return {
            "orders": [
                (order.id, order.capacity_run_id.run_key, [order[name] for name in promise])
                for order in orders
            ],
            "lines": [
                (line.id, line.capacity_promise_date, line.capacity_status)
                for line in orders.order_line
            ],
            "productions": [
                (self.production.capacity_start_date, self.production.capacity_finish_date)
            ],
            "suggestions": [
                (
                    suggestion.key,
                    suggestion.state,
                    suggestion.product_qty,
                    suggestion.order_by_date,
                    suggestion.run_id.run_key,
                    sorted(suggestion.peg_ids.mapped(lambda peg: (peg.kind, peg.quantity))),
                    suggestion.sale_order_ids.ids,
                    suggestion.production_ids.ids,
                )
                for suggestion in self.env["capacity.purchase.suggestion"].search(
                    [], order="key"
                )
            ],
            "load": [
                (load.date, load.available_hours, load.planned_hours, load.utilization,
                 load.run_id.run_key)
                for load in self.env["capacity.workcenter.load"].search([], order="date")
            ],
            "run": run.read(
                [
                    "run_key",
                    "order_count",
                    "late_count",
                    "cannot_plan_count",
                    "suggestion_count",
                    "workcenter_day_count",
                    "warnings",
                ]
            )[0]
            | {"id": None},
        }

    def _state_after(self, *steps):
        """The addon's state after ``steps`` (plans to apply, or callables), undone after."""
        try:
            with self.env.cr.savepoint():
                for step in steps:
                    if callable(step):
                        step()
                        continue
                    result = self._apply(step)
                    self.assertFalse(result["ignored"], result)
                raise _Rollback(self._state())
        except _Rollback as rollback:
            self.env.invalidate_all()
            return rollback.state

    def test_a_delta_leaves_odoo_as_the_full_plan_does(self):
        delta = delta_of(self.first, self.second)
        # only what changed travels: order 2, two suggestions, two load days
        self.assertEqual([order["order_id"] for order in delta["orders"]], [self.order_2.id])
        self.assertEqual([s["key"] for s in delta["suggestions"]], ["bolt-1", "bolt-2"])
        self.assertEqual(len(delta["load"]), 2)
        self.assertEqual(delta["removed"]["orders"], [self.order_3.id])
        full = self._state_after(self.first, self._edit_first_order, self.second)
        by_delta = self._state_after(self.first, self._edit_first_order, delta)
        self.assertEqual(by_delta, full)
        # and that state is the second plan's
        orders = {order_id: values for order_id, _run, values in full["orders"]}
        self.assertEqual(orders[self.order.id][1], "on_time", "no longer stale")
        self.assertEqual(orders[self.order_2.id][0], self.today + timedelta(days=35))
        self.assertFalse(orders[self.order_3.id][0], "order 3 is no longer planned")
        self.assertEqual([s[0] for s in full["suggestions"]], ["bolt-1", "bolt-2", "panel-1"])
        self.assertEqual(full["run"]["order_count"], 2)

    def test_an_order_changed_after_the_snapshot_stays_stale_as_with_the_full_plan(self):
        # the orders were made after the first snapshot; the second is still older
        earlier = fields.Datetime.from_string(self.first["snapshot_at"]) + timedelta(minutes=30)
        second = dict(self.second, snapshot_at=fields.Datetime.to_string(earlier))
        full = self._state_after(self.first, second)
        by_delta = self._state_after(self.first, delta_of(self.first, second))
        self.assertEqual(by_delta, full)
        statuses = {order_id: values[1] for order_id, _run, values in full["orders"]}
        self.assertEqual(statuses[self.order.id], "stale")

    def test_a_delta_on_another_run_is_ignored_and_asks_for_the_full_plan(self):
        self._apply(self.first)
        delta = delta_of(dict(self.first, run_key="run-0"), self.second)
        result = self._apply(delta)
        self.assertTrue(result["ignored"])
        self.assertTrue(result["full_plan_needed"])
        self.assertIn("run-1", result["reason"])
        self.assertEqual(
            self.env["capacity.planner.run"].search([]).mapped("run_key"), ["run-1"]
        )
        self.assertEqual(self.order_2.capacity_promise_date, self.today + timedelta(days=30))

    def test_a_delta_without_any_run_applied_asks_for_the_full_plan(self):
        result = self._apply(delta_of(self.first, self.second))
        self.assertTrue(result["ignored"] and result["full_plan_needed"])
        self.assertFalse(self.env["capacity.planner.run"].search([]))

    def test_a_delta_applied_twice_changes_nothing_the_second_time(self):
        self._apply(self.first)
        delta = delta_of(self.first, self.second)
        first = self._apply(delta)
        state = self._state()
        again = self._apply(delta)
        self.assertEqual(again["run_id"], first["run_id"])
        self.assertTrue(again["already_applied"])
        self.assertEqual(self._state(), state)

    def test_absent_items_are_left_as_they_are(self):
        # read after the orders were made: no promise is stale
        first = dict(self.first, snapshot_at=self.second["snapshot_at"])
        self._apply(first)
        delta = delta_of(first, first)
        later = fields.Datetime.from_string(first["snapshot_at"]) + timedelta(minutes=1)
        delta.update(run_key="run-2", snapshot_at=fields.Datetime.to_string(later))
        self.assertFalse(delta["orders"] or delta["suggestions"] or delta["load"])
        before = self._state()
        self.assertFalse(self._apply(delta)["ignored"])
        after = self._state()
        self.assertEqual(after["orders"], before["orders"])
        self.assertEqual(after["suggestions"], before["suggestions"])
        self.assertEqual(after["load"], before["load"])
        self.assertEqual(after["run"]["order_count"], 3)

    def test_an_item_both_sent_and_removed_is_refused_by_name(self):
        self._apply(self.first)
        delta = delta_of(self.first, self.second)
        delta["removed"]["orders"] = [self.order_2.id]
        with self.assertRaisesRegex(ValidationError, r"removed\.orders\[0\]: .* also in orders"):
            self._apply(delta)

    def test_a_delta_needs_its_totals(self):
        self._apply(self.first)
        delta = delta_of(self.first, self.second)
        del delta["totals"]
        with self.assertRaisesRegex(ValidationError, "totals: missing"):
            self._apply(delta)

    def test_an_unknown_version_is_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "version: 3 is not supported"):
            self._apply(dict(self.first, version=3))
