"""Record what the fake Odoo serves from a live Odoo 17, over XML-RPC (stdlib only).

    CAPACITY_PROMISE_ODOO_URL=http://localhost:8069 CAPACITY_PROMISE_ODOO_DB=odoo17_base \\
    CAPACITY_PROMISE_ODOO_LOGIN=admin CAPACITY_PROMISE_ODOO_API_KEY=... \\
        python tests/fake_odoo/record.py [--output tests/fake_odoo/data/odoo17_demo.json]

Writes the server version, the login user (no password: the fake has its own test credentials),
and for each model the planner reads its ``fields_get`` and its records as ``search_read``
returns them (archived ones too). Fields that are large or private (binary, html, mail threads,
tokens) are left out; the output is sorted so that re-recording the same data gives the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import xmlrpc.client
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DEFAULT_OUTPUT = Path(__file__).parent / "data" / "odoo17_demo.json"
MAX_RECORDS = 2000
MAX_TEXT = 2000  # a char/text field holding more than this in any record is not recorded

ATTRIBUTES = ["string", "type", "relation", "relation_field", "required", "readonly", "store",
              "selection", "searchable", "sortable"]

# Model metadata Odoo does not expose over RPC, taken from the Odoo 17 sources (_order,
# _parent_name, _rec_name); the fake needs it to sort and to evaluate child_of like Odoo.
DEFAULT_ORDER = {
    "res.company": "sequence, name",
    "res.partner": "complete_name ASC, id DESC",
    "res.users": "name, login",
    "uom.uom": "factor DESC, id",
    "resource.calendar.attendance": "sequence, week_type, dayofweek, hour_from",
    "resource.calendar.leaves": "date_from",
    "resource.resource": "name",
    "mrp.workcenter": "sequence, id",
    "product.product": "priority desc, default_code, name, id",
    "product.template": "priority desc, name",
    "product.category": "complete_name",
    "stock.route": "sequence",
    "stock.rule": "sequence, id",
    "stock.location": "complete_name, id",
    "stock.warehouse": "sequence,id",
    "product.supplierinfo": "sequence, min_qty DESC, price, id",
    "mrp.bom": "sequence, id",
    "mrp.bom.line": "sequence, id",
    "mrp.routing.workcenter": "bom_id, sequence, id",
    "mrp.production": "priority desc, date_start asc,id",
    "mrp.workorder": "leave_id, date_start, id",
    "stock.move": "sequence, id",
    "purchase.order": "priority desc, id desc",
    "purchase.order.line": "order_id, sequence, id",
    "sale.order": "date_order desc, id desc",
    "sale.order.line": "order_id, sequence, id",
    "procurement.group": "id desc",
}
PARENT_NAME = {"stock.location": "location_id", "product.category": "parent_id",
               "res.partner": "parent_id", "res.company": "parent_id"}
REC_NAME = {"stock.location": "complete_name", "product.category": "complete_name",
            "mrp.bom": "product_tmpl_id", "mrp.bom.line": "product_id",
            "stock.quant": "product_id", "product.supplierinfo": "partner_id"}
# _inherits: the parent's fields are readable, searchable and sortable on the child
INHERITS = {"product.product": {"product.template": "product_tmpl_id"},
            "res.users": {"res.partner": "partner_id"}}

MAGIC = ["id", "display_name", "create_date", "create_uid", "write_date", "write_uid"]
# (model, domain, only these fields besides the magic ones, or None for every stored field)
MODELS: list[tuple[str, list[Any], list[str] | None]] = [
    ("res.company", [], None),
    ("uom.category", [], None),
    ("uom.uom", [], None),
    ("resource.calendar", [], None),
    ("resource.calendar.attendance", [], None),
    ("resource.calendar.leaves", [], None),
    ("resource.resource", [], None),
    ("mrp.workcenter", [], None),
    ("mrp.workcenter.capacity", [], None),
    ("product.category", [], None),
    ("product.template", [], None),
    ("product.product", [], None),
    ("stock.route", [], None),
    ("stock.rule", [], ["action", "route_id", "location_dest_id", "picking_type_id", "active",
                        "company_id", "name",
                        # what a planner needs to follow a rule's lead time
                        "sequence", "location_src_id", "procure_method", "delay",
                        "warehouse_id"]),
    ("stock.location", [], None),
    ("stock.warehouse", [], None),
    ("stock.quant", [], None),
    ("product.supplierinfo", [], None),
    ("mrp.bom", [], None),
    ("mrp.bom.line", [], None),
    ("mrp.routing.workcenter", [], None),
    ("mrp.production", [], None),
    ("mrp.workorder", [], None),
    ("stock.move", [("raw_material_production_id", "!=", False)],
     ["product_id", "product_uom_qty", "quantity", "product_uom", "state",
      "raw_material_production_id", "company_id", "date"]),
    ("purchase.order", [], None),
    ("purchase.order.line", [], None),
    ("sale.order", [], None),
    ("sale.order.line", [], None),
    ("procurement.group", [], None),
]
# recorded after the others: only the partners they reference, plus companies
PARTNER_MODEL = "res.partner"
USER_MODEL = "res.users"
# res.users inherits name, tz, lang... from its partner (not stored on the user): name them
USER_FIELDS = ["login", "name", "tz", "lang", "partner_id", "company_id", "company_ids",
               "active", "share", "groups_id"]

SKIPPED_TYPES = {"binary", "html", "properties", "properties_definition"}
SKIPPED_PREFIXES = ("message_", "activity_", "my_activity_", "website_", "rating_",
                    "in_group_", "sel_groups_")
SKIPPED_RELATIONS = ("mail.", "ir.attachment", "rating.rating", "bus.")
# computed for the web client only (widgets, buttons, popovers): never useful to a service
UI_ONLY_FIELDS = {"json_popover", "show_json_popover", "access_url", "access_warning",
                  "product_tooltip", "can_image_1024_be_zoomed", "has_message",
                  "display_qty_widget", "show_allocation", "show_final_lots", "show_lock",
                  "show_lot_ids", "show_produce", "show_produce_all", "show_serial_mass_produce",
                  "show_valuation", "reserve_visible", "unreserve_visible", "confirm_cancel",
                  "show_update_fpos", "show_update_pricelist", "partner_credit_warning",
                  "product_catalog_product_is_in_sale_order"}
PRIVATE_WORDS = ("password", "token", "secret", "api_key", "signature", "totp")
# the project's own addon is left out: the recording shows standard Odoo 17, and tests add the
# addon's fields and methods they need (the addon changes faster than a recording)
EXCLUDED_MODULES = ("sale_capacity_promise",)


class OdooReader:
    """The few XML-RPC calls the recorder makes, with the credentials kept out of sight."""

    def __init__(self, url: str, db: str, login: str, secret: str) -> None:
        self.url = url.rstrip("/")
        self.db = db
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        self.version: dict[str, Any] = common.version()  # type: ignore[assignment]
        uid: Any = common.authenticate(db, login, secret, {})
        if not uid:
            raise SystemExit(f"login refused for {login!r} on database {db!r} at {self.url}")
        self.uid = int(uid)
        self._secret = secret
        self._object = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``execute_kw`` with the stored credentials."""
        return self._object.execute_kw(self.db, self.uid, self._secret, model, method,
                                       list(args), kwargs)

    def module_fields(self, modules: Iterable[str]) -> set[tuple[str, str]]:
        """(model, field) pairs that the given modules add."""
        refs = self.call("ir.model.data", "search_read",
                         [("model", "=", "ir.model.fields"), ("module", "in", list(modules))],
                         fields=["res_id"])
        fields = self.call("ir.model.fields", "read", [r["res_id"] for r in refs],
                           ["model", "name"]) if refs else []
        return {(f["model"], f["name"]) for f in fields}

    def has_model(self, model: str) -> bool:
        """Whether the live database knows the model (e.g. a module may be missing)."""
        return bool(self.call("ir.model", "search_count", [("model", "=", model)]))


