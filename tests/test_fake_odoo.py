"""The fake Odoo answers the real clients (odoo-client-lib, xmlrpc.client) as Odoo 17 does."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import time
import urllib.request
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest
from fake_odoo import TEST_API_KEY, FakeOdoo, UserError, start_fake_odoo
from odoolib.tools import AuthenticationError, JsonRPCException


@pytest.fixture
def odoo() -> Iterator[FakeOdoo]:
    with start_fake_odoo() as server:
        yield server


class TimeoutTransport(xmlrpc.client.Transport):
    """What a careful client does: a timeout on every call."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def proxy(server: FakeOdoo, service: str = "object", timeout: float | None = None,
          legacy: bool = False) -> xmlrpc.client.ServerProxy:
    path = f"/xmlrpc/{service}" if legacy else f"/xmlrpc/2/{service}"
    transport = TimeoutTransport(timeout) if timeout else None
    return xmlrpc.client.ServerProxy(server.url + path, transport=transport)


def execute(server: FakeOdoo, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return proxy(server).execute_kw(server.db, server.uid, server.password, model, method,
                                    list(args), kwargs)


def jsonrpc(server: FakeOdoo, path: str, params: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}).encode()
    request = urllib.request.Request(server.url + path, data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- login and version


def test_odoolib_logs_in_and_reads_over_xmlrpc(odoo: FakeOdoo) -> None:
    connection = odoo.connection("xmlrpc")
    connection.check_login()
    assert connection.user_id == odoo.uid == 2
    version = connection.get_service("common").version()
    assert version["server_version_info"][:2] == [17, 0]
    assert version["protocol_version"] == 1
    centers = connection.get_model("mrp.workcenter").search_read([], ["name"])
    assert {c["name"] for c in centers} >= {"Assembly Line 1", "Drill Station 1"}
    assert connection.get_user_context()["tz"] == "Europe/Brussels"


def test_bad_credentials_fail_as_in_odoo(odoo: FakeOdoo) -> None:
    common = proxy(odoo, "common")
    assert common.login(odoo.db, odoo.login, "wrong") is False
    assert common.authenticate(odoo.db, odoo.login, TEST_API_KEY, {}) == odoo.uid
    with pytest.raises(AuthenticationError):
        odoo.connection(password="wrong").check_login()
    with pytest.raises(xmlrpc.client.Fault) as denied:
        proxy(odoo).execute_kw(odoo.db, odoo.uid, "wrong", "res.partner", "search", [[]])
    assert (denied.value.faultCode, denied.value.faultString) == (3, "Access Denied")
    with pytest.raises(xmlrpc.client.Fault) as legacy:
        proxy(odoo, legacy=True).execute_kw(odoo.db, odoo.uid, "wrong", "res.partner",
                                             "search", [[]])
    assert legacy.value.faultCode == "AccessDenied"
    with pytest.raises(xmlrpc.client.Fault) as no_db:
        common.authenticate("nope", odoo.login, odoo.password, {})
    assert no_db.value.faultCode == 1
    assert no_db.value.faultString.endswith(
        'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: '
        'FATAL:  database "nope" does not exist\n\n')


# ---------------------------------------------------------------------- reading


def test_read_formats_match_odoo(odoo: FakeOdoo) -> None:
    [production] = execute(odoo, "mrp.production", "search_read", [("name", "=", "WH/MO/00001")],
                           fields=["product_id", "date_start", "workorder_ids", "move_raw_ids",
                                   "product_qty", "date_deadline"])
    assert production["product_id"] == [8, "[FURN_7800] Desk Combination"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", production["date_start"])
    assert production["workorder_ids"] == [1]
    assert len(production["move_raw_ids"]) == 3
    assert production["date_deadline"] is False
    [order] = execute(odoo, "sale.order", "search_read", [("client_order_ref", "=", "CP seed SO")],
                      fields=["commitment_date", "validity_date", "order_line", "state"])
    assert order["state"] == "sale" and re.fullmatch(r"\d{4}-\d\d-\d\d", order["validity_date"])
    lines = execute(odoo, "sale.order.line", "read", order["order_line"],
                    fields=["product_id"], load="")
    assert all(isinstance(line["product_id"], int) for line in lines)
    everything = execute(odoo, "uom.uom", "read", [1], [])
    assert {"id", "name", "category_id", "factor", "write_date"} <= set(everything[0])
    assert execute(odoo, "uom.uom", "read", [1, 999999], ["name"]) == [{"id": 1, "name": "Units"}]
    legacy_call = proxy(odoo).execute(odoo.db, odoo.uid, odoo.password, "uom.uom", "search_count",
                                      [("category_id.name", "=", "Unit")])
    assert legacy_call == len(execute(odoo, "uom.uom", "search", [("category_id", "=", 1)]))


def test_domains_follow_odoo_semantics(odoo: FakeOdoo) -> None:
    dataset = odoo.dataset

    def ids(model: str, domain: list[Any], **kwargs: Any) -> set[int]:
        return set(execute(odoo, model, "search", domain, **kwargs))

    internal = {i for i in dataset.ids("stock.location")
                if dataset.get("stock.location", i)["usage"] == "internal"}
    quants = ids("stock.quant", [("location_id.usage", "=", "internal")])
    assert quants and all(dataset.get("stock.quant", q)["location_id"] in internal for q in quants)
    confirmed_lines = ids("purchase.order.line", [("order_id.state", "in", ["purchase", "done"])])
    assert confirmed_lines == {
        i for i in dataset.ids("purchase.order.line")
        if dataset.get("purchase.order", dataset.get("purchase.order.line", i)["order_id"])[
            "state"] in ("purchase", "done")}
    seeded = ids("sale.order", [("client_order_ref", "=like", "CP seed%")])
    assert len(seeded) == 3
    assert ids("sale.order", [("client_order_ref", "ilike", "SEED QUOTATION")]) < seeded
    assert ids("sale.order", [("client_order_ref", "=", False)]).isdisjoint(seeded)
    without_seed = ids("sale.order", [("client_order_ref", "not ilike", "seed")])
    assert without_seed | seeded == ids("sale.order", [])  # NULL refs count as "not ilike"
    assert ids("sale.order", ["!", ("state", "=", "sale")]) == ids(
        "sale.order", [("state", "!=", "sale")])
    either = ids("sale.order",
                 ["|", ("state", "=", "draft"), ("partner_id.name", "=", "Lumber Inc")])
    assert either == ids("sale.order", [("state", "=", "draft")]) | ids(
        "sale.order", [("partner_id", "=", "Lumber Inc")])
    assert ids("sale.order", [("partner_id", "in", [11]), ("state", "=", "draft")]) == set()
    assert ids("stock.location", [("id", "child_of", 8)]) >= {8, 17, 18}
    assert ids("stock.quant", [("location_id", "child_of", 8)]) >= ids(
        "stock.quant", [("location_id", "=", 8)])
    assert ids("mrp.bom.line", [("product_id", "=", "Wood Panel")]) == {8, 12}
    assert ids("sale.order", [("order_line.product_id.default_code", "=", "FURN_9666")])
    assert ids("mrp.production", [("date_start", ">=", "2000-01-01")]) == set(
        dataset.ids("mrp.production"))
    with pytest.raises(xmlrpc.client.Fault) as bad_leaf:
        ids("res.partner", [("foo", "=", 1)])
    assert bad_leaf.value.faultString.endswith(
        "ValueError: Invalid field res.partner.foo in leaf ('foo', '=', 1)\n")


def test_archived_records_hidden_unless_asked(odoo: FakeOdoo) -> None:
    default = execute(odoo, "stock.location", "search_count", [])
    everything = execute(odoo, "stock.location", "search_count", [],
                         context={"active_test": False})
    mentioned = execute(odoo, "stock.location", "search_count", [("active", "in", [True, False])])
    assert default < everything == mentioned == len(odoo.dataset.ids("stock.location"))


def test_order_limit_and_offset(odoo: FakeOdoo) -> None:
    all_ids = execute(odoo, "sale.order", "search", [], order="id desc")
    assert all_ids == sorted(all_ids, reverse=True)
    page = execute(odoo, "sale.order", "search_read", [], fields=["name"], order="id desc",
                   offset=2, limit=3)
    assert [r["id"] for r in page] == all_ids[2:5]
    by_date = execute(odoo, "mrp.workcenter", "search_read", [], fields=["write_date"],
                      order="write_date asc, id asc")
    assert [r["write_date"] for r in by_date] == sorted(r["write_date"] for r in by_date)
    companies = execute(odoo, "res.company", "search", [])
    assert companies == [2, 1]  # company 1 has no sequence: NULL sorts last, as in PostgreSQL
    with pytest.raises(xmlrpc.client.Fault) as bad_order:
        execute(odoo, "sale.order", "search", [], order="name; drop table")
    assert bad_order.value.faultCode == 2
    assert bad_order.value.faultString.startswith('Invalid "order" specified (name; drop table).')


def test_fields_get_filters_attributes(odoo: FakeOdoo) -> None:
    fields = execute(odoo, "mrp.production", "fields_get", ["date_start", "state", "bom_id"],
                     attributes=["type", "relation", "selection"])
    assert set(fields) == {"date_start", "state", "bom_id"}
    assert fields["date_start"] == {"type": "datetime"}
    assert fields["bom_id"] == {"type": "many2one", "relation": "mrp.bom"}
    assert ["confirmed", "Confirmed"] in fields["state"]["selection"]
    assert "date_planned_start" not in execute(odoo, "mrp.production", "fields_get")


def test_errors_are_shaped_like_odoo_17(odoo: FakeOdoo) -> None:
    def fault(model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as caught:
            execute(odoo, model, method, *args, **kwargs)
        return caught.value

    unknown = fault("res.partner", "search_read", [], fields=["foo"])
    assert unknown.faultCode == 1 and unknown.faultString.startswith("Traceback (most recent")
    assert unknown.faultString.endswith("ValueError: Invalid field 'foo' on model 'res.partner'\n")
    assert (fault("foo.bar", "search", []).faultCode,
            fault("foo.bar", "search", []).faultString) == (2, "Object foo.bar doesn't exist")
    private = fault("res.partner", "_compute_x", [])
    assert (private.faultCode, private.faultString) == (
        4, "Private methods (such as _compute_x) cannot be called remotely.")
    assert fault("res.partner", "search", [], count=True).faultString.endswith(
        "TypeError: BaseModel.search() got an unexpected keyword argument 'count'\n")
    missing = fault("res.partner", "write", [999999], {"name": "x"})
    assert (missing.faultCode, missing.faultString) == (
        2, "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)")


# ---------------------------------------------------------------------- JSON-RPC


def test_jsonrpc_matches_xmlrpc(odoo: FakeOdoo) -> None:
    connection = odoo.connection("jsonrpc")
    domain = [("state", "in", ["draft", "sent"])]
    over_json = connection.get_model("sale.order").search_read(domain, ["name", "partner_id"])
    over_xml = execute(odoo, "sale.order", "search_read", domain, fields=["name", "partner_id"])
    assert over_json == over_xml and len(over_json) >= 2
    denied = jsonrpc(odoo, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
        odoo.db, odoo.uid, "wrong", "res.partner", "search", [[]]]})
    error = denied["error"]
    assert (error["code"], error["message"]) == (200, "Odoo Server Error")
    assert {k: error["data"][k] for k in ("name", "message", "arguments", "context")} == {
        "name": "odoo.exceptions.AccessDenied", "message": "Access Denied",
        "arguments": ["Access Denied"], "context": {}}
    with pytest.raises(JsonRPCException):
        connection.get_model("res.partner").search_read([], ["foo"])


def test_version_info_endpoint_needs_no_login(odoo: FakeOdoo) -> None:
    answer = jsonrpc(odoo, "/web/webclient/version_info", {})
    assert answer["id"] == 7
    assert answer["result"]["server_serie"] == "17.0"


def test_access_error_on_both_protocols(odoo: FakeOdoo) -> None:
    odoo.fail_access("mrp.workcenter")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        execute(odoo, "mrp.workcenter", "search_read", [], fields=["name"])
    assert caught.value.faultCode == 4
    assert caught.value.faultString.startswith(
        "You are not allowed to access 'Work Center' (mrp.workcenter) records.")
    assert execute(odoo, "mrp.bom", "search_count", []) > 0  # other models still readable
    answer = jsonrpc(odoo, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
        odoo.db, odoo.uid, odoo.password, "mrp.workcenter", "search", [[]]]})
    assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    assert answer["error"]["data"]["debug"].startswith("Traceback")
    odoo.clear_faults()
    assert execute(odoo, "mrp.workcenter", "search", [])


