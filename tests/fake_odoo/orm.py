"""The model methods the fake Odoo answers over RPC, with Odoo 17's signatures and results.

Methods live on a class called ``BaseModel`` with the same parameters as Odoo 17's, so a call
with a wrong argument fails with the very TypeError Odoo gives ("BaseModel.search() got an
unexpected keyword argument 'count'"). ``call_kw`` mirrors ``odoo.api.call_kw``: ``@model``
methods get the arguments as sent, record methods take the record ids from the first argument.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .dataset import X2MANY_TYPES, Dataset, Model, empty_value
from .domain import Searcher
from .exceptions import AccessError, MissingError, UserError

CustomMethod = Callable[..., Any]

PRIVATE_METHOD = re.compile(r"^(_.*|init)$")
ACCESS_MODES = {"create": "create", "write": "write", "unlink": "unlink"}


def api_model(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a method that runs on the model, not on records (Odoo's ``@api.model``)."""
    method._api = "model"  # type: ignore[attr-defined]
    return method


def api_model_create(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``create``: one dict gives one id back, a list of dicts a list of ids."""
    method._api = "model_create"  # type: ignore[attr-defined]
    return method


class BaseModel:
    """One model seen through one call: its dataset, user, context and (for record methods) ids."""

    def __init__(self, dataset: Dataset, model: Model, uid: int,
                 context: Mapping[str, Any] | None, ids: Sequence[int] = ()) -> None:
        self._dataset = dataset
        self._model = model
        self._uid = uid
        self._context = dict(context or {})
        self._ids = list(ids)
        self._searcher = Searcher(dataset, self._context)

    # ------------------------------------------------------------------ searching

    @api_model
    def search(self, domain: Sequence[Any], offset: int = 0, limit: int | None = None,
               order: str | None = None) -> list[int]:
        return self._searcher.search(self._model, domain, offset, limit, order)

    @api_model
    def search_count(self, domain: Sequence[Any], limit: int | None = None) -> int:
        count = len(self._searcher.search(self._model, domain))
        return min(count, limit) if limit else count

    @api_model
    def search_read(self, domain: Sequence[Any] | None = None, fields: Sequence[str] | None = None,
                    offset: int = 0, limit: int | None = None, order: str | None = None,
                    **read_kwargs: Any) -> list[dict[str, Any]]:
        names = self._field_names(fields)
        ids = self._searcher.search(self._model, domain or [], offset, limit, order)
        # search_read drops active_test before reading, so x2many values hide archived lines
        return self._read_format(ids, names, active_test=True, **read_kwargs)

    @api_model
    def name_search(self, name: str = "", args: Sequence[Any] | None = None,
                    operator: str = "ilike", limit: int = 100) -> list[list[Any]]:
        ids = self._searcher.search(self._model, args or [])
        if name or operator not in ("ilike", "like", "=ilike", "=like"):
            matching = set(self._searcher.name_search_ids(self._model, name, operator))
            ids = [i for i in ids if i in matching]
        ids = ids[:limit] if limit else ids
        return [[i, self._dataset.display_name(self._model.name, i)] for i in ids]

    # ------------------------------------------------------------------ reading

    def read(self, fields: Sequence[str] | None = None,
             load: str | None = "_classic_read") -> list[dict[str, Any]]:
        names = self._field_names(fields)
        active_test = bool(self._context.get("active_test", True))
        return self._read_format(self._ids, names, load=load, active_test=active_test)

    @api_model
    def fields_get(self, allfields: Sequence[str] | None = None,
                   attributes: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        result = {}
        for fname, attrs in self._model.fields.items():
            if allfields and fname not in allfields:
                continue
            result[fname] = {k: v for k, v in attrs.items() if not attributes or k in attributes}
        return result

    @api_model
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        return True

    @api_model
    def default_get(self, fields_list: Sequence[str]) -> dict[str, Any]:
        return {}

    @api_model
    def context_get(self) -> dict[str, Any]:
        user = next((u for u in self._dataset.users if u["id"] == self._uid), {})
        return {"lang": user.get("lang", "en_US"), "tz": user.get("tz", False), "uid": self._uid}

    # ------------------------------------------------------------------ changing

    @api_model_create
    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        single = isinstance(vals_list, Mapping)
        batch = [vals_list] if single else list(vals_list)
        for values in batch:
            for key in values:
                if key not in self._model.fields:
                    raise ValueError(f"Invalid field {key!r} on model {self._model.name!r}")
        ids = [self._dataset.create(self._model.name, values) for values in batch]  # type: ignore[arg-type]
        return ids[0] if single else ids

    def write(self, vals: Mapping[str, Any]) -> bool:
        for key in vals:
            if key not in self._model.fields:
                raise ValueError(f"Invalid field {key!r} on model {self._model.name!r}")
        missing = [i for i in self._ids if i not in self._model.records]
        if missing:
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {self._model.name}({', '.join(map(str, missing))},), "
                f"User: {self._uid})"
            )
        self._dataset.write(self._model.name, self._ids, vals)
        return True

    def unlink(self) -> bool:
        for record_id in self._ids:
            if record_id in self._model.records:
                self._dataset.delete(self._model.name, record_id)
        return True

    # ------------------------------------------------------------------ helpers

    def _field_names(self, fields: Sequence[str] | None) -> list[str]:
        if not fields:
            return [f for f in self._model.fields if f != "id"]
        for fname in fields:
            if fname not in self._model.fields:
                raise ValueError(f"Invalid field {fname!r} on model {self._model.name!r}")
        return [f for f in fields if f != "id"]

    def _read_format(self, ids: Sequence[int], names: Sequence[str],
                     load: str | None = "_classic_read",
                     active_test: bool = True) -> list[dict[str, Any]]:
        model = self._model
        rows = []
        for record_id in ids:
            record = model.records.get(record_id)
            if record is None:
                continue  # Odoo 17 silently skips records deleted since the search
            row: dict[str, Any] = {"id": record_id}
            for fname in names:
                row[fname] = self._convert_to_read(record, fname, load, active_test)
            rows.append(row)
        return rows

    def _convert_to_read(self, record: Mapping[str, Any], fname: str, load: str | None,
                         active_test: bool) -> Any:
        model = self._model
        ftype = model.field_type(fname)
        if ftype in X2MANY_TYPES:
            return self._searcher.x2many_ids(model, record, fname, active_test)
        if fname not in model.recorded_fields:
            self._dataset.unrecorded_reads.add((model.name, fname))
            return empty_value(ftype)
        value = record.get(fname)
        if value is None:  # SQL NULL, kept as None in the recording
            return empty_value(ftype)
        if ftype == "many2one" and value and load == "_classic_read":
            return [value, self._dataset.display_name(str(model.fields[fname]["relation"]), value)]
        return value


def access_error(model: Model, method: str) -> AccessError:
    """The AccessError Odoo 17 raises when the user's groups lack rights on ``model``."""
    mode = ACCESS_MODES.get(method, "read")
    verb = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}[mode]
    return AccessError(
        f"You are not allowed to {verb} '{model.description}' ({model.name}) records.\n\n"
        "No group currently allows this operation.\n\n"
        "Contact your administrator to request access if necessary."
    )


