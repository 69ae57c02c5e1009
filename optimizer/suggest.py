"""Purchasing's to-do list: open purchase orders to bring forward, then new purchases.

New purchases exist only for what open supply cannot cover at all (the engine uses open supply
first, late or not); an open order that arrives after a confirmed line needed it is asked to
come sooner instead. New purchases of one product from one vendor whose order-by dates fall in
one ISO week are one suggestion; ``group`` ties a vendor's suggestions of a week together.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from optimizer.assemble import Assembler
from optimizer.calendar import EPS
from optimizer.demand import MINUTES_PER_DAY
from optimizer.ledger import PurchaseRecord
from optimizer.material import Consumption
from optimizer.plan import BringForward, DemandKind, DemandRef, PurchaseSuggestion
from optimizer.reason import Reason


def purchases(assembler: Assembler) -> list[PurchaseSuggestion]:
    """New purchases, one per product, vendor and week, each needed when its first consumer
    takes it."""
    state = assembler.state
    consumptions: dict[int, list[Consumption]] = defaultdict(list)
    for consumption in state.base.stock.consumptions:
        consumptions[consumption.lot.uid].append(consumption)
    records: list[PurchaseRecord] = [*state.manufacturing.purchases, *state.committed.purchases]
    hold = assembler.engine.settings.quotations_hold_capacity
    share: dict[int, float] = {}
    for record in state.quotations.values():
        records.extend(record.purchases)
        share.update((purchase.lot.uid, record.share) for purchase in record.purchases)
        if not hold:  # held quotations were committed: their takes are in the ledger already
            for consumption in record.consumptions:
                consumptions[consumption.lot.uid].append(consumption)
    safety = assembler.engine.settings.purchase_safety_days
    groups: dict[tuple[int, int, int | None, int, int], list[tuple[float, PurchaseRecord]]] = \
        defaultdict(list)
    for purchase in records:
        own = consumptions.get(purchase.lot.uid, [])
        need = max(min((c.at for c in own), default=purchase.earliest), purchase.earliest)
        order_by = assembler.date(need) - _days(purchase.lead_days + safety)
        year, week, _ = max(order_by, assembler.today).isocalendar()
        groups[(purchase.lot.product_id, purchase.vendor_id, purchase.scenario, year, week)] \
            .append((need, purchase))
    suggestions = [_suggestion(assembler, key, sorted(members, key=lambda m: (m[0], m[1].lot.uid)),
                               consumptions, share)
                   for key, members in sorted(groups.items(), key=lambda item: (
                       item[0][0], item[0][1], item[0][2] or 0, item[0][3], item[0][4]))]
    suggestions.sort(key=lambda s: (s.order_by, s.vendor_id, s.product_id, s.key))
    return suggestions


def _days(days: float) -> dt.timedelta:
    return dt.timedelta(days=math.ceil(days - 1e-9))


def _suggestion(assembler: Assembler, key: tuple[int, int, int | None, int, int],
                batch: list[tuple[float, PurchaseRecord]],
                consumptions: dict[int, list[Consumption]],
                share: dict[int, float]) -> PurchaseSuggestion:
    product_id, vendor_id, scenario, year, week = key
    need = batch[0][0]
    lead = max(purchase.lead_days for _, purchase in batch)
    quantity = max(sum(purchase.quantity * share.get(purchase.lot.uid, 1.0)
                       for _, purchase in batch),
                   *(purchase.min_qty for _, purchase in batch))
    served: dict[tuple[DemandKind, int, int | None], float] = defaultdict(float)
    names: dict[tuple[DemandKind, int, int | None], str] = {}
    for _, purchase in batch:
        for consumption in consumptions.get(purchase.lot.uid, []):
            demand = consumption.demand
            key3 = (demand.kind, demand.id, demand.line_id)
            served[key3] += consumption.qty * assembler.share_of(demand)
            names[key3] = demand.name
    serves = tuple(DemandRef(kind, record_id, names[(kind, record_id, line_id)], line_id,
                             round(qty, 6))
                   for (kind, record_id, line_id), qty in sorted(
                       served.items(), key=lambda item: (item[0][0], item[0][1],
                                                         item[0][2] or 0)))
    safety = assembler.engine.settings.purchase_safety_days
    need_date = assembler.date(need)
    order_by = max(assembler.today, need_date - _days(lead + safety))
    reason: Reason = batch[0][1].lot.reason
    suggestion_key = f"{product_id}-{vendor_id}-{need_date.isoformat()}"
    if scenario is not None:
        suggestion_key += f"-q{scenario}"
    return PurchaseSuggestion(suggestion_key, product_id, vendor_id, round(quantity, 6), order_by,
                              need_date, lead, serves, scenario,
                              assembler.explainer.sentence(reason),
                              assembler.explainer.values(reason), f"{vendor_id}-{year}-W{week:02d}")


def bring_forward(assembler: Assembler) -> list[BringForward]:
    """Open purchase order lines a late confirmed line waits for, with the date that would
    make it on time (never before today)."""
    state = assembler.state
    lines = {(line.order_name, line.product_id): line
             for line in assembler.snapshot.purchase_lines}
    wanted: dict[int, tuple[float, list[DemandRef]]] = {}
    for outcome in state.committed.lines:
        if outcome.at is None:
            continue
        lateness = outcome.at - assembler.engine.demand.ready_by(outcome.order)
        if lateness <= EPS:
            continue
        reason: Reason | None = outcome.reason
        while reason is not None and reason.kind != "supply":
            reason = reason.inner
        if reason is None or reason.at is None:
            continue
        line = lines.get((reason.ref, reason.product_id or 0))
        if line is None:
            continue
        target = max(0.0, reason.at - lateness)
        demand = DemandRef("sale", outcome.order.id, outcome.order.name, outcome.line.id,
                           outcome.quantity)
        earliest, serves = wanted.get(line.id, (target, []))
        wanted[line.id] = (min(earliest, target), [*serves, demand])
    by_id = {line.id: line for line in assembler.snapshot.purchase_lines}
    result = []
    for line_id in sorted(wanted):
        target, serves = wanted[line_id]
        line = by_id[line_id]
        wanted_date = assembler.date(target - assembler.engine.settings.purchase_safety_days
                                     * MINUTES_PER_DAY)
        result.append(BringForward(line.id, line.order_name, line.product_id, line.vendor_id,
                                   line.quantity, line.expected_date,
                                   max(wanted_date, assembler.today), tuple(serves)))
    return result
