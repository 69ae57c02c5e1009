"""Readable tables and a self-contained HTML report of a plan (capacity load drawn as SVG)."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict

import pandas as pd

from optimizer.plan import Plan
from optimizer.snapshot import Snapshot

STATUS_LABELS = {"on_time": "on time", "late": "late", "cannot_plan": "cannot plan"}


def _date(value: dt.date | None) -> str:
    return value.strftime("%a %d %b") if value else "-"


def promises_table(plan: Plan, state: str = "quotation") -> pd.DataFrame:
    """One row per order: quotation, customer, asked date, Odoo's lead-time date, promise,
    status and reason."""
    rows = [
        {
            "order": promise.name,
            "customer": promise.customer,
            "asked": _date(promise.asked_date),
            "odoo date": _date(promise.lead_time_date),
            "promised": _date(promise.promise_date),
            "status": STATUS_LABELS[promise.status],
            "reason": promise.reason,
        }
        for promise in plan.orders
        if promise.state == state
    ]
    return pd.DataFrame(rows, columns=["order", "customer", "asked", "odoo date", "promised",
                                       "status", "reason"])


def purchases_table(plan: Plan, snapshot: Snapshot) -> pd.DataFrame:
    """Suggested purchases of the committed plan, vendor by vendor, most urgent first."""
    index = snapshot.index
    rows = []
    for suggestion in plan.purchases:
        if suggestion.quotation_id is not None:
            continue
        product = index.products[suggestion.product_id]
        rows.append({
            "vendor": index.vendors[suggestion.vendor_id].name,
            "product": product.name,
            "quantity": f"{suggestion.quantity:g} {index.uoms[product.uom_id].name}",
            "order by": _date(suggestion.order_by),
            "need": _date(suggestion.need_date),
            "serves": ", ".join(d.name for d in suggestion.serves),
            "_order_by": suggestion.order_by,
        })
    table = pd.DataFrame(rows, columns=["vendor", "product", "quantity", "order by", "need",
                                        "serves", "_order_by"])
    table = table.sort_values(["vendor", "_order_by", "product"], kind="stable")
    return table.drop(columns="_order_by").reset_index(drop=True)


def load_table(plan: Plan, snapshot: Snapshot) -> pd.DataFrame:
    """Available and planned hours per work center and day."""
    names = {wc.id: wc.name for wc in snapshot.workcenters}
    table = pd.DataFrame(
        [{"workcenter": names[row.workcenter_id], "date": row.date,
          "available": row.available_hours, "planned": row.planned_hours} for row in plan.load],
        columns=["workcenter", "date", "available", "planned"])
    table["utilization"] = (table["planned"] / table["available"].where(table["available"] > 0)
                            ).fillna(0.0)
    return table


def text_report(plan: Plan, snapshot: Snapshot) -> str:
    """What ``capacity-promise demo`` prints."""
    lines = [_headline(plan), ""]
    lines.append("Quotations: the earliest date the factory can really deliver")
    lines.append(_frame_text(promises_table(plan, "quotation")))
    lines.append("")
    lines.append("Confirmed orders")
    lines.append(_frame_text(promises_table(plan, "confirmed")))
    lines.append("")
    lines.append("Suggested purchases, by vendor")
    purchases = purchases_table(plan, snapshot)
    if purchases.empty:
        lines.append("  (none: stock and open purchase orders cover everything)")
    for vendor, group in purchases.groupby("vendor", sort=True):
        lines.append(f"  {vendor}")
        lines.append(_frame_text(group.drop(columns="vendor"), indent="    "))
    if plan.bring_forward:
        lines.append("")
        lines.append("Open purchase orders to bring forward")
        index = snapshot.index
        for item in plan.bring_forward:
            lines.append(f"  {item.order_name} ({index.vendors[item.vendor_id].name}): "
                         f"{item.quantity:g} {index.products[item.product_id].name}, expected "
                         f"{_date(item.expected)}, wanted {_date(item.wanted)} for "
                         + ", ".join(d.name for d in item.serves))
    if plan.warnings:
        lines.append("")
        lines.append("Warnings")
        lines.extend(f"  - {warning}" for warning in plan.warnings)
    return "\n".join(lines)


def _frame_text(frame: pd.DataFrame, indent: str = "  ") -> str:
    """Left-aligned columns; the last column (the reason) is never cut."""
    if frame.empty:
        return f"{indent}(none)"
    rows = [list(map(str, frame.columns))]
    rows += [[str(value) for value in row] for row in frame.itertuples(index=False)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append(indent + "  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def _headline(plan: Plan) -> str:
    summary = plan.summary()
    solver = plan.solver
    gap = f", gap {solver.gap:.2%}" if solver.gap is not None else ""
    return (f"Plan of {plan.today:%d %b %Y}: {summary['orders']} orders "
            f"({summary['on_time']} on time, {summary['late']} late, "
            f"{summary['cannot_plan']} cannot plan), {summary['jobs']} production jobs, "
            f"{summary['purchases']} purchases; {plan.status} plan in "
            f"{plan.timings.get('total', 0):.2f} s; solver {solver.solver}: {solver.status}"
            f"{gap} - {solver.message}")


def html_report(plan: Plan, snapshot: Snapshot) -> str:
    """A single HTML page: promises, purchases and a load chart per work center."""
    quotations = promises_table(plan, "quotation")
    confirmed = promises_table(plan, "confirmed")
    purchases = purchases_table(plan, snapshot)
    charts = "\n".join(_load_chart(plan, wc.id, wc.name) for wc in snapshot.workcenters)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>capacity-promise plan {plan.today:%Y-%m-%d}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
h1 {{ font-size: 1.4rem; }} h2 {{ font-size: 1.1rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; font-size: .85rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left;
          white-space: nowrap; }}
td:last-child {{ white-space: normal; }}
th {{ background: #f4f4f4; }}
.badge {{ padding: .1rem .5rem; border-radius: .8rem; font-size: .75rem; }}
.on-time {{ background: #d4edda; }} .late {{ background: #fde2c8; }}
.cannot-plan {{ background: #f8d0d0; }}
.chart {{ margin: 1rem 0; }} .legend span {{ margin-right: 1rem; }}
.muted {{ color: #666; font-size: .85rem; }}
</style></head><body>
<h1>capacity-promise plan of {plan.today:%d %B %Y}</h1>
<p class="muted">{html.escape(_headline(plan))}</p>
<h2>Quotations</h2>{_html_table(quotations)}
<h2>Confirmed orders</h2>{_html_table(confirmed)}
<h2>Suggested purchases</h2>{_html_table(purchases)}
<h2>Capacity load per work center</h2>
<p class="legend muted"><span>&#9632; planned hours</span>
<span style="color:#bbb">&#9632; available hours</span></p>
{charts}
</body></html>
"""


