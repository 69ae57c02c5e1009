"""A quiet poll against the fake Odoo 17: nothing changed means no plan and no write; the
service's own writes are not read again; a user's edit that races the apply is not lost; run keys
follow from the data and the plan; ``/health`` tells the truth."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from typing import Any

import pytest
from conftest import AddonStub, settings_for
from fake_odoo import start_fake_odoo

from optimizer import plan
from sync.build import build_snapshot, m2o_id
from sync.payload import build_payload, order_payload
from sync.server import ApiServer, health
from sync.service import PlanningService

SALESPERSON = 6
ODOOBOT = 1  # Odoo's own user: installs, crons


class WritingAddon(AddonStub):
    """The addon's apply as Odoo runs it: as the service user, it stamps its promise on every
    planned order and line (write_uid = the service), so polls meet the service's own writes."""

    def __init__(self, dataset: Any, service_uid: int) -> None:
        super().__init__()
        self.dataset = dataset
        self.service_uid = service_uid
        self.while_planning: list[Any] = []

    def get_service_settings(self) -> dict[str, Any]:
        # asked while the service plans: after its read, before its apply
        for hook in self.while_planning:
            hook()
        return super().get_service_settings()

    def apply_plan(self, payload: dict[str, Any]) -> dict[str, Any]:
        answer = super().apply_plan(payload)
        if answer.get("ignored") or answer.get("already_applied"):
            return answer
        with self.dataset.acting_as(self.service_uid):
            for order in payload["orders"]:
                self.dataset.update("sale.order", order["order_id"],
                                    client_order_ref=f"promise {order['promise_date']}")
                for line in order["lines"]:
                    self.dataset.update("sale.order.line", line["line_id"],
                                        name=f"promise {line['promise_date']}")
            for production in payload["productions"]:  # its planned start and finish days
                self.dataset.touch("mrp.production", production["production_id"])
        return answer


@pytest.fixture
def odoo(tmp_path):
    with start_fake_odoo() as server:
        addon = WritingAddon(server.dataset, server.dataset.uid)
        server.register_method("capacity.planner.run", "apply_plan", addon.apply_plan)
        server.register_method("capacity.planner.run", "get_service_settings",
                               addon.get_service_settings)
        yield server, addon


def service_for(server, tmp_path, clock=None, **overrides) -> PlanningService:
    overrides.setdefault("solver", "none")
    settings = settings_for(server, tmp_path, **overrides)
    return PlanningService(settings, clock=clock) if clock else PlanningService(settings)


def quotation_line(server) -> tuple[int, int]:
    """(order id, first line id) of a quotation."""
    orders = server.dataset.model("sale.order").records.values()
    order = next(o for o in orders if o["state"] == "draft" and o.get("order_line"))
    return order["id"], order["order_line"][0]


def made_quotation_line(service: PlanningService) -> int:
    """A quotation line of a product made on the work centers: its quantity moves its date."""
    snapshot = service.current.snapshot
    made = {bom.product_id for bom in snapshot.boms if bom.operations}
    return next(line.id for order in snapshot.sale_orders if order.state == "quotation"
                for line in order.lines if line.product_id in made)


def edit_line(server, line_id: int, quantity: float) -> None:
    with server.dataset.acting_as(SALESPERSON):
        server.dataset.update("sale.order.line", line_id, product_uom_qty=quantity)


def planned_quantity(service: PlanningService, line_id: int) -> float:
    for order in service.current.snapshot.sale_orders:
        for line in order.lines:
            if line.id == line_id:
                return line.quantity
    raise AssertionError(f"line {line_id} is not in the plan")


