"""The service on the three series: the same factory served as Odoo 17, 18 or 19 (fields renamed,
units without categories, capacities per product, JSON-2 with an API key on 19) is read into the
same snapshot, planned and applied in one call, quoted, and an idle poll stays quiet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math

import pytest
from conftest import addon_fake, settings_for
from fake_odoo import start_fake_odoo

from optimizer import PlannerSettings, plan
from optimizer.checker import check_plan
from optimizer.snapshot import ProductCapacity, Snapshot
from sync.build import build_snapshot
from sync.config import Secret
from sync.odoo import OdooClient, OdooError
from sync.service import PlanningService

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)  # Monday, 7:00 in Brussels


def no_sleep(_: float) -> None:
    """Backoff without waiting."""


def comparable(snapshot: Snapshot) -> Snapshot:
    """The snapshot without what only names differ in: 17 calls a unit category by its name
    ("Unit"), 19 has no categories and names it after its reference unit ("Units")."""
    categories: dict[str, str] = {}
    uoms = []
    for uom in sorted(snapshot.uoms, key=lambda u: u.id):
        label = categories.setdefault(uom.category, f"category {len(categories)}")
        uoms.append(dataclasses.replace(uom, category=label, factor=round(uom.factor, 9)))
    return dataclasses.replace(snapshot, uoms=tuple(uoms))


@pytest.fixture(scope="module")
def snapshot17(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    with addon_fake("17.0") as (server, _):
        service = PlanningService(settings_for(server, tmp_path_factory.mktemp("odoo17")))
        return service.run_once(write=False).snapshot


@pytest.mark.parametrize("series", ["18.0", "19.0"])
def test_the_same_factory_gives_the_same_snapshot_on_each_series(series, snapshot17, tmp_path):
    with addon_fake(series) as (server, _):
        service = PlanningService(settings_for(server, tmp_path))
        snapshot = service.run_once(write=False).snapshot
    assert service.client.protocol == ("json2" if series == "19.0" else "jsonrpc")
    expected = comparable(dataclasses.replace(snapshot17, now=snapshot.now))
    got = comparable(snapshot)
    for name in ("uoms", "workcenters", "products", "boms", "stock", "purchase_lines",
                 "manufacturing_orders", "sale_orders", "calendars", "warnings"):
        assert getattr(got, name) == getattr(expected, name), name
    dozen = next(uom for uom in snapshot.uoms if uom.name == "Dozens")
    assert math.isclose(dozen.factor, 1 / 12)


def test_each_series_is_planned_applied_in_one_call_quoted_and_then_idle(addon_odoo_series,
                                                                          tmp_path):
    server, addon = addon_odoo_series
    service = PlanningService(settings_for(server, tmp_path))
    current = service.run_once()
    assert check_plan(current.snapshot, current.plan) == []
    assert current.applied and len(addon.applied) == 1
    assert len(server.calls_for("capacity.planner.run", "apply_plan")) == 1
    assert addon.applied[0]["run_key"] == current.run_key
    quotation = next(o for o in current.snapshot.sale_orders if o.state == "quotation")
    answer = service.quote({"order_id": quotation.id})
    assert answer["order_id"] == quotation.id and answer["lines"]
    service.run_once()
    poll = service.metrics.last_poll
    assert poll.outcome == "idle" and poll.records == 0 and poll.calls <= 10
    assert len(addon.applied) == 1


def test_odoo19_is_spoken_to_over_json2_only(addon_odoo_series, tmp_path):
    server, addon = addon_odoo_series
    if server.series != "19.0":
        pytest.skip("JSON-2 is 19's")
    service = PlanningService(settings_for(server, tmp_path))
    service.run_once()
    services = {call.service for call in server.calls if call.model}
    assert services == {"json2"}
    [apply] = server.calls_for("capacity.planner.run", "apply_plan")
    assert apply.args.startswith("[{'payload': {")  # by name: JSON-2 has no positions
    assert service.client.uid == server.uid  # from the key itself (res.users.context_get)


def test_odoo19_can_still_be_read_over_xml_rpc_when_asked(tmp_path):
    with addon_fake("19.0") as (server, addon):
        service = PlanningService(settings_for(server, tmp_path, odoo_protocol="xmlrpc"))
        current = service.run_once()
    assert current.applied and addon.applied
    assert {call.service for call in server.calls if call.model} == {"object"}


def test_json2_refuses_a_wrong_key_clearly_without_showing_it(tmp_path, caplog):
    secret = "wrong-secret-key-0123456789"
    caplog.set_level(logging.DEBUG)
    with start_fake_odoo(series="19.0") as server:
        settings = settings_for(server, tmp_path, odoo_api_key=Secret(secret))
        with pytest.raises(OdooError) as caught:
            OdooClient(settings, sleep=no_sleep).connect()
        logged = repr(server.calls)
    assert "refused the API key on database 'fake_odoo17'" in str(caught.value)
    assert not caught.value.transient
    assert secret not in str(caught.value) and secret not in caplog.text
    assert secret not in logged


def test_json2_access_error_names_the_model_and_is_not_retried(tmp_path):
    with start_fake_odoo(series="19.0") as server:
        client = OdooClient(settings_for(server, tmp_path), sleep=no_sleep)
        client.connect()
        server.fail_access("mrp.production")
        server.reset_calls()
        with pytest.raises(OdooError) as caught:
            client.search_read("mrp.production", [], ["name"])
        tries = len(server.calls_for("mrp.production"))
    assert "refused mrp.production.search_read" in str(caught.value)
    assert "You are not allowed to access" in str(caught.value)
    assert not caught.value.transient and tries == 1


def test_json2_unknown_argument_and_unknown_model_say_what_failed(tmp_path):
    with start_fake_odoo(series="19.0") as server:
        client = OdooClient(settings_for(server, tmp_path), sleep=no_sleep)
        with pytest.raises(OdooError, match=r"refused sale.order.search_read: .*'fieldz'"):
            client.call("sale.order", "search_read", [], fieldz=["name"])
        with pytest.raises(OdooError, match=r"the model 'no.such.model' does not exist"):
            client.call("no.such.model", "search", [])


def test_json2_creates_and_writes_as_xml_rpc_does(tmp_path):
    """Tests and bench tools build data through the client: one record's values give its id,
    as over XML-RPC, though JSON-2 itself answers a list."""
    with start_fake_odoo(series="19.0") as server:
        client = OdooClient(settings_for(server, tmp_path), sleep=no_sleep)
        partner = client.call("res.partner", "create", {"name": "Wood Corner East"})
        assert isinstance(partner, int)
        assert client.call("res.partner", "write", [partner], {"name": "Wood Corner West"})
        [row] = client.call("res.partner", "read", [partner], ["name"])
        many = client.call("res.partner", "create", [{"name": "A"}, {"name": "B"}])
    assert row["name"] == "Wood Corner West"
    assert isinstance(many, list) and len(many) == 2


def test_json2_a_slow_or_restarting_odoo_is_retried(tmp_path):
    with start_fake_odoo(series="19.0") as server:
        client = OdooClient(settings_for(server, tmp_path, odoo_timeout=0.3, odoo_retries=3),
                            sleep=no_sleep)
        client.connect()
        server.delay(1.0, calls=1, model="sale.order")
        assert client.search_read("sale.order", [], ["name"])
        server.fail_next(1, kind="http503", model="sale.order")
        assert client.search_read("sale.order", [], ["name"])
        server.delay(1.0, calls=None, model="sale.order")
        with pytest.raises(OdooError, match=r"did not answer sale.order.search_read within 0.3"):
            client.search_read("sale.order", [], ["name"])


# -- what the series store differently, built from rows --------------------------------------

USER = {"company_id": [1, "My Company"], "tz": "UTC"}


def rows17() -> dict[str, list[dict]]:
    from test_sync_build import rows

    return rows()


def rows19() -> dict[str, list[dict]]:
    """The same factory as 19 stores it: units in a tree, no work-center capacity of its own,
    units of sale and purchase lines in ``product_uom_id`` (the reader stores them under the
    logical name ``product_uom`` whatever the series calls them)."""
    data = rows17()
    data["uom.uom"] = [
        {"id": 1, "name": "Units", "factor": 1.0, "relative_factor": 1.0,
         "relative_uom_id": False, "parent_path": "1/"},
        {"id": 2, "name": "Dozens", "factor": 12.0, "relative_factor": 12.0,
         "relative_uom_id": [1, "Units"], "parent_path": "1/2/"}]
    for workcenter in data["mrp.workcenter"]:
        del workcenter["default_capacity"]
    for attendance in data["resource.calendar.attendance"]:
        for name in ("date_from", "date_to", "resource_id"):
            del attendance[name]
    return data


def confirmed(data: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The quotation confirmed, and no open manufacturing order to serve it."""
    data["sale.order"][0]["state"] = "sale"
    data["mrp.production"] = data["mrp.workorder"] = []
    return data