def call_kw(dataset: Dataset, uid: int, model_name: str, method: str, args: Sequence[Any],
            kwargs: Mapping[str, Any] | None,
            custom: Mapping[tuple[str, str], CustomMethod]) -> Any:
    """Run one ``execute_kw`` the way ``odoo.service.model.execute`` + ``api.call_kw`` do."""
    if PRIVATE_METHOD.match(method):
        raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
    kwargs = dict(kwargs or {})
    handler = custom.get((model_name, method))
    if handler is not None:
        kwargs.pop("context", None)
        return handler(*args, **kwargs)
    model = dataset.models.get(model_name)
    if model is None:
        if any(name == model_name for name, _ in custom):
            raise AttributeError(
                f"The method '{method}' does not exist on the model '{model_name}'")
        raise UserError(f"Object {model_name} doesn't exist")
    function = getattr(BaseModel, method, None)
    if (function is None or method.startswith("_")
            or (method == "context_get" and model_name != "res.users")):
        raise AttributeError(f"The method '{method}' does not exist on the model '{model_name}'")
    context = kwargs.pop("context", None)
    api = getattr(function, "_api", None)
    with dataset.acting_as(uid):  # what the caller writes is stamped with its write_uid
        if api in ("model", "model_create"):
            return function(BaseModel(dataset, model, uid, context), *args, **kwargs)
        ids, rest = args[0], args[1:]
        ids = [ids] if isinstance(ids, int) else list(ids or [])
        return function(BaseModel(dataset, model, uid, context, ids), *rest, **kwargs)


class NotFound(Exception):
    """JSON-2's 404: no such model or public method."""


class Unprocessable(Exception):
    """JSON-2's 422: the named arguments do not fit the method."""


def call_json2(dataset: Dataset, uid: int, model_name: str, method: str, ids: Sequence[int],
               context: Mapping[str, Any] | None, kwargs: Mapping[str, Any],
               custom: Mapping[tuple[str, str], CustomMethod]) -> Any:
    """Run one ``POST /json/2/<model>/<method>`` as Odoo 19's ``web_json_2_rpc`` does: named
    arguments bound to the method's signature (422 when they do not fit), 404 for an unknown
    model or method."""
    if PRIVATE_METHOD.match(method):
        raise NotFound(f"Private methods (such as {model_name}.{method}) cannot be called "
                       "remotely.")
    handler = custom.get((model_name, method))
    if handler is not None:
        _bind(handler, model_name, method, (), kwargs)
        return handler(**kwargs)
    model = dataset.models.get(model_name)
    if model is None:
        raise NotFound(f"the model {model_name!r} does not exist")
    function = getattr(BaseModel, method, None)
    if function is None or (method == "context_get" and model_name != "res.users"):
        raise NotFound(f"The method {method!r} does not exist on the model {model_name!r}")
    api = getattr(function, "_api", None)
    if api in ("model", "model_create") and ids:
        raise Unprocessable(f"cannot call {model_name}.{method} with ids")
    _bind(function, model_name, method, (None,), kwargs)
    with dataset.acting_as(uid):
        result = function(BaseModel(dataset, model, uid, context, list(ids)), **kwargs)
    # JSON-2 answers the records a method returns with their ids: create gives a list always
    return [result] if api == "model_create" and isinstance(result, int) else result


def _bind(function: Callable[..., Any], model: str, method: str, head: tuple[Any, ...],
          kwargs: Mapping[str, Any]) -> None:
    try:
        inspect.signature(function).bind(*head, **kwargs)
    except TypeError as error:
        raise Unprocessable(f"{model}.{method}(): {error}") from error