def is_described(fname: str, attrs: dict[str, Any]) -> bool:
    """Whether ``fields_get`` of the fake lists the field: not mail plumbing, not private."""
    relation = str(attrs.get("relation") or "")
    return not (fname.startswith(SKIPPED_PREFIXES) or relation.startswith(SKIPPED_RELATIONS)
                or any(word in fname for word in PRIVATE_WORDS))


def is_recordable(fname: str, attrs: dict[str, Any]) -> bool:
    """Whether the field's values go into the recording (images and html pages do not)."""
    return is_described(fname, attrs) and attrs["type"] not in SKIPPED_TYPES


def record_model(reader: OdooReader, model: str, domain: list[Any], only: list[str] | None,
                 max_records: int, excluded: set[tuple[str, str]]) -> dict[str, Any]:
    """fields_get and records of one model, as the fake loads them."""
    fields = reader.call(model, "fields_get", attributes=ATTRIBUTES)
    kept = {f: a for f, a in fields.items()
            if is_described(f, a) and (model, f) not in excluded}
    recordable = [f for f, a in kept.items() if is_recordable(f, a)]
    if only is not None:
        order_fields = {term.split()[0] for term in DEFAULT_ORDER.get(model, "id").split(",")}
        wanted = set(only) | set(MAGIC) | order_fields
        names = [f for f in recordable if f in wanted]
    else:
        # computed and inherited fields too: product.product gets name, uom_id, route_ids...
        # from its template, and a client cannot tell a stored field from a computed one
        names = [f for f in recordable if f not in UI_ONLY_FIELDS]
    context = {"active_test": False, "lang": "en_US", "tz": "UTC"}
    total = reader.call(model, "search_count", domain, context=context)
    try:
        records = reader.call(model, "search_read", domain, fields=names, limit=max_records,
                              order="id", context=context)
    except xmlrpc.client.Fault as fault:
        last_line = str(fault.faultString).strip().splitlines()[-1]
        print(f"  {model}: computed fields failed ({last_line}); stored fields only",
              file=sys.stderr)
        names = [f for f in names if kept[f].get("store") or f == "display_name"]
        records = reader.call(model, "search_read", domain, fields=names, limit=max_records,
                              order="id", context=context)
    _mark_nulls(reader, model, domain, kept, names, records, context)
    dropped = _oversized_text_fields(kept, records)
    for record in records:
        for fname in dropped:
            record.pop(fname, None)
    description = reader.call("ir.model", "search_read", [("model", "=", model)],
                              fields=["name"])
    entry: dict[str, Any] = {
        "description": description[0]["name"] if description else model,
        "fields": kept,
        "records": sorted(records, key=lambda r: r["id"]),
        "recorded_fields": sorted(set(names) - set(dropped)),
        # the fake derives one2many values from complete models only
        "complete": not domain and total <= max_records,
        "order": DEFAULT_ORDER.get(model, "id"),
    }
    if model in PARENT_NAME:
        entry["parent_name"] = PARENT_NAME[model]
    if model in REC_NAME:
        entry["rec_name"] = REC_NAME[model]
    if model in INHERITS:
        entry["inherits"] = INHERITS[model]
    if total > len(records):
        print(f"  {model}: kept {len(records)} of {total} records", file=sys.stderr)
    return entry


