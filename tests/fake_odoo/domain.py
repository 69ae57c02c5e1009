"""Odoo 17 search domains and ``order`` strings, evaluated in Python over a :class:`Dataset`.

The semantics follow ``odoo/osv/expression.py`` and ``odoo/models.py`` of Odoo 17: prefix
notation with implicit AND, dotted paths rewritten into ``any`` sub-searches (many2one
sub-searches ignore ``active``, x2many ones do not), SQL NULL rules for ``=``/``!=``/``in``/
``like``, date-only strings widened on datetime fields, and ``active_test``. Errors carry
Odoo's messages.
"""

from __future__ import annotations

import datetime as dt
import re
import xmlrpc.client
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .dataset import NUMERIC_TYPES, RELATIONAL_TYPES, X2MANY_TYPES, Dataset, Model
from .exceptions import UserError

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]

TERM_OPERATORS = frozenset({
    "=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like", "ilike",
    "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any",
})
NEGATIVE_OPERATORS = frozenset({"!=", "not like", "not ilike", "not in"})
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
ARITY = {"!": 1, "&": 2, "|": 2}

ORDER_TERM = re.compile(
    r"^\s*(?P<field>[a-z0-9_]+|\"[a-z0-9_]+\")(\s+(?P<direction>desc|asc))?"
    r"(\s+(?P<nulls>nulls first|nulls last))?\s*$",
    re.IGNORECASE,
)


def normalize_domain(domain: Sequence[Any]) -> list[Any]:
    """Make implicit ANDs explicit, exactly as ``expression.normalize_domain`` does."""
    if not isinstance(domain, (list, tuple)):
        raise ValueError(f"Invalid domain {domain!r}")
    if not domain:
        return [TRUE_LEAF]
    result: list[Any] = []
    expected = 1
    for token in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(token, (list, tuple)):
            expected -= 1
            if len(token) == 3 and token[1] in ("any", "not any"):
                result.append((token[0], token[1], normalize_domain(token[2])))
            else:
                result.append(tuple(token))
        else:
            expected += ARITY.get(token, 0) - 1
            result.append(token)
    if expected:
        raise ValueError(f"Domain {list(domain)} is syntactically not correct.")
    return result


