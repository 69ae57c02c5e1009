"""The bundled demo factory: a furniture maker with five work centers, two-level bills of
materials, vendors with lead times, open manufacturing orders, orders and quotations.

Dates are relative to the day the demo runs, so the story is always current: the assembly line
is booked for about two weeks, the welding shop is busy, glass tops and desk motors are short.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from zoneinfo import ZoneInfo

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

TZ = "Europe/Brussels"
UNITS, METERS, LITERS = 1, 2, 3
STANDARD, TWO_SHIFTS, PAINT_WEEK = 1, 2, 3
CUTTING, WELDING, PAINT, ASSEMBLY_1, ASSEMBLY_2 = 11, 12, 13, 14, 15

# (fixed-date public holidays in Belgium)
HOLIDAYS = [((1, 1), "New Year's Day"), ((5, 1), "Labour Day"), ((7, 21), "National Day"),
            ((8, 15), "Assumption Day"), ((11, 1), "All Saints' Day"),
            ((11, 11), "Armistice Day"), ((12, 25), "Christmas Day")]

VENDORS = {
    31: "Wood Corner", 32: "Steel Supply Co", 33: "Hardware Direct", 34: "Pack & Go",
    35: "Motion Parts", 36: "Glass Masters", 37: "Paint Pro", 38: "Seating Co",
}

# id: (name, code, unit, procurement, customer lead days)
PRODUCTS = {
    101: ("Office Desk", "ODK-100", UNITS, "make", 10),
    102: ("Standing Desk", "SDK-200", UNITS, "make", 14),
    103: ("Conference Table", "CTB-300", UNITS, "make", 21),
    104: ("Bookshelf", "BSH-400", UNITS, "make", 7),
    105: ("Filing Cabinet", "FCB-500", UNITS, "make", 10),
    106: ("Office Chair", "OCH-600", UNITS, "buy", 7),
    107: ("Desk and Chair Bundle", "BND-700", UNITS, "make", 10),
    201: ("Desk Top", "SUB-DTP", UNITS, "make", 0),
    202: ("Desk Frame", "SUB-DFR", UNITS, "make", 0),
    203: ("Lift Frame", "SUB-LFR", UNITS, "make", 0),
    204: ("Table Leg", "SUB-TLG", UNITS, "make", 0),
    205: ("Cabinet Body", "SUB-CBD", UNITS, "make", 0),
    206: ("Drawer", "SUB-DRW", UNITS, "make", 0),
    301: ("Wood Panel", "RAW-WPN", UNITS, "buy", 0),
    302: ("Steel Tube", "RAW-STB", UNITS, "buy", 0),
    303: ("Steel Sheet", "RAW-SSH", UNITS, "buy", 0),
    304: ("Edge Banding", "RAW-EDG", METERS, "buy", 0),
    305: ("Screw Box", "RAW-SCR", UNITS, "buy", 0),
    306: ("Drawer Slide Pair", "RAW-SLD", UNITS, "buy", 0),
    307: ("Packaging Box", "RAW-BOX", UNITS, "buy", 0),
    308: ("Electric Motor", "RAW-MOT", UNITS, "buy", 0),
    309: ("Control Panel", "RAW-CTL", UNITS, "buy", 0),
    310: ("Glass Top", "RAW-GLS", UNITS, "buy", 0),
    311: ("Powder Paint", "RAW-PNT", LITERS, "buy", 0),
}

# product: ({component: qty}, [(operation, work center, setup h, h per unit)], kind)
BOMS: dict[int, tuple[dict[int, float], list[tuple[str, int, float]], str]] = {
    101: ({201: 1, 202: 1, 305: 0.1, 307: 1}, [("Assemble desk", ASSEMBLY_1, 1.5)],
          "normal"),
    102: ({201: 1, 203: 1, 308: 2, 309: 1, 307: 1},
          [("Assemble standing desk", ASSEMBLY_1, 2.5)], "normal"),
    103: ({310: 1, 204: 4, 305: 0.2, 307: 2}, [("Assemble table", ASSEMBLY_1, 3.0)],
          "normal"),
    104: ({301: 5, 305: 0.05, 307: 1}, [("Cut panels", CUTTING, 0.5),
                                        ("Assemble shelf", ASSEMBLY_2, 1.0)], "normal"),
    105: ({205: 1, 206: 3, 306: 3, 307: 1}, [("Assemble cabinet", ASSEMBLY_1, 1.2)],
          "normal"),
    107: ({101: 1, 106: 1}, [], "phantom"),
    201: ({301: 2, 304: 3.2}, [("Cut top", CUTTING, 0.4), ("Lacquer top", PAINT, 0.6)],
          "normal"),
    202: ({302: 4, 311: 0.3}, [("Weld frame", WELDING, 1.2), ("Paint frame", PAINT, 0.5)],
          "normal"),
    203: ({302: 6, 311: 0.4}, [("Weld lift frame", WELDING, 2.0),
                               ("Paint lift frame", PAINT, 0.5)], "normal"),
    204: ({302: 1, 311: 0.1}, [("Weld leg", WELDING, 0.5), ("Paint leg", PAINT, 0.2)],
          "normal"),
    205: ({303: 2, 311: 0.5}, [("Cut sheet", CUTTING, 0.3), ("Weld body", WELDING, 1.0),
                               ("Paint body", PAINT, 0.8)], "normal"),
    206: ({303: 0.5}, [("Cut drawer", CUTTING, 0.2), ("Weld drawer", WELDING, 0.3)],
          "normal"),
}

# product: (vendor, lead days, minimum quantity, price)
SUPPLIERS = {
    106: (38, 12, 5, 95.0), 301: (31, 10, 50, 18.0), 302: (32, 14, 100, 6.5),
    303: (32, 14, 40, 22.0), 304: (31, 10, 200, 0.8), 305: (33, 3, 20, 4.2),
    306: (33, 3, 30, 7.9), 307: (34, 5, 100, 2.1), 308: (35, 21, 10, 120.0),
    309: (35, 21, 10, 45.0), 310: (36, 28, 0, 210.0), 311: (37, 7, 20, 9.0),
}

STOCK = {101: 2, 104: 3, 106: 14, 201: 4, 202: 2, 204: 8, 206: 6, 301: 180, 302: 260,
         303: 90, 304: 900, 305: 60, 306: 45, 307: 240, 308: 6, 309: 8, 310: 0, 311: 55}

CUSTOMERS = ["Azure Interior", "Deco Addict", "Gemini Furniture", "Lumber Inc", "Ready Mat",
             "The Jackson Group", "Wood Corner Retail", "Brandon Freeman", "Marc Demo",
             "Acme Offices", "Bright Spaces", "Nordic Workplace", "Studio Nove", "Helix Labs"]


def demo_snapshot(today: dt.date | None = None, seed: int = 7) -> Snapshot:
    """The demo factory as of ``today`` (default: the real today), at 07:00 local time."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    now = dt.datetime.combine(today, dt.time(6, 0), dt.timezone.utc)
    builder = _DemoBuilder(today, rng)
    return Snapshot(
        now=now, timezone=TZ,
        uoms=(Uom(UNITS, "Units", "Unit"), Uom(METERS, "m", "Length"),
              Uom(LITERS, "L", "Volume")),
        calendars=builder.calendars(),
        workcenters=builder.workcenters(),
        products=tuple(Product(pid, name, uom, proc, lead, code)  # type: ignore[arg-type]
                       for pid, (name, code, uom, proc, lead) in PRODUCTS.items()),
        boms=builder.boms(),
        vendors=tuple(Vendor(vid, name) for vid, name in VENDORS.items()),
        supplier_infos=tuple(SupplierInfo(400 + pid, pid, vendor, lead, min_qty,
                                          PRODUCTS[pid][2], 10, price)
                             for pid, (vendor, lead, min_qty, price) in SUPPLIERS.items()),
        stock=tuple(StockLevel(pid, qty, PRODUCTS[pid][2]) for pid, qty in STOCK.items()),
        purchase_lines=builder.purchase_lines(),
        manufacturing_orders=builder.manufacturing_orders(),
        sale_orders=builder.sale_orders(),
    )