def _mark_nulls(reader: OdooReader, model: str, domain: list[Any], fields: dict[str, Any],
                names: list[str], records: list[dict[str, Any]], context: dict[str, Any]) -> None:
    """Store SQL NULL numbers as null: Odoo reads them as 0 but sorts them last."""
    by_id = {r["id"]: r for r in records}
    for fname in names:
        attrs = fields[fname]
        if attrs["type"] in ("integer", "float", "monetary") and attrs.get("store") \
                and fname != "id":
            for record_id in reader.call(model, "search", [*domain, (fname, "=", False)],
                                         context=context):
                if record_id in by_id:
                    by_id[record_id][fname] = None


def _oversized_text_fields(fields: dict[str, Any], records: Iterable[dict[str, Any]]) -> set[str]:
    dropped = set()
    for record in records:
        for fname, value in record.items():
            if (isinstance(value, str) and len(value) > MAX_TEXT
                    and fields.get(fname, {}).get("type") in ("char", "text")):
                dropped.add(fname)
    return dropped


def referenced_ids(models: dict[str, Any], target: str) -> set[int]:
    """Ids of ``target`` records that recorded records point to."""
    ids: set[int] = set()
    for entry in models.values():
        relational = [f for f, a in entry["fields"].items() if a.get("relation") == target]
        for record in entry["records"]:
            for fname in relational:
                value = record.get(fname)
                if isinstance(value, list) and value and entry["fields"][fname]["type"] == \
                        "many2one":
                    ids.add(value[0])
                elif isinstance(value, list):
                    ids.update(v for v in value if isinstance(v, int))
    return ids