class Searcher:
    """Evaluates domains and orders for one call (one context) against a dataset."""

    def __init__(self, dataset: Dataset, context: Mapping[str, Any] | None = None) -> None:
        self.dataset = dataset
        self.context = dict(context or {})

    # ------------------------------------------------------------------ search

    def search(self, model: Model, domain: Sequence[Any], offset: int = 0,
               limit: int | None = None, order: str | None = None,
               active_test: bool | None = None) -> list[int]:
        """Ids matching ``domain`` in ``order``, like ``model._search`` then fetch."""
        predicate = self.compile(model, self._with_active_test(model, domain, active_test))
        matching = [r for r in model.records.values() if predicate(r)]
        ids = [r["id"] for r in self.sort(model, matching, order or model.order)]
        offset = offset or 0
        return ids[offset:offset + limit] if limit else ids[offset:]

    def _with_active_test(self, model: Model, domain: Sequence[Any],
                          active_test: bool | None) -> list[Any]:
        domain = list(domain or [])
        if active_test is None:
            active_test = bool(self.context.get("active_test", True))
        if model.has_active and active_test:
            # Odoo's own test: any item whose first element is 'active' disables the filter
            mentioned = any(
                isinstance(item, (list, tuple)) and item and item[0] == "active" for item in domain
            )
            if not mentioned:
                domain = [("active", "=", 1), *domain]
        return domain

    def compile(self, model: Model, domain: Sequence[Any]) -> Predicate:
        """Turn a domain into a predicate over stored records of ``model``."""
        stack: list[Predicate] = []
        for token in reversed(normalize_domain(domain)):
            if token == "!":
                stack.append(_negation(stack.pop()))
            elif token in ("&", "|"):
                stack.append(_combination(token, stack.pop(), stack.pop()))
            else:
                stack.append(self._leaf(model, token))
        return stack[0]

    # ------------------------------------------------------------------ leaves

    def _leaf(self, model: Model, leaf: tuple[Any, ...]) -> Predicate:
        if not (isinstance(leaf, tuple) and len(leaf) == 3):
            raise ValueError(f"Invalid leaf {leaf}")
        if leaf in (TRUE_LEAF, FALSE_LEAF):
            return (lambda r: True) if leaf == TRUE_LEAF else (lambda r: False)
        left, operator, right = leaf
        operator = operator.lower() if isinstance(operator, str) else operator
        if operator == "<>":
            operator = "!="
        if isinstance(right, bool) and operator in ("in", "not in"):
            operator = "=" if operator == "in" else "!="
        if isinstance(right, (list, tuple)) and operator in ("=", "!="):
            operator = "in" if operator == "=" else "not in"
        if operator not in TERM_OPERATORS or not isinstance(left, str) or not left:
            raise ValueError(f"Invalid leaf {leaf}")

        path = left.split(".", 1)
        if path[0] not in model.fields:
            raise ValueError(f"Invalid field {model.name}.{path[0]} in leaf {leaf}")
        fname = path[0]
        ftype = model.field_type(fname)
        if len(path) > 1:
            if ftype not in RELATIONAL_TYPES:
                raise ValueError(f"Invalid field {model.name}.{left} in leaf {leaf}")
            return self._any(model, fname, "any", [(path[1], operator, right)])
        if operator in ("any", "not any"):
            return self._any(model, fname, operator, right)
        if operator in ("child_of", "parent_of"):
            return self._hierarchy(model, fname, operator, right, leaf)
        if ftype == "many2one" and (
            isinstance(right, str)
            or isinstance(right, (list, tuple)) and right and all(isinstance(v, str) for v in right)
        ):
            return self._many2one_by_name(model, fname, operator, right)
        if ftype in X2MANY_TYPES:
            return self._x2many(model, fname, operator, right)
        if ftype == "datetime" and isinstance(right, str) and len(right) == 10:
            right += " 23:59:59" if operator in (">", "<=") else " 00:00:00"
        return self._compare(model, fname, ftype, operator, right)

    def _comodel(self, model: Model, fname: str) -> Model:
        relation = model.fields[fname].get("relation") if fname != "id" else model.name
        if relation not in self.dataset.models:
            raise ValueError(
                f"fake_odoo: {model.name}.{fname} points to {relation}, which the dataset lacks"
            )
        return self.dataset.models[str(relation)]

    def _any(self, model: Model, fname: str, operator: str, subdomain: Any) -> Predicate:
        comodel = self._comodel(model, fname)
        ftype = model.field_type(fname)
        if ftype == "many2one":
            # Odoo 17 searches the many2one target without the active filter
            matched = set(self.search(comodel, subdomain, active_test=False))
            if operator == "any":
                return lambda r: bool(r.get(fname)) and r.get(fname) in matched
            return lambda r: not r.get(fname) or r.get(fname) not in matched
        # the sub-search applies the active filter (or not, by context); the relation itself
        # is the inverse foreign key, archived children included, as Odoo's SQL
        matched = set(self.search(comodel, subdomain))
        if operator == "any":
            return lambda r: bool(matched.intersection(
                self.x2many_ids(model, r, fname, active_test=False)))
        return lambda r: not matched.intersection(
            self.x2many_ids(model, r, fname, active_test=False))

    def _hierarchy(self, model: Model, fname: str, operator: str, right: Any,
                   leaf: tuple[Any, ...]) -> Predicate:
        comodel = model if fname == "id" else self._comodel(model, fname)
        parent = comodel.parent_name or "parent_id"
        if comodel is model and fname not in ("id",) and model.field_type(fname) == "many2one":
            parent = fname
        roots = set(self._to_ids(comodel, right, leaf))
        related = self._descendants(comodel, parent, roots) if operator == "child_of" \
            else self._ancestors(comodel, parent, roots)
        if fname == "id" or (comodel is model and parent == fname):
            return lambda r: r["id"] in related
        if model.field_type(fname) == "many2one":
            return lambda r: r.get(fname) in related
        return lambda r: bool(related.intersection(self.x2many_ids(model, r, fname)))

    def _to_ids(self, comodel: Model, value: Any, leaf: tuple[Any, ...]) -> list[int]:
        if isinstance(value, str):
            return self.name_search_ids(comodel, value, "ilike")
        if isinstance(value, (list, tuple)):
            return [int(v) for v in value if v]
        if isinstance(value, int) and not isinstance(value, bool):
            return [value]
        if not value:
            return []
        raise ValueError(f"Invalid value {value!r} in domain term {leaf}")

    @staticmethod
    def _descendants(comodel: Model, parent: str, roots: set[int]) -> set[int]:
        found = set(roots) & set(comodel.records)
        changed = True
        while changed:
            changed = False
            for record in comodel.records.values():
                if record["id"] not in found and record.get(parent) in found:
                    found.add(record["id"])
                    changed = True
        return found

    @staticmethod
    def _ancestors(comodel: Model, parent: str, roots: set[int]) -> set[int]:
        found: set[int] = set()
        for root in roots:
            current = root
            while current and current in comodel.records and current not in found:
                found.add(current)
                current = comodel.records[current].get(parent) or 0
        return found

    def _many2one_by_name(self, model: Model, fname: str, operator: str, right: Any) -> Predicate:
        comodel = self._comodel(model, fname)
        if operator in ("<", ">", "<=", ">="):
            operator = "in"
        if isinstance(right, tuple):
            right = list(right)
        swap = {"not in": "!=", "in": "=", "=": "in", "!=": "not in"}
        if (not isinstance(right, list) and operator in ("not in", "in")) or (
            isinstance(right, list) and operator in ("!=", "=")
        ):
            operator = swap[operator]
        ids = set(self.name_search_ids(comodel, right, operator, active_test=False))
        if operator in NEGATIVE_OPERATORS:
            return lambda r: r.get(fname) in ids or not r.get(fname)
        return lambda r: r.get(fname) in ids

    def _x2many(self, model: Model, fname: str, operator: str, right: Any) -> Predicate:
        negative = operator in NEGATIVE_OPERATORS
        if right is False or right is None:
            if negative:
                return lambda r: bool(self.x2many_ids(model, r, fname))
            return lambda r: not self.x2many_ids(model, r, fname)
        if isinstance(right, str):
            positive_op = {"!=": "=", "not like": "like", "not ilike": "ilike",
                           "not in": "in"}.get(operator, operator)
            wanted = set(self.name_search_ids(self._comodel(model, fname), right, positive_op))
        elif isinstance(right, Iterable):
            wanted = {v for v in right if v}
        else:
            wanted = {right}
        if negative:
            return lambda r: not wanted.intersection(self.x2many_ids(model, r, fname))
        return lambda r: bool(wanted.intersection(self.x2many_ids(model, r, fname)))

    def _compare(self, model: Model, fname: str, ftype: str, operator: str,
                 right: Any) -> Predicate:
        def value_of(record: Record) -> Any:
            return record["id"] if fname == "id" else record.get(fname, False)

        def is_null(value: Any) -> bool:
            # the recording keeps NULL numbers as None (Odoo reads them as 0)
            return value is None or (ftype not in NUMERIC_TYPES and value is False)

        if operator == "=?":
            if right is False or right is None:
                return lambda r: True
            operator = "="
        if operator in ("in", "not in"):
            if not isinstance(right, (list, tuple)):
                raise ValueError(f"Invalid domain term {(fname, operator, right)!r}")
            if ftype == "boolean":
                params = [v for v in (True, False) if v in right]
                check_null = False in right
            else:
                params = [_coerce(ftype, v) for v in right if v is not False and v is not None]
                check_null = len(params) < len(right)
            wanted = set(params)
            if operator == "in":
                return lambda r: (not is_null(value_of(r)) and value_of(r) in wanted) or (
                    check_null and is_null(value_of(r)))
            if check_null:
                return lambda r: not is_null(value_of(r)) and value_of(r) not in wanted
            return lambda r: is_null(value_of(r)) or value_of(r) not in wanted
        if ftype == "boolean" and operator in ("=", "!=") and isinstance(right, bool):
            expected = (not right) if operator == "!=" else right
            return lambda r: bool(value_of(r)) is expected
        if operator == "=" and (right is False or right is None):
            return lambda r: is_null(value_of(r))
        if operator == "!=" and (right is False or right is None):
            return lambda r: not is_null(value_of(r))
        if operator.endswith("like"):
            return _like(value_of, is_null, operator, right)

        target = _coerce(ftype, right)
        compare = _COMPARATORS[operator]
        include_null = bool(right) and operator in NEGATIVE_OPERATORS

        def matches(record: Record) -> bool:
            value = value_of(record)
            if is_null(value):
                return include_null
            try:
                return bool(compare(value, target))
            except TypeError:
                return False

        return matches

    # ------------------------------------------------------------------ helpers

    def name_search_ids(self, comodel: Model, name: Any, operator: str,
                        active_test: bool | None = None) -> list[int]:
        """Ids whose name matches, approximating ``_name_search``.

        A record matches when its display name, name, internal reference or full name matches
        (Odoo searches the model's ``_rec_names_search``); a negative operator matches the
        records none of those match.
        """
        if operator in ("in", "not in") and not isinstance(name, (list, tuple)):
            name = [name]
        negative = operator in NEGATIVE_OPERATORS
        positive = {"!=": "=", "not like": "like", "not ilike": "ilike",
                    "not in": "in"}.get(operator, operator)
        candidates = [f for f in ("display_name", "name", "default_code", "complete_name")
                      if f in comodel.fields and comodel.field_type(f) in ("char", "text")]
        tests = [
            _like(_getter(f), lambda v: v is False or v is None, positive, name)
            if positive.endswith("like") else self._compare(comodel, f, "char", positive, name)
            for f in candidates
        ]
        base = self.compile(comodel, self._with_active_test(comodel, [], active_test))
        return [r["id"] for r in comodel.records.values()
                if base(r) and any(test(r) for test in tests) != negative]

    def x2many_ids(self, model: Model, record: Record, fname: str,
                   active_test: bool = True) -> list[int]:
        """The ids an x2many field holds, derived from the inverse many2one when possible."""
        attrs = model.fields[fname]
        comodel = self.dataset.models.get(str(attrs.get("relation")))
        inverse = attrs.get("relation_field")
        if (attrs["type"] == "one2many" and comodel is not None and comodel.complete
                and inverse in comodel.recorded_fields):
            children = [r for r in comodel.records.values() if r.get(inverse) == record["id"]]
            if active_test and comodel.has_active:
                children = [r for r in children if r.get("active")]
            return [r["id"] for r in self.sort(comodel, children, comodel.order)]
        ids = list(record.get(fname) or [])
        gone = self.dataset.deleted.get(str(attrs.get("relation")), set())
        return [i for i in ids if i not in gone] if gone else ids

    # ------------------------------------------------------------------ order

    def sort(self, model: Model, records: Sequence[Record], order: str | None,
             seen: frozenset[tuple[str, str]] = frozenset()) -> list[Record]:
        """Sort stored records by an Odoo ``order`` string (ties broken by id)."""
        order = order or model.order
        terms = order.split(",")
        parsed = [ORDER_TERM.match(term) for term in terms]
        if not all(parsed):
            raise UserError(
                f'Invalid "order" specified ({order}). A valid "order" specification is a '
                "comma-separated list of valid field names (optionally followed by asc/desc "
                "for the direction)"
            )
        result = sorted(records, key=lambda r: r["id"])
        for match in reversed(parsed):
            assert match is not None
            fname = match["field"].strip('"')
            if fname not in model.fields:
                raise ValueError(f"Invalid field {fname!r} on model {model.name!r}")
            if not self._sortable(model, fname):
                continue  # Odoo logs "cannot be sorted on field" and ignores the term
            descending = (match["direction"] or "asc").lower() == "desc"
            nulls = (match["nulls"] or "").lower()
            nulls_first = nulls == "nulls first" if nulls else descending
            key = self._sort_key(model, fname, seen)

            def full_key(record: Record, key: Callable[[Record], Any] = key,
                         nulls_first: bool = nulls_first, descending: bool = descending) -> Any:
                value = key(record)
                null = value is None
                # sorted(reverse=True) flips the null rank too, so pre-flip it for descending
                rank = (0 if null else 1) if nulls_first != descending else (1 if null else 0)
                return (rank, value) if not null else (rank, 0)

            result.sort(key=full_key, reverse=descending)
        return result

    def _sortable(self, model: Model, fname: str) -> bool:
        if model.field_type(fname) in X2MANY_TYPES:
            return False
        if model.fields[fname].get("store", True):
            return True
        # a field inherited through _inherits sorts by the parent's column (Odoo joins it)
        return any(
            self.dataset.models[parent].fields.get(fname, {}).get("store")
            for parent in model.inherits if parent in self.dataset.models
        )

    def _sort_key(self, model: Model, fname: str,
                  seen: frozenset[tuple[str, str]]) -> Callable[[Record], Any]:
        ftype = model.field_type(fname)
        if fname == "id":
            return lambda r: r["id"]
        if ftype == "many2one":
            # a many2one sorts by the target's own order, as Odoo joins the target table
            comodel = self.dataset.models.get(str(model.fields[fname].get("relation")))
            if (comodel is None or comodel.order.strip() == "id" or comodel is model
                    or (model.name, fname) in seen):
                return lambda r: r.get(fname) or None
            ranked = self.sort(comodel, list(comodel.records.values()), comodel.order,
                               seen | {(model.name, fname)})
            rank = {r["id"]: i for i, r in enumerate(ranked)}
            return lambda r: None if not r.get(fname) else rank.get(
                r[fname], len(rank) + r[fname])
        if ftype == "boolean":
            return lambda r: bool(r.get(fname))
        if ftype in NUMERIC_TYPES:
            return lambda r: r.get(fname, 0)
        return lambda r: None if r.get(fname) in (False, None) else str(r.get(fname))