# ---------------------------------------------------------------------- fault injection


def test_delay_makes_a_careful_client_time_out(odoo: FakeOdoo) -> None:
    odoo.delay(2.0, calls=1, model="sale.order")
    slow = proxy(odoo, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        slow.execute_kw(odoo.db, odoo.uid, odoo.password, "sale.order", "search", [[]])
    assert time.monotonic() - started < 1.0
    assert slow.execute_kw(odoo.db, odoo.uid, odoo.password, "sale.order", "search", [[]])


def test_dropped_connections_and_proxy_errors(odoo: FakeOdoo) -> None:
    # xmlrpc.client retries once by itself after a dropped or reset connection
    odoo.fail_next(1, kind="connection")
    assert execute(odoo, "res.partner", "search", [])
    assert [c.size for c in odoo.calls_for(model="res.partner")][-2:] == [None, len(
        odoo.dataset.ids("res.partner"))]
    odoo.fail_next(2, kind="connection")
    with pytest.raises(http.client.RemoteDisconnected):
        execute(odoo, "res.partner", "search", [])
    odoo.fail_next(2, kind="reset")
    with pytest.raises(ConnectionResetError):
        execute(odoo, "res.partner", "search", [])
    odoo.fail_next(2, kind="http502", model="res.partner")
    assert execute(odoo, "uom.uom", "search", [])  # another model is not affected
    for _ in range(2):
        with pytest.raises(xmlrpc.client.ProtocolError) as bad_gateway:
            execute(odoo, "res.partner", "search", [])
        assert bad_gateway.value.errcode == 502
    assert execute(odoo, "res.partner", "search", [])


def test_restart_keeps_the_port(odoo: FakeOdoo) -> None:
    port = odoo.port
    odoo.stop()
    with pytest.raises(ConnectionRefusedError):
        execute(odoo, "res.partner", "search", [])
    odoo.start()
    assert odoo.port == port and execute(odoo, "res.partner", "search", [])

    # a restart in the middle of a paged read: the page fails, a retry after it succeeds
    first = execute(odoo, "sale.order.line", "search_read", [], fields=["id"], limit=10)
    odoo.fail_next(1, kind="restart", model="sale.order.line", downtime=0.2)
    with pytest.raises(ConnectionRefusedError):  # xmlrpc.client's own retry finds it down
        execute(odoo, "sale.order.line", "search_read", [], fields=["id"], offset=10, limit=10)
    deadline = time.monotonic() + 3
    while True:
        try:
            second = execute(odoo, "sale.order.line", "search_read", [], fields=["id"],
                             offset=10, limit=10)
            break
        except (OSError, http.client.HTTPException):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert odoo.port == port and {r["id"] for r in first}.isdisjoint(r["id"] for r in second)


def test_call_log_counts_calls_without_secrets(odoo: FakeOdoo) -> None:
    odoo.connection("xmlrpc").get_model("mrp.bom").search_read([("type", "=", "normal")],
                                                               ["product_tmpl_id"])
    assert [(c.service, c.model, c.method) for c in odoo.calls] == [
        ("common", None, "login"), ("object", "mrp.bom", "search"),
        ("object", "mrp.bom", "read")]
    assert odoo.calls[1].size == len(odoo.calls[2:3]) * odoo.calls[2].size  # ids then records
    assert all(odoo.password not in c.args for c in odoo.calls)
    odoo.reset_calls()
    with pytest.raises(xmlrpc.client.Fault):
        execute(odoo, "foo.bar", "search", [])
    assert odoo.calls_for(model="foo.bar") == [odoo.calls[0]] and odoo.calls[0].size is None


# ---------------------------------------------------------------------- data changes


def test_incremental_reads_see_changes_deletions_and_archives(odoo: FakeOdoo) -> None:
    odoo.now = dt.datetime(2030, 1, 1, 12, 0, 0)
    since = "2030-01-01 11:59:00"
    assert execute(odoo, "mrp.workcenter", "search", [("write_date", ">", since)]) == []
    odoo.dataset.update("mrp.workcenter", 2, time_efficiency=80.0)
    odoo.dataset.archive("mrp.workcenter", 3)
    odoo.dataset.delete("mrp.workcenter", 1)
    assert execute(odoo, "mrp.workcenter", "search", [("write_date", ">", since)]) == [2]
    assert execute(odoo, "mrp.workcenter", "search",
                   [("write_date", ">", dt.datetime(2030, 1, 1, 11, 59))]) == [2]
    changed = execute(odoo, "mrp.workcenter", "search_read", [("write_date", ">", since)],
                      fields=["time_efficiency", "write_date"], context={"active_test": False})
    assert changed == [{"id": 2, "time_efficiency": 80.0, "write_date": "2030-01-01 12:00:00"},
                       {"id": 3, "time_efficiency": 100.0, "write_date": "2030-01-01 12:00:00"}]
    assert execute(odoo, "mrp.workcenter", "search", []) == [2]
    assert execute(odoo, "mrp.workcenter", "read", [1, 2, 3], ["active"]) == [
        {"id": 2, "active": True}, {"id": 3, "active": False}]


def test_one2many_follows_created_and_deleted_lines(odoo: FakeOdoo) -> None:
    line = odoo.dataset.create("mrp.bom.line", {"bom_id": 3, "product_id": 44,
                                                "product_qty": 1.0, "product_uom_id": 1})
    assert line in execute(odoo, "mrp.bom", "read", [3], ["bom_line_ids"])[0]["bom_line_ids"]
    odoo.dataset.delete("mrp.bom.line", line)
    assert line not in execute(odoo, "mrp.bom", "read", [3], ["bom_line_ids"])[0]["bom_line_ids"]
    new_id = execute(odoo, "res.partner", "create", {"name": "Fake Supplier"})
    execute(odoo, "res.partner", "write", [new_id], {"name": "Fake Supplier Ltd"})
    [partner] = execute(odoo, "res.partner", "read", [new_id], ["name", "display_name"])
    assert partner == {"id": new_id, "name": "Fake Supplier Ltd",
                       "display_name": "Fake Supplier Ltd"}


def test_registered_methods_answer_like_an_addon(odoo: FakeOdoo) -> None:
    applied: list[Any] = []

    def apply_plan(plan: dict[str, Any]) -> dict[str, Any]:
        if plan.get("run_uuid") == "bad":
            raise UserError("This plan is older than the last applied one.")
        applied.append(plan)
        return {"applied": True, "lines": len(plan["lines"])}

    odoo.register_method("capacity.planner.run", "apply_plan", apply_plan)
    odoo.register_method("capacity.planner.run", "ping", lambda: None)
    plan = {"run_uuid": "r1", "lines": [{"sale_line_id": 1}]}
    assert execute(odoo, "capacity.planner.run", "apply_plan", plan,
                   context={"lang": "en_US"}) == {"applied": True, "lines": 1}
    assert applied == [plan]
    with pytest.raises(xmlrpc.client.Fault) as refused:
        execute(odoo, "capacity.planner.run", "apply_plan", {"run_uuid": "bad"})
    assert refused.value.faultCode == 2
    with pytest.raises(xmlrpc.client.Fault) as none:
        execute(odoo, "capacity.planner.run", "ping")
    assert none.value.faultString.endswith(
        "TypeError: cannot marshal None unless allow_none is enabled\n")
    answer = jsonrpc(odoo, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
        odoo.db, odoo.uid, odoo.password, "capacity.planner.run", "ping", []]})
    assert "result" not in answer and "error" not in answer
    with pytest.raises(xmlrpc.client.Fault) as other:
        execute(odoo, "capacity.planner.run", "search", [])
    assert "The method 'search' does not exist on the model 'capacity.planner.run'" in \
        other.value.faultString
