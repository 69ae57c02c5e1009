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


class AddonStub:
    """``capacity.planner.run.apply_plan`` and ``get_service_settings`` as the addon answers
    them: payloads checked by the addon's reader, one run per key, older runs ignored."""

    def __init__(self) -> None:
        self.applied: list[dict[str, Any]] = []
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
        for number, earlier in enumerate(self.applied, start=1):
            if earlier["run_key"] == payload["run_key"]:
                return {"run_id": number, "ignored": False, "already_applied": True}
        if self.applied and payload["snapshot_at"] < self.applied[-1]["snapshot_at"]:
            return {"run_id": False, "ignored": True, "reason": "older than the last run"}
        self.applied.append(payload)
        return {"run_id": len(self.applied), "ignored": False}

    def get_service_settings(self) -> dict[str, Any]:
        return dict(self.settings)


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
