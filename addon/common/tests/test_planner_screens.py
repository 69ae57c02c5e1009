# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools.safe_eval import safe_eval

from .common import CapacityPromiseCase


@tagged("post_install", "-at_install")
class TestPlannerScreens(CapacityPromiseCase):
    """The capacity load, the work list and the schedule, as the planner reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = new_test_user(
            cls.env,
            login="cp_planner",
            groups="mrp.group_mrp_user,sales_team.group_sale_salesman_all_leads",
        )
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.product_2.product_tmpl_id.id,
                "product_qty": 1,
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Assemble",
                            "workcenter_id": cls.workcenter.id,
                            "time_cycle_manual": 60,
                        }
                    )
                ],
            }
        )
        cls.shelf_production = cls.env["mrp.production"].create(
            {"product_id": cls.product_2.id, "bom_id": cls.bom.id, "product_qty": 1}
        )
        cls.shelf_production.action_confirm()
        cls.workorder = cls.shelf_production.workorder_ids

    def _load(self, days):
        return [
            {
                "workcenter_id": self.workcenter.id,
                "date": self._day(day),
                "available_hours": available,
                "planned_hours": planned,
            }
            for day, (available, planned) in days.items()
        ]

    # -- load ----------------------------------------------------------------

    def test_utilization_of_a_group_is_planned_over_available_hours(self):
        self._apply(self._plan(load=self._load({0: (0.4, 0.0), 1: (30.0, 1.0)})))
        loads = self.env["capacity.workcenter.load"].with_user(self.planner)
        groups = loads.read_group(
            [], ["utilization:avg", "planned_hours:sum"], ["workcenter_id"]
        )
        self.assertEqual(len(groups), 1)
        # 1.0 of 30.4 hours, not the mean of 0 % and 3.33 %
        self.assertAlmostEqual(groups[0]["utilization"], 100 * 1.0 / 30.4, places=6)
        self.assertAlmostEqual(groups[0]["planned_hours"], 1.0)

    def test_the_load_board_shows_available_against_planned_and_overload(self):
        self._apply(self._plan(load=self._load({0: (8.0, 10.0), 1: (8.0, 4.0)})))
        board = self.env["capacity.workcenter.load"].with_user(self.planner).get_load_board()
        self.assertEqual(len(board["columns"]), 14)
        self.assertEqual([row["name"] for row in board["rows"]], ["Assembly"])
        today, tomorrow = board["rows"][0]["cells"][:2]
        self.assertEqual(
            (today["state"], today["utilization"], today["overload"]), ("over", 125, "2.0")
        )
        self.assertEqual((tomorrow["state"], tomorrow["planned"]), ("ok", "4.0"))
        self.assertEqual(board["overloaded"], 1)
        weeks = self.env["capacity.workcenter.load"].get_load_board("week")
        self.assertEqual(len(weeks["columns"]), 8)

    def _search_load(self, *filter_names):
        """The loads the planner sees with these filters of the search view on, the
        domain combined as Odoo's web client does: "or" within a group of filters
        (between separators), "and" across groups."""
        view = self.env.ref("sale_capacity_promise.capacity_workcenter_load_view_search")
        groups, group = [], []
        for node in etree.fromstring(view.arch):
            if node.tag == "filter" and node.get("domain"):
                group.append(node)
                continue
            if group:
                groups.append(group)
            group = []
        groups.append(group)
        context = {
            "context_today": lambda: fields.Date.context_today(self.env.user),
            "relativedelta": relativedelta,
        }
        domain = []
        for group in groups:
            chosen = [node for node in group if node.get("name") in filter_names]
            if chosen:
                ors = ["|"] * (len(chosen) - 1)
                for node in chosen:
                    ors += safe_eval(node.get("domain"), context)
                domain += ors
        found = {node.get("name") for group in groups for node in group}
        self.assertLessEqual(set(filter_names), found)
        return self.env["capacity.workcenter.load"].with_user(self.planner).search(domain)

    def test_the_overloaded_filter_alone_and_with_the_default_period(self):
        self._apply(
            self._plan(
                load=self._load(
                    {
                        0: (8.0, 10.0),  # over, this week
                        1: (8.0, 4.0),
                        2: (0.0, 3.0),  # a closed day with planned work: over too
                        3: (8.0, 8.0),  # full, not over
                        40: (8.0, 9.0),  # over, after the default period
                        41: (8.0, 1.0),
                    }
                )
            )
        )
        days = {
            load.date: load for load in self.env["capacity.workcenter.load"].search([])
        }
        def dates(loads):
            return sorted((load.date - self.today).days for load in loads)

        self.assertEqual(dates(self._search_load("filter_overloaded")), [0, 2, 40])
        self.assertEqual(
            dates(self._search_load("filter_next_4_weeks")), [0, 1, 2, 3]
        )
        # the action's default period and Overloaded: both, not either
        action = self.env.ref("sale_capacity_promise.capacity_workcenter_load_action")
        self.assertIn("search_default_filter_next_4_weeks", action.context)
        self.assertEqual(
            dates(self._search_load("filter_next_4_weeks", "filter_overloaded")), [0, 2]
        )
        self.assertTrue(days[self.today + timedelta(days=2)].overloaded)
        self.assertFalse(days[self.today + timedelta(days=3)].overloaded)
        board = self.env["capacity.workcenter.load"].with_user(self.planner).get_load_board()
        self.assertEqual(
            [cell["state"] for cell in board["rows"][0]["cells"][:4]],
            ["over", "ok", "over", "high"],
        )

    def test_an_empty_filter_result_is_not_called_no_load(self):
        loads = self.env["capacity.workcenter.load"]
        self.assertNotIn("Nothing matches", loads.get_empty_list_help("<p>No load</p>"))
        self._apply(self._plan(load=self._load({0: (8.0, 4.0)})))
        self.assertIn("Nothing matches", loads.get_empty_list_help("<p>No load</p>"))

    def test_a_buyer_reads_which_orders_a_purchase_serves(self):
        self._apply(self._plan())
        suggestion = self.env["capacity.purchase.suggestion"].with_user(self.buyer).search(
            [("key", "=", "panel-1")]
        )
        self.assertEqual(
            suggestion.served_names, f"{self.order.name}, {self.production.name}"
        )
        self.assertEqual(
            sorted(suggestion.peg_ids.mapped("demand_name")),
            sorted([self.order.name, self.production.name]),
        )

    # -- work list ---------------------------------------------------------

    def test_a_late_order_is_listed_with_its_bottleneck(self):
        payload = self._plan()
        payload["orders"][1]["reason_data"] = {
            "kind": "made",
            "values": {
                "date": self._day(30),
                "inner": {
                    "kind": "capacity",
                    "values": {"until": self._day(28), "workcenter_id": self.workcenter.id},
                },
            },
        }
        payload["orders"][0]["reason_data"] = {"kind": "stock", "values": {}}
        self._apply(payload)
        action = self.env.ref("sale_capacity_promise.sale_order_action")
        work_list = self.env["sale.order"].with_user(self.planner).search(
            safe_eval(action.domain)
        )
        self.assertEqual(work_list, self.order_2)
        self.assertEqual(self.order_2.capacity_cause_type, "workcenter")
        self.assertEqual(self.order_2.capacity_cause_workcenter_id, self.workcenter)
        self.assertEqual(self.order_2.capacity_cause_name, "Assembly")
        self.assertEqual(
            self.order_2.capacity_cause_date, self.today + timedelta(days=28)
        )
        self.assertFalse(self.order.capacity_cause_type)

    def test_a_component_cause_names_the_component_and_its_arrival(self):
        payload = self._plan()
        payload["orders"][1]["reason_data"] = {
            "kind": "supply",
            "values": {"date": self._day(20), "product_id": self.hinge.id, "ref": "P0001"},
        }
        self._apply(payload)
        self.assertEqual(
            (self.order_2.capacity_cause_type, self.order_2.capacity_cause_product_id),
            ("component", self.hinge),
        )
        self.assertEqual(self.order_2.capacity_cause_date, self.today + timedelta(days=20))

    def test_an_order_on_time_with_little_slack_is_at_risk(self):
        self.order.commitment_date = datetime.combine(self.today + timedelta(days=11), time(12))
        self._apply(self._plan())
        self.assertTrue(self.order.capacity_at_risk)
        self.assertEqual(self.order.capacity_cause_type, "other")
        self.order.commitment_date = datetime.combine(self.today + timedelta(days=20), time(12))
        self.assertFalse(self.order.capacity_at_risk)

    def test_the_run_counts_open_the_work_list(self):
        run = self.env["capacity.planner.run"].browse(self._apply(self._plan())["run_id"])
        action = run.with_context(work_list_filter="late").action_view_work_list()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["context"]["search_default_filter_capacity_late"], 1)

    # -- schedule and shop floor -------------------------------------------

    def _with_workorder_times(self, start_hours=2, hours=1.5):
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=start_hours)
        finish = start + timedelta(hours=hours)
        payload = self._plan()
        payload["productions"].append(
            {
                "production_id": self.shelf_production.id,
                "start_date": fields.Date.to_string(start.date()),
                "finish_date": fields.Date.to_string(finish.date()),
                "date_start": fields.Datetime.to_string(start),
                "date_finished": fields.Datetime.to_string(finish),
                "workorders": [
                    {
                        "workorder_id": self.workorder.id,
                        "workcenter_id": self.workcenter.id,
                        "date_start": fields.Datetime.to_string(start),
                        "date_finished": fields.Datetime.to_string(finish),
                    }
                ],
            }
        )
        return payload, start, finish

    def test_the_schedule_shows_planned_operations_per_work_center(self):
        payload, start, finish = self._with_workorder_times()
        self._apply(payload)
        self.assertEqual(self.workorder.capacity_date_start, start)
        schedule = self.env["mrp.workorder"].with_user(self.planner).get_capacity_schedule()
        self.assertEqual([row["name"] for row in schedule["workcenters"]], ["Assembly"])
        operation = schedule["workcenters"][0]["operations"][0]
        self.assertEqual(operation["production_id"], self.shelf_production.id)
        self.assertIn(self.shelf_production.name, operation["label"])
        # 1.5 h of a 7-day window
        self.assertAlmostEqual(operation["width"], 100 * 1.5 / (7 * 24), places=2)
        self.assertEqual(len(schedule["days"]), 7)

    def test_the_plan_reaches_the_shop_floor_only_when_asked(self):
        payload, start, finish = self._with_workorder_times()
        odoo_start = self.workorder.date_start
        self._apply(payload)
        self.assertEqual(self.workorder.date_start, odoo_start, "opt-in only")

        self.env["ir.config_parameter"].sudo().set_param(
            "sale_capacity_promise.schedule_workorders", "True"
        )
        payload, start, finish = self._with_workorder_times(start_hours=5)
        payload["run_key"] = "run-2"
        self._apply(payload)
        self.assertEqual(
            (self.workorder.date_start, self.workorder.date_finished), (start, finish)
        )
        self.assertEqual(self.shelf_production.date_start, start)

    def test_a_locked_or_started_order_keeps_its_dates(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "sale_capacity_promise.schedule_workorders", "True"
        )
        self.shelf_production.capacity_keep_dates = True
        odoo_start = self.workorder.date_start
        payload, start, finish = self._with_workorder_times()
        self._apply(payload)
        self.assertEqual(self.workorder.date_start, odoo_start)
        self.assertEqual(self.workorder.capacity_date_start, start, "still shown as planned")
