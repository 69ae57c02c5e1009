"""The addon's screens in a real browser against a real Odoo, as its users work with them.

Playwright drives Debian's Chromium (``CAPACITY_PROMISE_TEST_BROWSER`` names another executable;
default ``/usr/bin/chromium``). The Odoo is named by ``CAPACITY_PROMISE_TEST_BROWSER_ODOO_URL``,
``_DB``, ``_LOGIN`` and ``_PASSWORD`` (an administrator): a database with demo data, the addon
installed and French loaded (``-i sale_capacity_promise --load-language=fr_FR``). The test
writes to it: it makes the users it needs (a salesperson, a buyer, a planner and a French
salesperson), runs one real read-plan-write cycle of the service against it, and serves the
service's API on a free local port that the addon's settings then point to. Without the
variables every test skips, saying which are missing.

Screenshots go to ``CAPACITY_PROMISE_TEST_SCREENSHOTS`` when set (the README's, in
``docs/screenshots``, are refreshed so), else to the test's own folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ENV = os.environ
PREFIX = "CAPACITY_PROMISE_TEST_BROWSER_ODOO_"
TOKEN = "browser-test-token"
PASSWORD = "capacity-promise-browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = pytest.mark.odoo


class Odoo:
    """XML-RPC as the administrator, for setting up and checking what the browser did."""

    def __init__(self, url: str, db: str, login: str, password: str):
        self.url, self.db, self.password = url.rstrip("/"), db, password
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        self.series = int(re.match(r"(?:saas~)?(\d+)", common.version()["server_version"])[1])
        self.uid = common.authenticate(db, login, password, {})
        assert self.uid, f"{login} cannot log in to {db}"
        self.models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(self.db, self.uid, self.password, model, method,
                                      list(args), kwargs)

    def ref(self, xmlid: str) -> int:
        module, name = xmlid.split(".")
        found = self.call("ir.model.data", "search_read",
                          [("module", "=", module), ("name", "=", name)], fields=["res_id"])
        assert found, xmlid
        return int(found[0]["res_id"])

    @property
    def groups_field(self) -> str:
        return "group_ids" if self.series >= 19 else "groups_id"

    def user(self, login: str, name: str, groups: list[str], lang: str = "en_US") -> int:
        group_ids = [self.ref(xmlid) for xmlid in groups]
        found = self.call("res.users", "search", [("login", "=", login)])
        values = {"name": name, "login": login, "password": PASSWORD, "lang": lang,
                  "tz": "Europe/Brussels", self.groups_field: [(6, 0, group_ids)]}
        if found:
            self.call("res.users", "write", found, values)
            return int(found[0])
        return int(self.call("res.users", "create", values))

    def url_of(self, model: str, record_id: int, action: str = "") -> str:
        if self.series >= 18:
            where = f"action-{action}" if action else model
            return f"{self.url}/odoo/{where}/{record_id}"
        opened = f"&action={action}" if action else ""
        return f"{self.url}/web#id={record_id}&model={model}&view_type=form{opened}"

    def url_of_action(self, xmlid: str) -> str:
        if self.series >= 18:
            return f"{self.url}/odoo/action-{xmlid}"
        return f"{self.url}/web#action={xmlid}"


@pytest.fixture(scope="module")
def odoo() -> Odoo:
    names = ("URL", "DB", "LOGIN", "PASSWORD")
    values = {name: ENV.get(PREFIX + name, "") for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        pytest.skip("no Odoo for the browser: set " + PREFIX + ", _".join(missing))
    return Odoo(values["URL"], values["DB"], values["LOGIN"], values["PASSWORD"])


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(ENV.get("CAPACITY_PROMISE_TEST_SCREENSHOTS") or
                  tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def planned(odoo: Odoo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One real cycle of the service against the Odoo, and its API served for the addon."""
    from sync.config import Secret, Settings
    from sync.server import ApiServer
    from sync.service import PlanningService

    odoo.user("cp_browser_service", "Planning Service (browser test)",
              ["base.group_user", "sale_capacity_promise.group_capacity_promise_service"])
    settings = Settings(odoo_url=odoo.url, odoo_db=odoo.db, odoo_login="cp_browser_service",
                        odoo_api_key=Secret(PASSWORD), odoo_protocol="xmlrpc",
                        token=Secret(TOKEN), state_url="sqlite:///" + str(
                            tmp_path_factory.mktemp("state") / "state.sqlite"))
    service = PlanningService(settings)
    current = service.run_once(write=True)
    assert current.applied, "the plan was not applied"
    server = ApiServer(("127.0.0.1", 0), service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    for key, value in (("service_url", address), ("service_token", TOKEN),
                       ("request_timeout", "20")):
        odoo.call("ir.config_parameter", "set_param", f"sale_capacity_promise.{key}", value)
    yield {"service": service, "plan": current.plan, "address": address}
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = ENV.get("CAPACITY_PROMISE_TEST_BROWSER", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.skip(f"no browser at {executable} (CAPACITY_PROMISE_TEST_BROWSER)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def login(browser: Any, odoo: Odoo, login_name: str, locale: str = "en-US") -> Any:
    page = browser.new_context(viewport={"width": 1440, "height": 900}, locale=locale).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{odoo.url}/web/login?db={odoo.db}")
    page.fill("input[name=login]", login_name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # the first visit after an install builds the assets: slow on a busy machine
    page.wait_for_selector(".o_main_navbar", timeout=180_000)
    return page


def settle(page: Any) -> None:
    """Wait until the web client has drawn what it loaded (the bus keeps a connection
    open, so the network is never idle)."""
    page.wait_for_function("!document.querySelector('.o_blockUI, .o_loading_indicator')")
    page.wait_for_timeout(1500)
    dialogs = page.locator(".modal.o_technical_modal")
    assert not dialogs.count(), f"a dialog opened: {dialogs.first.inner_text()[:2000]}"


def screenshot(page: Any, path: Path) -> None:
    """The page as its user sees it, without a tooltip of where the mouse last was."""
    page.mouse.move(1, 890)
    settle(page)
    page.screenshot(path=str(path), full_page=False)


def field_text(page: Any, name: str) -> str:
    """What a form field shows: its text, or what its input holds when it is editable."""
    widget = page.locator(f".o_form_view .o_field_widget[name={name}]").first
    inputs = widget.locator("input")
    if inputs.count():
        return str(inputs.first.input_value()).strip()
    return str(widget.inner_text()).strip()


def quotation_to_check(odoo: Odoo, planned: dict[str, Any]) -> int:
    """A quotation of the plan with a product the factory makes."""
    plan = planned["plan"]
    order_ids = [promise.order_id for promise in plan.orders
                 if promise.status != "cannot_plan" and promise.lines]
    found = odoo.call("sale.order", "search_read",
                      [("id", "in", order_ids), ("state", "in", ["draft", "sent"])],
                      fields=["id"], order="id", limit=1)
    assert found, "the demo data has no plannable quotation"
    return int(found[0]["id"])


@pytest.fixture(scope="module")
def users(odoo: Odoo) -> dict[str, str]:
    salesperson = ["sales_team.group_sale_salesman_all_leads",
                   "sale_capacity_promise.group_capacity_promise_user"]
    odoo.user("cp_salesperson", "Sam Sales", salesperson)
    odoo.user("cp_vendeuse", "Valérie Vente", salesperson, lang="fr_FR")
    odoo.user("cp_buyer", "Bea Buyer", ["purchase.group_purchase_user",
                                        "sale_capacity_promise.group_capacity_promise_user"])
    odoo.user("cp_planner", "Pat Planner", ["mrp.group_mrp_manager",
                                            "sales_team.group_sale_salesman_all_leads",
                                            "sale_capacity_promise.group_capacity_promise_user"])
    return {"sales": "cp_salesperson", "french": "cp_vendeuse", "buyer": "cp_buyer",
            "planner": "cp_planner"}


def test_an_orders_reason_is_that_of_the_line_that_dates_it(
        odoo: Odoo, planned: dict[str, Any]) -> None:
    """What the order says holds it up explains the order's date: as soon as possible
    the first line's, all at once the last line's, never a later line's."""
    orders = odoo.call("sale.order", "search_read",
                       [("capacity_promise_date", "!=", False),
                        ("capacity_reason_data", "!=", False)],
                       fields=["name", "picking_policy", "capacity_promise_date",
                               "capacity_reason_text", "order_line"])
    assert orders, "the run promised nothing"
    several = 0
    for order in orders:
        lines = odoo.call("sale.order.line", "read", order["order_line"],
                          ["capacity_promise_date", "capacity_reason_text"])
        dated = [line for line in lines if line["capacity_promise_date"]]
        if not dated:
            continue
        several += len({line["capacity_promise_date"] for line in dated}) > 1
        pick = max if order["picking_policy"] == "one" else min
        assert order["capacity_promise_date"] == pick(
            line["capacity_promise_date"] for line in dated), order
        reasons = {line["capacity_reason_text"] for line in dated
                   if line["capacity_promise_date"] == order["capacity_promise_date"]}
        assert order["capacity_reason_text"] in reasons, (order, lines)
    assert several, "no order has lines of different dates: nothing was compared"


def test_a_salesperson_checks_a_quotation_and_reads_date_and_reason(
        odoo: Odoo, planned: dict[str, Any], users: dict[str, str], browser: Any,
        shots: Path) -> None:
    order_id = quotation_to_check(odoo, planned)
    odoo.call("sale.order", "write", [order_id], {"user_id": odoo.call(
        "res.users", "search", [("login", "=", users["sales"])])[0]})
    page = login(browser, odoo, users["sales"])
    page.goto(odoo.url_of("sale.order", order_id, "sale.action_quotations_with_onboarding"))
    page.wait_for_selector("button[name=action_check_capacity]")
    page.click("button[name=action_check_capacity]")
    # a notification, or the delivery options when the customer has a choice
    answer = page.wait_for_selector(".o_notification, .modal .o_form_view")
    message = answer.inner_text()
    assert "Promised date" in message or "No date can be promised" in message, message
    if page.locator(".modal .o_form_view").count():
        page.wait_for_timeout(1500)
        page.mouse.move(1, 890)
        page.screenshot(path=str(shots / "quotation-options.png"), full_page=False)
        page.locator(".modal-footer button", has_text="Close").click()
        page.wait_for_selector(".modal .o_form_view", state="detached")
        page.reload()
        page.wait_for_selector("button[name=action_check_capacity]")
    settle(page)
    stored = odoo.call("sale.order", "read", [order_id],
                       ["capacity_promise_date", "capacity_reason_text"])[0]
    assert stored["capacity_promise_date"], stored
    promised = field_text(page, "capacity_promise_date")
    reason = field_text(page, "capacity_reason_text")
    # a date in the user's format (19 writes this year's dates short, "Dec 6"), no time of day
    assert promised and not re.search(r"\d:\d", promised), promised
    assert reason == stored["capacity_reason_text"] and reason.endswith("."), reason
    assert " Units" not in reason
    page.wait_for_timeout(4000)  # the notification fades before the screenshot
    screenshot(page, shots / "quotation-promise.png")

    # "Use this date": the delivery date is that day, shown as a date (no time of day)
    page.click("button[name=action_use_promise_date]")
    page.wait_for_selector(".o_notification")
    settle(page)
    page.locator(".o_notebook .nav-link", has_text="Other Info").click()
    settle(page)
    delivery = field_text(page, "capacity_commitment_day")
    assert delivery == promised, (delivery, promised)
    page.wait_for_timeout(4000)
    page.locator(".o_form_view .o_field_widget[name=capacity_commitment_day]").first \
        .scroll_into_view_if_needed()
    screenshot(page, shots / "quotation-delivery-date.png")
    page.context.close()


def test_a_french_user_reads_french(odoo: Odoo, planned: dict[str, Any],
                                    users: dict[str, str], browser: Any, shots: Path) -> None:
    order_id = quotation_to_check(odoo, planned)
    french = odoo.call("sale.order", "read", [order_id], ["capacity_reason_text"],
                       context={"lang": "fr_FR"})[0]["capacity_reason_text"]
    english = odoo.call("sale.order", "read", [order_id], ["capacity_reason_text"],
                        context={"lang": "en_US"})[0]["capacity_reason_text"]
    assert french and french != english, (french, english)
    page = login(browser, odoo, users["french"], locale="fr-FR")
    page.goto(odoo.url_of("sale.order", order_id, "sale.action_quotations_with_onboarding"))
    page.wait_for_selector("button[name=action_check_capacity]")
    settle(page)
    form = page.locator(".o_form_view").first.inner_text()
    assert "Vérifier la capacité" in form and "Date promise" in form, form[:500]
    assert "Pourquoi cette date" in form, form[:500]
    assert field_text(page, "capacity_reason_text") == french
    screenshot(page, shots / "quotation-promise-fr.png")
    page.context.close()


def test_a_buyer_creates_an_rfq_from_a_suggestion(odoo: Odoo, planned: dict[str, Any],
                                                  users: dict[str, str], browser: Any,
                                                  shots: Path) -> None:
    open_ids = odoo.call("capacity.purchase.suggestion", "search", [("state", "=", "open")],
                         order="order_by_date")
    if not open_ids:
        pytest.skip("the plan of the demo data suggests no purchase")
    page = login(browser, odoo, users["buyer"])
    page.goto(odoo.url_of_action("sale_capacity_promise.capacity_purchase_suggestion_action"))
    page.wait_for_selector(".o_list_view .o_group_header, .o_list_view .o_data_row")
    settle(page)
    for header in page.locator(".o_group_header").all()[:3]:
        header.click()  # open the first vendors' groups
        settle(page)
    assert page.locator(".o_data_row").count() > 0
    screenshot(page, shots / "purchase-suggestions.png")
    page.goto(odoo.url_of("capacity.purchase.suggestion", open_ids[0]))
    page.wait_for_selector("button[name=action_create_rfq]")
    page.click("button[name=action_create_rfq]")
    page.wait_for_selector(".o_form_view .o_field_widget[name=order_line]")  # the RFQ
    settle(page)
    suggestion = odoo.call("capacity.purchase.suggestion", "read", [open_ids[0]],
                           ["state", "purchase_order_id"])[0]
    assert suggestion["state"] == "ordered" and suggestion["purchase_order_id"], suggestion
    assert suggestion["purchase_order_id"][1] in page.locator(".o_form_view").first.inner_text()
    screenshot(page, shots / "purchase-rfq.png")
    page.context.close()


def test_a_planner_opens_the_load_the_work_list_and_the_schedule(
        odoo: Odoo, planned: dict[str, Any], users: dict[str, str], browser: Any,
        shots: Path) -> None:
    page = login(browser, odoo, users["planner"])
    page.goto(odoo.url_of_action("sale_capacity_promise.capacity_load_board_action"))
    page.wait_for_selector(".o_capacity_load_board")
    settle(page)
    board = page.locator(".o_capacity_load_board").inner_text()
    loads = odoo.call("capacity.workcenter.load", "search_read", [], fields=["workcenter_id"])
    names = {load["workcenter_id"][1] for load in loads}
    assert names and any(name in board for name in names), board[:500]
    assert page.locator(".o_capacity_cell").count() > 0
    over = odoo.call("capacity.workcenter.load", "search_count", [("overloaded", "=", True)])
    assert (page.locator(".o_capacity_over").count() > 0) == (over > 0) or over == 0
    screenshot(page, shots / "capacity-load.png")

    # the load's own views: "Overloaded" narrows the default "Next 4 Weeks", both apply
    page.goto(odoo.url_of_action("sale_capacity_promise.capacity_workcenter_load_action"))
    page.wait_for_selector(".o_searchview_facet")
    settle(page)
    page.click(".o_switch_view.o_list")
    page.wait_for_selector(".o_list_view, .o_view_nocontent")
    page.click(".o_searchview_dropdown_toggler")
    page.locator(".o_filter_menu").get_by_text("Overloaded", exact=True).click()
    settle(page)
    facets = [facet.inner_text() for facet in page.locator(".o_searchview_facet").all()]
    assert len(facets) == 2 and " or " not in " ".join(facets).lower(), facets
    today = dt.date.today()
    expected = odoo.call("capacity.workcenter.load", "search_count", [
        ("overloaded", "=", True), ("date", ">=", today.isoformat()),
        ("date", "<", (today + dt.timedelta(weeks=4)).isoformat())])
    if expected:
        assert page.locator(".o_data_row").count() == min(expected, 80)
    else:
        assert "Nothing matches these filters" in page.locator(".o_view_nocontent").inner_text()
    screenshot(page, shots / "capacity-load-overloaded.png")

    page.goto(odoo.url_of_action("sale_capacity_promise.sale_order_action"))
    page.wait_for_selector(".o_list_view, .o_view_nocontent")
    settle(page)
    listed = odoo.call("sale.order", "search_count", [
        ("state", "in", ["draft", "sent", "sale"]), "|",
        ("capacity_status", "in", ["late", "cannot_plan"]), ("capacity_at_risk", "=", True)])
    if listed:
        assert page.locator(".o_group_header").count() > 0, "the work list is grouped by cause"
        # open the first kind of cause, then its first two causes
        page.locator(".o_group_header").first.click()
        settle(page)
        for index in (1, 2):
            headers = page.locator(".o_group_header")
            if headers.count() > index:
                headers.nth(index).click()
                settle(page)
    screenshot(page, shots / "work-list.png")

    page.goto(odoo.url_of_action("sale_capacity_promise.capacity_schedule_action"))
    page.wait_for_selector(".o_capacity_schedule")
    settle(page)
    planned_operations = odoo.call("mrp.workorder", "search_count",
                                   [("capacity_date_start", "!=", False)])
    if planned_operations:
        assert page.locator(".o_capacity_gantt_bar").count() > 0
    screenshot(page, shots / "schedule.png")
    page.context.close()
