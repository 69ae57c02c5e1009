"""Shared fixtures: a fake Odoo (17, or 18 and 19) with the addon's two service methods, and
settings for it."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_odoo import TEST_API_KEY, FakeOdoo, UserError, start_fake_odoo
from fake_odoo.pytest_plugin import fake_odoo  # noqa: F401 - the fixture, for every test

from sync.config import Secret, Settings

ROOT = Path(__file__).resolve().parent.parent
_PAYLOAD = ROOT / "addon/common/plan_payload.py"


def _addon_payload_module() -> Any:
    """The addon's own payload reader (plain Python), so the service is checked against the
    contract the addon enforces."""
    name = "capacity_plan_payload"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _PAYLOAD)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# a delta's families, each item named as the addon keys it
_ITEM_NAMES = {
    "orders": lambda item: item["order_id"],
    "productions": lambda item: item["production_id"],
    "suggestions": lambda item: item["key"],
    "load": lambda item: [item["workcenter_id"], item["date"]],
    "bring_forward": lambda item: item["purchase_line_id"],
}


class AddonStub:
    """``capacity.planner.run.apply_plan`` and ``get_service_settings`` as the addon answers
    them: payloads checked by the addon's reader, one run per key, older runs ignored, a delta
    applied on the run it names (else ignored with ``full_plan_needed``). ``applied`` holds each
    run's whole plan as Odoo then shows it (a delta merged into the plan before it);
    ``received`` what was sent."""

    def __init__(self) -> None:
        self.applied: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self.settings: dict[str, Any] = {"quotations_hold_capacity": False, "horizon_days": 180}
        self.refuse: str | None = None

    def apply_plan(self, payload: dict[str, Any]) -> dict[str, Any]:
        reader = _addon_payload_module()
        try:
            reader.parse_plan(payload)
        except reader.PayloadError as error:
            raise UserError(f"The plan was refused: {error}") from error
        if self.refuse:
            raise UserError(self.refuse)
        self.received.append(payload)
        for number, earlier in enumerate(self.applied, start=1):
            if earlier["run_key"] == payload["run_key"]:
                return {"run_id": number, "ignored": False, "already_applied": True}
        if self.applied and payload["snapshot_at"] < self.applied[-1]["snapshot_at"]:
            return {"run_id": False, "ignored": True, "reason": "older than the last run"}
        base = payload.get("base_run_key")
        if base:
            if not self.applied or self.applied[-1]["run_key"] != base:
                return {"run_id": False, "ignored": True, "full_plan_needed": True,
                        "reason": "not the latest applied run"}
            payload = _merged(self.applied[-1], payload)
        self.applied.append(payload)
        return {"run_id": len(self.applied), "ignored": False}

    def get_service_settings(self) -> dict[str, Any]:
        return dict(self.settings)


def _merged(plan: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """The whole plan after ``delta``: its items replace those of the same name, in place, new
    ones come last, removed ones go; the rest of the run is the delta's."""
    merged = {key: value for key, value in delta.items()
              if key not in ("base_run_key", "removed", "totals")}
    for family, name_of in _ITEM_NAMES.items():
        items = {_hashable(name_of(item)): item for item in plan.get(family) or []}
        for name in (delta.get("removed") or {}).get(family) or []:
            items.pop(_hashable(name), None)
        for item in delta.get(family) or []:
            items[_hashable(name_of(item))] = item
        merged[family] = list(items.values())
    return merged


def _hashable(name: Any) -> Any:
    return tuple(name) if isinstance(name, list) else name


@contextlib.contextmanager
def addon_fake(series: str = "17.0", addon: AddonStub | None = None
               ) -> Iterator[tuple[FakeOdoo, AddonStub]]:
    """A fake Odoo of ``series`` with the recorded demo data and the addon's service methods
    (``addon``'s, when given: one that answers otherwise)."""
    addon = addon or AddonStub()
    with start_fake_odoo(series=series) as server:
        server.register_method("capacity.planner.run", "apply_plan", addon.apply_plan)
        server.register_method("capacity.planner.run", "get_service_settings",
                               addon.get_service_settings)
        yield server, addon


@pytest.fixture
def addon_odoo() -> Iterator[tuple[FakeOdoo, AddonStub]]:
    """A fake Odoo 17 with the recorded demo data and the addon's service methods."""
    with addon_fake() as pair:
        yield pair


@pytest.fixture(params=["17.0", "18.0", "19.0"], ids=["odoo17", "odoo18", "odoo19"])
def addon_odoo_series(request: pytest.FixtureRequest) -> Iterator[tuple[FakeOdoo, AddonStub]]:
    """The same fake Odoo with the addon as 17, 18 and 19 serve it (19 over JSON-2)."""
    with addon_fake(request.param) as pair:
        yield pair


def settings_for(server: FakeOdoo, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "odoo_url": server.url, "odoo_db": server.db, "odoo_login": server.login,
        "odoo_api_key": Secret(TEST_API_KEY), "odoo_timeout": 5.0, "odoo_retries": 2,
        "state_url": f"sqlite:///{tmp_path / 'state.sqlite'}", "token": Secret("test-token"),
        "solver_time_limit": 2.0,
    }
    values.update(overrides)
    return Settings(**values)