def _getter(fname: str) -> Callable[[Record], Any]:
    return lambda record: record.get(fname, False)


def _negation(operand: Predicate) -> Predicate:
    return lambda record: not operand(record)


def _combination(operator: str, first: Predicate, second: Predicate) -> Predicate:
    if operator == "&":
        return lambda record: first(record) and second(record)
    return lambda record: first(record) or second(record)


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _coerce(ftype: str, value: Any) -> Any:
    """Convert a domain value as PostgreSQL would when comparing it with the column."""
    if value is False or value is None:
        return value
    if isinstance(value, xmlrpc.client.DateTime):  # a datetime sent by an XML-RPC client
        value = dt.datetime.strptime(value.value, "%Y%m%dT%H:%M:%S")
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.strftime("%Y-%m-%d %H:%M:%S" if isinstance(value, dt.datetime)
                               else "%Y-%m-%d")
    try:
        if ftype in ("integer", "many2one") and not isinstance(value, bool):
            return int(value)
        if ftype in ("float", "monetary"):
            return float(value)
    except (TypeError, ValueError):
        return value
    if ftype in ("char", "text", "selection", "html", "date", "datetime"):
        return str(value)
    return value


def _like(value_of: Callable[[Record], Any], is_null: Callable[[Any], bool], operator: str,
          right: Any) -> Predicate:
    """SQL LIKE/ILIKE on the column cast to text; NULL handling as in Odoo's __leaf_to_sql."""
    need_wildcard = operator in ("like", "ilike", "not like", "not ilike")
    pattern = f"%{'' if right is None else right}%" if need_wildcard else str(right)
    regex = _like_regex(pattern, ignore_case=operator.endswith("ilike"))
    negative = operator in NEGATIVE_OPERATORS
    include_null = (need_wildcard and not right) or (bool(right) and negative)

    def matches(record: Record) -> bool:
        value = value_of(record)
        if is_null(value):
            return include_null
        text = value if isinstance(value, str) else str(value)
        found = regex.fullmatch(text) is not None
        return not found if negative else found

    return matches


def _like_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))