def capacity_line(line_id: int, product: list | bool, unit: list, capacity: float,
                  setup: float, cleanup: float) -> dict:
    return {"id": line_id, "workcenter_id": [3, "Assembly"], "product_id": product,
            "product_uom_id": unit, "capacity": capacity, "time_start": setup,
            "time_stop": cleanup}


def test_a_capacity_per_product_brings_its_own_set_up_and_clean_up_up_to_18():
    data = rows17()
    data["mrp.workcenter.capacity"] = [capacity_line(1, [40, "Table"], [1, "Units"], 4, 5, 0)]
    [workcenter] = build_snapshot(data, USER, NOW).workcenters
    assert workcenter.capacity_for(40) == ProductCapacity(40, 4.0, 5.0, 0.0)
    assert workcenter.capacity_for(41) == ProductCapacity(41, 2.0, 15.0, 15.0)  # its own


def test_a_capacity_line_with_a_negative_time_is_named_and_ignored():
    data = rows17()
    data["mrp.workcenter.capacity"] = [capacity_line(8, [40, "Table"], [1, "Units"], 4, -5, 0)]
    snapshot = build_snapshot(data, USER, NOW)
    assert snapshot.workcenters[0].product_capacities == ()
    assert any(warning.startswith("mrp.workcenter.capacity 8") and "time_start" in warning
               for warning in snapshot.warnings)