class _DemoBuilder:
    def __init__(self, today: dt.date, rng: random.Random):
        self.today = today
        self.rng = rng

    def working_day(self, offset: int) -> dt.date:
        """The ``offset``-th weekday from today (0 = today or the next weekday)."""
        day = self.today
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        remaining = offset
        while remaining > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
        return day

    def _holidays(self) -> Iterator[Leave]:
        for year in (self.today.year, self.today.year + 1):
            for index, ((month, day), name) in enumerate(HOLIDAYS):
                start = dt.datetime(year, month, day, tzinfo=ZoneInfo(TZ))
                yield Leave(5000 + year * 10 + index, name, start,
                            dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(),
                                                ZoneInfo(TZ)))

    def calendars(self) -> tuple[Calendar, ...]:
        standard = tuple(a for d in range(5) for a in (
            Attendance(d, 8, 12, day_period="morning"), Attendance(d, 12, 13, day_period="lunch"),
            Attendance(d, 13, 17, day_period="afternoon")))
        shifts = tuple(a for d in range(5) for a in (Attendance(d, 6, 14), Attendance(d, 14, 22)))
        paint = tuple(a for d in range(4) for a in (
            Attendance(d, 7, 12, day_period="morning"), Attendance(d, 12, 12.5, day_period="lunch"),
            Attendance(d, 12.5, 17.5, day_period="afternoon")))
        holidays = tuple(self._holidays())
        return (Calendar(STANDARD, "Standard 40 hours", TZ, standard, holidays),
                Calendar(TWO_SHIFTS, "Two shifts (6-22)", TZ, shifts, holidays),
                Calendar(PAINT_WEEK, "Paint shop (Mon-Thu 10 h)", TZ, paint, holidays))

    def workcenters(self) -> tuple[WorkCenter, ...]:
        service = self.working_day(6)
        maintenance = Leave(6001, "Oven maintenance",
                            dt.datetime.combine(service, dt.time(5, 0), dt.timezone.utc),
                            dt.datetime.combine(service, dt.time(17, 0), dt.timezone.utc))
        return (
            WorkCenter(CUTTING, "CNC Cutting", TWO_SHIFTS, 1, 0.95, setup_minutes=10,
                       cleanup_minutes=5),
            WorkCenter(WELDING, "Welding", STANDARD, 2, 1.0, setup_minutes=15),
            WorkCenter(PAINT, "Paint Shop", PAINT_WEEK, 1, 0.9, leaves=(maintenance,),
                       setup_minutes=20, cleanup_minutes=10),
            WorkCenter(ASSEMBLY_1, "Assembly Line 1", STANDARD, 1, 1.0, (ASSEMBLY_2,),
                       setup_minutes=15),
            WorkCenter(ASSEMBLY_2, "Assembly Line 2", STANDARD, 1, 0.8, setup_minutes=15),
        )

    def boms(self) -> tuple[Bom, ...]:
        boms = []
        for pid, (lines, operations, kind) in BOMS.items():
            boms.append(Bom(
                600 + pid, pid, 1, UNITS,
                tuple(BomLine(7000 + pid * 10 + i, component, qty, PRODUCTS[component][2])
                      for i, (component, qty) in enumerate(lines.items())),
                tuple(Operation(8000 + pid * 10 + i, name, wc, 10 * (i + 1), hours * 60)
                      for i, (name, wc, hours) in enumerate(operations)),
                kind=kind,  # type: ignore[arg-type]
                name=PRODUCTS[pid][0]))
        return tuple(boms)

    def purchase_lines(self) -> tuple[PurchaseLine, ...]:
        lines = [
            (310, 36, 4, 9, "P00031"), (308, 35, 10, 16, "P00032"), (309, 35, 10, 16, "P00032"),
            (302, 32, 200, 6, "P00033"), (306, 33, 30, 2, "P00034"), (106, 38, 10, 8, "P00035"),
        ]
        return tuple(
            PurchaseLine(900 + i, name, pid, vendor, qty, PRODUCTS[pid][2],
                         self.today + dt.timedelta(days=days))
            for i, (pid, vendor, qty, days, name) in enumerate(lines))

    def manufacturing_orders(self) -> tuple[ManufacturingOrder, ...]:
        """30 open orders: they keep Assembly Line 1 busy for about two weeks."""
        rng = self.rng
        workcenters = {wc.id: wc for wc in self.workcenters()}
        mix = [101] * 6 + [102] * 3 + [105] * 3 + [104] * 3 + [201] * 4 + [202] * 4 + \
            [203] * 2 + [205] * 2 + [206] * 3
        orders = []
        for number, pid in enumerate(mix, start=1):
            lines, operations, _ = BOMS[pid]
            qty = rng.choice([4, 5, 6, 8, 10, 12])
            started = number <= 6
            work = []
            for seq, (name, wc, hours) in enumerate(operations):
                center = workcenters[wc]
                minutes = center.setup_minutes + center.cleanup_minutes + math.ceil(
                    qty / center.capacity) * hours * 60 / center.efficiency
                if started and seq == 0:
                    minutes *= 0.5
                work.append(WorkOrder(20000 + number * 10 + seq, name, wc, 10 * (seq + 1),
                                      round(minutes, 1), started and seq == 0))
            components = tuple(ComponentNeed(component, qty * per, PRODUCTS[component][2])
                               for component, per in lines.items()) if not started else ()
            start = self.working_day(number // 3)
            orders.append(ManufacturingOrder(
                10000 + number, f"WH/MO/{number:05d}", pid, qty, UNITS, components,
                tuple(work), start, start + dt.timedelta(days=7)))
        return tuple(orders)

    def sale_orders(self) -> tuple[SaleOrder, ...]:
        rng = self.rng
        orders = []
        confirmed = [
            ({101: 8}, 8), ({102: 4}, 12), ({105: 6}, 10), ({104: 12}, 6), ({101: 12, 106: 12}, 15),
            ({103: 2}, 20), ({102: 6}, 18), ({105: 4}, 14), ({101: 6}, 9), ({104: 8}, 11),
            ({107: 10}, 16), ({101: 10}, 13), ({105: 8}, 22), ({102: 4}, 25), ({103: 3}, 30),
            ({104: 16}, 19),
        ]
        now = dt.datetime.combine(self.today, dt.time(6, 0), dt.timezone.utc)
        for number, (lines, due) in enumerate(confirmed, start=1):
            ordered = self.today - dt.timedelta(days=rng.randint(3, 12))
            orders.append(SaleOrder(
                3000 + number, f"S{number:05d}", rng.choice(CUSTOMERS), "confirmed", ordered,
                tuple(SaleLine(30000 + number * 10 + i, pid, qty, UNITS)
                      for i, (pid, qty) in enumerate(lines.items())),
                commitment_date=self.working_day(round(due * 5 / 7)),
                created_at=now - dt.timedelta(days=10, hours=number)))
        quotations = [
            ({101: 2}, 5), ({102: 4}, 10), ({103: 2}, 10), ({104: 5}, 4), ({105: 2}, None),
            ({101: 10}, 8), ({102: 1, 106: 1}, None), ({107: 3}, 12), ({104: 2, 105: 1}, 7),
            ({103: 1, 101: 2}, None),
        ]
        for number, (lines, asked) in enumerate(quotations, start=len(confirmed) + 1):
            orders.append(SaleOrder(
                3000 + number, f"S{number:05d}", rng.choice(CUSTOMERS), "quotation", self.today,
                tuple(SaleLine(30000 + number * 10 + i, pid, qty, UNITS)
                      for i, (pid, qty) in enumerate(lines.items())),
                commitment_date=self.working_day(asked) if asked is not None else None,
                created_at=now - dt.timedelta(hours=len(quotations) + 1 - number + 1)))
        return tuple(orders)