def _html_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class='muted'>none</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = html.escape(str(value))
            if column == "status":
                text = f"<span class='badge {text.replace(' ', '-')}'>{text}</span>"
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _load_chart(plan: Plan, workcenter_id: int, name: str, days: int = 42) -> str:
    """Bars per day: available hours in grey, planned hours in blue over them."""
    available: dict[dt.date, float] = defaultdict(float)
    planned: dict[dt.date, float] = defaultdict(float)
    for row in plan.load:
        if row.workcenter_id == workcenter_id:
            available[row.date] += row.available_hours
            planned[row.date] += row.planned_hours
    dates = [plan.today + dt.timedelta(days=i) for i in range(days)]
    top = max([*available.values(), *planned.values(), 1.0])
    width, height, bar = 16 * days + 40, 140, 12
    scale = (height - 30) / top
    parts = [f"<svg class='chart' width='{width}' height='{height}' role='img' "
             f"aria-label='{html.escape(name)} load'>"]
    parts.append(f"<text x='0' y='12' font-size='12'>{html.escape(name)}</text>")
    for i, date in enumerate(dates):
        x = 30 + i * 16
        base = height - 14
        a, p = available.get(date, 0.0), planned.get(date, 0.0)
        parts.append(f"<rect x='{x}' y='{base - a * scale:.1f}' width='{bar}' "
                     f"height='{a * scale:.1f}' fill='#ddd'><title>{date:%a %d %b}: "
                     f"{p:.1f} of {a:.1f} h</title></rect>")
        colour = "#d9534f" if p > a + 1e-6 else "#3b7dd8"
        parts.append(f"<rect x='{x + 2}' y='{base - p * scale:.1f}' width='{bar - 4}' "
                     f"height='{p * scale:.1f}' fill='{colour}'/>")
        if date.weekday() == 0:
            parts.append(f"<text x='{x}' y='{height - 2}' font-size='9'>{date:%d %b}</text>")
    parts.append(f"<text x='0' y='{height - 14 - top * scale + 4:.0f}' font-size='9'>"
                 f"{top:.0f} h</text>")
    parts.append("</svg>")
    return "".join(parts)
