"""Synthetic factories of a given size, seeded, loaded to a realistic share of their capacity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from optimizer.calendar import working_time_table
from optimizer.operation import odoo_minutes
from optimizer.snapshot import (
    Attendance,
    Bom,
    BomLine,
    Calendar,
    ComponentNeed,
    Leave,
    ManufacturingOrder,
    Operation,
    Product,
    PurchaseLine,
    SaleLine,
    SaleOrder,
    Snapshot,
    StockLevel,
    SupplierInfo,
    Uom,
    Vendor,
    WorkCenter,
    WorkOrder,
)


@dataclasses.dataclass(frozen=True)
class Size:
    name: str
    manufacturing_orders: int
    workcenters: int
    products: int
    confirmed_orders: int
    quotations: int
    horizon_days: int = 180
    backlog_days: int = 60  # confirmed orders are due within this window
    load: float = 0.7  # share of the backlog window's capacity the open work and orders need


SIZES = {
    "S": Size("S", 200, 5, 500, 150, 50),
    "M": Size("M", 2_000, 20, 5_000, 1_500, 300),
    "L": Size("L", 20_000, 100, 20_000, 15_000, 2_000),
    "XL": Size("XL", 100_000, 500, 100_000, 75_000, 10_000),
}

TODAY = dt.date(2026, 3, 2)
SETUP_SHARE = 0.2  # set-up and clean-up: at most this share of a work center's work


def generate(size: Size, seed: int = 1) -> Snapshot:
    """A factory of ``size``: calendars with holidays, work centers with alternatives, a
    two-level product structure, vendors, stock, open supply, open manufacturing orders,
    confirmed orders and quotations."""
    rng = random.Random(seed)
    now = dt.datetime.combine(TODAY, dt.time(6, 0), dt.timezone.utc)
    utc = dt.timezone.utc
    holidays = tuple(
        Leave(90_000 + i, f"Holiday {i}", dt.datetime.combine(TODAY + dt.timedelta(days=d),
                                                              dt.time(), utc),
              dt.datetime.combine(TODAY + dt.timedelta(days=d + 1), dt.time(), utc))
        for i, d in enumerate((24, 58, 80, 121, 150)))
    day_shift = tuple(a for d in range(5) for a in (
        Attendance(d, 8, 12), Attendance(d, 12, 13, day_period="lunch"), Attendance(d, 13, 17)))
    two_shifts = tuple(a for d in range(5) for a in (Attendance(d, 6, 14), Attendance(d, 14, 22)))
    calendars = (Calendar(1, "Day shift", "Europe/Brussels", day_shift, holidays),
                 Calendar(2, "Two shifts", "Europe/Brussels", two_shifts, holidays))

    workcenters = []
    for i in range(size.workcenters):
        alternatives = (i + 1,) if i % 5 == 0 and i + 1 < size.workcenters else ()
        workcenters.append(WorkCenter(i, f"WC {i:03d}", 1 + (i % 3 == 0), rng.choice([1, 1, 2]),
                                      rng.choice([0.85, 1.0, 1.0]),
                                      tuple(a for a in alternatives),
                                      setup_minutes=rng.choice([0, 10, 15, 30]),
                                      cleanup_minutes=rng.choice([0, 0, 5])))

    n_raw = size.products // 2
    n_sub = size.products * 3 // 10
    n_fin = size.products - n_raw - n_sub
    raws = list(range(100_000, 100_000 + n_raw))
    subs = list(range(200_000, 200_000 + n_sub))
    finished = list(range(300_000, 300_000 + n_fin))
    products = [Product(p, f"Raw {p}", 1, "buy") for p in raws]
    products += [Product(p, f"Sub {p}", 1, "make") for p in subs]
    products += [Product(p, f"Product {p}", 1, "make", rng.choice([5, 10, 14, 21]))
                 for p in finished]

    vendors = [Vendor(500_000 + i, f"Vendor {i}") for i in range(max(5, size.products // 100))]
    supplier_infos = [
        SupplierInfo(600_000 + p, p, rng.choice(vendors).id, rng.choice([3, 5, 7, 10, 14, 21]),
                     rng.choice([0, 0, 10, 50]), 1, multiple=rng.choice([0, 0, 0, 5, 10]))
        for p in raws
    ]
    # a second, usually faster and dearer vendor for some of them
    supplier_infos += [
        SupplierInfo(700_000 + p, p, rng.choice(vendors).id, rng.choice([2, 3, 5]), 0, 1,
                     sequence=20, price=2.0)
        for p in raws if rng.random() < 0.3
    ]

    # cycle times are scaled after the demand is known so the load hits the target
    boms: list[Bom] = []
    line_id = 700_000
    op_id = 800_000
    for product in [*subs, *finished]:
        is_finished = product >= 300_000
        parts = rng.sample(raws, rng.randint(2, 4))
        if is_finished and subs:
            parts += rng.sample(subs, rng.randint(1, 2))
        lines = []
        for part in parts:
            line_id += 1
            lines.append(BomLine(line_id, part, rng.choice([1, 1, 2, 3]), 1))
        operations = []
        for seq in range(rng.randint(1, 3)):
            op_id += 1
            operations.append(Operation(op_id, f"Op {seq}", rng.randrange(size.workcenters),
                                        10 * (seq + 1), rng.choice([12.0, 30.0, 60.0, 120.0])))
        boms.append(Bom(900_000 + product, product, 1, 1, tuple(lines), tuple(operations)))

    stock = [StockLevel(p, rng.randint(100, 2000), 1) for p in raws if rng.random() < 0.85]
    stock += [StockLevel(p, rng.randint(0, 5), 1) for p in subs if rng.random() < 0.3]
    purchase_lines = [
        PurchaseLine(1_000_000 + i, f"P{i:06d}", p, rng.choice(vendors).id, rng.randint(10, 200),
                     1, TODAY + dt.timedelta(days=rng.randint(-3, 40)))
        for i, p in enumerate(rng.sample(raws, min(len(raws), size.products // 5)))
    ]
    bom_of = {b.product_id: b for b in boms}

    wc_of = {wc.id: wc for wc in workcenters}
    manufacturing_orders = []
    for i in range(size.manufacturing_orders):
        product = rng.choice(finished if rng.random() < 0.6 else subs)
        bom = bom_of[product]
        qty = rng.randint(1, 10)
        started = rng.random() < 0.15
        work_orders = tuple(
            WorkOrder(2_000_000 + i * 10 + k, op.name, op.workcenter_id, op.sequence,
                      odoo_minutes(wc_of[op.workcenter_id], product, qty, op.cycle_minutes)
                      * (0.5 if started and k == 0 else 1.0), started and k == 0)
            for k, op in enumerate(bom.operations))
        components = () if started else tuple(
            ComponentNeed(line.product_id, line.quantity * qty, 1) for line in bom.lines)
        start = TODAY + dt.timedelta(days=rng.randint(-5, size.backlog_days // 2))
        manufacturing_orders.append(ManufacturingOrder(
            3_000_000 + i, f"MO/{i:06d}", product, qty, 1, components, work_orders, start,
            start + dt.timedelta(days=10)))

    sale_orders = []
    for i in range(size.confirmed_orders + size.quotations):
        confirmed = i < size.confirmed_orders
        lines = tuple(SaleLine(4_000_000 + i * 10 + k, rng.choice(finished), rng.randint(1, 8), 1)
                      for k in range(rng.randint(1, 3)))
        ordered = TODAY - dt.timedelta(days=rng.randint(0, 20) if confirmed else 0)
        asked = TODAY + dt.timedelta(days=rng.randint(size.backlog_days // 4, size.backlog_days))
        sale_orders.append(SaleOrder(
            5_000_000 + i, f"S{i:06d}", f"Customer {i % 300}",
            "confirmed" if confirmed else "quotation", ordered, lines,
            commitment_date=asked if confirmed or rng.random() < 0.5 else None,
            created_at=now - dt.timedelta(minutes=size.quotations - i)))

    snapshot = Snapshot(
        now=now, timezone="Europe/Brussels", uoms=(Uom(1, "Units", "Unit"),),
        calendars=calendars, workcenters=tuple(workcenters), products=tuple(products),
        boms=tuple(boms), vendors=tuple(vendors), supplier_infos=tuple(supplier_infos),
        stock=tuple(stock), purchase_lines=tuple(purchase_lines),
        manufacturing_orders=tuple(manufacturing_orders), sale_orders=tuple(sale_orders))
    return _scale_work(snapshot, size, bom_of)


def _scale_work(snapshot: Snapshot, size: Size, bom_of: dict[int, Bom]) -> Snapshot:
    """Scale work center by work center so that all open work and confirmed demand need about
    ``size.load`` of each one's capacity over the backlog window (a few bottlenecks a little
    more, the rest a little less), as in a factory whose capacity was planned.

    Set-up and clean-up come with every work order, so they are scaled too: left as drawn
    (10 to 35 minutes a work order) they alone took about 60 % of the capacity at M, and
    with cycle times scaled to hit the target on top of them the plan needed 110 % of it and
    had 80 % of the orders late. They are kept to at most ``SETUP_SHARE`` of a work center's
    work."""
    rng = random.Random(len(snapshot.products))
    capacity = {wc: time.total for wc, time in
                working_time_table(snapshot, size.backlog_days).items()}
    fixed: dict[int, float] = dict.fromkeys(capacity, 0.0)  # set-up + clean-up minutes
    variable: dict[int, float] = dict.fromkeys(capacity, 0.0)  # cycle minutes
    wc_of = {wc.id: wc for wc in snapshot.workcenters}

    def add_op(wc_id: int, product: int, qty: float, cycle: float, share: float = 1.0) -> None:
        total = odoo_minutes(wc_of[wc_id], product, qty, cycle)
        setup = wc_of[wc_id].setup_minutes + wc_of[wc_id].cleanup_minutes
        fixed[wc_id] += setup * share
        variable[wc_id] += (total - setup) * share

    # what open manufacturing orders make and sub-assemblies in stock serve demand first, as
    # in the plan; only the rest is made again
    available: dict[int, float] = {level.product_id: level.quantity for level in snapshot.stock
                                   if level.product_id in bom_of}

    def add_work(product: int, qty: float) -> None:
        bom = bom_of.get(product)
        if bom is None:
            return
        taken = min(qty, available.get(product, 0.0))
        if taken:
            available[product] -= taken
            qty -= taken
        if qty <= 0:
            return
        for op in bom.operations:
            add_op(op.workcenter_id, product, qty, op.cycle_minutes)
        for line in bom.lines:
            add_work(line.product_id, line.quantity * qty)

    for mo in snapshot.manufacturing_orders:
        ops = bom_of[mo.product_id].operations
        for k, (op, wo) in enumerate(zip(ops, mo.work_orders, strict=True)):
            add_op(op.workcenter_id, mo.product_id, mo.quantity, op.cycle_minutes,
                   0.5 if wo.started and k == 0 else 1.0)
        for need in mo.components:
            add_work(need.product_id, need.quantity)
    for mo in snapshot.manufacturing_orders:
        available[mo.product_id] = available.get(mo.product_id, 0.0) + mo.quantity
    for order in sorted(snapshot.sale_orders, key=lambda o: (o.commitment_date or TODAY, o.id)):
        if order.state == "confirmed":
            for line in order.lines:
                add_work(line.product_id, line.quantity)
    setup_factor, cycle_factor = {}, {}
    for wc, minutes in capacity.items():
        target = min(0.95, size.load * rng.uniform(0.8, 1.2)) * minutes
        setup_factor[wc] = min(1.0, SETUP_SHARE * target / fixed[wc]) if fixed[wc] else 1.0
        left = target - fixed[wc] * setup_factor[wc]
        cycle_factor[wc] = left / variable[wc] if variable[wc] else 1.0
    workcenters = tuple(dataclasses.replace(
        wc, setup_minutes=round(wc.setup_minutes * setup_factor[wc.id], 1),
        cleanup_minutes=round(wc.cleanup_minutes * setup_factor[wc.id], 1))
        for wc in snapshot.workcenters)
    boms = tuple(dataclasses.replace(bom, operations=tuple(
        dataclasses.replace(op, cycle_minutes=op.cycle_minutes * cycle_factor[op.workcenter_id])
        for op in bom.operations)) for bom in snapshot.boms)
    scaled_wc = {wc.id: wc for wc in workcenters}
    scaled_bom = {bom.product_id: bom for bom in boms}
    mos = tuple(dataclasses.replace(mo, work_orders=tuple(
        dataclasses.replace(wo, remaining_minutes=odoo_minutes(
            scaled_wc[op.workcenter_id], mo.product_id, mo.quantity, op.cycle_minutes)
            * (0.5 if wo.started and k == 0 else 1.0))
        for k, (op, wo) in enumerate(zip(scaled_bom[mo.product_id].operations,
                                         mo.work_orders, strict=True))))
        for mo in snapshot.manufacturing_orders)
    return dataclasses.replace(snapshot, workcenters=workcenters, boms=boms,
                               manufacturing_orders=mos)
