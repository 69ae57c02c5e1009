"""The customer's choices from a quote (addon/common/quote_options.py), tested without Odoo;
and the quote's partial promises as the addon reads them."""

import datetime
import importlib.util
import sys
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parent.parent / "addon/common"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"capacity_{name}", ADDON / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


options = _load("quote_options")
plan_payload = _load("plan_payload")
D = datetime.date(2026, 12, 10)


def day(offset):
    return D + datetime.timedelta(days=offset)


def test_three_choices_from_partial_promises():
    cabinets = options.QuotedLine(1, "Cabinet", 10, day(5), ((day(0), 4), (day(5), 6)))
    shelves = options.QuotedLine(2, "Shelf", 3, day(2), ((day(2), 3),))
    choice = options.delivery_options([cabinets, shelves], by_date=day(1))
    assert choice.all_at_once == day(5)
    assert choice.as_it_comes[0][1] == ((day(0), 4), (day(5), 6))
    assert [(line.line_id, qty, rest) for line, qty, rest in choice.by_date_lines] == \
        [(1, 4, 6), (2, 0, 3)]
    assert choice.by_date_quantity == 4 and choice.total_quantity == 13
    assert choice.worth_asking()


def test_one_date_for_everything_asks_nothing():
    line = options.QuotedLine(1, "Cabinet", 2, day(3))
    choice = options.delivery_options([line], by_date=day(4))
    assert choice.all_at_once == day(3)
    assert not choice.worth_asking()
    # ... but when the date asked for comes first, the customer may take what comes by then
    assert options.delivery_options([line], by_date=day(2)).worth_asking()


def test_a_line_that_cannot_be_planned_has_no_all_at_once_date():
    choice = options.delivery_options(
        [options.QuotedLine(1, "Cabinet", 2, day(3)), options.QuotedLine(2, "Shelf", 1, None)])
    assert choice.all_at_once is None
    assert choice.by_date_lines == ()


def test_the_quote_answers_partial_promises_per_line():
    answer = {"order_id": 7, "promise_date": "2026-12-15", "status": "late", "reason": "",
              "computed_at": "2026-12-01 08:00:00",
              "lines": [{"line_id": 3, "promise_date": "2026-12-15", "status": "late",
                         "shipments": [{"date": "2026-12-15", "quantity": 6},
                                       {"date": "2026-12-10", "quantity": 4}],
                         "quantity_by_requested_date": 4, "missing_quantity": 0}]}
    (line,) = plan_payload.parse_quote(answer, 7, {3}).lines
    assert line.shipments == ((D, 4.0), (day(5), 6.0))
    assert line.quantity_by_requested_date == 4.0
    answer["lines"][0]["shipments"][1]["date"] = "2026-13-01"
    with pytest.raises(plan_payload.PayloadError, match=r"lines\[0\]\.shipments\[1\]\.date"):
        plan_payload.parse_quote(answer, 7, {3})