def test_a_capacity_line_of_zero_is_named_and_ignored_up_to_18():
    data = rows17()
    data["mrp.workcenter.capacity"] = [capacity_line(7, [40, "Table"], [1, "Units"], 0, 5, 0)]
    snapshot = build_snapshot(data, USER, NOW)
    assert snapshot.workcenters[0].product_capacities == ()
    assert any("mrp.workcenter.capacity 7" in warning for warning in snapshot.warnings)


@pytest.mark.parametrize(("capacity", "setup", "cleanup", "minutes"), [
    # 2 tables at 80 % efficiency, 90 minutes a cycle: set-up + clean-up + cycles x 90 / 0.8
    (None, 15, 15, 15 + 15 + 1 * 112.5),  # the work center's own: 2 a cycle, 1 cycle
    (4, 5, 0, 5 + 0 + 1 * 112.5),  # the product's: 4 a cycle, its own set-up, no clean-up
    (1, 0, 10, 0 + 10 + 2 * 112.5),  # 1 a cycle: 2 cycles
])
def test_the_planner_books_a_product_capacity_with_its_own_times(capacity, setup, cleanup,
                                                                 minutes):
    data = confirmed(rows17())
    if capacity:
        data["mrp.workcenter.capacity"] = [
            capacity_line(1, [40, "Table"], [1, "Units"], capacity, setup, cleanup)]
    snapshot = build_snapshot(data, USER, NOW)
    result = plan(snapshot, PlannerSettings(solver="none"))
    assert check_plan(snapshot, result) == []
    [job] = [job for job in result.jobs if job.manufacturing_order_id is None]
    [operation] = job.operations
    assert operation.operation_id == 80 and job.quantity == 2
    assert operation.hours == pytest.approx(minutes / 60)
    assert (operation.finish_at - operation.start_at).total_seconds() >= minutes * 60


def test_odoo19_units_convert_as_17s_categories():
    seventeen, nineteen = build_snapshot(rows17(), USER, NOW), build_snapshot(rows19(), USER,
                                                                              NOW)
    units = {uom.id: uom for uom in nineteen.uoms}
    assert units[2].factor == pytest.approx(1 / 12)  # Dozens, as 17 states it
    assert units[1].category == units[2].category == "Units"
    assert nineteen.stock == seventeen.stock  # 100 screws less 2 dozen for a delivery: 76
    assert [level.quantity for level in nineteen.stock] == [76.0]
    assert nineteen.supplier_infos == seventeen.supplier_infos


def test_odoo19_makes_a_bills_quantity_a_cycle_unless_a_line_says_otherwise():
    data = rows19()
    data["mrp.bom"][0]["product_qty"] = 2.0
    [workcenter] = build_snapshot(data, USER, NOW).workcenters
    assert workcenter.capacity == 1.0  # no capacity of its own in 19, and no warning for it
    assert workcenter.capacity_for(40) == ProductCapacity(40, 2.0, 15.0, 15.0)
    # a line for every product in Units, and one for the table itself, which wins
    data["mrp.workcenter.capacity"] = [capacity_line(1, False, [1, "Units"], 3, 10, 0)]
    [workcenter] = build_snapshot(data, USER, NOW).workcenters
    assert workcenter.capacity_for(40) == ProductCapacity(40, 3.0, 10.0, 0.0)
    data["mrp.workcenter.capacity"].append(capacity_line(2, [40, "Table"], [1, "Units"], 0, 1, 2))
    [workcenter] = build_snapshot(data, USER, NOW).workcenters
    assert workcenter.capacity_for(40) == ProductCapacity(40, 2.0, 1.0, 2.0)  # 0: the bill's
    # a line in another unit than the product's does not apply
    data["mrp.workcenter.capacity"] = [capacity_line(3, [40, "Table"], [2, "Dozens"], 1, 0, 0)]
    [workcenter] = build_snapshot(data, USER, NOW).workcenters
    assert workcenter.capacity_for(40) == ProductCapacity(40, 2.0, 15.0, 15.0)


@pytest.mark.parametrize("link", ["procurement group", "stock reference", "sale line"])
def test_a_manufacturing_order_knows_the_sale_order_it_is_made_for(link):
    data = rows17() if link == "procurement group" else rows19()
    [production] = data["mrp.production"]
    if link == "procurement group":
        production["procurement_group_id"] = [160, "S00140"]
        data["procurement.group"] = [{"id": 160, "name": "S00140", "sale_id": [140, "S00140"]}]
    elif link == "stock reference":
        del production["procurement_group_id"]
        production["reference_ids"] = [170]
        data["stock.reference"] = [{"id": 170, "name": "S00140", "sale_ids": [140]}]
    else:
        del production["procurement_group_id"]
        production["sale_line_id"] = [150, "S00140 - Table"]
    [mo] = build_snapshot(data, USER, NOW).manufacturing_orders
    assert mo.sale_order_id == 140