def test_a_poll_with_nothing_changed_neither_plans_nor_writes(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    first = service.run_once()
    assert first.applied and len(addon.applied) == 1
    server.dataset.advance(seconds=600)  # past the overlap window
    server.reset_calls()
    again = service.run_once()
    poll = service.metrics.last_poll
    assert poll.outcome == "idle" and poll.records == 0 and poll.calls <= 10
    assert again.run_key == first.run_key and again.plan is first.plan
    assert len(addon.applied) == 1
    assert not server.calls_for("capacity.planner.run", "apply_plan")
    assert not server.calls_for("capacity.planner.run", "get_service_settings")
    assert not [call for call in server.calls if call.method in ("fields_get", "search_read")
                and call.size]


def test_an_unchanged_plan_is_not_applied_again_and_keeps_its_key(odoo, tmp_path):
    server, addon = odoo
    # the service plans from the next whole minute: start well inside one
    while dt.datetime.now(dt.timezone.utc).second > 45:
        time.sleep(1)
    service = service_for(server, tmp_path)
    first = service.run_once()
    again = service.run_once(force=True)  # plans once more on the same data
    assert service.metrics.last_poll.outcome == "unchanged"
    assert again.run_key == first.run_key and len(addon.applied) == 1
    restarted = service_for(server, tmp_path)  # the same store, a new process
    assert restarted.run_once().run_key == first.run_key
    assert restarted.metrics.last_poll.outcome == "unchanged" and len(addon.applied) == 1


def test_a_users_change_is_planned_and_applied_once(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    first = service.run_once()
    line_id = made_quotation_line(service)
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 900.0)
    changed = service.run_once()
    assert service.metrics.last_poll.outcome == "applied" and len(addon.applied) == 2
    assert planned_quantity(service, line_id) == 900.0
    assert changed.run_key != first.run_key
    server.dataset.advance(seconds=600)
    service.run_once()
    assert service.metrics.last_poll.outcome == "idle"


def test_a_changed_quotation_line_gets_the_promise_a_full_replan_gives(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    line_id = made_quotation_line(service)
    order_id = next(order.id for order in service.current.snapshot.sale_orders
                    if any(line.id == line_id for line in order.lines))
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 2500.0)
    service.run_once()
    poll = service.metrics.last_poll
    assert poll.outcome == "applied" and "only the quotations planned again" in poll.reason
    current = service.current
    full = plan(build_snapshot(service.store.all_rows(), service.reader.user,
                               current.snapshot.now), current.plan.settings)
    sent = addon.applied[-1]
    assert sent["orders"] == [order_payload(promise) for promise in full.orders]
    assert {key: sent[key] for key in ("productions", "suggestions", "load")} == {
        key: value for key, value in build_payload(current.snapshot, full, 1, current.computed_at,
                                                   current.computed_at).items()
        if key in ("productions", "suggestions", "load")}
    promise = next(order for order in sent["orders"] if order["order_id"] == order_id)
    before = next(order for order in addon.applied[0]["orders"] if order["order_id"] == order_id)
    assert promise != before


def test_a_quantity_changed_and_changed_back_is_a_new_run_odoo_applies(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    keys = [service.run_once().run_key]
    line_id = made_quotation_line(service)
    original = server.dataset.get("sale.order.line", line_id)["product_uom_qty"]
    for quantity in (original + 2000, original):  # far beyond stock: a later promise
        server.dataset.advance(seconds=600)
        edit_line(server, line_id, quantity)
        keys.append(service.run_once().run_key)
    assert len(set(keys)) == 3
    assert [payload["run_key"] for payload in addon.applied] == keys
    assert addon.applied[0]["orders"] == addon.applied[2]["orders"]


def test_the_services_own_writes_are_not_read_by_the_next_poll(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    written = [o["order_id"] for o in addon.applied[0]["orders"]]
    assert written and server.dataset.get("sale.order", written[0])["write_uid"] == \
        server.dataset.uid
    server.dataset.advance(seconds=600)
    service.run_once()
    assert service.metrics.last_poll.records == 0


def test_a_user_edit_between_the_read_and_the_apply_is_in_the_next_plan(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    line_id = made_quotation_line(service)
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 300.0)

    def salesperson_edits_again() -> None:  # after the service's read, before its apply
        server.dataset.advance(seconds=5)
        edit_line(server, line_id, 11.0)

    addon.while_planning.append(salesperson_edits_again)
    service.run_once()
    assert planned_quantity(service, line_id) == 300.0 and len(addon.applied) == 2
    addon.while_planning.clear()
    # the apply stamped the line as the service's; the edit is read all the same
    assert server.dataset.get("sale.order.line", line_id)["write_uid"] == server.dataset.uid
    service.run_once()
    assert planned_quantity(service, line_id) == 11.0


def on_the_odoo_clock(server, tmp_path, **overrides) -> PlanningService:
    """A service whose clock is the fake Odoo's: the recording was made minutes after its
    last write, as a database just created, so the overlap window is open."""
    overrides.setdefault("solver", "none")
    service = PlanningService(settings_for(server, tmp_path, **overrides),
                              clock=lambda: server.now.replace(tzinfo=dt.timezone.utc))
    service.reader.clock = service.clock
    return service


def test_the_first_idle_poll_on_a_database_just_written_is_quiet(odoo, tmp_path):
    # A database just made (Odoo's install, a demo, a factory): manufacturing orders done or
    # in draft were written moments before the full sync, some after the newest open one,
    # some just before it. Outside the open states, the full read does not store them, so
    # every probe took them for unread changes: the one just before the apply marked the
    # family changed, and the next poll read back the orders the apply had just stamped.
    server, addon = odoo
    data = server.dataset
    closed = sorted(row["id"] for row in data.model("mrp.production").records.values()
                    if row["state"] in ("draft", "done"))
    open_one = next(row["id"] for row in data.model("mrp.production").records.values()
                    if row["state"] == "confirmed")
    with data.acting_as(ODOOBOT):
        data.touch("mrp.production", closed[0])  # just before the newest open order
        data.advance(seconds=10)
        data.touch("mrp.production", open_one)
        data.advance(seconds=10)
        for production in closed[1:]:  # after it
            data.touch("mrp.production", production)
    data.advance(seconds=10)
    service = on_the_odoo_clock(server, tmp_path)
    first = service.run_once()
    stamped = [p["production_id"] for p in addon.applied[0]["productions"]]
    assert stamped and data.get("mrp.production", stamped[0])["write_uid"] == data.uid
    for _ in range(2):
        data.advance(seconds=5)
        idle = service.run_once()
        poll = service.metrics.last_poll
        assert poll.outcome == "idle", poll.reason
        assert poll.records == 0 and poll.calls <= 10
        assert idle.run_key == first.run_key and len(addon.applied) == 1


def test_a_manufacturing_order_edit_while_planning_in_the_window_is_in_the_next_plan(
        odoo, tmp_path):
    server, addon = odoo
    data = server.dataset
    service = on_the_odoo_clock(server, tmp_path)
    service.run_once()
    production = next(mo for mo in service.current.snapshot.manufacturing_orders)
    quantity = data.get("mrp.production", production.id)["product_qty"] + 3

    def planner_edits_the_order() -> None:  # after the service's read, before its apply
        data.advance(seconds=2)
        with data.acting_as(SALESPERSON):
            data.update("mrp.production", production.id, product_qty=quantity)

    data.advance(seconds=5)
    edit_line(server, made_quotation_line(service), 300.0)
    addon.while_planning.append(planner_edits_the_order)
    service.sent = None  # the whole plan is sent, as after a restart: it stamps every order
    service.run_once()
    addon.while_planning.clear()
    assert len(addon.applied) == 2
    # the apply stamped the order as the service's; the edit is read all the same
    assert data.get("mrp.production", production.id)["write_uid"] == data.uid
    data.advance(seconds=5)
    service.run_once()
    assert "mrp.production" in service.metrics.last_poll.reason
    planned = {mo.id: mo for mo in service.current.snapshot.manufacturing_orders}
    assert planned[production.id].quantity == quantity


def test_a_product_edit_while_planning_is_not_asked_for_before_the_apply_yet_is_read(
        odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    line_id = made_quotation_line(service)
    template_id = server.dataset.ids("product.template")[0]
    server.dataset.advance(seconds=600)
    edit_line(server, line_id, 300.0)

    def someone_edits_a_product() -> None:  # after the service's read, before its apply
        server.dataset.advance(seconds=5)
        with server.dataset.acting_as(SALESPERSON):
            server.dataset.update("product.template", template_id, sale_delay=17)

    addon.while_planning.append(someone_edits_a_product)
    server.reset_calls()
    service.run_once()
    addon.while_planning.clear()
    # one probe of the products (the poll's own), none before the apply: the addon never
    # writes products, so it cannot mask an edit there
    assert len(server.calls_for("product.template", "search")) == 1
    assert len(addon.applied) == 2
    server.dataset.advance(seconds=600)
    service.run_once()
    assert service.metrics.last_poll.outcome != "idle"
    assert "product.template" in service.metrics.last_poll.reason
    assert service.store.rows("product.template")[0]["sale_delay"] == 17


def test_the_first_poll_of_a_new_day_replans(odoo, tmp_path):
    server, addon = odoo
    now = [dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.timezone.utc)]
    service = PlanningService(settings_for(server, tmp_path, solver="none"),
                              clock=lambda: now[0])
    service.reader.clock = service.clock
    service.run_once()
    now[0] += dt.timedelta(hours=1)  # 23:00 in Brussels: no working time passed
    service.run_once()
    assert service.metrics.last_poll.outcome == "idle"
    now[0] += dt.timedelta(hours=2)  # past midnight in Brussels
    service.run_once()
    assert service.metrics.last_poll.reason == "a new day"


def test_working_time_passing_replans_after_the_replan_interval(odoo, tmp_path):
    server, addon = odoo
    monday_9 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 in Brussels
    now = [monday_9]
    service = PlanningService(settings_for(server, tmp_path, solver="none",
                                           replan_interval=900), clock=lambda: now[0])
    service.reader.clock = service.clock
    service.run_once()
    now[0] += dt.timedelta(minutes=10)
    service.run_once()
    assert service.metrics.last_poll.outcome == "idle"
    now[0] += dt.timedelta(minutes=10)
    service.run_once()
    assert "working time passed" in service.metrics.last_poll.reason


def test_health_says_down_then_up_then_degraded_when_odoo_stops(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    assert health(service) == (503, {"status": "down"})
    service.run_once()
    assert health(service) == (200, {"status": "up"})
    server.stop()
    service._reachability = (0.0, True, "")  # the few seconds' cache has run out
    code, payload = health(service, detailed=True)
    assert code == 503 and payload["status"] == "degraded"
    assert payload["odoo"]["reachable"] is False and "does not answer" in \
        payload["odoo"]["problem"]
    assert "fake-odoo-password" not in str(payload) and "test-token" not in str(payload)


def test_health_is_degraded_when_polls_are_late(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path, poll_interval=60)
    service.run_once()
    service.last_poll_at -= dt.timedelta(seconds=200)
    code, payload = health(service, detailed=True)
    assert code == 503 and payload["poll"]["late"]


@pytest.fixture
def api(odoo, tmp_path):
    server, addon = odoo
    service = service_for(server, tmp_path)
    service.run_once()
    httpd = ApiServer(("127.0.0.1", 0), service)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address, service
    httpd.shutdown()
    thread.join(5)


def _exchange(address, raw: bytes) -> bytes:
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(raw)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_refused_body_is_never_read_as_the_next_request(api):
    address, _ = api
    smuggled = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = (b"POST /quote HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled)
    answer = _exchange(address, raw)
    assert answer.count(b"HTTP/1.1 ") == 1 and b" 401 " in answer.split(b"\r\n")[0]


def test_a_body_over_the_limit_is_refused(api):
    address, _ = api
    raw = (b"POST /quote HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\n"
           b"Content-Length: 2000000\r\n\r\n" + b"x" * 1000)  # refused on its headers
    answer = _exchange(address, raw)
    assert answer.split(b"\r\n")[0].split(b" ")[1] == b"413"


def test_a_quote_over_http_still_answers_with_the_token(api):
    address, service = api
    order_id = next(o.id for o in service.current.snapshot.sale_orders if o.state == "quotation")
    body = f'{{"order_id": {order_id}}}'.encode()
    raw = (b"POST /quote HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\n"
           b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
           + body)
    answer = _exchange(address, raw)
    assert b" 200 " in answer.split(b"\r\n")[0] and str(order_id).encode() in answer
    assert m2o_id(order_id) == order_id