def record(reader: OdooReader, max_records: int = MAX_RECORDS) -> dict[str, Any]:
    """Everything the fake serves, as one JSON-ready dict."""
    excluded = reader.module_fields(EXCLUDED_MODULES)
    recorded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    models: dict[str, Any] = {}
    for model, domain, only in MODELS:
        if not reader.has_model(model):
            print(f"  {model}: not in this database, skipped", file=sys.stderr)
            continue
        print(f"  {model}", file=sys.stderr)
        models[model] = record_model(reader, model, domain, only, max_records, excluded)
    models[USER_MODEL] = record_model(reader, USER_MODEL, [("id", "=", reader.uid)],
                                      USER_FIELDS, max_records, excluded)
    partner_ids = referenced_ids(models, PARTNER_MODEL)
    partners = reader.call(PARTNER_MODEL, "search_read",
                           ["|", ("id", "in", sorted(partner_ids)), ("is_company", "=", True)],
                           fields=["parent_id", "commercial_partner_id"],
                           context={"active_test": False})
    for partner in partners:
        for fname in ("parent_id", "commercial_partner_id"):
            if partner[fname]:
                partner_ids.add(partner[fname][0])
    partner_ids.update(p["id"] for p in partners)
    print(f"  {PARTNER_MODEL} ({len(partner_ids)} referenced)", file=sys.stderr)
    models[PARTNER_MODEL] = record_model(reader, PARTNER_MODEL,
                                         [("id", "in", sorted(partner_ids))], None, max_records,
                                         excluded)
    user = models[USER_MODEL]["records"][0]
    return {
        "format": 1,
        "recorded_at": recorded_at.strftime("%Y-%m-%d %H:%M:%S"),
        "source": {"url": reader.url, "db": reader.db},
        "version": reader.version,
        "users": [{
            "id": reader.uid,
            "login": user["login"],
            "name": user["name"],
            "tz": user.get("tz") or False,
            "lang": user.get("lang") or "en_US",
            "company_id": user["company_id"][0] if user.get("company_id") else False,
        }],
        "models": dict(sorted(models.items())),
    }


def to_json(value: Any, depth: int = 0) -> str:
    """Sorted JSON with one line per record and per field: small, and diffs stay readable."""
    pad = " " * (depth + 1)
    scalars_only = isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value)
    if depth >= 4 or not isinstance(value, (dict, list)) or not value or scalars_only:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {to_json(value[k], depth + 1)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    items = [pad + to_json(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=env("CAPACITY_PROMISE_ODOO_URL", "http://localhost:8069"))
    parser.add_argument("--db", default=env("CAPACITY_PROMISE_ODOO_DB"))
    parser.add_argument("--login", default=env("CAPACITY_PROMISE_ODOO_LOGIN", "admin"))
    parser.add_argument("--api-key", default=None,
                        help="API key or password (better: CAPACITY_PROMISE_ODOO_API_KEY)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--max-records", type=int, default=MAX_RECORDS)
    options = parser.parse_args(argv)
    if not options.db:
        parser.error("--db or CAPACITY_PROMISE_ODOO_DB is required")
    secret = options.api_key or env("CAPACITY_PROMISE_ODOO_API_KEY") or getpass.getpass(
        f"API key or password for {options.login}: ")
    reader = OdooReader(options.url, options.db, options.login, secret)
    print(f"recording {reader.version.get('server_version')} at {reader.url}, "
          f"db {reader.db}, user {options.login} (uid {reader.uid})", file=sys.stderr)
    data = record(reader, options.max_records)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    with open(options.output, "w", encoding="utf-8") as handle:
        handle.write(to_json(data) + "\n")
    counts = ", ".join(f"{m} {len(e['records'])}" for m, e in data["models"].items())
    print(f"wrote {options.output} ({options.output.stat().st_size // 1024} KiB): {counts}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
