# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The choices a customer can take, from a quote's line promises.

Plain Python (no Odoo import), tested without Odoo:

- *all at once*: everything on one date, the last line's;
- *as it comes*: each line's quantities on their dates, as the planner ships them;
- *by the date*: the largest quantity of each line that comes by the date the promise is
  measured against (commitment, else requested date), the rest later.
"""

from dataclasses import dataclass

EPS = 1e-6


@dataclass(frozen=True)
class QuotedLine:
    line_id: int
    name: str
    quantity: float
    promise_date: object  # datetime.date, or None when it cannot be planned
    shipments: tuple = ()  # ((date, quantity), ...) by date


@dataclass(frozen=True)
class Options:
    all_at_once: object  # the date everything can ship together, or None
    as_it_comes: tuple  # ((line, ((date, quantity), ...)), ...)
    by_date: object  # the date of the third choice, or None without one
    by_date_lines: tuple  # ((line, quantity by the date, rest), ...)

    @property
    def by_date_quantity(self):
        return sum(quantity for _line, quantity, _rest in self.by_date_lines)

    @property
    def total_quantity(self):
        return sum(line.quantity for line, _shipments in self.as_it_comes)

    def worth_asking(self):
        """Whether the choices differ: some line ships in parts or lines ship on
        different dates, or only part comes by the date."""
        dates = {date for _line, shipments in self.as_it_comes for date, _qty in shipments}
        if len(dates) > 1:
            return True
        return bool(self.by_date) and self.by_date_quantity < self.total_quantity - EPS


def _shipments(line):
    if line.shipments:
        return tuple(sorted(line.shipments))
    if line.promise_date:
        return ((line.promise_date, line.quantity),)
    return ()


def delivery_options(lines, by_date=None):
    """The three choices for ``lines`` (:class:`QuotedLine`); ``by_date`` is the date
    asked for or committed (None: no third choice)."""
    as_it_comes = tuple((line, _shipments(line)) for line in lines)
    planned = all(shipments for _line, shipments in as_it_comes)
    all_at_once = (
        max(shipments[-1][0] for _line, shipments in as_it_comes)
        if planned and as_it_comes
        else None
    )
    by_date_lines = ()
    if by_date:
        by_date_lines = tuple(
            (
                line,
                min(
                    line.quantity,
                    sum(qty for date, qty in shipments if date <= by_date),
                ),
                max(
                    line.quantity
                    - sum(qty for date, qty in shipments if date <= by_date),
                    0.0,
                ),
            )
            for line, shipments in as_it_comes
        )
    return Options(all_at_once, as_it_comes, by_date, by_date_lines)
