"""Build a factory of size S, M or L in a real Odoo through its external API (XML-RPC).

    python -m bench.odoo_factory --size M --url http://127.0.0.1:8111 --db sync17_m \
        --login admin --password admin

Work centers on the company's calendar; purchased parts with vendors, lead times and stock;
sub-assemblies and finished products with two-level bills of materials and routings; confirmed
manufacturing orders (Odoo creates their work orders), confirmed sale orders, quotations and
purchase orders. Records are created in batches (``create`` with a list of values) and confirmed
in chunks, so that M takes minutes, not hours: build it once into a database, then copy that
database for each run (``createdb -T``). Random but reproducible (``--seed``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any


@dataclasses.dataclass(frozen=True)
class Size:
    """How big a factory is."""

    workcenters: int
    finished: int
    subassemblies: int
    purchased: int
    vendors: int
    productions: int
    confirmed_orders: int
    quotations: int
    purchase_orders: int


SIZES = {
    "S": Size(workcenters=5, finished=10, subassemblies=10, purchased=40, vendors=5,
              productions=200, confirmed_orders=50, quotations=50, purchase_orders=20),
    "M": Size(workcenters=20, finished=50, subassemblies=50, purchased=400, vendors=20,
              productions=2_000, confirmed_orders=300, quotations=300, purchase_orders=100),
    "L": Size(workcenters=100, finished=500, subassemblies=500, purchased=4_000, vendors=100,
              productions=20_000, confirmed_orders=3_000, quotations=2_000,
              purchase_orders=1_000),
}
CHUNK = 100  # records confirmed per call: Odoo does the work in one transaction each


class Odoo:
    """An XML-RPC session as one user, counting calls; usable from several threads (each
    has its own connection)."""

    def __init__(self, url: str, db: str, login: str, password: str):
        self.url = url.rstrip("/")
        self.db = db
        self.password = password
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        uid = common.authenticate(db, login, password, {})
        if not uid:
            raise SystemExit(f"Odoo at {self.url} refused the login {login!r} on {db!r}")
        self.uid = int(uid)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.calls = 0

    @property
    def models(self) -> xmlrpc.client.ServerProxy:
        proxy = getattr(self._local, "models", None)
        if proxy is None:
            proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
            self._local.models = proxy
        return proxy

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``model.method(*args, **kwargs)``."""
        with self._lock:
            self.calls += 1
        try:
            return self.models.execute_kw(self.db, self.uid, self.password, model, method,
                                          list(args), kwargs)
        except xmlrpc.client.Fault as fault:
            # the method ran and its transaction committed; only its None answer cannot
            # travel over XML-RPC (action_apply_inventory, ...)
            if "cannot marshal None" in fault.faultString:
                return None
            raise

    def create(self, model: str, values: Sequence[dict[str, Any]]) -> list[int]:
        """Create records in batches of 500; their ids in order."""
        ids: list[int] = []
        for batch in _chunks(list(values), 500):
            ids += self.call(model, "create", batch)
        return ids

    def ref(self, xmlid: str) -> int:
        """The database id of an XML id (``module.name``)."""
        module, name = xmlid.split(".", 1)
        rows = self.call("ir.model.data", "search_read",
                         [("module", "=", module), ("name", "=", name)], fields=["res_id"])
        if not rows:
            raise SystemExit(f"{xmlid} does not exist in this database")
        return int(rows[0]["res_id"])


@dataclasses.dataclass(frozen=True)
class Dialect:
    """The field names of this Odoo series, from ``fields_get`` (as the service decides them):
    17 says ``detailed_type`` "product" where 18 and 19 say ``is_storable``; 19 has no purchase
    unit on products and no ``default_capacity`` on work centers (a capacity is a
    ``mrp.workcenter.capacity`` line in a unit, without product)."""

    product_fields: frozenset[str]
    workcenter_fields: frozenset[str]

    @classmethod
    def of(cls, odoo: Odoo) -> Dialect:
        return cls(*(frozenset(odoo.call(model, "fields_get", [], attributes=["type"]))
                     for model in ("product.template", "mrp.workcenter")))

    def storable(self, unit: int) -> dict[str, Any]:
        """A stocked product's type and units."""
        values: dict[str, Any] = {"uom_id": unit}
        if "is_storable" in self.product_fields:
            values.update(type="consu", is_storable=True)
        else:
            values["detailed_type"] = "product"
        if "uom_po_id" in self.product_fields:
            values["uom_po_id"] = unit
        return values

    def capacity(self, capacity: int, unit: int) -> dict[str, Any]:
        """A work center's capacity (pieces made in parallel)."""
        if "default_capacity" in self.workcenter_fields:
            return {"default_capacity": capacity}
        if capacity == 1:
            return {}
        return {"capacity_ids": [(0, 0, {"product_uom_id": unit, "capacity": capacity})]}


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def build(odoo: Odoo, size: Size, seed: int = 7, log: Any = print,
          jobs: int = 2) -> dict[str, int]:
    """Create the factory; returns how many records of each kind were made. ``jobs``: how
    many chunks of orders are created and confirmed at once (Odoo's database works on one
    while Odoo's Python works on the other)."""
    restore = _no_scheduler(odoo)
    try:
        return _build(odoo, size, seed, log, jobs)
    finally:
        restore()


