"""The ``/quote`` body, read and checked before anything else sees it: JSON of bounded depth
with finite numbers only, ids that fit Odoo's integer columns, quantities, lead times and dates
within bounds, a bounded number of lines. Every refusal names the field (``lines[3].quantity``),
so the integrator knows what to fix; the bounds are published in ``/openapi.json``."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any
from zoneinfo import ZoneInfo

from optimizer.snapshot import SaleLine, SaleOrder

MAX_BODY = 1_000_000  # bytes
MAX_ID = 2**31 - 1  # Odoo's ids are PostgreSQL integers
MAX_QUANTITY = 1e9
MAX_LEAD_DAYS = 3650
MAX_DEPTH = 8  # the contract's deepest value is lines[i].field: three levels
MAX_TEXT = 500  # order name, customer
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# dates the planner can count with in any time zone, far from datetime's year 1 and 9999
FIRST_YEAR, LAST_YEAR = 1970, 2999


class RequestError(ValueError):
    """A body the service refuses; the message starts with the field it is about."""


def parse_body(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; refuses ``NaN``/``Infinity``, numbers that are not finite,
    nesting deeper than :data:`MAX_DEPTH` and anything that is not an object."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestError(f"body: not UTF-8 ({error.reason} at byte {error.start})") from error
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise RequestError(f"body: nested deeper than {MAX_DEPTH} levels") from error
    except RequestError:
        raise
    except ValueError as error:  # JSONDecodeError, and integers of over 4,300 digits
        raise RequestError(f"body: not JSON ({str(error)[:120]})") from error
    if _depth(value) > MAX_DEPTH:
        raise RequestError(f"body: nested deeper than {MAX_DEPTH} levels")
    if not isinstance(value, dict):
        raise RequestError("body: expected a JSON object")
    return value


def _refuse_constant(name: str) -> Any:
    raise RequestError(f"body: {name} is not a number the service accepts")


def _depth(value: Any) -> int:
    """How deeply containers nest in ``value``, without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        current, level = pending.pop()
        if isinstance(current, dict):
            current = list(current.values())
        if isinstance(current, list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            pending.extend((item, level + 1) for item in current)
    return deepest


def record_id(value: Any, where: str, allow_zero: bool = False) -> int:
    """An Odoo id: an integer from 1 (or 0) to 2**31 - 1."""
    low = 0 if allow_zero else 1
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_ID:
        raise RequestError(f"{where}: expected an integer id from {low} to {MAX_ID}, "
                           f"got {_shown(value)}")
    return value


def number(value: Any, where: str, high: float, unit: str = "") -> float:
    """A finite number from 0 to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestError(f"{where}: expected a number, got {_shown(value)}")
    if isinstance(value, int) and not -high <= value <= high:  # float() of 10**400 overflows
        raise RequestError(f"{where}: expected {unit or 'a number'} from 0 to {high:g}, "
                           f"got {_shown(value)}")
    result = float(value)
    if not math.isfinite(result) or not 0 <= result <= high:
        raise RequestError(f"{where}: expected {unit or 'a number'} from 0 to {high:g}, "
                           f"got {_shown(value)}")
    return result


def text(value: Any, where: str) -> str:
    """A short text (or nothing)."""
    if value is None or value is False:
        return ""
    if not isinstance(value, str):
        raise RequestError(f"{where}: expected a text, got {_shown(value)}")
    if len(value) > MAX_TEXT:
        raise RequestError(f"{where}: at most {MAX_TEXT} characters, got {len(value)}")
    return value


def moment(value: Any, where: str) -> dt.datetime | None:
    """Odoo's naive UTC ``YYYY-MM-DD HH:MM:SS`` as an aware datetime, in years the planner
    can count with."""
    if value is None or value is False or value == "":
        return None
    if not isinstance(value, str) or len(value) > 32:
        raise RequestError(f"{where}: expected 'YYYY-MM-DD HH:MM:SS', got {_shown(value)}")
    try:
        parsed = dt.datetime.strptime(value[:19], DATETIME_FORMAT)
    except ValueError as error:
        raise RequestError(f"{where}: expected 'YYYY-MM-DD HH:MM:SS', got {_shown(value)}"
                           ) from error
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise RequestError(f"{where}: expected a year from {FIRST_YEAR} to {LAST_YEAR}, "
                           f"got {_shown(value)}")
    return parsed.replace(tzinfo=dt.timezone.utc)


def order_id(request: dict[str, Any]) -> int:
    """The quotation's id, checked."""
    return record_id(request.get("order_id"), "order_id")


def quotation(request: dict[str, Any], tz: ZoneInfo, today: dt.date,
              max_lines: int) -> SaleOrder:
    """A quotation from a ``/quote`` body that carries its lines (the addon's contract)."""
    identity = order_id(request)
    lines = request.get("lines")
    if not isinstance(lines, list):
        raise RequestError(f"lines: expected a list of order lines, got {_shown(lines)}")
    if len(lines) > max_lines:
        raise RequestError(f"lines: at most {max_lines} lines per quote, got {len(lines)}")
    sale_lines = []
    for position, line in enumerate(lines):
        where = f"lines[{position}]"
        if not isinstance(line, dict):
            raise RequestError(f"{where}: expected an object, got {_shown(line)}")
        lead = line.get("customer_lead")
        sale_lines.append(SaleLine(
            record_id(line.get("line_id"), f"{where}.line_id", allow_zero=True),
            record_id(line.get("product_id"), f"{where}.product_id"),
            number(line.get("quantity"), f"{where}.quantity", MAX_QUANTITY, "a quantity"),
            record_id(line.get("uom_id"), f"{where}.uom_id"),
            None if lead is None else number(lead, f"{where}.customer_lead", MAX_LEAD_DAYS,
                                             "days")))
    created = moment(request.get("date_order"), "date_order")
    commitment = moment(request.get("commitment_date"), "commitment_date")
    name = text(request.get("name"), "name") or str(identity)
    policy = request.get("picking_policy")
    if policy not in (None, False, "direct", "one"):
        raise RequestError(f"picking_policy: expected 'direct' or 'one', got {_shown(policy)}")
    return SaleOrder(identity, name, text(request.get("partner"), "partner"), "quotation",
                     created.astimezone(tz).date() if created else today, tuple(sale_lines),
                     commitment.astimezone(tz).date() if commitment else None, created,
                     "one" if policy == "one" else "direct")


def _shown(value: Any) -> str:
    """A value as the error shows it: its type, or a short ``repr``."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**18:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, dict | list):
        return f"a JSON {'object' if isinstance(value, dict) else 'list'}"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
