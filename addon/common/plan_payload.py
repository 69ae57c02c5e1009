# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Read and check what the planning service sends: a plan, or a quote answer.

Plain Python on purpose (no Odoo import): the shape of a payload is checked
here, element by element, and every error names the element and the field
(``orders[3].promise_date: '2026-13-01' is not a date``). Whether the records
it refers to exist is checked afterwards by :func:`check_references`, given one
lookup per model by ``capacity.planner.run``.

Keys this version does not know (a newer service may send more, such as the
work orders' start and end) are ignored.

Version 2 adds the delta: a plan with ``base_run_key`` carries only the items
that changed since that run, the items it removed (``removed``) and the run's
``totals``; see :class:`Removed` and :class:`Totals`.
"""

import datetime
import json
import math
from dataclasses import dataclass

PAYLOAD_VERSION = 2
# the versions this addon reads: 1 is always a full plan
PAYLOAD_VERSIONS = (1, 2)
PROMISE_STATUSES = ("on_time", "late", "cannot_plan")
PLAN_STATUSES = ("optimized", "constructive", "failed")
SOLVER_STATUSES = (
    "optimal",
    "feasible",
    "no_solution",
    "not_needed",
    "disabled",
    "error",
)
SERVE_KINDS = ("sale", "quotation", "manufacturing")


class PayloadError(ValueError):
    """One element of a payload is missing or wrong; the message names it."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class LinePromise:
    """A line's promise; ``shipments`` (``(date, quantity)``, by date) say what ships
    when, ``quantity_by_requested_date`` how much comes by the date asked for and
    ``missing_quantity`` what cannot come within the horizon (all optional)."""

    path: str
    line_id: int
    promise_date: datetime.date | None
    status: str
    reason: str
    shipments: tuple = ()
    quantity_by_requested_date: float | None = None
    missing_quantity: float = 0.0
    reason_data: str = ""


@dataclass(frozen=True)
class OrderPromise:
    path: str
    order_id: int
    promise_date: datetime.date | None
    status: str
    reason: str
    lines: tuple
    reason_data: str = ""


@dataclass(frozen=True)
class WorkorderTimes:
    path: str
    workorder_id: int
    workcenter_id: int | None
    date_start: datetime.datetime
    date_finished: datetime.datetime


@dataclass(frozen=True)
class ProductionDates:
    path: str
    production_id: int
    start_date: datetime.date
    finish_date: datetime.date
    date_start: datetime.datetime | None = None
    date_finished: datetime.datetime | None = None
    workorders: tuple = ()


@dataclass(frozen=True)
class Serve:
    path: str
    kind: str
    record_id: int
    quantity: float


@dataclass(frozen=True)
class Suggestion:
    path: str
    key: str
    product_id: int
    vendor_id: int
    quantity: float
    uom_id: int
    order_by_date: datetime.date
    need_date: datetime.date
    lead_days: float
    serves: tuple


@dataclass(frozen=True)
class LoadDay:
    path: str
    workcenter_id: int
    date: datetime.date
    available_hours: float
    planned_hours: float


@dataclass(frozen=True)
class Solver:
    name: str
    status: str
    gap: float | None
    seconds: float
    message: str


@dataclass(frozen=True)
class Removed:
    """What a delta takes away from its base run: order ids, production ids,
    suggestion keys, ``(work center id, date)`` of load days, purchase line ids."""

    orders: tuple = ()
    productions: tuple = ()
    suggestions: tuple = ()
    load: tuple = ()
    bring_forward: tuple = ()


@dataclass(frozen=True)
class Totals:
    """A delta's counts over the whole plan, for its planner run."""

    orders: int
    late: int
    cannot_plan: int
    suggestions: int
    workcenter_days: int


@dataclass(frozen=True)
class Plan:
    run_key: str
    company_id: int
    snapshot_at: datetime.datetime
    started_at: datetime.datetime
    finished_at: datetime.datetime
    status: str
    solver: Solver
    warnings: tuple
    orders: tuple
    productions: tuple
    suggestions: tuple
    load: tuple
    # a delta's: the run it applies on, what it removes, the whole plan's counts
    base_run_key: str = ""
    removed: Removed | None = None
    totals: Totals | None = None

    @property
    def is_delta(self):
        return bool(self.base_run_key)


@dataclass(frozen=True)
class Quote:
    order_id: int
    promise_date: datetime.date | None
    status: str
    reason: str
    computed_at: datetime.datetime
    plan_age_seconds: float
    lines: tuple
    reason_data: str = ""


# -- scalar readers --------------------------------------------------------


def _describe(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _require(mapping, key, path):
    if key not in mapping:
        raise PayloadError(f"{path}.{key}" if path else key, "missing")
    return mapping[key]


def _mapping(value, path):
    if not isinstance(value, dict):
        raise PayloadError(path, f"{_describe(value)} is not an object")
    return value


def _list(value, path):
    if not isinstance(value, list | tuple):
        raise PayloadError(path, f"{_describe(value)} is not a list")
    return value


def _integer(value, path, positive=True):
    # bool is an int in Python, never a record id
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(path, f"{_describe(value)} is not an integer")
    if positive and value <= 0:
        raise PayloadError(path, f"{value} is not a positive id")
    return value


def _number(value, path, minimum=None, nullable=False):
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(path, f"{_describe(value)} is not a number")
    if not math.isfinite(value):
        raise PayloadError(path, f"{_describe(value)} is not a finite number")
    if minimum is not None and value < minimum:
        raise PayloadError(path, f"{value} is below {minimum}")
    return float(value)


def _text(value, path, nullable=True, required=False):
    if value is None and nullable and not required:
        return ""
    if not isinstance(value, str):
        raise PayloadError(path, f"{_describe(value)} is not a string")
    if required and not value.strip():
        raise PayloadError(path, "is empty")
    return value


def _reason(value, path):
    """A reason is a sentence, or the planner's structured form ``{"kind": str,
    "values": {...}, "text": str}``, of which the sentence (``text``) is kept; without
    one, the kind and values are shown as they are."""
    if not isinstance(value, dict):
        return _text(value, path)
    text = _text(value.get("text"), f"{path}.text")
    if text:
        return text
    kind = _text(value.get("kind"), f"{path}.kind")
    values = _mapping(value.get("values") or {}, f"{path}.values")
    details = ", ".join(f"{key}: {values[key]}" for key in sorted(values))
    return f"{kind} ({details})" if details else kind


def _reason_data(raw, path):
    """The reason as structured data, ``{"kind": str, "values": {...}}`` (what the addon
    renders in the reader's language), as canonical JSON text; "" without one. It comes
    as ``reason_data`` next to the sentence, or as the ``reason`` itself."""
    value = raw.get("reason_data")
    if value is None and isinstance(raw.get("reason"), dict):
        value, path = raw["reason"], path.replace("reason_data", "reason")
    if not value:
        return ""
    value = _mapping(value, path)
    _text(_require(value, "kind", path), f"{path}.kind", required=True)
    _mapping(value.get("values") or {}, f"{path}.values")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _choice(value, path, choices):
    if value not in choices:
        raise PayloadError(
            path, f"{_describe(value)} is not one of {', '.join(choices)}"
        )
    return value


def _date(value, path, nullable=False):
    if value is None and nullable:
        return None
    # fromisoformat is many times faster than strptime (tens of thousands of dates in a
    # plan); the shape check keeps it to YYYY-MM-DD
    try:
        if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PayloadError(
            path, f"{_describe(value)} is not a date (YYYY-MM-DD)"
        ) from None


def _datetime(value, path):
    try:
        if (
            not isinstance(value, str)
            or len(value) != 19
            or value[10] != " "
            or value[4] != "-"
            or value[7] != "-"
            or value[13] != ":"
            or value[16] != ":"
        ):
            raise ValueError
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(
            path, f"{_describe(value)} is not a datetime (YYYY-MM-DD HH:MM:SS, UTC)"
        ) from None


def _unique(items, key, what, field):
    seen = set()
    for item in items:
        value = key(item)
        if value in seen:
            raise PayloadError(
                f"{item.path}.{field}", f"{what} {value} is listed twice"
            )
        seen.add(value)


# -- elements --------------------------------------------------------------


def _read_line(raw, path):
    raw = _mapping(raw, path)
    return LinePromise(
        path=path,
        line_id=_integer(_require(raw, "line_id", path), f"{path}.line_id"),
        promise_date=_date(
            _require(raw, "promise_date", path), f"{path}.promise_date", nullable=True
        ),
        status=_choice(
            _require(raw, "status", path), f"{path}.status", PROMISE_STATUSES
        ),
        reason=_reason(raw.get("reason"), f"{path}.reason"),
        shipments=_read_shipments(raw.get("shipments") or [], f"{path}.shipments"),
        quantity_by_requested_date=_number(
            raw.get("quantity_by_requested_date"),
            f"{path}.quantity_by_requested_date",
            minimum=0,
            nullable=True,
        ),
        missing_quantity=_number(
            raw.get("missing_quantity") or 0.0, f"{path}.missing_quantity", minimum=0
        ),
        reason_data=_reason_data(raw, f"{path}.reason_data"),
    )


def _read_shipments(raw, path):
    shipments = []
    for index, item in enumerate(_list(raw, path)):
        item_path = f"{path}[{index}]"
        item = _mapping(item, item_path)
        shipments.append(
            (
                _date(_require(item, "date", item_path), f"{item_path}.date"),
                _number(
                    _require(item, "quantity", item_path),
                    f"{item_path}.quantity",
                    minimum=0,
                ),
            )
        )
    return tuple(sorted(shipments))


def _read_lines(raw, path):
    lines = tuple(
        _read_line(item, f"{path}[{index}]")
        for index, item in enumerate(_list(raw, path))
    )
    _unique(lines, lambda line: line.line_id, "line", "line_id")
    return lines


def _read_order(raw, path):
    raw = _mapping(raw, path)
    return OrderPromise(
        path=path,
        order_id=_integer(_require(raw, "order_id", path), f"{path}.order_id"),
        promise_date=_date(
            _require(raw, "promise_date", path), f"{path}.promise_date", nullable=True
        ),
        status=_choice(
            _require(raw, "status", path), f"{path}.status", PROMISE_STATUSES
        ),
        reason=_reason(raw.get("reason"), f"{path}.reason"),
        lines=_read_lines(raw.get("lines", []), f"{path}.lines"),
        reason_data=_reason_data(raw, f"{path}.reason_data"),
    )


def _read_production(raw, path):
    raw = _mapping(raw, path)
    start = _date(_require(raw, "start_date", path), f"{path}.start_date")
    finish = _date(_require(raw, "finish_date", path), f"{path}.finish_date")
    if finish < start:
        raise PayloadError(
            f"{path}.finish_date", f"{finish} is before start_date {start}"
        )
    date_start = _datetime_or_none(raw.get("date_start"), f"{path}.date_start")
    date_finished = _datetime_or_none(raw.get("date_finished"), f"{path}.date_finished")
    if date_start and date_finished and date_finished < date_start:
        raise PayloadError(
            f"{path}.date_finished", f"{date_finished} is before date_start {date_start}"
        )
    workorders_path = f"{path}.workorders"
    workorders = tuple(
        _read_workorder(item, f"{workorders_path}[{index}]")
        for index, item in enumerate(_list(raw.get("workorders") or [], workorders_path))
    )
    _unique(workorders, lambda item: item.workorder_id, "work order", "workorder_id")
    return ProductionDates(
        path=path,
        production_id=_integer(
            _require(raw, "production_id", path), f"{path}.production_id"
        ),
        start_date=start,
        finish_date=finish,
        date_start=date_start,
        date_finished=date_finished,
        workorders=workorders,
    )


def _datetime_or_none(value, path):
    return None if value is None else _datetime(value, path)


def _read_workorder(raw, path):
    """A work order's planned start and end, as the plan booked its operation."""
    raw = _mapping(raw, path)
    start = _datetime(_require(raw, "date_start", path), f"{path}.date_start")
    finish = _datetime(_require(raw, "date_finished", path), f"{path}.date_finished")
    if finish < start:
        raise PayloadError(f"{path}.date_finished", f"{finish} is before date_start {start}")
    workcenter = raw.get("workcenter_id")
    return WorkorderTimes(
        path=path,
        workorder_id=_integer(_require(raw, "workorder_id", path), f"{path}.workorder_id"),
        workcenter_id=None
        if workcenter is None
        else _integer(workcenter, f"{path}.workcenter_id"),
        date_start=start,
        date_finished=finish,
    )


def _read_serve(raw, path):
    raw = _mapping(raw, path)
    return Serve(
        path=path,
        kind=_choice(_require(raw, "kind", path), f"{path}.kind", SERVE_KINDS),
        record_id=_integer(_require(raw, "id", path), f"{path}.id"),
        quantity=_number(
            _require(raw, "quantity", path), f"{path}.quantity", minimum=0
        ),
    )


def _read_suggestion(raw, path):
    raw = _mapping(raw, path)
    serves_path = f"{path}.serves"
    quantity = _number(_require(raw, "quantity", path), f"{path}.quantity", minimum=0)
    if not quantity:
        raise PayloadError(f"{path}.quantity", "0 is not a quantity to buy")
    return Suggestion(
        path=path,
        key=_text(_require(raw, "key", path), f"{path}.key", required=True),
        product_id=_integer(_require(raw, "product_id", path), f"{path}.product_id"),
        vendor_id=_integer(_require(raw, "vendor_id", path), f"{path}.vendor_id"),
        quantity=quantity,
        uom_id=_integer(_require(raw, "uom_id", path), f"{path}.uom_id"),
        order_by_date=_date(
            _require(raw, "order_by_date", path), f"{path}.order_by_date"
        ),
        need_date=_date(_require(raw, "need_date", path), f"{path}.need_date"),
        lead_days=_number(raw.get("lead_days", 0.0), f"{path}.lead_days", minimum=0),
        serves=tuple(
            _read_serve(item, f"{serves_path}[{index}]")
            for index, item in enumerate(_list(raw.get("serves", []), serves_path))
        ),
    )


def _read_load_day(raw, path):
    raw = _mapping(raw, path)
    return LoadDay(
        path=path,
        workcenter_id=_integer(
            _require(raw, "workcenter_id", path), f"{path}.workcenter_id"
        ),
        date=_date(_require(raw, "date", path), f"{path}.date"),
        available_hours=_number(
            _require(raw, "available_hours", path), f"{path}.available_hours", minimum=0
        ),
        planned_hours=_number(
            _require(raw, "planned_hours", path), f"{path}.planned_hours", minimum=0
        ),
    )


def _read_solver(raw, path):
    raw = _mapping(raw, path)
    return Solver(
        name=_text(raw.get("name"), f"{path}.name"),
        status=_choice(
            _require(raw, "status", path), f"{path}.status", SOLVER_STATUSES
        ),
        gap=_number(raw.get("gap"), f"{path}.gap", minimum=0, nullable=True),
        seconds=_number(raw.get("seconds", 0.0), f"{path}.seconds", minimum=0),
        message=_text(raw.get("message"), f"{path}.message"),
    )


def _read_removed(raw, path):
    raw = _mapping(raw or {}, path)

    def ids(key):
        return tuple(
            _integer(item, f"{path}.{key}[{index}]")
            for index, item in enumerate(_list(raw.get(key) or [], f"{path}.{key}"))
        )

    load = []
    for index, item in enumerate(_list(raw.get("load") or [], f"{path}.load")):
        item_path = f"{path}.load[{index}]"
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise PayloadError(item_path, f"{_describe(item)} is not [workcenter_id, date]")
        load.append(
            (_integer(item[0], f"{item_path}[0]"), _date(item[1], f"{item_path}[1]"))
        )
    return Removed(
        orders=ids("orders"),
        productions=ids("productions"),
        suggestions=tuple(
            _text(item, f"{path}.suggestions[{index}]", required=True)
            for index, item in enumerate(
                _list(raw.get("suggestions") or [], f"{path}.suggestions")
            )
        ),
        load=tuple(load),
        bring_forward=ids("bring_forward"),
    )


def _read_totals(raw, path):
    raw = _mapping(raw, path)

    def count(key):
        value = _require(raw, key, path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PayloadError(f"{path}.{key}", f"{_describe(value)} is not a count")
        return value

    return Totals(
        orders=count("orders"),
        late=count("late"),
        cannot_plan=count("cannot_plan"),
        suggestions=count("suggestions"),
        workcenter_days=count("workcenter_days"),
    )


def _check_removed(plan):
    """An item a delta lists is not also removed by it."""
    listed = {
        "orders": {order.order_id for order in plan.orders},
        "productions": {production.production_id for production in plan.productions},
        "suggestions": {suggestion.key for suggestion in plan.suggestions},
        "load": {(day.workcenter_id, day.date) for day in plan.load},
    }
    for key, names in listed.items():
        for index, name in enumerate(getattr(plan.removed, key)):
            if name in names:
                raise PayloadError(
                    f"removed.{key}[{index}]", f"{_describe(name)} is also in {key}"
                )


def _read_all(raw, key, reader):
    return tuple(
        reader(item, f"{key}[{index}]")
        for index, item in enumerate(_list(raw.get(key, []), key))
    )


# -- public ----------------------------------------------------------------


def parse_plan(raw):
    """Check a plan payload and return it as a :class:`Plan`.

    Raises :class:`PayloadError` on the first element that is missing or
    wrong. Record ids are only checked to be positive integers here.
    """
    raw = _mapping(raw, "payload")
    version = _require(raw, "version", "")
    if isinstance(version, bool) or version not in PAYLOAD_VERSIONS:
        raise PayloadError(
            "version",
            f"{_describe(version)} is not supported: this addon reads versions "
            f"{', '.join(str(known) for known in PAYLOAD_VERSIONS)}; update the addon "
            "to the planning service's version",
        )
    base_run_key = raw.get("base_run_key") or ""
    if base_run_key and version < 2:
        raise PayloadError("base_run_key", f"a delta needs version 2, not {version}")
    base_run_key = _text(base_run_key, "base_run_key")
    started_at = _datetime(_require(raw, "started_at", ""), "started_at")
    finished_at = _datetime(_require(raw, "finished_at", ""), "finished_at")
    if finished_at < started_at:
        raise PayloadError(
            "finished_at", f"{finished_at} is before started_at {started_at}"
        )
    plan = Plan(
        run_key=_text(_require(raw, "run_key", ""), "run_key", required=True),
        company_id=_integer(_require(raw, "company_id", ""), "company_id"),
        snapshot_at=_datetime(_require(raw, "snapshot_at", ""), "snapshot_at"),
        started_at=started_at,
        finished_at=finished_at,
        status=_choice(_require(raw, "status", ""), "status", PLAN_STATUSES),
        solver=_read_solver(_require(raw, "solver", ""), "solver"),
        warnings=tuple(
            _text(item, f"warnings[{index}]", nullable=False)
            for index, item in enumerate(_list(raw.get("warnings", []), "warnings"))
        ),
        orders=_read_all(raw, "orders", _read_order),
        productions=_read_all(raw, "productions", _read_production),
        suggestions=_read_all(raw, "suggestions", _read_suggestion),
        load=_read_all(raw, "load", _read_load_day),
        base_run_key=base_run_key,
        removed=_read_removed(raw.get("removed"), "removed") if base_run_key else None,
        totals=_read_totals(_require(raw, "totals", ""), "totals") if base_run_key else None,
    )
    if len(plan.run_key) > 128:
        raise PayloadError("run_key", "is longer than 128 characters")
    _unique(plan.orders, lambda order: order.order_id, "sale order", "order_id")
    _unique(
        [line for order in plan.orders for line in order.lines],
        lambda line: line.line_id,
        "sale order line",
        "line_id",
    )
    _unique(
        plan.productions,
        lambda production: production.production_id,
        "manufacturing order",
        "production_id",
    )
    _unique(plan.suggestions, lambda suggestion: suggestion.key, "key", "key")
    _unique(
        plan.load,
        lambda day: (day.workcenter_id, day.date.isoformat()),
        "work center and date",
        "date",
    )
    if plan.is_delta:
        _check_removed(plan)
        if plan.status == "failed":
            raise PayloadError("base_run_key", "a failed run is never a delta")
    if plan.status == "failed":
        for key in ("orders", "productions", "suggestions", "load"):
            if getattr(plan, key):
                raise PayloadError(key, "must be empty when status is 'failed'")
    return plan


def parse_quote(raw, order_id, line_ids):
    """Check the answer of ``/quote`` for sale order ``order_id``.

    ``line_ids`` are the ids of the order lines that were sent; the answer
    may leave some out but may not name others.
    """
    raw = _mapping(raw, "response")
    answered_order = _integer(_require(raw, "order_id", ""), "order_id")
    if answered_order != order_id:
        raise PayloadError(
            "order_id", f"{answered_order} is not the order asked for ({order_id})"
        )
    quote = Quote(
        order_id=answered_order,
        promise_date=_date(
            _require(raw, "promise_date", ""), "promise_date", nullable=True
        ),
        status=_choice(_require(raw, "status", ""), "status", PROMISE_STATUSES),
        reason=_reason(raw.get("reason"), "reason"),
        computed_at=_datetime(_require(raw, "computed_at", ""), "computed_at"),
        plan_age_seconds=_number(
            raw.get("plan_age_seconds", 0.0), "plan_age_seconds", minimum=0
        ),
        lines=_read_lines(raw.get("lines", []), "lines"),
        reason_data=_reason_data(raw, "reason_data"),
    )
    for line in quote.lines:
        if line.line_id not in line_ids:
            raise PayloadError(
                f"{line.path}.line_id", f"{line.line_id} is not a line of this order"
            )
    return quote


def check_references(plan, company, lookup, same_uom_kind):
    """The errors of the records ``plan`` names, one sentence each: a record that
    does not exist, one of another company than ``company`` (``(id, name)``), a
    line of another order, a suggestion's unit that does not convert into its
    product's.

    ``lookup(model, ids, field_names)`` returns ``{id: values}`` (as ``search_read``
    answers) of those records among ``ids`` that exist; it is called once per model,
    whatever the plan's size. ``same_uom_kind(uom_id, other_uom_id)`` says whether
    quantities in the two units convert into each other.
    """
    company_id, company_name = company
    serves = [
        serve for suggestion in plan.suggestions for serve in suggestion.serves
    ]
    orders = lookup(
        "sale.order", [order.order_id for order in plan.orders], ["company_id", "name"]
    )
    lines = lookup(
        "sale.order.line",
        [line.line_id for order in plan.orders for line in order.lines],
        ["order_id"],
    )
    productions = lookup(
        "mrp.production",
        [production.production_id for production in plan.productions]
        + [serve.record_id for serve in serves if serve.kind == "manufacturing"],
        ["company_id", "name"],
    )
    served_orders = lookup(
        "sale.order",
        [serve.record_id for serve in serves if serve.kind != "manufacturing"],
        ["company_id"],
    )
    products = lookup(
        "product.product",
        [suggestion.product_id for suggestion in plan.suggestions],
        ["uom_id"],
    )
    vendors = lookup(
        "res.partner", [suggestion.vendor_id for suggestion in plan.suggestions], ["id"]
    )
    uoms = lookup("uom.uom", [suggestion.uom_id for suggestion in plan.suggestions], ["id"])
    workorders_planned = [
        workorder for production in plan.productions for workorder in production.workorders
    ]
    workorders = lookup(
        "mrp.workorder",
        [workorder.workorder_id for workorder in workorders_planned],
        ["production_id"],
    )
    workcenters = lookup(
        "mrp.workcenter",
        [day.workcenter_id for day in plan.load]
        + [wo.workcenter_id for wo in workorders_planned if wo.workcenter_id],
        ["company_id"],
    )
    errors = []

    def check_company(path, what, record):
        if record["company_id"] and record["company_id"][0] != company_id:
            errors.append(
                f"{path}: {what} belongs to company {record['company_id'][1]}, "
                f"not to company {company_name} of this plan"
            )

    for order in plan.orders:
        record = orders.get(order.order_id)
        if not record:
            errors.append(f"{order.path}.order_id: sale order {order.order_id} does not exist")
            continue
        check_company(f"{order.path}.order_id", f"sale order {record['name']}", record)
        for line in order.lines:
            line_record = lines.get(line.line_id)
            if not line_record:
                errors.append(
                    f"{line.path}.line_id: sale order line {line.line_id} does not exist"
                )
            elif line_record["order_id"][0] != order.order_id:
                errors.append(
                    f"{line.path}.line_id: sale order line {line.line_id} belongs to "
                    f"{line_record['order_id'][1]}, not to {record['name']}"
                )
    for production in plan.productions:
        record = productions.get(production.production_id)
        path = f"{production.path}.production_id"
        if not record:
            errors.append(
                f"{path}: manufacturing order {production.production_id} does not exist"
            )
        else:
            check_company(path, f"manufacturing order {record['name']}", record)
        for workorder in production.workorders:
            found = workorders.get(workorder.workorder_id)
            where = f"{workorder.path}.workorder_id"
            if not found:
                errors.append(f"{where}: work order {workorder.workorder_id} does not exist")
            elif found["production_id"] and found["production_id"][0] != production.production_id:
                errors.append(
                    f"{where}: work order {workorder.workorder_id} belongs to "
                    f"{found['production_id'][1]}, not to manufacturing order "
                    f"{production.production_id}"
                )
            if workorder.workcenter_id and workorder.workcenter_id not in workcenters:
                errors.append(
                    f"{workorder.path}.workcenter_id: work center {workorder.workcenter_id} "
                    "does not exist"
                )
    for suggestion in plan.suggestions:
        product = products.get(suggestion.product_id)
        if not product:
            errors.append(
                f"{suggestion.path}.product_id: product {suggestion.product_id} "
                "does not exist"
            )
        if suggestion.vendor_id not in vendors:
            errors.append(
                f"{suggestion.path}.vendor_id: partner {suggestion.vendor_id} does not exist"
            )
        if suggestion.uom_id not in uoms:
            errors.append(
                f"{suggestion.path}.uom_id: unit of measure {suggestion.uom_id} "
                "does not exist"
            )
        elif product and not same_uom_kind(suggestion.uom_id, product["uom_id"][0]):
            errors.append(
                f"{suggestion.path}.uom_id: unit of measure {suggestion.uom_id} does not "
                f"convert into the product's unit {product['uom_id'][1]}"
            )
        for serve in suggestion.serves:
            known = productions if serve.kind == "manufacturing" else served_orders
            if serve.record_id not in known:
                what = "manufacturing order" if serve.kind == "manufacturing" else "sale order"
                errors.append(f"{serve.path}.id: {what} {serve.record_id} does not exist")
    for day in plan.load:
        record = workcenters.get(day.workcenter_id)
        path = f"{day.path}.workcenter_id"
        if not record:
            errors.append(f"{path}: work center {day.workcenter_id} does not exist")
        else:
            check_company(path, f"work center {day.workcenter_id}", record)
    return errors