def _build(odoo: Odoo, size: Size, seed: int, log: Any, jobs: int) -> dict[str, int]:
    rng = random.Random(seed)
    started = time.perf_counter()

    def step(what: str) -> None:
        log(f"  {time.perf_counter() - started:7.1f} s  {what} ({odoo.calls} calls)")

    company = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    calendar = odoo.call("res.company", "read", [company],
                         ["resource_calendar_id"])[0]["resource_calendar_id"][0]
    stock_location = odoo.ref("stock.stock_location_stock")
    buy = odoo.ref("purchase_stock.route_warehouse0_buy")
    manufacture = odoo.ref("mrp.route_warehouse0_manufacture")
    unit = odoo.ref("uom.product_uom_unit")

    series = Dialect.of(odoo)
    workcenters = odoo.create("mrp.workcenter", [
        {"name": f"Bench WC {n:03d}", "code": f"BWC{n:03d}", "resource_calendar_id": calendar,
         "time_efficiency": 100, "time_start": rng.choice([0, 5, 10]),
         "time_stop": rng.choice([0, 5]),
         **series.capacity(rng.choice([1, 1, 1, 2]), unit)}
        for n in range(size.workcenters)])
    step(f"{len(workcenters)} work centers")
    vendors = odoo.create("res.partner", [
        {"name": f"Bench Vendor {n:03d}", "supplier_rank": 1, "is_company": True}
        for n in range(size.vendors)])
    customers = odoo.create("res.partner", [
        {"name": f"Bench Customer {n:03d}", "customer_rank": 1, "is_company": True}
        for n in range(max(10, size.confirmed_orders // 10))])
    step(f"{len(vendors)} vendors, {len(customers)} customers")

    def templates(prefix: str, count: int, route: int, extra: dict[str, Any]) -> list[int]:
        return odoo.create("product.template", [
            {"name": f"Bench {prefix} {n:04d}", "default_code": f"B{prefix[0]}{n:04d}",
             "route_ids": [(6, 0, [route])], "sale_delay": rng.choice([0, 1, 2]),
             **series.storable(unit), **extra,
             **({"seller_ids": [(0, 0, {"partner_id": rng.choice(vendors),
                                        "delay": rng.randint(3, 15),
                                        "min_qty": rng.choice([0, 0, 10, 50]),
                                        "price": round(rng.uniform(1, 50), 2)})]}
                if route == buy else {})}
            for n in range(count)])

    purchased_t = templates("Part", size.purchased, buy, {"purchase_ok": True,
                                                          "sale_ok": False})
    sub_t = templates("Sub", size.subassemblies, manufacture, {"sale_ok": False,
                                                               "purchase_ok": False})
    finished_t = templates("Finished", size.finished, manufacture, {"sale_ok": True,
                                                                    "purchase_ok": False})
    variants = {row["product_tmpl_id"][0]: row["id"] for row in odoo.call(
        "product.product", "search_read",
        [("product_tmpl_id", "in", purchased_t + sub_t + finished_t)],
        fields=["product_tmpl_id"])}
    purchased = [variants[t] for t in purchased_t]
    subs = [variants[t] for t in sub_t]
    finished = [variants[t] for t in finished_t]
    step(f"{len(purchased)} purchased parts, {len(subs)} sub-assemblies, "
         f"{len(finished)} finished products")

    def bom(template: int, components: list[int], operations: int) -> dict[str, Any]:
        return {"product_tmpl_id": template, "product_qty": 1, "type": "normal",
                "bom_line_ids": [(0, 0, {"product_id": c, "product_qty": rng.randint(1, 4)})
                                 for c in components],
                "operation_ids": [(0, 0, {"name": f"Step {k + 1}",
                                          "workcenter_id": rng.choice(workcenters),
                                          "time_cycle_manual": rng.choice([6, 10, 15, 20, 30]),
                                          "sequence": 10 * (k + 1)})
                                  for k in range(operations)]}

    boms = odoo.create("mrp.bom", [bom(t, rng.sample(purchased, 3), rng.randint(1, 2))
                                   for t in sub_t])
    boms += odoo.create("mrp.bom", [bom(t, rng.sample(subs, 2) + rng.sample(purchased, 2),
                                        rng.randint(1, 3)) for t in finished_t])
    bom_of = {variants[t]: b for t, b in zip(sub_t + finished_t, boms, strict=True)}
    step(f"{len(boms)} bills of materials with routings")

    quants = odoo.call("stock.quant", "create", [
        {"product_id": p, "location_id": stock_location,
         "inventory_quantity": rng.choice([0, 20, 50, 100, 400])}
        for p in purchased + subs + finished], context={"inventory_mode": True})
    for chunk in _chunks(quants, 500):
        odoo.call("stock.quant", "action_apply_inventory", chunk,
                  context={"inventory_mode": True})
    step(f"stock for {len(quants)} products")

    today = dt.datetime.now(dt.timezone.utc).replace(hour=7, minute=0, second=0,
                                                     microsecond=0, tzinfo=None)
    # the bill and unit given: Odoo need not search them for each order
    mo_values = []
    for _ in range(size.productions):
        product = rng.choice(finished + subs)
        mo_values.append({
            "product_id": product, "bom_id": bom_of[product], "product_uom_id": unit,
            "product_qty": rng.randint(1, 10),
            "date_start": (today + dt.timedelta(days=rng.randint(-5, 40))).strftime(
                "%Y-%m-%d %H:%M:%S")})
    productions = _in_parallel(odoo, "mrp.production", "action_confirm", mo_values, jobs)
    step(f"{len(productions)} confirmed manufacturing orders")

    def orders(count: int) -> list[dict[str, Any]]:
        return [{"partner_id": rng.choice(customers),
                 "order_line": [(0, 0, {"product_id": p, "product_uom_qty": rng.randint(1, 8)})
                                for p in rng.sample(finished, rng.randint(1, 3))]}
                for _ in range(count)]

    confirmed = _in_parallel(odoo, "sale.order", "action_confirm",
                             orders(size.confirmed_orders), jobs)
    quotations = odoo.create("sale.order", orders(size.quotations))
    step(f"{len(confirmed)} confirmed orders, {len(quotations)} quotations")

    purchase_values = [
        {"partner_id": rng.choice(vendors),
         "order_line": [(0, 0, {"product_id": p, "product_qty": rng.randint(10, 200),
                                "date_planned": (today + dt.timedelta(
                                    days=rng.randint(1, 30))).strftime("%Y-%m-%d %H:%M:%S")})
                        for p in rng.sample(purchased, rng.randint(1, 4))]}
        for _ in range(size.purchase_orders)]
    kept = len(purchase_values) * 3 // 4
    purchases = _in_parallel(odoo, "purchase.order", "button_confirm", purchase_values[:kept], jobs)
    purchases += odoo.create("purchase.order", purchase_values[kept:])
    step(f"{len(purchases)} purchase orders (three in four confirmed)")
    return {"workcenters": len(workcenters), "products": len(variants),
            "productions": len(productions), "confirmed_orders": len(confirmed),
            "quotations": len(quotations), "purchase_orders": len(purchases),
            "calls": odoo.calls}


def _in_parallel(odoo: Odoo, model: str, confirm: str, values: list[dict[str, Any]],
                 jobs: int) -> list[int]:
    """Create the records in chunks of ``CHUNK``, each with one call, and confirm each chunk
    with another (Odoo confirms a recordset at once), ``jobs`` chunks at a time; their ids
    in order."""
    def chunk(part: list[dict[str, Any]]) -> list[int]:
        ids = [int(value) for value in odoo.call(model, "create", part)]
        odoo.call(model, confirm, ids)
        return ids

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return [record for ids in pool.map(chunk, _chunks(values, CHUNK)) for record in ids]


def _no_scheduler(odoo: Odoo) -> Callable[[], None]:
    """Turn Odoo's stock scheduler off while the factory is built (each confirmed move
    would otherwise search reordering rules; the factory has none); returns what turns it
    back to how it was."""
    key = "stock.no_auto_scheduler"
    before = odoo.call("ir.config_parameter", "get_param", key)
    odoo.call("ir.config_parameter", "set_param", key, "True")
    return lambda: odoo.call("ir.config_parameter", "set_param", key, before)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.odoo_factory",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--url", required=True, help="Odoo's address, e.g. http://127.0.0.1:8069")
    parser.add_argument("--db", required=True, help="the database to fill (a copy: it is "
                                                    "changed for good)")
    parser.add_argument("--login", default="admin", help="a user who may create everything")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2,
                        help="chunks of orders created at once (default 2); more than Odoo "
                             "has workers or threads gains nothing")
    args = parser.parse_args(argv)
    odoo = Odoo(args.url, args.db, args.login, args.password)
    print(f"building a size {args.size} factory in {args.db} at {args.url}")
    started = time.perf_counter()
    made = build(odoo, SIZES[args.size], args.seed, jobs=args.jobs)
    print(f"done in {time.perf_counter() - started:.0f} s: " +
          ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in made.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
