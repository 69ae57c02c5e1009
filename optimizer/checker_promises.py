"""The checker's part on promises and purchases (see :mod:`optimizer.checker`)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from optimizer.plan import Plan
from optimizer.snapshot import Snapshot

TOLERANCE = 1e-5


def check_promises(snapshot: Snapshot, plan: Plan, tz: ZoneInfo,
                   fail: Callable[[str], None]) -> None:
    """Each line's deliveries add up to what it promises, its date is when the last of them
    arrives plus the delivery lead time and never before the work for it ends, its status
    matches its date, and the order's date follows its shipping policy."""
    delivery_days = dt.timedelta(days=snapshot.delivery_lead_days)
    deliveries: dict[tuple[int, int], list[dt.datetime]] = defaultdict(list)
    shipped: dict[tuple[int, int], float] = defaultdict(float)
    for delivery in plan.deliveries:
        if delivery.at is not None:
            deliveries[(delivery.order_id, delivery.line_id)].append(delivery.at)
            shipped[(delivery.order_id, delivery.line_id)] += delivery.quantity
    finishes: dict[tuple[int, int | None], dt.datetime] = {}
    for job in plan.jobs:
        for demand in job.serves:
            if job.finish_at is not None and demand.kind != "manufacturing":
                key = (demand.id, demand.line_id)
                finishes[key] = max(finishes.get(key, job.finish_at), job.finish_at)
    orders = {o.id: o for o in snapshot.sale_orders}
    today = snapshot.today
    for promise in plan.orders:
        order = orders[promise.order_id]
        dates = []
        for line in promise.lines:
            key = (promise.order_id, line.line_id)
            if line.promise_date is None:
                if line.status != "cannot_plan":
                    fail(f"{promise.name}: line {line.line_id} has no date but status "
                         f"{line.status}")
                continue
            dates.append(line.promise_date)
            if line.promise_date < today:
                fail(f"{promise.name}: line {line.line_id} promised in the past")
            if line.quantity > TOLERANCE:
                if abs(shipped[key] - (line.quantity - line.missing)) > TOLERANCE:
                    fail(f"{promise.name}: line {line.line_id} ships {shipped[key]:.4f} of "
                         f"{line.quantity - line.missing:.4f}")
                last = max(deliveries[key], default=None)
                if last is None or (last + delivery_days).astimezone(tz).date() != \
                        line.promise_date:
                    fail(f"{promise.name}: line {line.line_id} promised {line.promise_date}, "
                         f"its last delivery is ready {last}")
            finish = finishes.get(key)
            if finish is not None and (finish + delivery_days).astimezone(tz).date() > \
                    line.promise_date:
                fail(f"{promise.name}: line {line.line_id} promised {line.promise_date} before "
                     f"its work ends {finish}")
            target = order.commitment_date or line.lead_time_date
            late = line.promise_date > target or line.missing > TOLERANCE
            if order.commitment_at is not None and line.ready_at is not None:
                late = late or line.ready_at > order.commitment_at
            if line.status != ("late" if late else "on_time"):
                fail(f"{promise.name}: line {line.line_id} is {line.status}, expected "
                     f"{'late' if late else 'on_time'}")
        if any(line.promise_date is None for line in promise.lines):
            if promise.promise_date is not None or promise.status != "cannot_plan":
                fail(f"{promise.name}: a line cannot be planned but the order has a date")
        elif dates:
            expected = max(dates) if order.picking_policy == "one" else min(dates)
            if promise.promise_date != expected:
                fail(f"{promise.name}: order date {promise.promise_date} does not follow its "
                     f"shipping policy ({expected})")
        if promise.lines and promise.reason not in {
                line.reason for line in promise.lines
                if line.promise_date == promise.promise_date}:
            fail(f"{promise.name}: its reason is not that of a line dated "
                 f"{promise.promise_date}, the order's date")


def check_purchases(snapshot: Snapshot, plan: Plan, fail: Callable[[str], None]) -> None:
    """New purchases are ordered from today on, arrive no sooner than their lead time, from a
    vendor that sells the product, at least its minimum quantity."""
    index = snapshot.index
    today = snapshot.today
    for purchase in plan.purchases:
        lead = math.ceil(purchase.lead_days - 1e-9)
        if purchase.order_by < today:
            fail(f"purchase {purchase.key}: order-by {purchase.order_by} is in the past")
        if (purchase.need_date - today).days < lead:
            fail(f"purchase {purchase.key}: needed {purchase.need_date}, sooner than its "
                 f"{lead}-day lead time allows")
        offers = [s for s in index.sellers.get(purchase.product_id, [])
                  if s.vendor_id == purchase.vendor_id]
        if not offers:
            fail(f"purchase {purchase.key}: vendor {purchase.vendor_id} does not sell product "
                 f"{purchase.product_id}")
            continue
        smallest = min(index.to_product_uom(s.min_qty, s.uom_id, s.product_id)
                       if s.uom_id is not None else s.min_qty for s in offers)
        if purchase.quantity < smallest - TOLERANCE:
            fail(f"purchase {purchase.key}: {purchase.quantity} is below the vendor's minimum "
                 f"{smallest}")
